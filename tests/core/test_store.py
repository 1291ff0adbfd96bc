"""The store as a system of record (DESIGN.md section 8), on SQLite and on a real PostgreSQL
server: idempotent append-only imports, retractions, sweeps published as runs (concurrent
sweeps refused, a killed sweep never read, one failing student recorded), the dashboard from
stored rows, a hash-chained audit that the database protects."""

from __future__ import annotations

import gc
import json
import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, func, select, text

from spedrules.core.errors import InputError
from spedrules.core.store import collector
from spedrules.core.store import sweep as sweep_module
from spedrules.core.store.collector import paused as collector_paused
from spedrules.core.store.database import Base, ObligationRow, Store, SweepBusy
from spedrules.core.store.sweep import dashboard, stored_evaluation, sweep
from spedrules.core.synthetic import population
from tests.factories import fail_student

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
AS_OF = date(2027, 1, 15)
POSTGRES = os.environ.get("SPEDRULES_TEST_POSTGRES_URL")


def clean_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:  # a clean database for each test
        Base.metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        connection.execute(text("DROP TABLE IF EXISTS api_tokens"))  # migration 0003
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """Every store test runs on SQLite and on a real PostgreSQL server (.ci/run starts one)."""
    if request.param == "sqlite":
        return str(tmp_path / "t.sqlite")
    if not POSTGRES:
        pytest.skip("SPEDRULES_TEST_POSTGRES_URL is not set (.ci/run starts PostgreSQL)")
    clean_postgres(POSTGRES)
    return POSTGRES


@pytest.fixture
def store(db_url):
    store = Store(db_url)
    store.init()
    store.add_district(EXAMPLES / "mesa-verde.toml", who="test")
    return store


def cases(n=60):
    return list(population("T", n, ["North", "South"], AS_OF))


def published(store, district="mesa-verde"):
    """The latest completed run's obligations, without the run id (comparable across runs)."""
    run = store.latest_run(district)
    rows = store.obligation_rows(district, run["run"])
    return sorted(json.dumps({**r, "run": None}, sort_keys=True, default=str) for r in rows)


def board(store, district="mesa-verde"):
    found = dashboard(store, district)
    found.pop("run")
    return found


def test_migrations_match_the_model(store):
    from sqlalchemy import MetaData

    from spedrules.core.web.tokens import metadata as tokens  # the API's tokens (migration 0003)

    model = MetaData()
    for table in [*Base.metadata.tables.values(), *tokens.tables.values()]:
        table.to_metadata(model)
    with store.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), model) == []


def test_shared_rows_survive_a_downgrade_and_upgrade(store):
    """Migration 0006 shares a carried student's rows between runs. Going back to 0005 copies
    them into every run that published them (as 0005 stored them); upgrading again reads each
    run's copies as its own. Run 2 publishes the same rows all along."""
    from alembic import command

    from spedrules.core.store.database import alembic_config

    store.add_cases("mesa-verde", cases(10), who="test")
    sweep(store, AS_OF)
    (second,) = sweep(store, AS_OF)
    assert second.counts["evaluated"] == 0  # everyone carried: run 1's rows, shared
    before = store.obligation_rows("mesa-verde", second.run)
    config = alembic_config()
    for target in ("0005", "head"):
        with store.engine.begin() as connection:
            config.attributes["connection"] = connection
            (command.downgrade if target == "0005" else command.upgrade)(config, target)
    store.engine.dispose()
    assert store.obligation_rows("mesa-verde", second.run) == before
    with store.sessions() as s:
        stored = s.scalar(select(func.count()).where(ObligationRow.student_pk.is_not(None)))
    assert stored == 2 * len(before)  # each run holds its own copies now


def test_a_failing_import_leaves_nothing(store):
    with pytest.raises(RuntimeError, match="injected failure after 30 cases"):
        store.add_cases("mesa-verde", cases(), who="test", fail_after=30)
    assert store.student_keys("mesa-verde") == []
    assert [a.action for a in store.audit_rows()] == ["district"]  # the failed import left no audit


def test_importing_the_same_cases_twice_changes_nothing(store):
    first = store.add_cases("mesa-verde", cases(), who="test")
    assert first.students_new == 60 and first.events_new > 0
    audit = len(store.audit_rows())
    sweep(store, AS_OF)
    before = (board(store), published(store))
    again = store.add_cases("mesa-verde", cases(), who="test")
    assert (again.events_new, again.events_known) == (0, first.events_new + first.events_repeated)
    assert (again.students_new, again.students_updated, again.students_unchanged) == (0, 0, 60)
    assert not again.changed
    assert len(store.audit_rows()) == audit + 1  # the sweep's row; the no-op import wrote none
    sweep(store, AS_OF)
    assert (board(store), published(store)) == before


