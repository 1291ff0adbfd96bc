"""Every counting unit with dates worked out by hand.

Riverside (tests/core/data/riverside.yaml, America/Los_Angeles, school day 08:00-14:45):
Veterans Day Wed 2026-11-11, Thanksgiving Break Mon 2026-11-23..Fri 11-27 (5 school days),
Winter Break Mon 2026-12-21..Fri 2027-01-01 (10), MLK Day 2027-01-18, last day Thu 2027-06-10,
next year from Wed 2027-08-18. Gulf Shore (America/New_York, 07:45-14:45): Fall Break Mon
2026-10-19..Tue 10-20, Thanksgiving Break 2026-11-23..27.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import attrs
import pytest

from spedrules.core.calendar import Closure, SchoolCalendar, counting
from spedrules.core.errors import CalendarError

DATA = Path(__file__).parent / "data"
RIV = SchoolCalendar.load(DATA / "riverside.yaml")
GULF = SchoolCalendar.load(DATA / "gulf-shore.yaml")


def with_thanksgiving(start: date, end: date) -> SchoolCalendar:
    """Riverside with a different Thanksgiving Break."""
    year = RIV.years[0]
    closures = tuple(
        Closure(c.name, start, end) if c.name == "Thanksgiving Break" else c for c in year.closures
    )
    return attrs.evolve(RIV, years=(attrs.evolve(year, closures=closures), *RIV.years[1:]))


def test_calendar_days_not_moved_off_weekends():
    # Thu 2026-10-01 + 45: Oct 31 is day 30, Sun Nov 15 is day 45
    count = counting.calendar_days(date(2026, 10, 1), 45)
    assert count.due == date(2026, 11, 15)
    assert (
        count.steps[-1] == "due Sun 2026-11-15 (day 45): calendar days are not moved off "
        "weekends or holidays"
    )


def test_tolled_days_the_handbook_example():
    # consent Fri 2026-10-30 (day 0); Oct 31 day 1 ... Dec 18 day 49 (Thanksgiving's 5 school
    # days count); winter break Sat Dec 19 - Sun Jan 3 holds 10 school days: the clock stops and
    # recommences Mon 2027-01-04 (day 50); day 60 is Thu 2027-01-14.
    count = counting.tolled_days(RIV, date(2026, 10, 30), 60)
    assert count.due == date(2027, 1, 14)
    assert (
        "Thanksgiving Break 2026-11-21 to 2026-11-29 has 5 school days, not more than 5: counted"
        in count.steps
    )
    assert (
        "Winter Break 2026-12-19 to 2027-01-03 has 10 school days, more than 5: clock stops after "
        "Fri 2026-12-18 (day 49) and recommences Mon 2027-01-04 (day 50)" in count.steps
    )
    assert count.steps[-1] == "due Thu 2027-01-14 (day 60)"


def test_a_break_of_six_school_days_is_not_counted():
    # Thanksgiving Fri Nov 20 - Fri Nov 27: the run Fri 20 - Sun 29 holds 6 school days.
    # From Tue 2026-11-10: Nov 11..19 are days 1..9, Nov 20-29 do not count, Mon Nov 30 is day
    # 10, Dec 1..10 are days 11..20 -> Thu 2026-12-10. With the 5-day break: Nov 10 + 20 = Nov 30.
    six = with_thanksgiving(date(2026, 11, 20), date(2026, 11, 27))
    assert counting.tolled_days(six, date(2026, 11, 10), 20).due == date(2026, 12, 10)
    assert counting.tolled_days(RIV, date(2026, 11, 10), 20).due == date(2026, 11, 30)


def test_tolled_days_across_summer():
    # Tue 2027-06-01 + 15: Jun 2..10 are days 1..9; summer does not count; Wed 2027-08-18 is
    # day 10, so day 15 is Mon 2027-08-23.
    count = counting.tolled_days(RIV, date(2027, 6, 1), 15)
    assert count.due == date(2027, 8, 23)
    assert any(
        "days between school years 2026-27 and 2027-28 do not count" in s for s in count.steps
    )


def test_tolled_days_from_a_summer_day():
    # consent Thu 2027-07-01: the clock starts when school reconvenes, Wed 2027-08-18 (day 1);
    # day 10 is Fri 2027-08-27.
    count = counting.tolled_days(RIV, date(2027, 7, 1), 10)
    assert count.due == date(2027, 8, 27)
    assert "the clock starts when school reconvenes, Wed 2027-08-18 (day 1)" in count.steps[1]


def test_school_days_skip_named_closures():
    # Fri 2026-12-18 + 1 school day: winter break, so Mon 2027-01-04
    count = counting.school_days(RIV, date(2026, 12, 18), 1)
    assert count.due == date(2027, 1, 4)
    assert "skipped: Winter Break (2026-12-21 to 2027-01-01)" in count.steps


def test_school_days_from_a_weekend_day():
    # day 0 Sat 2026-11-14: school day 1 is Mon Nov 16, 3 is Wed Nov 18
    assert counting.school_days(RIV, date(2026, 11, 14), 3).due == date(2026, 11, 18)


def test_business_days():
    # Wed 2026-11-18 + 5: Thu 19 (1), Fri 20 (2), Thanksgiving closed, Mon 30 (3), Dec 1 (4),
    # Dec 2 (5) -> Wed 2026-12-02
    assert counting.business_days(RIV, date(2026, 11, 18), 5).due == date(2026, 12, 2)
    # Thu 2027-06-10 (last school day) + 3: summer weekdays count: Fri 11, Mon 14, Tue 15
    assert counting.business_days(RIV, date(2027, 6, 10), 3).due == date(2027, 6, 15)


def test_hours_exact_and_moved_to_reopening():
    release = datetime(2026, 10, 16, 12, 12)  # Fri, Gulf Shore, the day before Fall Break
    plain = counting.hours(GULF, release, 24)
    assert plain.due.isoformat() == "2026-10-17T12:12:00-04:00"
    moved = counting.hours(GULF, release, 24, reopen_rule=True)
    # Sat 17 no school, Sun 18, Fall Break Mon 19 - Tue 20: school reopens Wed 2026-10-21
    assert moved.due.isoformat() == "2026-10-21T14:45:00-04:00"
    assert any("the day school reopens, Wed 2026-10-21" in s for s in moved.steps)
    # Thu 2026-10-15 13:00 + 24 h is Fri 13:00, a school day: not moved
    thursday = counting.hours(GULF, datetime(2026, 10, 15, 13, 0), 24, reopen_rule=True)
    assert thursday.due.isoformat() == "2026-10-16T13:00:00-04:00"


def test_hours_are_exact_across_the_end_of_daylight_saving():
    # Sat 2026-10-31 10:00 EDT + 24 h: clocks fall back on Sun Nov 1, so 09:00 EST
    due = counting.hours(GULF, datetime(2026, 10, 31, 10, 0), 24).due
    assert due.isoformat() == "2026-11-01T09:00:00-05:00"


def test_anniversaries():
    assert counting.anniversary(date(2024, 2, 29), years=1).due == date(2025, 2, 28)
    assert counting.anniversary(date(2024, 2, 29), years=4).due == date(2028, 2, 29)
    assert counting.anniversary(date(2027, 1, 31), months=1).due == date(2027, 2, 28)
    assert counting.anniversary(date(2025, 12, 3), years=1).due == date(2026, 12, 3)
    leap = counting.anniversary(date(2024, 2, 29), years=1)
    assert "February 29 does not exist in 2025" in leap.steps[1]


def test_school_days_in_attendance():
    # Mon 2026-11-16 + 5 attended days, absent Tue 17 and Wed 18: Thu 19 (1), Fri 20 (2),
    # Mon 30 (3), Dec 1 (4), Dec 2 (5) -> Wed 2026-12-02; without absences Mon 2026-11-30.
    absent = [date(2026, 11, 17), date(2026, 11, 18), date(2026, 11, 21)]  # a Saturday too
    count = counting.school_days_in_attendance(RIV, date(2026, 11, 16), 5, absent)
    assert count.due == date(2026, 12, 2)
    assert "absent Tue 2026-11-17: not counted" in count.steps
    assert not any("2026-11-21" in s for s in count.steps)
    assert counting.school_days_in_attendance(RIV, date(2026, 11, 16), 5, []).due == date(
        2026, 11, 30
    )


def test_end_of_school_day_on_a_friday_and_on_a_holiday():
    friday = counting.end_of_school_day(GULF, datetime(2026, 10, 16, 13, 0))
    assert friday.due.isoformat() == "2026-10-16T14:45:00-04:00"
    holiday = counting.end_of_school_day(GULF, date(2026, 10, 19))  # Fall Break
    assert holiday.due.isoformat() == "2026-10-21T14:45:00-04:00"
    assert "Mon 2026-10-19 is not a school day" in holiday.steps[0]


def test_end_of_school_day_after_it_ended_is_the_end_of_that_day_whatever_came_before():
    """Gulf Shore's school day ends 14:45. An incident at 15:30 on a school day is due by the end
    of that day, 23:59:59; one at 13:00 by 14:45. Counts are kept per day, so the answer must
    not depend on which moment of the day was counted first: Fri 2026-10-16 late then early,
    Thu 2026-10-15 early then late."""
    for day, hours in ((16, (15, 13)), (15, (13, 15))):
        found = {h: counting.end_of_school_day(GULF, datetime(2026, 10, day, h, 30)) for h in hours}
        assert found[15].due.isoformat() == f"2026-10-{day}T23:59:59-04:00"
        assert "it happened after the school day ended (14:45)" in found[15].steps[1]
        assert found[13].due.isoformat() == f"2026-10-{day}T14:45:00-04:00"
        assert len(found[13].steps) == 2


def test_within_one_school_day():
    # Fri 2026-10-16 + one school day: Fall Break Mon-Tue, so the end of Wed 2026-10-21
    due = counting.within_school_days(GULF, datetime(2026, 10, 16, 12, 0), 1).due
    assert due.isoformat() == "2026-10-21T14:45:00-04:00"


def test_counting_past_the_calendar_is_an_error():
    with pytest.raises(CalendarError, match="riverside.yaml: years: .*calendar ends 2028-06-08"):
        counting.school_days(RIV, date(2028, 6, 1), 10)
    with pytest.raises(CalendarError):
        counting.tolled_days(RIV, date(2028, 5, 1), 60)
