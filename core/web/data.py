"""The one place the web layer reads the store: districts, stored cases, the latest sweep's
obligations, work lists, runs. When the store's API changes (sweep runs, work lists), this module
changes and the routes and pages do not.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from spedrules.core.api import District
from spedrules.core.errors import InputError
from spedrules.core.store import ObligationRow, Store, StudentRow
from spedrules.core.web.results import Run, WorkItem

OPEN_STATUSES = ("overdue", "open", "undetermined")  # what a work list shows by default
URGENCY = {"overdue": 0, "open": 1, "undetermined": 2}


def district(store: Store, district_id: str) -> District | None:
    """The stored district rebuilt from the store, or None when there is no such district."""
    from spedrules.core.sweep import district_from_store

    if store.district(district_id) is None:
        return None
    try:
        return district_from_store(store.url, district_id)
    except InputError:
        return None


def district_name(store: Store, district_id: str) -> str:
    row = store.district(district_id)
    return row.name if row else district_id


def latest_as_of(store: Store, district_id: str) -> date | None:
    """The as-of date of the district's latest stored sweep (None before the first)."""
    with store.sessions() as s:
        return s.scalar(
            select(func.max(ObligationRow.as_of))
            .join(StudentRow, StudentRow.pk == ObligationRow.student_pk)
            .where(StudentRow.district_id == district_id)
        )


def obligations(store: Store, district_id: str) -> tuple[date | None, list[dict[str, Any]]]:
    """The latest sweep's stored obligations of one district (mappings, as the store gives)."""
    day = latest_as_of(store, district_id)
    if day is None:
        return None, []
    return day, store.obligations(day, district_id)


def runs(store: Store, district_id: str) -> list[Run]:
    """The district's sweeps, newest first. The store on this branch keeps obligations per
    as-of date without run records, so each date is reported with status ``stored``."""
    with store.sessions() as s:
        rows = s.execute(
            select(
                ObligationRow.as_of,
                func.count(ObligationRow.pk),
                func.count(func.distinct(ObligationRow.student_pk)),
            )
            .join(StudentRow, StudentRow.pk == ObligationRow.student_pk)
            .where(StudentRow.district_id == district_id)
            .group_by(ObligationRow.as_of)
            .order_by(ObligationRow.as_of.desc())
        ).all()
    return [
        Run(id=None, district=district_id, as_of=day, status="stored", obligations=n, students=k)
        for day, n, k in rows
    ]


def student_profiles(store: Store, district_id: str) -> dict[str, dict[str, Any]]:
    with store.sessions() as s:
        return {
            sid: data
            for sid, data in s.execute(
                select(StudentRow.student_id, StudentRow.data).where(
                    StudentRow.district_id == district_id
                )
            )
        }


def student_case(store: Store, district_id: str, student_id: str) -> dict[str, Any] | None:
    """One stored student's case mapping (as in a case file), or None."""
    with store.sessions() as s:
        pk = s.scalar(
            select(StudentRow.pk).where(
                StudentRow.district_id == district_id, StudentRow.student_id == student_id
            )
        )
    if pk is None:
        return None
    for _, case in store.cases(district_id, pk, pk + 1):
        return case
    return None


def worklist(
    store: Store,
    district_id: str,
    *,
    school: str | None = None,
    role: str | None = None,
    person: str | None = None,
    status: str | None = None,
    due_within: int | None = None,
) -> tuple[date | None, list[WorkItem], list[dict[str, Any]]]:
    """Open, overdue and undetermined obligations of the latest sweep, most urgent first,
    with the filters of ``spedrules worklist``; also returns the rows used (for the stamp)."""
    day, rows = obligations(store, district_id)
    if day is None:
        return None, [], []
    profiles = student_profiles(store, district_id)
    wanted = (status,) if status else OPEN_STATUSES
    items, used = [], []
    for r in rows:
        manager = (profiles.get(r["student"]) or {}).get("case_manager")
        if r["status"] not in wanted:
            continue
        if school and (r.get("school") or "unassigned") != school:  # as the dashboard counts
            continue
        if role and (r.get("responsible") or "") != role:
            continue
        if person and (manager or "") != person:
            continue
        due_day = r.get("due_day")
        days = (due_day - day).days if due_day else None
        if due_within is not None and (days is None or days > due_within):
            continue
        items.append(
            WorkItem(
                district=district_id,
                student=r["student"],
                school=r.get("school"),
                case_manager=manager,
                responsible=r.get("responsible"),
                kind=r["kind"],
                rule=r["rule"],
                title=r["title"],
                due=_due(r["due"]),
                status=r["status"],
                days=days,
                citation=r["citation"],
                run=None,
                subject=r.get("subject"),
            )
        )
        used.append(r)
    items.sort(key=_urgency)
    return day, items, used


def _urgency(item: WorkItem) -> tuple:
    return (
        URGENCY.get(item.status, 3),
        item.days if item.days is not None else 10**6,
        item.student,
        item.rule,
    )


def _due(value: Any) -> Any:
    from datetime import datetime

    if not isinstance(value, str):
        return value
    return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)


def dashboard(store: Store, district_id: str) -> tuple[date | None, dict[str, Any], list[dict]]:
    """The compliance dashboard of the latest sweep (core.sweep.dashboard), the status counts
    and the rows it was computed from."""
    from spedrules.core.sweep import dashboard as board
    from spedrules.core.sweep import program_duties

    day, rows = obligations(store, district_id)
    if day is None:
        return None, {}, []
    summary = board(rows, day, program_duties(store, day, district_id))
    summary["by_status"] = dict(Counter(r["status"] for r in rows))
    summary["due_in_30_days"] = sum(
        1
        for r in rows
        if r["status"] == "open" and r["due_day"] and r["due_day"] <= day + timedelta(days=30)
    )
    return day, summary, rows


def import_cases(store: Store, district_id: str, cases: list[dict[str, Any]], who: str) -> int:
    return store.add_cases(district_id, cases, who=who)
