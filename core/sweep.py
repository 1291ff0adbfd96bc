"""The compliance sweep: every student of a district evaluated as of a date, stored, summarised.

A partition is a plain function of (database URL, district, student key range, as-of date) with no
shared state: run partitions in parallel processes here (``--workers``), or hand the same calls to
Dask or Ray (``client.map(sweep_partition, ...)``) to spread a sweep over machines. Results do not
depend on how the work is split.
"""

from __future__ import annotations

import tomllib
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from spedrules.core.api import District, as_case, evaluate, load_district
from spedrules.core.calendar import SchoolCalendar
from spedrules.core.config import config_from_dict
from spedrules.core.convert import converter
from spedrules.core.errors import InputError
from spedrules.core.files import parse_yaml
from spedrules.core.store import Store

PARTITION_SIZE = 500


@lru_cache(maxsize=32)
def district_from_store(url: str, district_id: str) -> District:
    """A district rebuilt from the store alone (config and calendar are kept in it)."""
    row = Store(url).district(district_id)
    if row is None:
        raise InputError(
            url, "--district", "a district added with `spedrules district add`", district_id
        )
    data = tomllib.loads(row.config_toml)
    data["district"].pop("calendar", None)
    # the add-on files as resolved when the district was added (a moved file is named, not skipped)
    data["district"]["local_plugins"] = list(row.local_plugins or [])
    calendar = SchoolCalendar.from_dict(parse_yaml(row.calendar_yaml), f"{district_id} calendar")
    return load_district(config_from_dict(data), calendar=calendar)


def sweep_partition(url: str, district_id: str, lo: int, hi: int, as_of: date) -> int:
    """Evaluate and store students ``lo <= key < hi`` of one district; returns obligations."""
    store = Store(url)
    district = district_from_store(url, district_id)
    rows = []
    for pk, case_data in store.cases(district_id, lo, hi):
        result = evaluate(district, as_case(case_data, district), as_of)
        for ob in result.obligations:
            due = ob.due.date() if hasattr(ob.due, "date") else ob.due
            rows.append(
                {
                    "student_pk": pk,
                    "as_of": as_of,
                    "rule": ob.rule,
                    "kind": ob.kind,
                    "status": ob.status,
                    "due_day": due,
                    "responsible": ob.responsible,
                    "data": converter.unstructure(ob),
                }
            )
    store.replace_obligations(rows, as_of)
    return len(rows)


def partitions(store: Store, district_id: str) -> list[tuple[int, int]]:
    keys = store.student_keys(district_id)
    return [
        (keys[i], keys[min(i + PARTITION_SIZE, len(keys)) - 1] + 1)
        for i in range(0, len(keys), PARTITION_SIZE)
    ]


def sweep(
    store: Store,
    as_of: date,
    district_ids: list[str] | None = None,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> int:
    jobs = [
        (store.url, d, lo, hi, as_of)
        for d in (district_ids or store.districts())
        for lo, hi in partitions(store, d)
    ]
    total = 0
    if workers <= 1:
        for job in jobs:
            total += sweep_partition(*job)
            if progress:
                progress(1)
        return total
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for count in pool.map(sweep_partition, *zip(*jobs, strict=True)):
            total += count
            if progress:
                progress(1)
    return total


def program_duties(store: Store, as_of: date, district_id: str | None = None) -> list[dict]:
    """The program rules' duties (e.g. a staffing review for a school's inclusion program),
    evaluated over each district's whole roster, streamed partition by partition."""
    from spedrules.core.programs import evaluate_programs
    from spedrules.core.rules import ProgramRule

    found = []
    for d in [district_id] if district_id else store.districts():
        district = district_from_store(store.url, d)
        if not district.ruleset.of_type(ProgramRule):
            continue
        cases = (
            as_case(data, district)
            for lo, hi in partitions(store, d)
            for _, data in store.cases(d, lo, hi)
        )
        for ob in evaluate_programs(district.ruleset, cases, district.calendar, district.tz, as_of):
            found.append({"district": d, **converter.unstructure(ob)})
    return found


def dashboard(
    rows: list[dict[str, Any]], as_of: date, programs: list[dict[str, Any]] = ()
) -> dict[str, Any]:
    """What a special-education director reads first: overdue, due soon, met late, by school and
    by responsible role; then the duties of program rules that arose (one per school)."""
    open_rows = [r for r in rows if r["status"] == "open" and r["due_day"]]

    def due_within(days: int) -> int:
        return sum(1 for r in open_rows if r["due_day"] <= as_of + timedelta(days=days))

    by_school: dict[str, Counter] = defaultdict(Counter)
    by_role: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        by_school[r.get("school") or "unassigned"][r["status"]] += 1
        by_role[r.get("responsible") or "unassigned"][r["status"]] += 1
    return {
        "as_of": as_of.isoformat(),
        "students": len({(r["district"], r["student"]) for r in rows}),
        "obligations": len(rows),
        "overdue": sum(1 for r in rows if r["status"] == "overdue"),
        "due_in_7_days": due_within(7),
        "due_in_14_days": due_within(14),
        "due_in_30_days": due_within(30),
        "met_late": sum(1 for r in rows if r["status"] == "late"),
        "by_school": {k: dict(v) for k, v in sorted(by_school.items())},
        "by_responsible_role": {k: dict(v) for k, v in sorted(by_role.items())},
        "program_duties": [
            {k: p.get(k) for k in ("district", "subject", "rule", "status", "due", "citation")}
            for p in programs
            if p["status"] != "not_applicable"
        ],
    }
