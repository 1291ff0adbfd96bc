"""The compliance sweep: every student of a district evaluated as of a date, published as a run.

A run is begun under the district's lock (concurrent sweeps of one district are refused, never
interleaved), its partitions write obligations that belong to it, and it is marked completed
only when every partition and the program duties are stored: readers see the latest completed
run, so a failed or killed run is never read. One student whose evaluation raises is recorded on
the run (student, plugin, message) and the sweep goes on.

A partition is a plain function of (database URL, district, run, student keys, as-of date) with
no shared state: run partitions in parallel processes (``--workers``), or hand the same
calls to Dask (``client.map(sweep_partition, ...)``). Results do not depend on how the work is
split.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
import traceback
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from attrs import frozen

from spedrules.core.api import District, as_case, evaluate, load_district
from spedrules.core.calendar import SchoolCalendar
from spedrules.core.engine.batch import Rows, evaluate_partition, obligation_row, provenance
from spedrules.core.errors import ConfigError, InputError
from spedrules.core.files import parse_yaml
from spedrules.core.model.config import LocalAddon, config_from_dict
from spedrules.core.store import PARTITION_SIZE, collector
from spedrules.core.store.database import Store, identities

DUE_WITHIN = (7, 14, 30)


def district_from_store(url: str, district_id: str) -> District:
    """A district rebuilt from the store alone (config, calendar and the text of its local
    add-ons are kept in it); cached by content, so a district replaced in the store is rebuilt."""
    row = _district_row(url, district_id)
    addons = tuple(_stored_addon(a) for a in row.local_plugins or ())
    return _district(district_id, row.config_toml, row.calendar_yaml, addons)


def _district_row(url: str, district_id: str):
    row = _process_store(url, os.getpid()).district(district_id)
    if row is None:
        raise InputError(
            url, "--district", "a district added with `spedrules district add`", district_id
        )
    return row


def addon_warnings(url: str, district_id: str) -> list[str]:
    """A local add-on whose file changed on disk since `district add`: the sweep runs the stored
    text (what the district added, the same on every worker) and says so, never silently."""
    found = []
    for item in _district_row(url, district_id).local_plugins or ():
        if not isinstance(item, dict):
            continue
        path = Path(item["path"])
        if path.is_file():
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            if digest != item["sha256"]:
                found.append(
                    f"local add-on {item['name']} changed on disk since `district add` "
                    f"(stored sha256 {item['sha256'][:12]}, file {digest[:12]}): the stored "
                    "version ran; `spedrules district add --replace` adopts the new one"
                )
    return found


def _stored_addon(item) -> LocalAddon:
    if isinstance(item, dict):
        return LocalAddon(item["name"], item["source"], item["sha256"], Path(item["path"]))
    # stored before add-on texts were kept (a path only): read it, and fail naming it if gone
    path = Path(item)
    if not path.is_file():
        raise ConfigError(
            None,
            "district.local_plugins[0]",
            "the stored add-on file (re-add the district "
            "with `spedrules district add --replace` to keep its text in the store)",
            str(path),
        )
    return LocalAddon.read(path.name, path)


@lru_cache(maxsize=32)
def _district(
    district_id: str, config_toml: str, calendar_yaml: str, addons: tuple[LocalAddon, ...]
):
    data = tomllib.loads(config_toml)
    data["district"].pop("calendar", None)
    data["district"]["local_plugins"] = [a.name for a in addons]
    calendar = SchoolCalendar.from_dict(parse_yaml(calendar_yaml), f"{district_id} calendar")
    district = load_district(config_from_dict(data, addons=addons), calendar=calendar)
    district.ruleset.cache["fingerprint"] = _fingerprint(district, config_toml, calendar_yaml)
    return district


def _fingerprint(district: District, config_toml: str, calendar_yaml: str) -> dict[str, Any]:
    """What a run's results depend on besides the cases: plugins and versions, config, calendar."""
    from spedrules import __version__

    plugins = district.registry.plugins
    return {
        "spedrules": __version__,
        "code_sha256": code_digest(),
        "stack": [
            {"id": p, "version": plugins[p].version if p in plugins else None}
            for p in district.config.stack
        ],
        "config_sha256": hashlib.sha256(config_toml.encode()).hexdigest(),
        "calendar_sha256": hashlib.sha256(calendar_yaml.encode()).hexdigest(),
        "local_addons": {a.name: a.sha256 for a in district.config.local_plugins},
    }