def test_sweeps_are_runs_independent_of_partitions(store, monkeypatch):
    store.add_cases("mesa-verde", cases(), who="test")
    (run,) = sweep(store, AS_OF)
    first = published(store)
    assert first and run.status == "completed" and run.counts["students"] == 60
    monkeypatch.setattr("spedrules.core.store.sweep.PARTITION_SIZE", 7)
    (again,) = sweep(store, AS_OF, workers=2, full=True)
    assert again.run > run.run and published(store) == first
    assert again.counts["evaluated"] == 60
    history = store.runs("mesa-verde")
    assert [r["status"] for r in history] == ["completed", "completed"]  # both kept: history
    assert history[0]["fingerprint"]["stack"][0]["id"] == "us-idea"


def test_dashboard_counts_come_from_the_run(store):
    store.add_cases("mesa-verde", cases(), who="test")
    sweep(store, AS_OF)
    rows = store.obligation_rows("mesa-verde", store.latest_run("mesa-verde")["run"])
    found = dashboard(store, "mesa-verde")
    assert found["obligations"] == len(rows)
    assert found["overdue"] == sum(r["status"] == "overdue" for r in rows)
    assert found["due_in_7_days"] <= found["due_in_14_days"] <= found["due_in_30_days"]
    assert set(found["by_school"]) <= {"North", "South"}
    assert sum(sum(c.values()) for c in found["by_school"].values()) == len(rows)
    assert found["errors"] == {"students": 0, "first": []}


def test_a_reimport_without_the_incident_keeps_it_and_a_change_is_a_new_version(store):
    inc = {"id": "R-1", "type": "restraint", "started_at": "2026-10-01T10:00:00"}
    case = {"student": {"id": "B-1"}, "events": [], "incidents": [inc]}
    store.add_cases("mesa-verde", [case], who="carol")
    store.add_cases("mesa-verde", [{"student": {"id": "B-1"}, "events": []}], who="carol")
    assert store.case("mesa-verde", "B-1")["incidents"] == [inc]  # nothing deleted by an import
    changed = dict(inc, released_at="2026-10-01T10:12:00")
    summary = store.add_cases("mesa-verde", [dict(case, incidents=[changed])], who="dave")
    assert summary.records_changed == 1
    assert store.case("mesa-verde", "B-1")["incidents"] == [changed]
    row = [a for a in store.audit_rows() if a.action == "incident"][-1]
    assert (row.who, row.before, row.after) == ("dave", inc, changed)  # the old version is named


def test_events_csv_with_ids_and_a_changed_fact(store, tmp_path):
    from spedrules.core.store.imports import read_events

    store.add_cases("mesa-verde", [{"student": {"id": "C-1"}}], who="test")
    csv = tmp_path / "events.csv"
    csv.write_text("id,student_id,type,date\nE-9,C-1,referral_received,2026-11-30\n")
    good, _ = read_events(csv, frozenset())
    assert store.add_events("mesa-verde", good, who="t").events_new == 1
    assert store.add_events("mesa-verde", good, who="t").events_known == 1
    csv.write_text("id,student_id,type,date\nE-9,C-1,referral_received,2026-12-01\n")
    changed, _ = read_events(csv, frozenset())
    with pytest.raises(InputError, match="event E-9: expected the same content"):
        store.add_events("mesa-verde", changed, who="t")
    # the same event with its id in a case file is the one stored, whichever file brings it
    case = {"student": {"id": "C-1"}, "events": good["C-1"]}
    assert store.add_cases("mesa-verde", [case], who="t").events_known == 1


