"""Properties of calendar arithmetic, checked by hypothesis on random calendars and dates."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spedrules.core.calendar import Closure, SchoolCalendar, SchoolYear, counting, to_day64
from spedrules.core.errors import CalendarError
from spedrules.core.store.ics import write_ics

FIRST = date(2026, 8, 19)


@st.composite
def calendars(draw) -> SchoolCalendar:
    """Two school years with random closures (single days and breaks of 1-15 days)."""
    years = []
    for offset, name in ((0, "2026-27"), (364, "2027-28")):
        first = FIRST + timedelta(days=offset)
        last = first + timedelta(days=295)
        closures = []
        cursor = first + timedelta(days=draw(st.integers(1, 20)))
        while cursor < last - timedelta(days=20):
            length = draw(st.integers(1, 15))
            end = cursor + timedelta(days=length - 1)
            closures.append(Closure(f"break {len(closures)}", cursor, end))
            cursor = end + timedelta(days=draw(st.integers(2, 40)))
        years.append(SchoolYear(name, first, last, tuple(closures)))
    return SchoolCalendar.build("random", "America/Los_Angeles", *_hours(), (0, 1, 2, 3, 4), years)


def _hours():
    from datetime import time

    return time(8, 0), time(15, 0)


def starts(cal: SchoolCalendar):
    first, _ = cal.coverage
    return st.integers(0, 400).map(lambda k: first + timedelta(days=k))


def count_between(days: np.ndarray, start: date, end: date) -> int:
    """How many of ``days`` lie in (start, end]."""
    return int(((days > to_day64(start)) & (days <= to_day64(end))).sum())


common = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@common
@given(data=st.data(), n=st.integers(1, 60))
def test_school_days_land_on_a_school_day_and_count_back_to_n(data, n):
    cal = data.draw(calendars())
    start = data.draw(starts(cal))
    due = counting.school_days(cal, start, n).due
    assert cal.is_instructional(due)
    assert count_between(cal.instructional_days, start, due) == n


@common
@given(data=st.data(), n=st.integers(1, 60))
def test_school_days_agree_with_numpy_busday_offset(data, n):
    cal = data.draw(calendars())
    start = data.draw(starts(cal))
    first, last = cal.coverage
    span = np.arange(to_day64(first - timedelta(days=30)), to_day64(last) + 1)
    weekdays = span[np.is_busday(span)]
    holidays = weekdays[~np.isin(weekdays, cal.instructional_days)]  # closures and summer
    expected = np.busday_offset(to_day64(start), n, roll="backward", holidays=holidays)
    assert to_day64(counting.school_days(cal, start, n).due) == expected


@common
@given(data=st.data(), n=st.integers(1, 60), before=st.integers(1, 400))
def test_a_start_before_the_calendar_is_never_counted(data, n, before):
    # the year before the calendar is unknown (its sessions, breaks, last day): no guessing
    cal = data.draw(calendars())
    start = cal.coverage[0] - timedelta(days=before)
    for unit in (counting.school_days, counting.tolled_days, counting.calendar_days_in_session):
        with pytest.raises(CalendarError, match="a school year covering"):
            unit(cal, start, n)
    with pytest.raises(CalendarError):
        counting.school_days_array(cal, np.array([start], dtype="datetime64[D]"), n)


@common
@given(data=st.data(), n=st.integers(1, 60), later=st.integers(0, 30))
def test_a_later_start_never_gives_an_earlier_due_date(data, n, later):
    cal = data.draw(calendars())
    start = data.draw(starts(cal))
    for unit in (counting.school_days, counting.tolled_days):
        assert unit(cal, start, n).due <= unit(cal, start + timedelta(days=later), n).due


@common
@given(data=st.data(), n=st.integers(1, 60), k=st.integers(0, 10))
def test_tolling_never_shortens_a_deadline(data, n, k):
    cal = data.draw(calendars())
    start = data.draw(starts(cal))
    tolled = counting.tolled_days(cal, start, n, max_vacation_school_days=k)
    assert tolled.due >= counting.calendar_days(start, n).due
    # and a larger threshold skips fewer days, so it never gives a later date
    assert counting.tolled_days(cal, start, n, max_vacation_school_days=k + 1).due <= tolled.due


@common
@given(data=st.data(), n=st.integers(1, 60))
def test_vectorised_forms_equal_the_scalar_forms(data, n):
    cal = data.draw(calendars())
    days = [data.draw(starts(cal)) for _ in range(5)]
    arr = np.array(days, dtype="datetime64[D]")
    assert list(counting.school_days_array(cal, arr, n)) == [
        to_day64(counting.school_days(cal, d, n).due) for d in days
    ]
    assert list(counting.tolled_days_array(cal, arr, n)) == [
        to_day64(counting.tolled_days(cal, d, n).due) for d in days
    ]


@settings(max_examples=25, deadline=None)
@given(data=st.data(), n=st.integers(1, 60))
def test_yaml_and_ics_calendars_give_the_same_results(tmp_path_factory, data, n):
    built = data.draw(calendars())
    folder = tmp_path_factory.mktemp("cal")
    (folder / "cal.yaml").write_text(yaml.safe_dump(as_yaml(built)))
    write_ics(built, folder / "cal.ics")
    from_yaml = SchoolCalendar.load(folder / "cal.yaml")
    from_ics = SchoolCalendar.load(folder / "cal.ics")
    start = data.draw(starts(built))
    for unit in (counting.school_days, counting.tolled_days):
        assert unit(from_yaml, start, n).due == unit(from_ics, start, n).due


def as_yaml(cal: SchoolCalendar) -> dict:
    return {
        "name": cal.name,
        "timezone": cal.timezone,
        "school_day": {"start": "08:00", "end": "15:00"},
        "years": [
            {
                "name": y.name,
                "first_day": y.first_day.isoformat(),
                "last_day": y.last_day.isoformat(),
                "closures": [
                    {"name": c.name, "start": c.start.isoformat(), "end": c.end.isoformat()}
                    for c in y.closures
                ],
            }
            for y in cal.years
        ],
    }


@given(st.dates())
def test_a_day_number_is_numpys_reading_of_the_date(day):
    """to_day64 converts a date by its day number (faster than numpy's own reading)."""
    assert to_day64(day) == np.datetime64(day, "D")
    assert to_day64(day).dtype == np.dtype("datetime64[D]")