@lru_cache(maxsize=1)
def code_digest() -> str:
    """SHA-256 of the installed spedrules package's code and data (rules, forms, migrations):
    an upgrade that keeps the version number still makes the next sweep evaluate everyone."""
    root = Path(__file__).resolve().parents[2]  # core/store/ -> the package
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(
            d for d in dirs if _shipped(d) and (folder != str(root) or d not in _NOT_CODE)
        )
        for name in sorted(files):
            if name.endswith((".py", ".yaml", ".yml", ".toml", ".json")):
                path = Path(folder, name)
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


_NOT_CODE = ("tests", "benchmarks", "docs", "examples", "build", "dist")  # not the installed code


def _shipped(folder: str) -> bool:
    return not (folder.startswith(".") or folder == "__pycache__" or folder.endswith("-info"))


def fingerprint(district: District) -> dict[str, Any]:
    return dict(district.ruleset.cache.get("fingerprint") or {})


@frozen
class PartitionResult:
    """What a partition reports back: counts and the provenance of the rules it used (what
    it knew of each student, and the program roster, it stored in the run's states)."""

    evaluated: int
    obligations: int
    errors: int
    rules: dict[tuple[str, str], dict[str, Any]]  # (rule, kind) -> provenance


def sweep_partition(
    url: str, district_id: str, run_pk: int, keys: list[int], as_of: date
) -> PartitionResult:
    """Evaluate and store the students ``keys`` of one district for one run (a retried
    partition replaces what an earlier attempt wrote)."""
    store = _process_store(url, os.getpid())
    district = district_from_store(url, district_id)
    collector.settle(os.getpid())
    with collector.paused():
        return _sweep_partition(store, district, district_id, run_pk, keys, as_of)


def _sweep_partition(
    store: Store, district: District, district_id: str, run_pk: int, keys: list[int], as_of: date
) -> PartitionResult:
    programs = _program_needs(district)
    errors: list[dict[str, Any]] = []
    states: list[dict[str, Any]] = []
    parsed = []
    for pk, revision, case_data in store.revised_cases(district_id, keys):
        state = {"student_pk": pk, "revision": revision, "stable_until": None, "roster": None}
        try:
            parsed.append((state, case_data, as_case(case_data, district)))
        except Exception as exc:  # one student never ends a sweep: recorded on the run
            errors.append(_error(pk, case_data, exc))
            states.append({**state, "future_events": 0})  # no stable_until: evaluated again
    result = evaluate_partition(
        district, [c for *_, c in parsed], as_of, [s["student_pk"] for s, *_ in parsed]
    )
    for i, (state, case_data, case) in enumerate(parsed):
        exc = result.error(i)
        if exc is not None:
            errors.append(_error(state["student_pk"], case_data, exc))
            states.append({**state, "future_events": 0})
            continue
        if programs and programs[0] & set(case.student.flags):
            state["roster"] = _roster_entry(case_data, programs)
        until, future = result.stable_until[i], result.future_events[i]
        states.append({**state, "stable_until": until, "future_events": future})
    rows = _sequenced(store, district_id, keys, result.columns())
    rules = result.provenance()
    store.write_partition(run_pk, keys, rows.columns, errors, states)
    return PartitionResult(len(states), len(rows), len(errors), rules)


@lru_cache(maxsize=8)
def _process_store(url: str, pid: int) -> Store:
    """One store (engine, connection pool, compiled statements) per database and process for
    all the partitions it runs and the district rows they read: SQLAlchemy caches compiled
    statements per engine, and a new engine per partition compiled every statement again (a
    quarter of an incremental sweep; a new store just to read the district row cost 3 ms)."""
    return Store(url)