def test_a_fact_repeated_within_one_import_is_stored_once_and_said_so(store):
    """The same event twice in one input is one stored event, counted as repeated, not as
    "already stored" (nothing was stored before); importing it again finds both stored."""
    twice = [{"type": "referral_received", "date": "2026-11-30"}] * 2
    case = {"student": {"id": "R-1"}, "events": [*twice, {"type": "absence", "date": "2026-12-01"}]}
    first = store.add_cases("mesa-verde", [case], who="t")
    assert (first.events_new, first.events_known, first.events_repeated) == (2, 0, 1)
    assert "2 new event(s), 0 already stored, 1 repeated within the input" in first.describe()
    again = store.add_cases("mesa-verde", [case], who="t")
    assert (again.events_new, again.events_known, again.events_repeated) == (0, 3, 0)
    assert "repeated" not in again.describe()
    more = store.add_events(
        "mesa-verde", {"R-1": [*twice[:1], *[{"type": "x", "date": "2027-01-04"}] * 3]}, who="t"
    )
    assert (more.events_new, more.events_known, more.events_repeated) == (1, 1, 2)


def test_a_retracted_event_stays_stored_and_the_student_has_no_obligations(store):
    case = {
        "student": {"id": "D-1", "birth_date": "2016-01-01"},
        "events": [{"type": "referral_received", "date": "2026-11-30"}],
    }
    store.add_cases("mesa-verde", [case], who="test")
    sweep(store, AS_OF)
    assert [r["rule"] for r in store.obligation_rows("mesa-verde", 1)] == ["ca.assessment_plan"]
    (event,) = store.events("mesa-verde", "D-1")
    store.retract_event("mesa-verde", "D-1", event["key"], "wrong student", who="erin")
    with pytest.raises(InputError, match="not yet retracted"):
        store.retract_event("mesa-verde", "D-1", event["key"], "again", who="erin")
    (run,) = sweep(store, AS_OF)
    # the student's only obligation vanished: none is left behind by the earlier run
    assert store.obligation_rows("mesa-verde", run.run) == []
    (kept,) = store.events("mesa-verde", "D-1")
    assert kept["retracted"]["reason"] == "wrong student" and kept["retracted"]["who"] == "erin"
    assert store.audit_rows()[-2].action == "retract"


def test_append_only_tables_refuse_update_and_delete(store):
    inc = {"id": "R-1", "type": "restraint", "started_at": "2026-10-01T10:00:00"}
    store.add_cases("mesa-verde", [*cases(3), {"student": {"id": "X"}, "incidents": [inc]}], "t")
    for statement in (
        "UPDATE events SET type = 'absence'",
        "DELETE FROM events",
        "UPDATE audit SET who = 'the-superintendent'",
        "DELETE FROM audit",
        "DELETE FROM records",
    ):
        with pytest.raises(Exception, match="append-only"), store.engine.begin() as c:
            c.execute(text(statement))


def test_audit_verify_names_the_first_row_edited_outside_spedrules(store):
    three = cases(3)
    store.add_cases("mesa-verde", three, who="test")
    records = sum(len(c.get("meetings", [])) + len(c.get("incidents", [])) for c in three)
    # the district; 3 cases, their events and their meetings and incidents
    assert store.verify_audit() == (1 + 3 + 3 + records, None)
    trigger = "audit_no_update" if store.dialect == "sqlite" else "audit_append_only ON audit"
    with store.engine.begin() as c:  # someone with database access drops the guard
        c.execute(text(f"DROP TRIGGER {trigger}"))
        c.execute(text("UPDATE audit SET who = 'mallory' WHERE pk = 3"))
    assert store.verify_audit() == (2, 3)


def test_a_failing_student_is_recorded_and_the_others_are_swept(store, monkeypatch):
    store.add_cases("mesa-verde", cases(), who="test")
    victim = cases()[5]["student"]["id"]
    fail_student(monkeypatch, victim, ZeroDivisionError("a plugin divided by zero"))
    (run,) = sweep(store, AS_OF)
    assert run.status == "completed" and run.errors == 1 and run.counts["students"] == 60
    found = dashboard(store, "mesa-verde")
    assert found["errors"]["students"] == 1
    (error,) = found["errors"]["first"]
    assert error["student"] == victim and "ZeroDivisionError" in error["message"]
    assert "factories.py" in error["where"]  # the innermost frame that raised: where to look
    rows = store.obligation_rows("mesa-verde", run.run)
    assert {r["student"] for r in rows} == {c["student"]["id"] for c in cases()} - {victim}


