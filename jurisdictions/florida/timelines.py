"""Florida timelines (rules/timeline_rules.yaml): the initial evaluation of Rule 6A-6.0331 F.A.C.
in its two versions, and the exit date the district's ages-served option decides (SP&P Part I,
B.1), computed here.

Rule 6A-6.0331 versions (text from secondary sources; subsection numbers as they cite them):
* old: "within a period of time not to exceed sixty (60) school days of which the student is in
  attendance" (6A-6.0331(4)(b), as in force 2008);
* current: 60 calendar days after consent, not counting school holidays and breaks
  (Thanksgiving, winter, spring) and summer vacation; when the student is absent more than 8
  school days in that period, the further absences are not counted (6A-6.0331(3)(g)).
The amendment was noticed on 2014-10-15 (Florida Administrative Register) and is applied by the
FDOE technical assistance paper DPS 2015-152 of 2015-11-20; its exact effective date is not
verified, so a consent between those dates is reported as undetermined rather than guessed.
"""

from __future__ import annotations

from datetime import date
from functools import partial

from attrs import evolve

from spedrules.plugin import CalendarError, Count, TimelineRule, anniversary, day_name


def fape_end_policy(rule: TimelineRule, options: dict) -> TimelineRule:
    """fl.fape_end counts with the district's ages-served policy (florida.fape_end_age_policy)."""
    policy = options["florida.fape_end_age_policy"]
    return evolve(rule, compute=partial(_fape_end, policy))


def _fape_end(policy: str, _day: date, born: date, calendar) -> Count:
    birthday = anniversary(born, years=22).due
    steps = [f"22nd birthday {day_name(birthday)}; district option {policy}"]
    if policy == "day_turns_22":
        return Count(birthday, (*steps, f"services end {day_name(birthday)}"))
    if policy == "end_of_semester":
        raise CalendarError(
            getattr(calendar, "source", None),
            "semesters",
            "semester dates in the calendar (the format has none yet)",
        )
    year = calendar.year_of(birthday) if calendar else None
    if year is None or anniversary(born, years=21).due > year.first_day:
        raise CalendarError(
            getattr(calendar, "source", None),
            "years",
            f"a school year on whose first day the student was 21 and in "
            f"which the 22nd birthday ({birthday}) falls",
        )
    steps.append(
        f"21 on the first instructional day of {year.name}: services continue "
        f"through its last instructional day"
    )
    return Count(year.last_day, (*steps, f"services end {day_name(year.last_day)}"))