def _sequenced(store: Store, district_id: str, keys: list[int], rows: Rows) -> Rows:
    """Each row's sequence: the previous completed run's, plus one if the due date moved."""
    if not len(rows):
        return rows
    previous = store.latest_run(district_id)  # this run is still running: the one before
    before = store.previous_dues(previous["run"], keys) if previous else {}
    if not before:
        return rows  # every sequence 0, as the rows come
    found = map(before.get, identities(rows.columns))
    pairs = zip(found, rows.columns["due"], strict=True)
    return rows.replaced("sequence", [0 if b is None else b[1] + (b[0] != d) for b, d in pairs])


def _program_needs(district: District):
    """(program flags, group-by attributes, met-by event types) of the district's program
    rules, or None: what a partition keeps of a flagged student for the program duties."""
    from spedrules.core.model.rules import ProgramRule

    cached = district.ruleset.cache.get("program_needs", ...)
    if cached is not ...:
        return cached
    rules = [e.latest for e in district.ruleset.of_type(ProgramRule)]
    needs = None
    if rules:
        needs = (
            frozenset(r.program for r in rules),
            frozenset(r.group_by for r in rules),
            frozenset(m.type for r in rules for m in r.met_by),
        )
    district.ruleset.cache["program_needs"] = needs
    return needs


def _roster_entry(case_data: dict[str, Any], programs) -> dict[str, Any]:
    _, group_by, met_types = programs
    student = case_data["student"]
    keep = {"id", "flags", *group_by}
    return {
        "student": {k: v for k, v in student.items() if k in keep},
        "events": [e for e in case_data.get("events", []) if e.get("type") in met_types],
    }


def _error(pk: int, case_data: dict[str, Any], exc: BaseException) -> dict[str, Any]:
    sid = str(case_data["student"].get("id"))
    where = _where(exc)[-300:]  # the column's width; the end names the function
    return {"student_pk": pk, "student_id": sid, "where": where, "message": _msg(exc)}


def _where(exc: BaseException) -> str:
    """The innermost frame of a plugin (or of spedrules) that raised: where to look."""
    frames = traceback.extract_tb(exc.__traceback__)
    for frame in reversed(frames):
        name = frame.filename.replace("\\", "/")
        if "/jurisdictions/" in name or "/plugins/" in name or "spedrules" not in name:
            return (
                f"{name.rsplit('/', 2)[-2]}/{name.rsplit('/', 1)[-1]}:{frame.lineno} {frame.name}"
            )
    last = frames[-1] if frames else None
    return f"{last.filename.rsplit('/', 1)[-1]}:{last.lineno} {last.name}" if last else "?"