def test_a_failing_batch_evaluates_the_partition_case_by_case(store, monkeypatch):
    import spedrules.core.engine.batch as batch_module

    store.add_cases("mesa-verde", cases(), who="test")
    (first,) = sweep(store, AS_OF, full=True)
    expected = sorted(
        str({**r, "run": None}) for r in store.obligation_rows("mesa-verde", first.run)
    )

    def broken(batch, entry):
        raise RuntimeError("a case the arrays cannot take")

    monkeypatch.setattr(batch_module, "_evaluate_rule", broken)
    (second,) = sweep(store, AS_OF, full=True)
    assert second.errors == 0
    found = store.obligation_rows("mesa-verde", second.run)
    assert sorted(str({**r, "run": None}) for r in found) == expected


def test_a_sweep_of_a_busy_district_is_refused(store):
    store.add_cases("mesa-verde", cases(5), who="test")
    with store.district_lock("mesa-verde"), pytest.raises(SweepBusy, match="another sweep"):
        sweep(store, AS_OF)
    assert store.runs("mesa-verde") == []


def test_obligations_are_explained_on_demand_from_the_stored_case(store):
    store.add_cases("mesa-verde", cases(), who="test")
    (run,) = sweep(store, AS_OF)
    rows = store.obligation_rows("mesa-verde", run.run)
    sid = rows[0]["student"]
    result = stored_evaluation(store, "mesa-verde", sid)
    stored = sorted((r["rule"], r["due"], r["status"]) for r in rows if r["student"] == sid)
    fresh = sorted(
        (o.rule, o.due.isoformat() if o.due else None, o.status) for o in result.obligations
    )
    assert stored == fresh and all(o.explanation for o in result.obligations)


def test_prune_keeps_the_newest_runs(store):
    store.add_cases("mesa-verde", cases(10), who="test")
    for _ in range(3):
        sweep(store, AS_OF)
    assert store.prune_runs("mesa-verde", 1, who="ops") == 2
    assert [r["status"] for r in store.runs("mesa-verde")] == ["completed", "pruned", "pruned"]
    assert store.obligation_rows("mesa-verde", 1) == []
    assert published(store)


def test_prune_keeps_the_rows_a_kept_run_carried_forward(store):
    """Run 1 evaluates everyone; a new event for one student makes run 2 evaluate him alone
    and publish run 1's rows of the others. Pruning run 1 keeps exactly those rows: run 2
    reads the same afterwards, and no student row is left that no run publishes. Six students
    in North's inclusion program give each run a program duty (La Habra: more than five)."""
    people = cases(10)
    for case in people[:6]:
        case["student"].update(flags=["inclusion"], school="North")
    store.add_cases("mesa-verde", people, who="test")
    (first,) = sweep(store, AS_OF)
    changed = str(people[0]["student"]["id"])
    event = {"type": "evaluation_consent_received", "date": (AS_OF - timedelta(days=3)).isoformat()}
    store.add_events("mesa-verde", {changed: [event]}, who="test")
    (second,) = sweep(store, AS_OF)
    assert (first.counts["evaluated"], second.counts["evaluated"]) == (10, 1)
    before = store.obligation_rows("mesa-verde", second.run)
    assert {r["run"] for r in before} == {second.run} and len(before) > 10
    assert store.prune_runs("mesa-verde", 1, who="ops") == 1
    assert store.obligation_rows("mesa-verde", second.run) == before
    assert store.obligation_rows("mesa-verde", first.run) == []
    duties = store.obligation_rows("mesa-verde", second.run, programs=True)
    with store.sessions() as s:
        stored = s.scalar(select(func.count()).where(ObligationRow.student_pk.is_not(None)))
        stored_duties = s.scalar(select(func.count()).where(ObligationRow.student_pk.is_(None)))
    assert stored == len(before) and stored_duties == len(duties) > 0
    assert store.obligation_rows("gulf-shore", second.run, programs=True) == []  # not its run


def _spedrules(*args, env=None, script=None):
    """`spedrules ARGS` in a new process; with ``script``, that Python code runs instead of
    the module (it calls the CLI itself)."""
    runs = ["-c", script] if script else ["-m", "spedrules"]
    return subprocess.Popen(
        [sys.executable, *runs, *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "SPEDRULES_ACTOR": "test", **(env or {})},
    )


@pytest.fixture
def big_store(store, monkeypatch):
    """A few hundred students in many small partitions, so a sweep takes a moment."""
    store.add_cases("mesa-verde", list(population("K", 600, ["North"], AS_OF)), who="test")
    return store


