"""Incremental sweeps (issue 17): an evaluation holds until ``stable_until``, and a chain of
incremental runs publishes exactly what evaluating every student afresh would, on SQLite and
on PostgreSQL, through changed events, retractions, changed students, new incidents, due days
passing, birthdays and a new school year."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import spedrules
from spedrules.cli.demo import district_population
from spedrules.core.api import as_case
from spedrules.core.engine.programs import evaluate_programs
from spedrules.core.store.database import Store
from spedrules.core.store.sweep import district_from_store, obligation_row, split, sweep

from .test_store import db_url  # noqa: F401  (SQLite and the real PostgreSQL server)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CONFIGS = ("mesa-verde.toml", "gulf-shore.toml")
_districts: dict[str, spedrules.District] = {}


def district(config: str):
    if config not in _districts:
        _districts[config] = spedrules.load_district(EXAMPLES / config)
    return _districts[config]


def rows(result) -> list[dict]:
    return [obligation_row(None, o) for o in result.obligations]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    config=st.sampled_from(CONFIGS),
    seed=st.integers(0, 10_000),
    as_of=st.dates(date(2025, 8, 1), date(2027, 6, 30)),
    later=st.integers(1, 400),
)
def test_an_evaluation_holds_until_its_stable_until(config, seed, as_of, later):
    """For every bundled rule the realistic population exercises (both demo stacks): on any
    later as-of date before ``stable_until`` the stored facts of every obligation (status,
    due, trigger, met, delay reason, exit) and the future-event count are unchanged. The
    as-of dates range over two school years, so due days, birthdays, year starts and future
    events all come and go."""
    d = district(config)
    (raw,) = district_population(d, config, f"P{seed}", 1, as_of)
    case = as_case(raw, d)
    first = spedrules.evaluate(d, case, as_of)
    assert first.stable_until > as_of
    day = min(as_of + timedelta(days=later), first.stable_until - timedelta(days=1))
    if day <= as_of:
        return
    again = spedrules.evaluate(d, case, day)
    assert rows(again) == rows(first), (case.student.id, as_of, day, first.stable_until)
    assert again.future_events == first.future_events


def test_stable_until_names_the_next_turn():
    """Worked by hand: the annual review (mesa-verde, California) of an annual IEP meeting
    held on 2026-03-10 is due 2027-03-10 (one year, EC 56343(d)); as of 2027-01-15 it is open,
    so the evaluation may change on 2027-03-11 at the latest (the day it would be overdue);
    an evaluation consent received 2027-02-01, recorded ahead, becomes known that day."""
    d = district("mesa-verde.toml")
    case = {
        "student": {"id": "S1", "birth_date": "2015-05-05", "school": "Walnut Elementary"},
        "events": [
            {"type": "iep_meeting_held", "date": "2026-03-10", "meeting_type": "annual"},
            {"type": "evaluation_consent_received", "date": "2027-02-01"},
        ],
    }
    result = spedrules.evaluate(d, as_case(case, d), date(2027, 1, 15))
    review = [o for o in result.obligations if o.rule == "ca.annual_review"]
    assert review and review[0].due == date(2027, 3, 10) and review[0].status == "open"
    assert result.stable_until <= date(2027, 2, 1)  # the consent becomes known that day
    without = {**case, "events": case["events"][:1]}
    result = spedrules.evaluate(d, as_case(without, d), date(2027, 1, 15))
    assert date(2027, 1, 15) < result.stable_until <= date(2027, 3, 11)


# what a sweep stores of an obligation (core/store/sweep.py obligation_row)
KEYS = (
    "student_pk", "rule", "kind", "status", "due", "due_day", "responsible", "subject",
    "trigger_day", "met_day", "delay_reason", "stopped_on", "sequence",
)  # fmt: skip


def stored_rows(store: Store, run: int) -> list[tuple]:
    found = store.stored_obligations(run)
    return sorted((tuple(str(getattr(r, k)) for k in KEYS) for r in found), key=str)


def fresh_rows(store: Store, district_id: str, day: date) -> list[tuple]:
    """Every stored student evaluated afresh as of ``day``, as a sweep would store them."""
    d = district_from_store(store.url, district_id)
    found, cases = [], []
    for pk, case in store.cases(district_id, 0, 2**31 - 1):
        cases.append(as_case(case, d))
        for ob in spedrules.evaluate(d, cases[-1], day).obligations:
            row = obligation_row(pk, ob)
            found.append(tuple(str(row[k]) for k in KEYS))
    for ob in evaluate_programs(d.ruleset, cases, d.calendar, d.tz, day):  # the program duties
        row = obligation_row(None, ob)
        found.append(tuple(str(row[k]) for k in KEYS))
    return sorted(found, key=str)


def _without_sequence(found: list[tuple]) -> list[tuple]:
    i = KEYS.index("sequence")
    return sorted((r[:i] + r[i + 1 :] for r in found), key=str)


def test_incremental_runs_publish_what_a_full_evaluation_would(db_url):  # noqa: F811
    store = Store(db_url)
    store.init()
    d = district("mesa-verde.toml")
    store.add_district(EXAMPLES / "mesa-verde.toml", who="test")
    start = date(2026, 9, 1)
    people = list(district_population(d, "mesa-verde.toml", "INC", 80, start))
    store.add_cases("mesa-verde", people, who="test")
    ids = [str(c["student"]["id"]) for c in people]

    def add_event(day):
        event = {"type": "evaluation_consent_received", "date": day.isoformat()}
        store.add_events("mesa-verde", {ids[3]: [event]}, who="test")

    def retract(_day):
        key = store.events("mesa-verde", ids[5])[0]["key"]
        store.retract_event("mesa-verde", ids[5], key, "entered for the wrong student", "test")

    def change_student(_day):
        case = next(c for c in people if str(c["student"]["id"]) == ids[7])
        changed = {**case, "student": {**case["student"], "school": "Vista Middle"}}
        store.add_cases("mesa-verde", [changed], who="test")

    def future_event(day):  # recorded ahead: known only once its day comes
        event = {"type": "iep_meeting_held", "date": (day + timedelta(days=3)).isoformat()}
        store.add_events("mesa-verde", {ids[9]: [event]}, who="test")

    steps = [
        (start, None),
        (start + timedelta(days=1), add_event),
        (start + timedelta(days=2), retract),
        (start + timedelta(days=10), change_student),
        (start + timedelta(days=11), future_event),
        (start + timedelta(days=15), None),  # the future event is now known
        (date(2027, 1, 15), None),
        (date(2027, 8, 20), None),  # a new school year
    ]
    evaluated = []
    for day, change in steps:
        if change:
            change(day)
        (run,) = sweep(store, day, ["mesa-verde"], who="test")
        published = stored_rows(store, run.run)
        assert _without_sequence(published) == _without_sequence(
            fresh_rows(store, "mesa-verde", day)
        ), day
        evaluated.append(run.counts["evaluated"])
    assert evaluated[0] == 80  # the first run evaluates everyone
    assert evaluated[1] < 10, evaluated  # a day later, one change: a few students
    print("evaluated per run:", evaluated)
    (full,) = sweep(store, steps[-1][0], ["mesa-verde"], who="test", full=True)
    assert full.counts["evaluated"] == 80
    assert stored_rows(store, full.run) == stored_rows(store, run.run)  # sequences too


def test_a_changed_stack_evaluates_everyone(db_url, tmp_path):  # noqa: F811
    """A new calendar or configuration (or plugin version) changes the run's fingerprint:
    nothing is carried forward from a run made with other rules."""
    store = Store(db_url)
    store.init()
    d = district("mesa-verde.toml")
    store.add_district(EXAMPLES / "mesa-verde.toml", who="test")
    people = list(district_population(d, "mesa-verde.toml", "FP", 20, date(2027, 1, 15)))
    store.add_cases("mesa-verde", people, who="test")
    sweep(store, date(2027, 1, 15), ["mesa-verde"], who="test")
    (again,) = sweep(store, date(2027, 1, 15), ["mesa-verde"], who="test")
    assert again.counts["evaluated"] == 0
    config = tmp_path / "mesa-verde.toml"
    text = (EXAMPLES / "mesa-verde.toml").read_text()
    config.write_text(text.replace('name = "', 'name = "Renamed ', 1))
    for other in EXAMPLES.glob("*.yaml"):
        (tmp_path / other.name).write_bytes(other.read_bytes())
    store.add_district(config, who="test", replace=True)
    (after,) = sweep(store, date(2027, 1, 15), ["mesa-verde"], who="test")
    assert after.counts["evaluated"] == 20


def test_an_upgrade_of_the_code_evaluates_everyone(tmp_path):
    """The fingerprint holds a digest of the installed code: a run made by other code (an
    upgrade that kept the version number) is never carried forward from."""
    import json as _json

    from sqlalchemy import text

    from spedrules.core.store.sweep import code_digest

    store = Store(str(tmp_path / "t.sqlite"))
    store.init()
    d = district("mesa-verde.toml")
    store.add_district(EXAMPLES / "mesa-verde.toml", who="test")
    people = list(district_population(d, "mesa-verde.toml", "UP", 10, date(2027, 1, 15)))
    store.add_cases("mesa-verde", people, who="test")
    (first,) = sweep(store, date(2027, 1, 15), ["mesa-verde"], who="test")
    assert len(code_digest()) == 64 and first.counts["evaluated"] == 10
    with store.engine.begin() as c:  # as if an older spedrules had published that run
        stored = _json.loads(c.scalar(text("SELECT fingerprint FROM runs")))
        stored["code_sha256"] = "0" * 64
        c.execute(text("UPDATE runs SET fingerprint = :f"), {"f": _json.dumps(stored)})
    (after,) = sweep(store, date(2027, 1, 15), ["mesa-verde"], who="test")
    assert after.counts["evaluated"] == 10 and "carried_from_run" not in after.counts


@given(
    n=st.integers(0, 3_000),
    size=st.integers(1, 600),
    workers=st.integers(1, 8),
    more=st.integers(0, 3_000),
)
def test_partitions_spread_the_students_over_the_workers(n, size, workers, more):
    """The next morning's 1,174 changed students of 100,000 made partitions of 500, 500 and
    174 on 2 workers: the last waited for a worker. Now they are split evenly (e.g. 4 parts of
    293-294), each at most ``size``, in order, and a larger district never has fewer parts
    (the progress bar counts the carried ones as the difference)."""
    keys = list(range(n))
    parts = split(keys, size, workers)
    assert [k for part in parts for k in part] == keys
    assert all(0 < len(part) <= size for part in parts)
    assert max(map(len, parts), default=0) - min(map(len, parts), default=0) <= 1
    assert len(parts) % workers == 0 or len(parts) == n
    assert len(split(list(range(n + more)), size, workers)) >= len(parts)
    assert len(split(list(range(1174)), 500, 2)) == 4
