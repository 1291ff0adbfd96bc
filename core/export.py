"""Deadlines as iCalendar: a case manager subscribes in Outlook or Google Calendar.

Each open obligation due on or after the as-of date becomes one event; its UID is built from the
district, student, rule and trigger, so a later export updates the same event instead of adding a
duplicate. A calendar leaves spedrules for third-party servers, so an event carries the student's
id, the rule's title, its citation and the due date, and nothing else of the record: no name, no
birth date, no explanation steps (they quote dates of the case; `spedrules explain` shows them).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import icalendar

from spedrules.core.errors import InputError


def deadlines_ics(
    rows: list[dict[str, Any]], as_of: date, student: str | None = None, role: str | None = None
) -> bytes:
    _check_filter(rows, "student", "--student", student, as_of)
    _check_filter(rows, "responsible", "--role", role, as_of)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//spedrules//deadlines//EN")
    cal.add("version", "2.0")
    cal.add("X-WR-CALNAME", "spedrules deadlines")
    for row in rows:
        if row["status"] != "open" or row["due_day"] is None or row["due_day"] < as_of:
            continue
        if student and row["student"] != student:
            continue
        if role and (row.get("responsible") or "") != role:
            continue
        cal.add_component(_event(row))
    return cal.to_ical()


def _check_filter(rows, key: str, option: str, wanted: str | None, as_of: date) -> None:
    """A filter that matches no stored obligation is a typo (or a missing sweep), not an empty
    calendar: name the values it could have been."""
    if not wanted:
        return
    known = sorted({str(r.get(key)) for r in rows if r.get(key)})
    if wanted in known:
        return
    if not known:
        listed = f"none as of {as_of}: run `spedrules sweep --as-of {as_of}` first"
    elif len(known) > 20:
        listed = ", ".join(known[:20]) + f", ... ({len(known)} in all)"
    else:
        listed = ", ".join(known)
    what = "student" if key == "student" else "responsible role"
    raise InputError(None, option, f"a {what} of the swept obligations ({listed})", wanted)


def _event(row: dict[str, Any]) -> icalendar.Event:
    trigger = (row.get("trigger") or {}).get("date", "")
    event = icalendar.Event()
    event.add("uid", f"{row['district']}-{row['student']}-{row['rule']}-{trigger}@spedrules")
    event.add("summary", f"{row['student']}: {row['title']}")
    due = row["due"]
    if "T" in str(due):
        moment = datetime.fromisoformat(str(due))
        event.add("dtstart", moment - timedelta(minutes=30))
        event.add("dtend", moment)
    else:
        day = date.fromisoformat(str(due))
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
    event.add("description", f"{row['title']}\n{row['citation']}\nDue {due}")
    event.add("dtstamp", datetime(2000, 1, 1))  # stable output: the content, not the clock
    return event