def test_two_concurrent_sweeps_leave_exactly_one_run(big_store):
    url = big_store.url
    procs = [_spedrules("sweep", "--as-of", AS_OF, "--db", url, "--format", "json") for _ in "ab"]
    codes = sorted(p.wait(timeout=300) for p in procs)
    assert codes in ([0, 0], [0, 4])  # serialised by the lock: one refused, or one after the other
    runs = big_store.runs("mesa-verde")
    assert [r["status"] for r in runs] == ["completed"] * (2 if codes == [0, 0] else 1)
    rows = big_store.obligation_rows("mesa-verde", runs[0]["run"])
    assert len(rows) == runs[0]["counts"]["obligations"]
    keys = [(r["student"], r["rule"], str(r["trigger"]), r["subject"]) for r in rows]
    assert len(keys) == len(set(keys))  # nothing interleaved, nothing twice


# `spedrules` whose sweep stops after its first partition is stored, until it is killed: the
# test kills it there, whatever the machine's speed (polling a free-running sweep raced it: a
# fast sweep had finished before the poll saw its rows, and the kill came after the end)
STOPS_AFTER_ONE_PARTITION = """
import sys, time
from spedrules.core.store.database import Store
write = Store.write_partition
def write_then_wait(self, *args, **kwargs):
    write(self, *args, **kwargs)
    time.sleep(600)
Store.write_partition = write_then_wait
from spedrules.cli.main import main
sys.argv[0] = "spedrules"
main()
"""


