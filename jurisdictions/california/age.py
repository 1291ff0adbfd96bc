"""The age-22 exit rules of NW SELPA Handbook 7.18 (EC 56026(c)(4)): the month
of the 22nd birthday decides when services end. California's fiscal year ends June 30. The rule
itself is ca.age_22_exit in rules/timeline_rules.yaml (unit custom, compute age_22_exit)."""

from __future__ import annotations

from datetime import date

from spedrules.plugin import Count, anniversary, day_name


def age_22_exit(_day: date, born: date, _calendar) -> Count:
    birthday = anniversary(born, years=22).due
    steps = [f"22nd birthday {day_name(birthday)}"]
    if birthday.month <= 6:
        exit_day = date(birthday.year, 6, 30)
        steps.append(
            "born January-June: the student stays until the end of the current fiscal "
            "year, extended school year included (7.18 A)"
        )
    elif birthday.month <= 9:
        exit_day = date(birthday.year, 6, 30)
        steps.append(
            "born July-September: the student may not start the new fiscal year "
            "(7.18 B; a year-round pupil may finish an IEP term that runs into it)"
        )
    else:  # the exception's date, named: a district that ends services early denies them
        exit_day = date(birthday.year, 12, 31)
        fiscal_year_end = date(birthday.year + 1, 6, 30)
        steps.append(
            "born October-December: the student exits on December 31 of the current "
            f"fiscal year (7.18 C), or on {day_name(fiscal_year_end)}, at its end, if the IEP "
            "would be completed then or no individual transition plan was incorporated and "
            "carried out from age 20: confirm which before ending services"
        )
    steps.append(f"services end {day_name(exit_day)}")
    return Count(exit_day, tuple(steps))
