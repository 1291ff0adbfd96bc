"""Loading school calendars (YAML and .ics) and the errors a bad calendar gets."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from spedrules.core.calendar import SchoolCalendar
from spedrules.core.errors import CalendarError
from spedrules.core.store.ics import write_ics

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def riverside():
    return SchoolCalendar.load(DATA / "riverside.yaml")


def test_yaml_calendar(riverside):
    assert riverside.coverage == (date(2026, 8, 19), date(2028, 6, 8))
    assert [y.name for y in riverside.years] == ["2026-27", "2027-28"]
    assert riverside.is_instructional(date(2026, 11, 20))  # a Friday
    assert not riverside.is_instructional(date(2026, 11, 21))  # Saturday
    assert not riverside.is_instructional(date(2026, 11, 25))  # Thanksgiving Break
    assert riverside.closure_on(date(2026, 12, 24)).name == "Winter Break"
    assert riverside.year_of(date(2027, 7, 1)) is None  # summer
    assert riverside.school_day_end_at(date(2026, 11, 20)).isoformat() == (
        "2026-11-20T14:45:00-08:00"
    )
    # every instructional day is a weekday, inside a school year and outside every closure
    days = [d.astype(date) for d in riverside.instructional_days]
    assert all(
        d.weekday() < 5 and riverside.year_of(d) and not riverside.closure_on(d) for d in days
    )


def test_ics_round_trip_gives_the_same_days(riverside, tmp_path):
    write_ics(riverside, tmp_path / "r.ics")
    again = SchoolCalendar.load(tmp_path / "r.ics")
    assert again.timezone == riverside.timezone
    assert (again.instructional_days == riverside.instructional_days).all()
    assert [c.name for c in again.closures] == [c.name for c in riverside.closures]


def test_ics_with_explicit_first_and_last_day(tmp_path):
    (tmp_path / "h.ics").write_text(
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:test\nX-WR-TIMEZONE:America/Chicago\n"
        "BEGIN:VEVENT\nUID:1\nSUMMARY:Labor Day\nDTSTART;VALUE=DATE:20260907\nEND:VEVENT\n"
        "BEGIN:VEVENT\nUID:2\nSUMMARY:Fall Break\nDTSTART;VALUE=DATE:20261012\n"
        "DTEND;VALUE=DATE:20261015\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    cal = SchoolCalendar.from_ics(
        tmp_path / "h.ics", first_day=date(2026, 8, 20), last_day=date(2027, 5, 28)
    )
    # DTEND is exclusive: Fall Break is Mon 12 to Wed 14 October
    assert cal.closure_on(date(2026, 10, 14)).name == "Fall Break"
    assert cal.is_instructional(date(2026, 10, 15))
    assert cal.name == "h" and cal.timezone == "America/Chicago"


GOOD = {
    "name": "T",
    "timezone": "America/Los_Angeles",
    "school_day": {"start": "08:00", "end": "15:00"},
    "years": [
        {
            "name": "2026-27",
            "first_day": "2026-08-19",
            "last_day": "2027-06-10",
            "closures": [{"name": "Winter Break", "start": "2026-12-21", "end": "2027-01-01"}],
        }
    ],
}


def bad(**changes):
    import copy

    data = copy.deepcopy(GOOD)
    for path, value in changes.items():
        target = data
        keys = path.split("__")
        for k in keys[:-1]:
            target = target[int(k)] if k.isdigit() else target[k]
        last = keys[-1]
        target[int(last) if last.isdigit() else last] = value
    return data


@pytest.mark.parametrize(
    "data, field, expected",
    [
        (bad(timezone="Mars/Base"), "timezone", "IANA timezone"),
        (bad(timezone=None), "timezone", "IANA timezone"),
        (bad(years=[]), "years", "a non-empty list"),
        (bad(years__0__last_day="2026-08-01"), "years[0].last_day", "on or after first_day"),
        (bad(years__0__first_day="2026-02-30"), "years[0].first_day", "a date YYYY-MM-DD"),
        (bad(years__0__closures__0__end="2026-12-01"), "years[0].closures[0].end", "on or after"),
        (
            bad(years__0__closures__0__start="2027-07-01", years__0__closures__0__end="2027-07-04"),
            "years[0].closures[0]",
            "inside the school year",
        ),
        (
            bad(years__0__closures__0={"start": "2026-12-21"}),
            "years[0].closures[0]",
            "{name, date}",
        ),
        (bad(weekdays=["mon", "funday"]), "weekdays[1]", "one of mon"),
        (bad(school_day={"start": "15:00", "end": "08:00"}), "school_day.end", "after the start"),
        (bad(school_day={"start": "8am", "end": "15:00"}), "school_day.start", "HH:MM"),
        (bad(holidays=[]), "holidays", "one of name"),
    ],
)
def test_bad_calendar(data, field, expected):
    with pytest.raises(CalendarError) as err:
        SchoolCalendar.from_dict(data, "oakview.yaml")
    assert f"oakview.yaml: {field}: expected" in str(err.value)
    assert expected in str(err.value)


def test_overlapping_years():
    data = bad()
    data["years"].append({"name": "2027-28", "first_day": "2027-06-01", "last_day": "2028-06-01"})
    with pytest.raises(CalendarError, match=r"years\[1\].first_day: .*years overlap"):
        SchoolCalendar.from_dict(data, "oakview.yaml")


def test_ics_without_school_year_bounds(tmp_path):
    (tmp_path / "x.ics").write_text(
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:t\nX-WR-TIMEZONE:America/Chicago\n"
        "BEGIN:VEVENT\nUID:1\nSUMMARY:Labor Day\nDTSTART;VALUE=DATE:20260907\nEND:VEVENT\n"
        "END:VCALENDAR\n"
    )
    with pytest.raises(CalendarError, match="x.ics: VEVENT: expected matching 'First Day"):
        SchoolCalendar.load(tmp_path / "x.ics")


def test_empty_calendar_file(tmp_path):
    (tmp_path / "e.yaml").write_text("")
    with pytest.raises(CalendarError.__bases__[0], match="e.yaml: expected a calendar"):
        SchoolCalendar.load(tmp_path / "e.yaml")
