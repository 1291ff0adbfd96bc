"""The Python API of the store: what ``spedrules init``, ``district``, ``import``, ``events``,
``sweep``, ``worklist``, ``runs``, ``audit``, ``export``, ``report indicator-11`` and ``token``
do, callable by a vendor's code (re-exported by :mod:`spedrules.core.api`).

``db`` is a database URL or SQLite file (default: ``SPEDRULES_DATABASE_URL``, else
``./spedrules.sqlite``); ``who`` is the actor recorded in the audit trail. Every user mistake
is an :class:`~spedrules.core.errors.InputError` naming the option and what was expected.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from attrs import frozen

from spedrules.core.errors import InputError
from spedrules.core.store import PARTITION_SIZE


def open_store(db: str | None = None):
    """The store at ``db`` (no tables are created: see :func:`init_store`)."""
    from spedrules.core.store.database import Store

    return Store(db)


def init_store(db: str | None = None):
    """Create or upgrade the store's tables; returns the store."""
    store = open_store(db)
    store.init()
    return store


def store_districts(store, district_id: str | None, all_districts: bool = False) -> list[str]:
    """The districts a store command reads: one, named, unless the store holds only one or
    the vendor asks for all (which are kept apart in every row and group)."""
    known = store.districts()
    if district_id is not None:
        if district_id not in known:
            raise InputError(
                None,
                "--district",
                f"a district of this store ({', '.join(known) or 'none'})",
                district_id,
            )
        return [district_id]
    if all_districts or len(known) == 1:
        return known
    if not known:
        raise InputError(None, "--district", "a district added with `spedrules district add`")
    raise InputError(
        None,
        "--district",
        f"one of the store's districts ({', '.join(known)}), or --all-districts",
    )


def one_district(store, district_id: str | None) -> str:
    (district,) = store_districts(store, district_id, False)
    return district


def add_district(config, db: str | None = None, *, who: str, replace: bool = False) -> str:
    """Check a district config, its calendar and local add-ons, then store them (the add-ons'
    text and SHA-256 too: sweeps run what was stored); returns the district id."""
    from spedrules.core.api import load_district

    loaded = load_district(config)  # every check first: nothing is stored for a bad config
    if loaded.config.calendar is None:
        expected = "a calendar file (a district in the store keeps its school calendar)"
        raise InputError(config, "district.calendar", expected)
    store = init_store(db)
    return store.add_district(Path(config), who=who, replace=replace)


def stored_district(district_id: str, db: str | None = None):
    """A district rebuilt from the store alone (config, calendar, stored add-ons)."""
    from spedrules.core.store.sweep import district_from_store

    return district_from_store(open_store(db).url, district_id)


def import_cases(district_id: str, cases, db: str | None = None, *, who: str):
    """Store case mappings (from :func:`~spedrules.core.api.read_cases`); an ImportSummary."""
    return open_store(db).add_cases(district_id, cases, who=who)


@frozen
class RowsImport:
    """A CSV import: the rows that could not be read, and what was stored (``None``: nothing
    was written, because of bad rows without ``skip_bad``)."""

    bad: tuple[Any, ...]
    summary: Any = None


def import_students(
    source, district_id: str, db: str | None = None, *, who: str, skip_bad: bool = False
) -> RowsImport:
    """Students from CSV (columns in spedrules/core/imports.py): all or nothing, or the good
    rows with ``skip_bad``."""
    from spedrules.core.store.imports import read_students

    district = stored_district(district_id, db)
    good, bad = read_students(Path(source), district.event_types)
    if bad and not skip_bad:
        return RowsImport(tuple(bad))
    summary = open_store(db).add_cases(district_id, [{"student": s} for s in good], who=who)
    return RowsImport(tuple(bad), summary)


def import_events(
    source, district_id: str, db: str | None = None, *, who: str, skip_bad: bool = False
) -> RowsImport:
    """Events from CSV, appended to students already in the store."""
    from spedrules.core.store.imports import read_events

    district = stored_district(district_id, db)
    good, bad = read_events(Path(source), district.event_types)
    if bad and not skip_bad:
        return RowsImport(tuple(bad))
    return RowsImport(tuple(bad), open_store(db).add_events(district_id, good, who=who))


def student_events(district_id: str, student: str, db: str | None = None) -> list[dict]:
    """A student's stored events with their keys; a student without events is an error."""
    rows = open_store(db).events(district_id, student)
    if not rows:
        raise InputError(None, "STUDENT", f"a student of {district_id} with events", student)
    return rows


def retract_event(district_id, student, key, reason, db: str | None = None, *, who: str):
    """Append a retraction of one stored event (kept, with the reason and the actor)."""
    return open_store(db).retract_event(district_id, student, key, reason, who)


def run_history(
    db: str | None = None, district_id: str | None = None, all_districts: bool = False
) -> list[dict]:
    """The runs of the district (or of every district): its compliance history."""
    store = open_store(db)
    return [r for d in store_districts(store, district_id, all_districts) for r in store.runs(d)]


@frozen
class SweepResult:
    """The runs a sweep published and each district's dashboard."""

    runs: tuple[Any, ...]
    dashboards: tuple[dict, ...]

    @property
    def errors(self) -> bool:
        return any(r.errors for r in self.runs)


