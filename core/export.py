"""Deadlines as iCalendar: a case manager subscribes in Outlook or Google Calendar.

Each open obligation due on or after the as-of date becomes one event; its UID is built from the
district, student, rule and trigger, so a later export updates the same event instead of adding a
duplicate.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import icalendar


def deadlines_ics(
    rows: list[dict[str, Any]], as_of: date, student: str | None = None, role: str | None = None
) -> bytes:
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
    steps = "\n".join(row.get("explanation", []))
    event.add("description", f"{row['citation']}\n\n{steps}")
    event.add("dtstamp", datetime(2000, 1, 1))  # stable output: the content, not the clock
    return event
