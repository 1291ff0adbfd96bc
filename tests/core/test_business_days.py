"""Business days are the days the district office is open (issue 14, item 6): a calendar that
marks which closures close the office (``office_closed``) and the days only the office closes
(``office_closures``) counts school breaks the office works through; a calendar that marks
nothing keeps the old meaning (every closure skipped). Dates on the Mesa Verde calendar
(examples/mesa-verde-2026-27.yaml): Labor Day Mon 2026-09-07, Winter Break Fri 2026-12-18 ..
Mon 2027-01-04."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import spedrules
from spedrules.core.calendar import SchoolCalendar, counting
from spedrules.core.errors import CalendarError
from spedrules.core.store.ics import write_ics

ROOT = Path(__file__).parents[2]
PLAIN = yaml.safe_load((ROOT / "examples" / "mesa-verde-2026-27.yaml").read_text())


def marked() -> dict:
    """Mesa Verde with its office days: Labor Day closes the office, winter break does not
    (except Dec 24-25 and Jan 1), a staff-training Friday closes only the office."""
    data = copy.deepcopy(PLAIN)
    for c in data["years"][0]["closures"]:
        if c["name"] == "Labor Day":
            c["office_closed"] = True
    data["office_closures"] = [
        {"name": "Christmas", "start": date(2026, 12, 24), "end": date(2026, 12, 25)},
        {"name": "New Year's Day", "date": date(2027, 1, 1)},
        {"name": "Office staff training", "date": date(2026, 10, 9)},
    ]
    return data


@pytest.fixture(scope="module")
def office():
    return SchoolCalendar.from_dict(marked(), "office.yaml")


@pytest.fixture(scope="module")
def plain():
    return SchoolCalendar.from_dict(copy.deepcopy(PLAIN), "plain.yaml")


def test_a_school_break_the_office_works_through_counts(office, plain):
    # request Wed 2026-12-16. Office calendar: Thu 12-17 (1), Fri 12-18 (2, winter break but
    # the office is open), Mon 21 (3), Tue 22 (4), Wed 23 (5).
    count = counting.business_days(office, date(2026, 12, 16), 5)
    assert count.due == date(2026, 12, 23)
    assert (
        "counted: Winter Break (2026-12-18 to 2027-01-04), school closed, district office open"
        in count.steps
    )
    # the calendar that marks nothing: Thu 12-17 (1), the break skipped to Mon 01-04, then Tue
    # 01-05 (2) .. Fri 01-08 (5): today's meaning, unchanged
    old = counting.business_days(plain, date(2026, 12, 16), 5)
    assert old.due == date(2027, 1, 8)
    assert "skipped: Winter Break (2026-12-18 to 2027-01-04)" in old.steps
    assert "every closure is skipped" in old.steps[0]


def test_office_closures_inside_a_break_and_on_a_school_day_are_skipped(office):
    # request Mon 2026-12-21: Tue 22 (1), Wed 23 (2), Christmas Thu 24-Fri 25 closed, Mon 28
    # (3), Tue 29 (4), Wed 30 (5)
    count = counting.business_days(office, date(2026, 12, 21), 5)
    assert count.due == date(2026, 12, 30)
    assert "skipped: Christmas (2026-12-24 to 2026-12-25)" in count.steps
    # request Thu 2026-10-08: the office closes Fri 10-09 (school is open): Mon 12 (1) .. Fri
    # 16 (5); the same Friday is still a school day
    assert counting.business_days(office, date(2026, 10, 8), 5).due == date(2026, 10, 16)
    assert counting.school_days(office, date(2026, 10, 8), 1).due == date(2026, 10, 9)
    # Labor Day is marked office_closed: request Fri 09-04 -> Tue 8 (1) .. Mon 14 (5)
    assert counting.business_days(office, date(2026, 9, 4), 5).due == date(2026, 9, 14)


def test_an_unmarked_closure_of_an_opted_in_calendar_is_an_office_day(office):
    # Veterans Day Wed 2026-11-11 is not marked: the office is open. Request Mon 11-09: Tue 10
    # (1), Wed 11 (2), Thu 12 (3), Fri 13 (4), Mon 16 (5)
    assert counting.business_days(office, date(2026, 11, 9), 5).due == date(2026, 11, 16)


def test_the_records_rule_of_ec_56504_uses_the_office_days(tmp_path):
    # the mesa-verde district, evaluated with its calendar as shipped and with the office marks
    case = {
        "student": {"id": "B-1"},
        "events": [{"type": "records_request_received", "date": "2026-12-16"}],
    }
    shipped = spedrules.evaluate(ROOT / "examples" / "mesa-verde.toml", case, "2026-12-17")
    (ob,) = [o for o in shipped.obligations if o.rule == "ca.records_access"]
    assert ob.due == date(2027, 1, 8)
    (tmp_path / "cal.yaml").write_text(yaml.safe_dump(marked()))
    toml = (ROOT / "examples" / "mesa-verde.toml").read_text()
    toml = toml.replace(
        'calendar = "mesa-verde-2026-27.yaml"', f'calendar = "{tmp_path / "cal.yaml"}"'
    )
    (tmp_path / "district.toml").write_text(toml)
    result = spedrules.evaluate(tmp_path / "district.toml", case, "2026-12-17")
    (ob,) = [o for o in result.obligations if o.rule == "ca.records_access"]
    assert ob.due == date(2026, 12, 23)


def test_office_days_survive_yaml_and_ics(office, tmp_path):
    again = SchoolCalendar.from_dict(office.to_dict(), "again.yaml")
    write_ics(office, tmp_path / "office.ics")
    from_ics = SchoolCalendar.load(tmp_path / "office.ics")
    assert from_ics.office_marked and again.office_marked
    for cal in (again, from_ics):
        assert list(cal.business_days) == list(office.business_days)
        assert [c.name for c in cal.office_closures] == [c.name for c in office.office_closures]


def test_an_ics_file_marks_the_office_with_categories(tmp_path):
    # a summer day with OFFICE-CLOSED closes the office (Fri 2027-07-02 between two years), an
    # OFFICE-ONLY day closes it while school is open; a closure without a category stays open
    def event(summary, day, category=None):
        cat = f"CATEGORIES:{category}\r\n" if category else ""
        return (
            f"BEGIN:VEVENT\r\nUID:{summary}\r\nSUMMARY:{summary}\r\nDTSTART;VALUE=DATE:{day:%Y%m%d}\r\n"
            f"{cat}END:VEVENT\r\n"
        )

    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\nX-WR-TIMEZONE:America/Los_Angeles\r\n"
        + event("First Day of School", date(2026, 8, 19))
        + event("Last Day of School", date(2027, 6, 10))
        + event("First Day of School", date(2027, 8, 18))
        + event("Last Day of School", date(2028, 6, 8))
        + event("Fall Holiday", date(2026, 10, 12))
        + event("Office closed", date(2026, 10, 13), "OFFICE-ONLY")
        + event("Independence Day (observed)", date(2027, 7, 5), "OFFICE-CLOSED")
        + "END:VCALENDAR\r\n"
    )
    (tmp_path / "c.ics").write_text(text)
    cal = SchoolCalendar.load(tmp_path / "c.ics")
    assert cal.office_marked
    assert [c.name for c in cal.office_closures] == ["Office closed", "Independence Day (observed)"]
    assert cal.is_instructional(date(2026, 10, 13)) and not cal.is_instructional(date(2026, 10, 12))
    # request Fri 2026-10-09: Mon 12 (1, school holiday, office open), Tue 13 office closed,
    # Wed 14 (2), Thu 15 (3), Fri 16 (4), Mon 19 (5)
    assert counting.business_days(cal, date(2026, 10, 9), 5).due == date(2026, 10, 19)
    # request Thu 2027-07-01: Fri 02 (1), Mon 05 closed, Tue 06 (2) .. Fri 09 (5)
    assert counting.business_days(cal, date(2027, 7, 1), 5).due == date(2027, 7, 9)


@pytest.mark.parametrize(
    "change, field, expected",
    [
        (
            lambda d: d["years"][0]["closures"][0].update(office_closed="yes"),
            r"years\[0\]\.closures\[0\]\.office_closed",
            "true or false",
        ),
        (
            lambda d: d.update(office_closures=[{"name": "x", "date": date(2027, 7, 1)}]),
            r"office_closures\[0\]",
            "dates the calendar covers",
        ),
        (lambda d: d.update(office_closures={"name": "x"}), "office_closures", "a list"),
    ],
)
def test_bad_office_marks_name_the_field(change, field, expected):
    data = copy.deepcopy(PLAIN)
    change(data)
    with pytest.raises(CalendarError, match=rf"c.yaml: {field}: expected {expected}"):
        SchoolCalendar.from_dict(data, "c.yaml")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    start=st.integers(0, 290),
    n=st.integers(1, 40),
    closed=st.lists(st.integers(0, 290), max_size=8),
)
def test_marking_every_closure_keeps_the_old_count_and_office_closures_only_delay(start, n, closed):
    everything = copy.deepcopy(PLAIN)
    for c in everything["years"][0]["closures"]:
        c["office_closed"] = True
    first = date(2026, 8, 19)
    day = first + timedelta(days=start)
    old = SchoolCalendar.from_dict(copy.deepcopy(PLAIN), "p.yaml")
    same = SchoolCalendar.from_dict(copy.deepcopy(everything), "s.yaml")
    everything["office_closures"] = [
        {"name": f"o{k}", "date": first + timedelta(days=k)} for k in closed
    ]
    more = SchoolCalendar.from_dict(everything, "m.yaml")
    try:
        expected = counting.business_days(old, day, n).due
    except CalendarError:
        return  # past the calendar's end
    assert counting.business_days(same, day, n).due == expected
    try:
        later = counting.business_days(more, day, n).due
    except CalendarError:
        return
    assert later >= expected
    assert not any(c.start <= later <= c.end for c in more.office_closed_days)
