"""The one place the web layer reads the store: districts, stored cases, the latest completed
run's obligations, work lists, runs. When the store's API changes, this module changes and the
routes and pages do not.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from spedrules.core.api import District
from spedrules.core.errors import InputError
from spedrules.core.store.database import ImportSummary, Store
from spedrules.core.store.worklist import WorkItem
from spedrules.core.web.results import Run, RunError

OPEN_STATUSES = ("overdue", "open", "undetermined")  # what a work list shows by default


def district(store: Store, district_id: str) -> District | None:
    """The stored district rebuilt from the store, or None when there is no such district."""
    from spedrules.core.store.sweep import district_from_store

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
    from spedrules.core.store.sweep import stored_evaluation

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
    """The work list of the latest completed run (core.worklist), most urgent first, with the
    run and the stored rows it came from (for the stamp). ``school="unassigned"`` lists the
    students without a school, as the dashboard counts them. A filter naming nothing in the run
    is an InputError listing the known values."""
    from spedrules.core.store.worklist import worklist as build

    run = latest_run(store, district_id)
    if run is None:
        return None, [], []
    unassigned = school == "unassigned" and "unassigned" not in store.status_counts(
        run["run"], "school"
    )
    found = build(
        store,
        district_id,
        school=None if unassigned else school,
        role=role,
        person=person,
        status=(status,) if status else (),
        due_within=due_within,
    )
    items = [i for i in found.items if not unassigned or i.school is None]
    return found.run, items, _dated_rows(store, district_id, run, {i.rule for i in items})


def _dated_rows(store: Store, district_id: str, run: dict[str, Any], rules: set[str]):
    """The stored rows the stamp needs to name each rule's version: one per rule whose only
    version is that one, the rows themselves only for rules with several dated versions (the
    version is the one in force on each trigger day), so a work list is read once."""
    from spedrules.core.store.sweep import district_from_store

    entries = district_from_store(store.url, district_id).ruleset.entries
    dated = {r for r in rules if r in entries and len(entries[r].versions) > 1}
    rows = [{"rule": r} for r in sorted(rules - dated)]
    if dated:
        rows += [r for r in store.obligation_rows(district_id, run["run"]) if r["rule"] in dated]
    return rows


def dashboard(store: Store, district_id: str) -> dict[str, Any] | None:
    """The compliance dashboard of the latest completed run (core.sweep.dashboard), or None
    before the first."""
    from spedrules.core.store.sweep import dashboard as board

    if latest_run(store, district_id) is None:
        return None
    return board(store, district_id)


def import_cases(
    store: Store, district_id: str, cases: list[dict[str, Any]], who: str
) -> ImportSummary:
    return store.add_cases(district_id, cases, who=who)


def restraint_trend(store: Store, district: District, goal: int | None = None):
    """The restraint report (core.restraint_report) of the latest run's school year over the
    district's stored cases, and its months from July to the as-of month, zeros included."""
    run = latest_run(store, district.config.id)
    if run is None:
        return None, []
    return _restraint(store.url, district.config.id, run["run"], run["as_of"], goal)


@lru_cache(maxsize=16)
def _restraint(url: str, district_id: str, run_pk: int, as_of: str, goal: int | None):
    """Cached per run: a run's cases do not change (imports after it show in the next run)."""
    from spedrules.core.api import as_case, restraint_definition, restraint_goal
    from spedrules.core.engine.restraint_report import restraint_report, school_year
    from spedrules.core.store.sweep import district_from_store, partitions

    store = Store(url)
    district = district_from_store(url, district_id)
    day = date.fromisoformat(as_of)
    cases = (
        as_case(data, district)
        for keys in partitions(store, district_id)
        for _, _, data in store.revised_cases(district_id, keys)
        if data.get("incidents")
    )
    definition = restraint_definition(district)
    year = school_year(day, definition.year_start_month)
    goal = restraint_goal(district, year, goal)  # typed on the page, or the district's own
    report = restraint_report(cases, year, goal, definition=definition)
    months, month = [], date(int(year[:4]), definition.year_start_month, 1)
    while month <= day:
        key = f"{month:%Y-%m}"
        months.append((f"{month:%b %Y}", sum(report.by_month.get(key, {}).values())))
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return report, months