def sweep(
    db: str | None = None,
    as_of: str | date | None = None,
    district_id: str | None = None,
    *,
    all_districts: bool = False,
    workers: int = 1,
    partition_size: int = PARTITION_SIZE,
    dask_address: str | None = None,
    who: str,
    progress: Callable[[int], Callable[[int], None]] | None = None,
    full: bool = False,
) -> SweepResult:
    """Evaluate the students of the district(s), publish the obligations as a run and build
    the dashboards; incremental unless ``full`` (docs/incremental-sweeps.md).
    ``progress(total)`` is called once with the number of partitions and returns the function
    told of each one done. Raises :class:`~spedrules.core.store.database.SweepBusy` when another
    sweep of
    a district is running."""
    from spedrules.core.api import as_date
    from spedrules.core.store.sweep import dashboard, dask_mapper, partitions
    from spedrules.core.store.sweep import sweep as run_sweep

    store = open_store(db)
    districts = store_districts(store, district_id, all_districts)
    day = as_date(as_of)
    mapper = dask_mapper(dask_address) if dask_address else None
    total = sum(len(partitions(store, d, partition_size, workers=workers)) for d in districts)
    advance = progress(total) if progress else None
    runs = run_sweep(
        store,
        day,
        districts,
        workers,
        advance,
        who,
        mapper=mapper,
        partition_size=partition_size,
        full=full,
    )
    return SweepResult(tuple(runs), tuple(dashboard(store, r.district) for r in runs))


def worklist(
    db: str | None = None,
    district_id: str | None = None,
    *,
    school: str | None = None,
    role: str | None = None,
    person: str | None = None,
    status: tuple[str, ...] = (),
    due_within: int | None = None,
):
    """What to act on, most urgent first, from the district's latest completed sweep."""
    from spedrules.core.store.worklist import worklist as build

    store = open_store(db)
    district = one_district(store, district_id)
    filters = dict(school=school, role=role, person=person, status=tuple(status))
    return build(store, district, **filters, due_within=due_within)


def prune_runs(district_id: str, keep: int, db: str | None = None, *, who: str) -> int:
    """Drop the obligations of runs older than the ``keep`` newest completed ones."""
    store = open_store(db)
    store_districts(store, district_id, False)
    return store.prune_runs(district_id, keep, who)


def verify_audit(db: str | None = None) -> tuple[int, Any]:
    """(rows checked, the first row that does not chain to the one before it, or None)."""
    return open_store(db).verify_audit()


def deadlines_ics(
    db: str | None = None,
    district_id: str | None = None,
    as_of: str | date | None = None,
    *,
    student: str | None = None,
    role: str | None = None,
    person: str | None = None,
) -> bytes:
    """Open and overdue deadlines of the latest completed run (of ``as_of``, when given) as an
    iCalendar file; a filter naming nothing in the run is an error."""
    from spedrules.core.api import as_date
    from spedrules.core.store.export import deadlines_ics as build
    from spedrules.core.store.worklist import check_filter

    store = open_store(db)
    district = one_district(store, district_id)
    run = store.published_run(district, as_date(as_of) if as_of else None)
    rows = store.obligation_rows(district, run["run"])
    check_filter(rows, "student", student, "--student", "a student of the district")
    check_filter(rows, "responsible", role, "--role", "a responsible role of the district's work")
    check_filter(rows, "case_manager", person, "--person", "a case manager of the district")
    calendar = stored_district(district, store.url).calendar
    return build(rows, run, calendar, student=student, role=role, person=person)


def export_edfi(out, db: str | None = None, district_id: str | None = None):
    """Ed-Fi 5.2 documents of the latest completed sweep, written as JSON Lines under ``out``;
    returns (the export, {resource: path written})."""
    from spedrules.core.store import edfi

    store = open_store(db)
    result = edfi.export(store, one_district(store, district_id))
    return result, edfi.write(result, Path(out))


def indicator11(year: str, db: str | None = None, district_id: str | None = None):
    """SPP/APR Indicator 11 of one reporting year from the latest completed sweep."""
    from spedrules.core.store import indicator11 as i11

    store = open_store(db)
    return i11.indicator11(store, one_district(store, district_id), year)


def indicator11_explain(found, student: str, db: str | None = None):
    """One child's evaluation timeline in the run an Indicator 11 report was read from:
    (obligations, warnings); a child without one is an error."""
    from spedrules.core.store import indicator11 as i11

    obligations, warnings = i11.explain(open_store(db), found.district, student, found.run)
    if not obligations:
        expected = f"a child of {found.district} with an initial evaluation in the run"
        raise InputError(None, "--explain", expected, student)
    return obligations, warnings


def create_token(district_id: str, role: str, person: str | None, db: str | None = None):
    """A new API token for a stored district: (its id, the token, shown only now)."""
    from spedrules.core.web.tokens import create_token as create

    store = init_store(db)
    if store.district(district_id) is None:
        raise InputError(
            None, "--district", "a district added with `spedrules district add`", district_id
        )
    return create(store.engine, district_id, role, person)


def list_tokens(district_id: str | None = None, db: str | None = None):
    from spedrules.core.web.tokens import list_tokens as listed

    return listed(init_store(db).engine, district_id)


def revoke_token(token_id: int, db: str | None = None):
    from spedrules.core.web.tokens import revoke_token as revoke

    return revoke(init_store(db).engine, token_id)
