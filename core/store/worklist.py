"""The work list: what a compliance lead, a school or a case manager acts on today.

One row per open, overdue or undetermined obligation (or due within N days) of the district's
latest completed run, most urgent first: overdue by the most days, then due soonest, then the
undetermined ones (a date the data cannot decide is work too: load the calendar, record the
event) and the duties the source gives no deadline. Rows follow the store's row contract
(core/store/database.py).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from attrs import frozen

from spedrules.core.errors import InputError
from spedrules.core.store.database import Store

ACTIONABLE = ("overdue", "open", "undetermined")
STATUSES = ("overdue", "open", "undetermined", "late", "met", "not_applicable")


@frozen
class WorkItem:
    district: str
    student: str
    school: str | None
    case_manager: str | None
    responsible: str | None
    kind: str
    rule: str
    title: str
    due: str | None
    status: str
    days: int | None  # due minus as-of: negative when overdue; None without a due date
    citation: str
    run: int
    subject: str | None = None
    delay_reason: str | None = None
    stopped_on: str | None = None  # the exit that stopped an overdue obligation from growing


@frozen
class WorkList:
    district: str
    run: dict[str, Any]
    items: tuple[WorkItem, ...]


def worklist(
    store: Store,
    district_id: str,
    *,
    school: str | None = None,
    role: str | None = None,
    person: str | None = None,
    status: tuple[str, ...] = (),
    due_within: int | None = None,
) -> WorkList:
    """The work list of one district from its latest completed run, filtered. A filter value
    that names nothing in the run (a typo) is an error listing the known values, never an
    empty list that reads as "nothing to do"."""
    run = store.published_run(district_id)
    for value in status:
        if value not in STATUSES:
            raise InputError(None, "--status", f"one of {', '.join(STATUSES)}", value)
    if due_within is not None and due_within < 0:
        raise InputError(None, "--due-within", "a number of days, 0 or more", due_within)
    rows = store.obligation_rows(district_id, run["run"])
    check_filter(rows, "school", school, "--school", "a school of the district")
    check_filter(rows, "responsible", role, "--role", "a responsible role of the district's work")
    check_filter(rows, "case_manager", person, "--person", "a case manager of the district")
    as_of = date.fromisoformat(run["as_of"])
    wanted = set(status or ACTIONABLE)
    items = []
    for r in rows:
        if r["status"] not in wanted:
            continue
        if school is not None and r["school"] != school:
            continue
        if role is not None and r["responsible"] != role:
            continue
        if person is not None and r["case_manager"] != person:
            continue
        # an exit stops an overdue obligation from growing: its days count to the exit
        until = min(as_of, r["stopped_on"]) if r["stopped_on"] else as_of
        days = (r["due_day"] - until).days if r["due_day"] else None
        if due_within is not None and (days is None or days > due_within):
            continue
        items.append(
            WorkItem(
                district=district_id,
                student=r["student"],
                school=r["school"],
                case_manager=r["case_manager"],
                responsible=r["responsible"],
                kind=r["kind"],
                rule=r["rule"],
                title=r["title"],
                due=r["due"],
                status=r["status"],
                days=days,
                citation=r["citation"],
                run=run["run"],
                subject=r["subject"],
                delay_reason=r["delay_reason"],
                stopped_on=r["stopped_on"].isoformat() if r["stopped_on"] else None,
            )
        )
    items.sort(key=_urgency)
    return WorkList(district_id, run, tuple(items))


def _urgency(item: WorkItem):
    """Overdue (most days first), then open by due date, then undetermined, then no deadline."""
    rank = {"overdue": 0, "open": 1, "undetermined": 2}.get(item.status, 3)
    if item.days is None:
        rank = max(rank, 2) + (1 if item.status != "undetermined" else 0)
    return (rank, item.days if item.days is not None else 0, item.student, item.rule)


def check_filter(rows, key: str, value: str | None, option: str, what: str) -> None:
    """A filter value that names nothing in the run is an error listing the known ones."""
    if value is None:
        return
    known = sorted({r[key] for r in rows if r[key]})
    if value not in known:
        listed = ", ".join(known[:20]) + (", ..." if len(known) > 20 else "")
        raise InputError(None, option, f"{what} ({listed or 'none in this run'})", value)
