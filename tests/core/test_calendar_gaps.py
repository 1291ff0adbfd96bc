"""A school year missing from a calendar (2026-27 then 2028-29) is a gap, never a 14-month
summer: a count that crosses or touches it is undetermined and names it (issue 12, item 2)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from spedrules.core.calendar import Closure, CoverageError, SchoolCalendar, SchoolYear, counting
from spedrules.core.engine.timeline import _after_next_year_start

FIRST = date(2026, 8, 19)


def _calendar(years) -> SchoolCalendar:
    return SchoolCalendar.build(
        "gappy", "America/Los_Angeles", time(8, 0), time(15, 0), (0, 1, 2, 3, 4), years, "g.yaml"
    )


@st.composite
def three_years(draw) -> list[SchoolYear]:
    years = []
    for i, name in enumerate(("2026-27", "2027-28", "2028-29")):
        first = FIRST + timedelta(days=364 * i + draw(st.integers(-7, 7)))
        last = first + timedelta(days=draw(st.integers(270, 300)))
        closures = []
        cursor = first + timedelta(days=draw(st.integers(1, 20)))
        while cursor < last - timedelta(days=20):
            length = draw(st.integers(1, 12))
            closures.append(
                Closure(f"break {i}.{len(closures)}", cursor, cursor + timedelta(length - 1))
            )
            cursor += timedelta(days=length + draw(st.integers(2, 40)))
        years.append(SchoolYear(name, first, last, tuple(closures)))
    return years


UNITS = {
    "school days": lambda cal, d, n: counting.school_days(cal, d, n).due,
    "business days": lambda cal, d, n: counting.business_days(cal, d, n).due,
    "tolled days": lambda cal, d, n: counting.tolled_days(cal, d, n).due,
    "days in session": lambda cal, d, n: counting.calendar_days_in_session(cal, d, n).due,
    "days in attendance": lambda cal, d, n: counting.school_days_in_attendance(cal, d, n, []).due,
    "within school days": lambda cal, d, n: counting.within_school_days(cal, d, n).due.date(),
    "hours": lambda cal, d, n: counting.hours(
        cal, datetime.combine(d, time(10, 0), tzinfo=cal.tz), n * 6, reopen_rule=True
    ).due.date(),
}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    years=three_years(),
    k=st.integers(0, 1050),
    n=st.integers(1, 70),
    unit=st.sampled_from(sorted(UNITS)),
)
def test_a_count_touching_a_missing_year_is_undetermined_and_names_it(years, k, n, unit):
    # the whole calendar decides every count; without its middle year, a count that stays
    # within the first or the last year gives the same date, and any other names the gap
    full, gappy = _calendar(years), _calendar([years[0], years[2]])
    a, b = years[0], years[2]
    start = a.first_day + timedelta(days=k)
    count = UNITS[unit]
    try:
        expected = count(full, start, n)
    except CoverageError:
        assume(False)  # past the end of the whole calendar: not this property
    # an hours count reads the calendar only where it lands (the reopen rule), not between
    counted_from = start + timedelta(hours=10 + 6 * n) if unit == "hours" else start
    touches = counted_from < b.first_day and expected > a.last_day
    if not touches:
        assert count(gappy, start, n) == expected
        return
    with pytest.raises(CoverageError) as err:
        count(gappy, start, n)
    assert (
        f"the calendar lacks a school year between {a.last_day.isoformat()} (last day of "
        f"2026-27) and {b.first_day.isoformat()} (first day of 2028-29)" in err.value.reason
    )


@settings(max_examples=40, deadline=None)
@given(years=three_years(), k=st.integers(0, 300), n=st.integers(1, 70))
def test_the_vectorised_counts_refuse_a_gap_too(years, k, n):
    gappy = _calendar([years[0], years[2]])
    start = years[0].first_day + timedelta(days=k)
    arr = np.array([start], dtype="datetime64[D]")
    try:
        scalar = counting.school_days(gappy, start, n).due
    except CoverageError:
        with pytest.raises(CoverageError, match="lacks a school year between"):
            counting.school_days_array(gappy, arr, n)
        return
    assert counting.school_days_array(gappy, arr, n)[0] == np.datetime64(scalar)


def test_a_normal_summer_is_not_a_gap_and_fourteen_months_is():
    y1 = SchoolYear("2026-27", date(2026, 8, 19), date(2027, 6, 3))
    y2 = SchoolYear("2027-28", date(2027, 8, 18), date(2028, 6, 8))
    y3 = SchoolYear("2028-29", date(2028, 8, 15), date(2029, 6, 7))
    assert _calendar([y1, y2, y3]).gaps == ()
    assert _calendar([y1, y3]).gaps == ((y1, y3),)


def test_a_tolled_count_across_the_missing_year_names_it():
    # 60 tolled days from Mon 2027-05-03: May 4..Jun 3 are 31 counted days; the rest would fall
    # in 2027-28, which the calendar lacks (2026-27 is followed by 2028-29): undetermined.
    y1 = SchoolYear("2026-27", date(2026, 8, 19), date(2027, 6, 3))
    y3 = SchoolYear("2028-29", date(2028, 8, 15), date(2029, 6, 7))
    cal = _calendar([y1, y3])
    with pytest.raises(CoverageError) as err:
        counting.tolled_days(cal, date(2027, 5, 3), 60)
    assert err.value.reason.startswith(
        "the calendar lacks a school year between 2027-06-03 (last day of 2026-27) and "
        "2028-08-15 (first day of 2028-29)"
    )
    assert str(err.value).startswith("g.yaml: years: the calendar lacks a school year")
    # 20 days from the same day stay in 2026-27: counted (May 23 is a Sunday)
    assert counting.tolled_days(cal, date(2027, 5, 3), 20).due == date(2027, 5, 23)
    # the next school year after a May referral is 2027-28, not 2028-29
    with pytest.raises(CoverageError, match="lacks a school year between 2027-06-03"):
        _after_next_year_start(cal, date(2027, 5, 28), 10)