def test_a_killed_sweep_is_never_read(big_store):
    url = big_store.url
    sweep(big_store, AS_OF)
    before = published(big_store)
    proc = _spedrules(
        "sweep", "--as-of", "2027-02-15", "--db", url, "--partition-size", "10", "--workers", "1",
        script=STOPS_AFTER_ONE_PARTITION,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # wait until the new run has written something
        runs = big_store.runs("mesa-verde")
        if runs[0]["status"] == "running":
            with big_store.engine.connect() as c:
                written = c.scalar(
                    text("SELECT count(*) FROM obligations WHERE run_pk = :r"),
                    {"r": runs[0]["run"]},
                )
            if written:
                break
        time.sleep(0.05)
    assert proc.poll() is None, proc.communicate()  # still stopped after its first partition
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert big_store.runs("mesa-verde")[0]["status"] == "running"  # killed: never finished
    assert published(big_store) == before  # readers stay on the last completed run
    assert big_store.latest_run("mesa-verde")["as_of"] == "2027-01-15"
    (run,) = sweep(big_store, date(2027, 2, 15))  # the next sweep marks the killed run failed
    statuses = [r["status"] for r in big_store.runs("mesa-verde")]
    assert statuses == ["completed", "failed", "completed"] and run.status == "completed"


def test_cli_end_to_end_and_ics_export(tmp_path, run_cli):
    db = str(tmp_path / "e2e.sqlite")
    assert run_cli("init", "--db", db).exit_code == 0
    assert run_cli("district", "add", EXAMPLES / "mesa-verde.toml", "--db", db).exit_code == 0
    source = tmp_path / "cases.json"
    source.write_text(
        json.dumps(
            {
                "cases": [
                    {
                        "student": {"id": "E-1", "birth_date": "2017-01-23"},
                        "events": [{"type": "referral_received", "date": "2027-01-11"}],
                    }
                ]
            }
        )
    )
    result = run_cli("import", "cases", source, "--district", "mesa-verde", "--db", db)
    assert result.exit_code == 0, result.output
    assert "1 new event(s), 0 already stored" in result.stdout
    again = run_cli("import", "cases", source, "--district", "mesa-verde", "--db", db)
    assert "0 new event(s), 1 already stored" in again.stdout
    found = json.loads(
        run_cli("sweep", "--as-of", "2027-01-15", "--db", db, "--format", "json").stdout
    )
    assert found["obligations"] == 1 and found["due_in_14_days"] == 1
    # referral Mon 2027-01-11 + 15 counted days = Tue 2027-01-26 (MLK Day counts)
    first = run_cli("export", "ics", "--db", db).stdout
    assert "DTSTART;VALUE=DATE:20270126" in first
    assert "UID:mesa-verde-E-1-ca.assessment_plan-2027-01-11@spedrules" in first
    assert run_cli("export", "ics", "--as-of", "2027-01-15", "--db", db).stdout == first
    none = run_cli("export", "ics", "--db", db, "--student", "nobody")
    assert none.exit_code == 2 and "--student: expected a student of the district" in none.stderr
    history = run_cli("sweep", "--history", "--db", db).stdout
    assert "completed" in history and "mesa-verde" in history
    assert run_cli("audit", "verify", "--db", db).exit_code == 0


def test_a_run_with_errors_exits_3_and_a_busy_district_4(tmp_path, run_cli, monkeypatch):
    import spedrules.core.api as api_module
    import spedrules.core.engine.batch as batch_module

    db = str(tmp_path / "x.sqlite")
    run_cli("district", "add", EXAMPLES / "mesa-verde.toml", "--db", db)
    Store(db).add_cases("mesa-verde", cases(4), who="t")
    monkeypatch.setattr(batch_module, "_evaluate_rule", lambda *a: 1 / 0)
    monkeypatch.setattr(api_module, "evaluate", lambda *a: 1 / 0)
    result = run_cli("sweep", "--as-of", "2027-01-15", "--db", db)
    assert result.exit_code == 3
    assert "4 student(s) could not be evaluated" in result.stdout
    with Store(db).district_lock("mesa-verde"):
        busy = run_cli("sweep", "--as-of", "2027-01-15", "--db", db)
        pruning = run_cli("runs", "prune", "--district", "mesa-verde", "--keep", "1", "--db", db)
    assert busy.exit_code == 4 and "another sweep of district mesa-verde" in busy.stderr
    assert pruning.exit_code == 4 and "another sweep of district mesa-verde" in pruning.stderr
    assert [r["status"] for r in Store(db).runs("mesa-verde")] == ["completed"]  # nothing done


def test_bad_import_names_the_case_and_writes_nothing(tmp_path, run_cli):
    db = str(tmp_path / "bad.sqlite")
    run_cli("district", "add", EXAMPLES / "mesa-verde.toml", "--db", db)
    source = tmp_path / "cases.yaml"
    source.write_text(
        "cases:\n  - {student: {id: G-1}}\n"
        "  - {student: {id: B-2}, events: [{type: typo_event, date: 2027-01-02}]}\n"
    )
    result = run_cli("import", "cases", source, "--district", "mesa-verde", "--db", db)
    assert result.exit_code == 2
    assert "cases.yaml: cases[1].events[0].type: expected" in result.stderr
    assert Store(db).student_keys("mesa-verde") == []


def test_csv_imports_all_or_nothing_skip_bad_and_idempotent(tmp_path, run_cli):
    db = str(tmp_path / "csv.sqlite")
    run_cli("district", "add", EXAMPLES / "mesa-verde.toml", "--db", db)
    args = ("--district", "mesa-verde", "--db", db)
    ok = run_cli("import", "students", EXAMPLES / "import-students.csv", *args)
    assert ok.exit_code == 0 and "imported 2 student(s)" in ok.stdout
    events = run_cli("import", "events", EXAMPLES / "import-events.csv", *args)
    assert events.exit_code == 0 and "3 new, 0 already stored" in events.stdout
    swept = run_cli("sweep", "--as-of", "2027-01-15", "--db", db, "--format", "json").stdout
    again = run_cli("import", "events", EXAMPLES / "import-events.csv", *args)
    assert "0 new, 3 already stored" in again.stdout
    same = run_cli("sweep", "--as-of", "2027-01-15", "--db", db, "--format", "json").stdout
    strip = lambda s: {k: v for k, v in json.loads(s).items() if k != "run"}  # noqa: E731
    assert strip(same) == strip(swept)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "student_id,type,date\nMV-2001,absence,2027-01-05\n"
        "MV-2001,absense,2027-01-06\nMV-2002,absence,2027-13-01\n"
    )
    refused = run_cli("import", "events", bad, *args)
    assert refused.exit_code == 2
    assert "bad.csv: line 3: type: expected" in refused.stderr
    assert "bad.csv: line 4: date: expected a date" in refused.stderr
    store = Store(db)
    counts = {c["student"]["id"]: len(c["events"]) for _, c in store.cases("mesa-verde", 0, 10**9)}
    assert counts == {"MV-2001": 2, "MV-2002": 1}  # nothing of bad.csv was written
    skipped = run_cli("import", "events", bad, *args, "--skip-bad")
    assert skipped.exit_code == 0 and "1 new, 0 already stored" in skipped.stdout


