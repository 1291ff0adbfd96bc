"""Deadlines as iCalendar: a case manager subscribes in Outlook or Google Calendar.

Each open or overdue obligation with a due date in a run becomes one event. Its UID is built
from the district, student, rule, trigger (and subject), so a later export updates the same
event instead of adding a duplicate; its SEQUENCE rises each time a sweep moved the due date (the
store counts it), so calendar apps pick the move up; DTSTAMP is when the run finished. What ends
up in a third-party calendar is the minimum: the student's id (never a name or a birth date),
the rule's title, the due date and the citation. Nothing says "N days left" (it would freeze);
an overdue item says so in its summary; a due date on a day school is closed says that too.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import icalendar

from spedrules.core.calendar.counting import day_name

IN_FEED = ("open", "overdue")


def deadlines_ics(
    rows: list[dict[str, Any]],
    run: dict[str, Any],
    calendar=None,
    student: str | None = None,
    role: str | None = None,
    person: str | None = None,
) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//spedrules//deadlines//EN")
    cal.add("version", "2.0")
    cal.add("X-WR-CALNAME", f"spedrules deadlines ({run['district']})")
    stamp = datetime.fromisoformat(run["finished"] or run["started"])
    for row in rows:
        if row["status"] not in IN_FEED or row["due"] is None:
            continue
        if student and row["student"] != student:
            continue
        if role and (row.get("responsible") or "") != role:
            continue
        if person and (row.get("case_manager") or "") != person:
            continue
        cal.add_component(_event(row, run, stamp, calendar))
    return cal.to_ical()


def uid(row: dict[str, Any]) -> str:
    """An obligation about a meeting or incident is that subject's (a rescheduled meeting keeps
    its events; one rule may give several kinds for it), any other is its trigger's."""
    if row.get("subject"):
        what = row["rule"] if row["kind"] == row["rule"] else f"{row['rule']}.{row['kind']}"
        return f"{row['district']}-{row['student']}-{what}-{row['subject']}@spedrules"
    trigger = (row.get("trigger") or {}).get("date", "")
    return f"{row['district']}-{row['student']}-{row['rule']}-{trigger}@spedrules"


def _event(row: dict[str, Any], run: dict[str, Any], stamp: datetime, calendar) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid(row))
    overdue = "OVERDUE: " if row["status"] == "overdue" else ""
    event.add("summary", f"{overdue}{row['student']}: {row['title']}")
    due = str(row["due"])
    if "T" in due:
        moment = datetime.fromisoformat(due)
        event.add("dtstart", moment - timedelta(minutes=30))
        event.add("dtend", moment)
        day = moment.date()
    else:
        day = date.fromisoformat(due)
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
    lines = [
        f"{row['title']} ({row['rule']}), due {due}.",
        f"Status as of {run['as_of']}: {row['status'].replace('_', ' ')}.",
        f"Source: {row['citation']}",
    ]
    note = closed_note(calendar, day)
    if note:
        lines.insert(1, note)
    if row.get("responsible"):
        lines.append(f"Responsible: {row['responsible']}")
    lines.append(f"spedrules run {run['run']} of {run['district']}")
    event.add("description", "\n".join(lines))
    event.add("dtstamp", stamp)
    event.add("sequence", int(row.get("sequence") or 0))
    return event


def closed_note(calendar, day: date) -> str | None:
    """A due date on a weekend, holiday or break is not moved (docs/counting.md), but the
    person who must act needs to know school is closed that day."""
    if calendar is None:
        return None
    try:
        if calendar.is_instructional(day):
            return None
        closure = calendar.closure_on(day)
    except Exception:  # outside the calendar's years: say nothing rather than guess
        return None
    why = closure.name if closure is not None else "no school that day"
    return f"Due {day_name(day)}, a day school is closed ({why}): act before it."
