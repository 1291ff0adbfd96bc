"""Reading a school calendar from iCalendar (.ics); the convention is in spedrules.core.calendar."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import icalendar

from spedrules.core.errors import CalendarError

OFFICE_CLOSED, OFFICE_ONLY = "office-closed", "office-only"  # CATEGORIES (case-insensitive)


def read_ics(path: Path):
    """Return (name, timezone, first days, last days, closures, office-only closures, whether the
    file marks the district office's days) found in an .ics file."""
    from spedrules.core.calendar import FIRST_DAY, LAST_DAY, Closure
    from spedrules.core.files import read_text

    text = read_text(path)  # UTF-8 (RFC 5545), other bytes named with their line
    try:
        cal = icalendar.Calendar.from_ical(text)
    except ValueError as exc:
        reason = str(exc) if len(str(exc)) <= 120 else str(exc)[:117] + "..."
        raise CalendarError(path, None, "a valid iCalendar file", reason) from None
    name = _text(cal.get("X-WR-CALNAME"))
    tz = _text(cal.get("X-WR-TIMEZONE"))
    firsts: list[date] = []
    lasts: list[date] = []
    closures: list[Closure] = []
    office: list[Closure] = []
    marked = False
    for i, event in enumerate(cal.walk("VEVENT")):
        summary = _text(event.get("SUMMARY")) or f"event {i}"
        start = event.decoded("DTSTART", None)
        if start is None or isinstance(start, datetime):
            continue  # timed events (meetings, assemblies) are not closures
        end = event.decoded("DTEND", None)
        last = (end - timedelta(days=1)) if isinstance(end, date) and end > start else start
        if FIRST_DAY.search(summary):
            firsts.append(start)
        elif LAST_DAY.search(summary):
            lasts.append(start)
        else:
            cats = _categories(event)
            marked = marked or bool(cats & {OFFICE_CLOSED, OFFICE_ONLY})
            if OFFICE_ONLY in cats:
                office.append(Closure(summary, start, last, True))
            else:
                closures.append(Closure(summary, start, last, OFFICE_CLOSED in cats))
    closures.sort(key=lambda c: c.start)
    return name, tz, firsts, lasts, closures, office, marked


def _categories(event) -> set[str]:
    """The event's CATEGORIES, lower-case (one property or several, comma-separated)."""
    raw = event.get("CATEGORIES")
    if raw is None:
        return set()
    values = raw if isinstance(raw, list) else [raw]
    found: set[str] = set()
    for value in values:
        cats = getattr(value, "cats", None)
        items = cats if cats is not None else str(value).split(",")
        found.update(str(c).strip().lower() for c in items)
    return found


def _text(value) -> str | None:
    return str(value) if value is not None else None


def write_ics(calendar, path: Path) -> None:
    """Write a calendar as .ics in the same convention (used by tests and exports)."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//spedrules//school calendar//EN")
    cal.add("version", "2.0")
    cal.add("X-WR-CALNAME", calendar.name)
    cal.add("X-WR-TIMEZONE", calendar.timezone)

    def add(summary: str, start: date, last: date, category: str | None = None) -> None:
        event = icalendar.Event()
        event.add("summary", summary)
        event.add("dtstart", start)
        event.add("dtend", last + timedelta(days=1))
        event.add("uid", f"{summary}-{start.isoformat()}@spedrules")
        if category:
            event.add("categories", [category.upper()])
        cal.add_component(event)

    for year in calendar.years:
        add("First Day of School", year.first_day, year.first_day)
        add("Last Day of School", year.last_day, year.last_day)
        for c in year.closures:
            add(c.name, c.start, c.end, OFFICE_CLOSED if c.office_closed else None)
    for c in calendar.office_closures:
        add(c.name, c.start, c.end, OFFICE_ONLY)
    path.write_bytes(cal.to_ical())