def test_a_district_with_an_ics_calendar_is_stored_complete(tmp_path):
    from spedrules.core.calendar import SchoolCalendar
    from spedrules.core.store.ics import write_ics
    from spedrules.core.store.sweep import district_from_store

    calendar = SchoolCalendar.load(EXAMPLES / "mesa-verde-2026-27.yaml")
    write_ics(calendar, tmp_path / "mv.ics")
    config = (EXAMPLES / "mesa-verde.toml").read_text().replace("mesa-verde-2026-27.yaml", "mv.ics")
    (tmp_path / "mv.toml").write_text(config)
    store = Store(str(tmp_path / "ics.sqlite"))
    store.init()
    store.add_district(tmp_path / "mv.toml", who="test")
    district = district_from_store(store.url, "mesa-verde")
    assert (district.calendar.instructional_days == calendar.instructional_days).all()


def test_store_commands_on_bad_input(tmp_path, run_cli):
    db = str(tmp_path / "empty.sqlite")
    result = run_cli("sweep", "--db", db, "--as-of", "2027-01-15")
    assert result.exit_code == 2 and "run `spedrules init`" in result.stderr
    run_cli("district", "add", EXAMPLES / "mesa-verde.toml", "--db", db)
    result = run_cli("export", "ics", "--db", db, "--as-of", "15/01/2027")
    assert result.exit_code == 2 and "--as-of: expected a date YYYY-MM-DD" in result.stderr
    result = run_cli("export", "ics", "--db", db)
    assert result.exit_code == 2 and "a district with a completed sweep" in result.stderr
    assert "Traceback" not in result.output


def test_the_actor_is_explicit_or_the_os_account(tmp_path, run_cli, monkeypatch):
    import pwd

    db = str(tmp_path / "a.sqlite")
    monkeypatch.delenv("SPEDRULES_ACTOR", raising=False)
    monkeypatch.setenv("USER", "the-superintendent")  # $USER is not who ran the command
    run_cli("district", "add", EXAMPLES / "mesa-verde.toml", "--db", db)
    assert Store(db).audit_rows()[-1].who == f"os:{pwd.getpwuid(os.getuid()).pw_name}"
    args = ("district", "add", EXAMPLES / "mesa-verde.toml", "--db", db, "--replace")
    assert run_cli(*args, "--actor", "j.doe").exit_code == 0
    assert Store(db).audit_rows()[-1].who == "j.doe"
    monkeypatch.setenv("SPEDRULES_REQUIRE_ACTOR", "1")
    refused = run_cli(*args)
    assert refused.exit_code == 2 and "--actor: expected the person" in refused.stderr


def test_a_repeated_meeting_leaves_the_review_overdue(store):
    # the annual IEP meeting of Wed 2025-12-03 starts the year: the review is due Thu
    # 2026-12-03. Importing it again, or the same meeting recorded a second time that day with
    # a note, is not a review: on 2027-01-15 the review is overdue by 43 days.
    meeting = {"type": "iep_meeting_held", "date": "2025-12-03", "meeting_type": "annual"}
    case = {"student": {"id": "R-1", "birth_date": "2014-02-01"}, "events": [meeting]}
    store.add_cases("mesa-verde", [case], who="t")
    store.add_cases("mesa-verde", [case], who="t")
    again = dict(case, events=[dict(meeting, note="entered again by the school")])
    assert store.add_cases("mesa-verde", [again], who="t").events_new == 1
    (run,) = sweep(store, AS_OF)
    rows = {r["rule"]: r for r in store.obligation_rows("mesa-verde", run.run)}
    assert (rows["ca.annual_review"]["due"], rows["ca.annual_review"]["status"]) == (
        "2026-12-03",
        "overdue",
    )


def test_a_late_year_referral_is_undetermined_and_the_sweep_completes(store):
    # a referral on Tue 2027-06-01, the last school days of the calendar's only year (it ends
    # Thu 2027-06-10): the counts reach into 2027-28, which the calendar lacks
    case = {
        "student": {"id": "L-1", "birth_date": "2016-01-01"},
        "events": [{"type": "referral_received", "date": "2027-06-01"}],
    }
    store.add_cases("mesa-verde", [*cases(5), case], who="t")
    (run,) = sweep(store, date(2027, 6, 15))
    assert run.status == "completed" and run.errors == 0 and run.counts["students"] == 6
    result = stored_evaluation(store, "mesa-verde", "L-1")
    unknown = [o for o in result.obligations if o.status == "undetermined"]
    assert unknown and all(o.due is None for o in unknown)
    assert any("2027-28" in step for o in unknown for step in o.explanation)