def _msg(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def partitions(
    store: Store,
    district_id: str,
    size: int | None = None,
    without_state_in: int | None = None,
    workers: int = 1,
) -> list[list[int]]:
    """The district's student keys in partitions of at most ``size`` (default PARTITION_SIZE),
    as even as can be, and as many as a multiple of ``workers``: the few students of an
    incremental sweep are split over the workers instead of one waiting for another. With
    ``without_state_in``, only the students that run holds no state of yet (not carried)."""
    return split(store.student_keys(district_id, without_state_in), size or PARTITION_SIZE, workers)


def split(keys: list[int], size: int, workers: int = 1) -> list[list[int]]:
    """``keys`` in order, in parts of at most ``size``, as even as can be, their number the
    least multiple of ``workers`` that allows it (or one part per key when there are fewer)."""
    count = -(-len(keys) // size)
    count = min(-(-count // workers) * workers, len(keys))
    return [keys[i * len(keys) // count : (i + 1) * len(keys) // count] for i in range(count)]


@frozen
class RunSummary:
    run: int
    district: str
    as_of: date
    status: str
    counts: dict[str, int]

    @property
    def errors(self) -> int:
        return self.counts.get("errors", 0)


def sweep(
    store: Store,
    as_of: date,
    district_ids: list[str] | None = None,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
    who: str = "spedrules",
    mapper: Callable | None = None,
    partition_size: int | None = None,
    full: bool = False,
) -> list[RunSummary]:
    """One run per district. ``mapper(fn, *iterables)`` runs the partitions (default: in this
    process, or a process pool with ``workers > 1``; a Dask client's ``map`` fits too).

    Incremental unless ``full``: a student whose case is unchanged since the district's latest
    completed run, and whose evaluation there still holds on ``as_of`` (no due day passed, no
    future event reached, ...: ``Evaluation.stable_until``), keeps that run's obligations; every
    student is evaluated when there is no such run, when its fingerprint (spedrules, plugins
    and versions, configuration, calendar, add-ons) differs, or when ``as_of`` is earlier."""
    return [
        _sweep_district(store, d, as_of, workers, progress, who, mapper, partition_size, full)
        for d in (district_ids or store.districts())
    ]


def base_run(store: Store, district_id: str, as_of: date, district: District) -> int | None:
    """The run an incremental sweep may carry students forward from, or None (sweep all)."""
    latest = store.latest_run(district_id)
    if latest is None or latest["fingerprint"] != fingerprint(district):
        return None
    return latest["run"] if date.fromisoformat(latest["as_of"]) <= as_of else None


def _sweep_district(
    store, district_id, as_of, workers, progress, who, mapper, size=None, full=False
) -> RunSummary:
    with store.district_lock(district_id):
        district = district_from_store(store.url, district_id)
        warnings = addon_warnings(store.url, district_id)
        previous = None if full else base_run(store, district_id, as_of, district)
        run = store.begin_run(district_id, as_of, fingerprint(district), who, warnings)
        try:
            if previous is not None:  # one statement decides and copies, consistently
                store.carry_forward(previous, run, district_id, as_of)
            chunks = partitions(store, district_id, size, run, workers)
            if progress:  # the partitions all of whose students were carried forward
                progress(len(partitions(store, district_id, size, workers=workers)) - len(chunks))
            jobs = [(store.url, district_id, run, chunk, as_of) for chunk in chunks]
            results = list(_map(jobs, workers, progress, mapper))
            rules: dict[tuple[str, str], dict[str, Any]] = {}
            for r in results:
                rules.update(r.rules)
            states = store.run_states(run)
            duties = _program_duties(district, states["roster"], as_of)
            for ob in duties:
                rules.setdefault((ob.rule, ob.kind), provenance(ob))
            counts = {
                "students": states["students"],
                "evaluated": sum(r.evaluated for r in results),
                "obligations": states["obligations"],
                "errors": sum(r.errors for r in results),
                "future_events": states["future_events"],
                "program_duties": len(duties),
            }
            if previous is not None:
                counts["carried_from_run"] = previous
            store.add_run_rules(run, list(rules.values()), previous)
            store.finish_run(run, "completed", counts, [obligation_row(None, o) for o in duties])
        except BaseException as exc:
            store.finish_run(run, "failed", {}, note=_msg(exc))
            raise
    return RunSummary(run, district_id, as_of, "completed", counts)


def _map(jobs, workers, progress, mapper):
    columns = list(zip(*jobs, strict=True)) if jobs else [[]] * 5
    pool = None
    if mapper is not None:
        results = mapper(sweep_partition, *columns)
    elif workers <= 1 or len(jobs) <= 1:
        results = (sweep_partition(*job) for job in jobs)
    else:  # the workers fork from this process: its heap frozen first (collector.frozen)
        pool = ExitStack()
        pool.enter_context(collector.frozen())
        executor = pool.enter_context(ProcessPoolExecutor(max_workers=workers))
        results = executor.map(sweep_partition, *columns)
    try:
        for result in results:
            if progress:
                progress(1)
            yield result
    finally:
        if pool is not None:
            pool.close()


def _program_duties(district: District, roster: list[dict[str, Any]], as_of: date):
    """The program rules' duties (e.g. a staffing review for a school's inclusion program) over
    the flagged students the partitions reported, as of the run's date."""
    from spedrules.core.engine.programs import evaluate_programs

    if _program_needs(district) is None:
        return []
    cases = (as_case(data, district) for data in roster)
    return evaluate_programs(district.ruleset, cases, district.calendar, district.tz, as_of)


def dashboard(store: Store, district_id: str, run: dict[str, Any] | None = None) -> dict[str, Any]:
    """What a special-education director reads first, from the latest completed run (counted
    in SQL): overdue, due soon, met late, by school and by responsible role; the program
    duties that arose; the students the run could not evaluate; delay reasons."""
    run = run or store.published_run(district_id)
    pk, as_of = run["run"], date.fromisoformat(run["as_of"])
    statuses: Counter = Counter()
    schools: dict[str, Counter] = defaultdict(Counter)
    roles: dict[str, Counter] = defaultdict(Counter)
    reasons: Counter = Counter()
    due = dict.fromkeys(DUE_WITHIN, 0)
    for school, role, reason, status, n, *soon in store.run_counts(pk, as_of, DUE_WITHIN):
        statuses[status] += n
        schools[school or "unassigned"][status] += n
        roles[role or "unassigned"][status] += n
        if reason:
            reasons[reason] += n
        for days, m in zip(DUE_WITHIN, soon, strict=True):
            due[days] += m or 0
    errors = store.run_errors(pk)
    counts = run["counts"]
    return {
        "district": district_id,
        "run": {
            **{k: run[k] for k in ("run", "status", "started", "finished", "actor")},
            # an incremental run evaluated only these; the rest it carried forward unchanged
            "evaluated": counts.get("evaluated", counts.get("students", 0)),
            "carried_from_run": counts.get("carried_from_run"),
        },
        "as_of": run["as_of"],
        "students": counts.get("students", 0),
        "obligations": sum(statuses.values()),
        "overdue": statuses.get("overdue", 0),
        **{f"due_in_{n}_days": due[n] for n in DUE_WITHIN},
        "met_late": statuses.get("late", 0),
        "undetermined": statuses.get("undetermined", 0),
        "by_status": dict(sorted(statuses.items())),
        "by_school": _groups(schools),
        "by_responsible_role": _groups(roles),
        "delay_reasons": dict(sorted(reasons.items())),
        "future_events": counts.get("future_events", 0),
        "errors": {"students": len(errors), "first": errors[:10]},
        "warnings": run.get("warnings", []),
        "program_duties": [
            {k: p.get(k) for k in ("district", "subject", "rule", "status", "due", "citation")}
            for p in store.obligation_rows(district_id, pk, programs=True)
            if p["status"] != "not_applicable"
        ],
    }


def _groups(found: dict) -> dict[str, dict[str, int]]:
    return {k: dict(sorted(v.items())) for k, v in sorted(found.items())}


def stored_evaluation(store: Store, district_id: str, student_id: str, run=None):
    """One stored student's obligations *with explanations*, computed on demand from the stored
    case as of the run's date by the same engine that swept it (explanations are not stored).
    A warning says so when the district's rules or calendar changed since the run."""
    from attrs import evolve

    run = run or store.published_run(district_id)
    case = store.case(district_id, student_id)
    if case is None:
        raise InputError(None, "STUDENT", f"a student of {district_id}", student_id)
    district = district_from_store(store.url, district_id)
    result = evaluate(district, as_case(case, district), date.fromisoformat(run["as_of"]))
    if fingerprint(district) != run["fingerprint"]:
        note = (
            f"the district's plugins, configuration or calendar changed since run {run['run']}: "
            "these explanations use the current ones; sweep again to publish them"
        )
        result = evolve(result, warnings=(*result.warnings, note))
    return result


def dask_mapper(address: str):
    """A mapper that runs partitions on a Dask cluster (``spedrules[dask]``): each worker needs
    the same spedrules and plugins installed and must reach the database (docs/dask.md). Local
    add-ons travel with the stored district, so workers need no files."""
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - depends on the environment
        raise InputError(
            None, "--dask", "the dask extra installed (pip install 'spedrules[dask]')", address
        ) from None
    try:
        client = Client(address, timeout="10s", set_as_default=False)
    except OSError as exc:
        raise InputError(None, "--dask", "the address of a running Dask scheduler", address) from (
            exc
        )

    def mapper(fn, *columns):
        for future in client.map(fn, *columns, pure=False):  # all submitted at once
            yield future.result()

    mapper.client = client
    return mapper
