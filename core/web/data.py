"""The one place the web layer reads the store: districts, stored cases, the latest completed
run's obligations, work lists, runs. When the store's API changes, this module changes and the
routes and pages do not.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from spedrules.core.api import District
from spedrules.core.errors import InputError
from spedrules.core.store import ImportSummary, Store
from spedrules.core.web.results import Run, RunError, WorkItem

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


def latest_run(store: Store, district_id: str) -> dict[str, Any] | None:
    """The district's latest *completed* run (readers never see a failed or running one)."""
    return store.latest_run(district_id)


def latest_as_of(store: Store, district_id: str) -> date | None:
    run = latest_run(store, district_id)
    return date.fromisoformat(run["as_of"]) if run else None


def _run(run: dict[str, Any], errors: list[dict[str, Any]] = ()) -> Run:
    def moment(value: str | None) -> datetime | None:
        """The store keeps UTC moments without an offset; the API says they are UTC."""
        if not value:
            return None
        parsed = datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)

    return Run(
        id=run["run"],
        district=run["district"],
        as_of=date.fromisoformat(run["as_of"]),
        status=run["status"],
        started=moment(run["started"]),
        finished=moment(run["finished"]),
        actor=run.get("actor"),
        counts=dict(run.get("counts") or {}),
        warnings=tuple(run.get("warnings") or ()),
        note=run.get("note"),
        errors=tuple(RunError(e["student"], e["where"], e["message"]) for e in errors),
    )


def runs(store: Store, district_id: str) -> list[Run]:
    """Every run of the district, newest first, each with the students it could not evaluate."""
    return [_run(r, store.run_errors(r["run"])) for r in store.runs(district_id)]


def run_of(store: Store, district_id: str) -> Run | None:
    run = latest_run(store, district_id)
    return _run(run, store.run_errors(run["run"])) if run else None


def student_case(store: Store, district_id: str, student_id: str) -> dict[str, Any] | None:
    """One stored student's case mapping (as in a case file), or None."""
    return store.case(district_id, student_id)


def student_evaluation(store: Store, district: District, student_id: str):
    """The student's obligations with explanations, from the stored case as of the latest
    completed run (with a warning when the rules changed since), or as of today before any."""
    from spedrules.core import api
    from spedrules.core.sweep import stored_evaluation

    district_id = district.config.id
    run = latest_run(store, district_id)
    if run is not None:
        return stored_evaluation(store, district_id, student_id, run), run
    case = store.case(district_id, student_id)
    return api.evaluate(district, api.as_case(case, district)), None


def worklist(
    store: Store,
    district_id: str,
    *,
    school: str | None = None,
    role: str | None = None,
    person: str | None = None,
    status: str | None = None,
    due_within: int | None = None,
) -> tuple[dict[str, Any] | None, list[WorkItem], list[dict[str, Any]]]:
    """Open, overdue and undetermined obligations of the latest completed run, most urgent
    first, with the filters of ``spedrules worklist``; also returns the run and the rows used."""
    run = latest_run(store, district_id)
    if run is None:
        return None, [], []
    day = date.fromisoformat(run["as_of"])
    wanted = (status,) if status else OPEN_STATUSES
    items, used = [], []
    for r in store.obligation_rows(district_id, run["run"]):
        if r["status"] not in wanted:
            continue
        if school and (r["school"] or "unassigned") != school:  # as the dashboard counts
            continue
        if role and (r["responsible"] or "") != role:
            continue
        if person and (r["case_manager"] or "") != person:
            continue
        days = (r["due_day"] - day).days if r["due_day"] else None
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
                due=_due(r["due"]),
                status=r["status"],
                days=days,
                citation=r["citation"],
                run=run["run"],
                subject=r["subject"],
            )
        )
        used.append(r)
    items.sort(key=_urgency)
    return run, items, used


def _urgency(item: WorkItem) -> tuple:
    days = item.days if item.days is not None else 10**6
    return (URGENCY.get(item.status, 3), days, item.student, item.rule)


def _due(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)


def dashboard(store: Store, district_id: str) -> dict[str, Any] | None:
    """The compliance dashboard of the latest completed run (core.sweep.dashboard), or None
    before the first."""
    from spedrules.core.sweep import dashboard as board

    if latest_run(store, district_id) is None:
        return None
    return board(store, district_id)


def import_cases(
    store: Store, district_id: str, cases: list[dict[str, Any]], who: str
) -> ImportSummary:
    return store.add_cases(district_id, cases, who=who)