def test_the_heap_is_frozen_while_workers_fork_and_given_back_after(store, monkeypatch):
    """A process pool's workers fork from a heap the collector will not walk (their first
    collection wrote to every inherited page); after the sweep the caller's objects are
    collectable again, and a block that raised gives them back too."""
    gc.unfreeze()
    collector.settle.cache_clear()  # this process may have settled in an earlier sweep
    seen = []

    class Recording(sweep_module.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            seen.append(gc.get_freeze_count())
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(sweep_module, "ProcessPoolExecutor", Recording)
    store.add_cases("mesa-verde", cases(40), who="t")
    (run,) = sweep(store, AS_OF, ["mesa-verde"], workers=2, partition_size=10)
    assert run.status == "completed" and run.counts["evaluated"] == 40
    assert len(seen) == 1 and seen[0] > 1000  # the modules, the district, the cases read
    assert gc.get_freeze_count() == 0
    with pytest.raises(RuntimeError), collector.frozen():
        assert gc.get_freeze_count() > 0
        raise RuntimeError("an import failing")
    assert gc.get_freeze_count() == 0


def test_a_settled_process_stays_settled_after_a_frozen_block():
    """What ``settle`` froze (a process that ran a partition itself) is not given back by a
    later import's block: the collector cannot unfreeze only part of its frozen objects."""
    gc.unfreeze()
    gc.freeze()
    settled = gc.get_freeze_count()
    with collector.frozen():
        pass
    assert gc.get_freeze_count() >= settled
    gc.unfreeze()


def test_a_partition_pauses_the_collector_and_restores_what_it_found():
    """The cyclic collector is off while a partition works and as it was afterwards (a caller
    that had turned it off finds it off), also when the partition raises."""
    for before in (True, False):
        (gc.enable if before else gc.disable)()
        with pytest.raises(RuntimeError), collector_paused():
            assert not gc.isenabled()
            raise RuntimeError("a partition failing")
        assert gc.isenabled() is before
    gc.enable()


@pytest.mark.parametrize("count", [0, 1, 63, 64, 65, 3 * 64 + 7])
def test_a_partition_writes_every_row_it_is_given(store, count):
    """SQLite takes a partition's rows 64 to a statement and the rest one by one: every row
    arrives once, each value as given (None, dates and texts), on both backends."""
    run = store.begin_run("mesa-verde", AS_OF, {}, "test")
    day = date(2027, 1, 4)
    rows = [
        {
            "student_pk": i // 7,
            "rule": f"rule.{i % 5}",
            "kind": "kind",
            "status": ("open", "met")[i % 2],
            "due": (day + timedelta(days=i)).isoformat(),
            "due_day": day + timedelta(days=i),
            "responsible": None if i % 3 else "Case manager",
            "subject": None,
            "trigger_day": day,
            "met_day": day if i % 2 else None,
            "delay_reason": None,
            "stopped_on": None,
            "sequence": i % 4,
        }
        for i in range(count)
    ]
    columns = {name: [r[name] for r in rows] for name in rows[0]} if rows else {}
    store.write_partition(run, sorted({r["student_pk"] for r in rows}), columns, [], [])
    with store.sessions() as s:
        query = select(ObligationRow).where(ObligationRow.run_pk == run)
        stored = s.scalars(query.order_by(ObligationRow.pk)).all()
    assert [{name: getattr(o, name) for name in columns} for o in stored] == rows


def test_none_binds_as_null_through_the_adapter_a_sqlite_store_registers(tmp_path, monkeypatch):
    """A SQLite store registers an adapter for None (it spares ``sqlite3`` two failed attribute
    lookups per empty column): None still arrives as NULL, and an adapter for None that was
    registered before is kept."""
    import sqlite3

    key = (type(None), sqlite3.PrepareProtocol)
    monkeypatch.delitem(sqlite3.adapters, key, raising=False)
    Store(f"sqlite:///{tmp_path / 'a.sqlite'}")
    assert key in sqlite3.adapters
    connection = sqlite3.connect(":memory:")
    assert connection.execute("SELECT ? IS NULL, typeof(?)", (None, None)).fetchone() == (
        1,
        "null",
    )
    connection.close()
    kept = {}.get
    monkeypatch.setitem(sqlite3.adapters, key, kept)
    Store(f"sqlite:///{tmp_path / 'b.sqlite'}")
    assert sqlite3.adapters[key] is kept
