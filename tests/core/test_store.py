"""The store and the sweep: transactional imports, idempotent and partition-independent sweeps,
the dashboard, the audit trail and the iCalendar export (SQLite)."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, delete, text

from spedrules.core.store import Base, ObligationRow, Store
from spedrules.core.sweep import dashboard, partitions, sweep, sweep_partition
from spedrules.core.synthetic import population

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
AS_OF = date(2027, 1, 15)


POSTGRES = os.environ.get("SPEDRULES_TEST_POSTGRES_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """Every store test runs on SQLite and on a real PostgreSQL server (.ci/run starts one)."""
    if request.param == "sqlite":
        return str(tmp_path / "t.sqlite")
    if not POSTGRES:
        pytest.skip("SPEDRULES_TEST_POSTGRES_URL is not set (.ci/run starts PostgreSQL)")
    engine = create_engine(POSTGRES)
    with engine.begin() as connection:  # a clean database for each test
        Base.metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()
    return POSTGRES


@pytest.fixture
def store(db_url):
    store = Store(db_url)
    store.init()
    store.add_district(EXAMPLES / "mesa-verde.toml", who="test")
    return store


def test_migrations_match_the_model(store):
    with store.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def cases(n=60):
    return list(population("T", n, ["North", "South"], AS_OF))


def snapshot(store):
    return sorted(json.dumps(r, sort_keys=True, default=str) for r in store.obligations(AS_OF))


def test_a_failing_import_leaves_nothing(store):
    with pytest.raises(RuntimeError, match="injected failure after 30 cases"):
        store.add_cases("mesa-verde", cases(), who="test", fail_after=30)
    assert store.student_keys("mesa-verde") == []
    assert [a.action for a in store.audit_rows()] == ["district"]  # the failed import left no audit


def test_sweep_is_idempotent_and_independent_of_partitions(store, monkeypatch):
    store.add_cases("mesa-verde", cases(), who="test")
    sweep(store, AS_OF)
    first = snapshot(store)
    assert first
    sweep(store, AS_OF)  # again: the same rows, no duplicates
    assert snapshot(store) == first
    # smaller partitions, two processes: identical results
    monkeypatch.setattr("spedrules.core.sweep.PARTITION_SIZE", 7)
    sweep(store, AS_OF, workers=2)
    assert snapshot(store) == first


def test_an_interrupted_sweep_is_run_again(store, monkeypatch):
    store.add_cases("mesa-verde", cases(), who="test")
    sweep(store, AS_OF)
    expected = snapshot(store)
    with store.transaction() as s:  # start over, as if the first sweep never ran
        s.execute(delete(ObligationRow))
    monkeypatch.setattr("spedrules.core.sweep.PARTITION_SIZE", 10)
    lo, hi = partitions(store, "mesa-verde")[0]
    sweep_partition(store.url, "mesa-verde", lo, hi, AS_OF)  # killed after one partition
    assert 0 < len(store.obligations(AS_OF)) < len(expected)
    sweep(store, AS_OF)  # run again: nothing lost, nothing twice
    assert snapshot(store) == expected


def test_dashboard_counts(store):
    store.add_cases("mesa-verde", cases(), who="test")
    sweep(store, AS_OF)
    rows = store.obligations(AS_OF)
    board = dashboard(rows, AS_OF)
    assert board["overdue"] == sum(r["status"] == "overdue" for r in rows)
    assert board["due_in_7_days"] <= board["due_in_14_days"] <= board["due_in_30_days"]
    assert set(board["by_school"]) <= {"North", "South"}
    assert sum(sum(c.values()) for c in board["by_school"].values()) == len(rows)


def test_events_are_appended_and_audited(store):
    case = {
        "student": {"id": "A-1", "birth_date": "2016-01-01"},
        "events": [{"type": "referral_received", "date": "2026-11-30"}],
    }
    store.add_cases("mesa-verde", [case], who="alice")
    later = dict(case, events=[{"type": "assessment_plan_provided", "date": "2026-12-09"}])
    store.add_cases("mesa-verde", [later], who="bob")
    ((_, data),) = list(store.cases("mesa-verde", 0, 10**9))
    assert [e["type"] for e in data["events"]] == ["referral_received", "assessment_plan_provided"]
    audit = [(a.who, a.action, a.what) for a in store.audit_rows()]
    assert audit[-2:] == [("alice", "case", "mesa-verde/A-1"), ("bob", "case", "mesa-verde/A-1")]


def test_batched_import_writes_what_case_by_case_would(store, monkeypatch):
    # batches of 2 (imports write a batch with a few statements): a student twice in one import,
    # a student extended across batches, incidents replaced by the latest case, one audit row each
    from spedrules.core import store as store_module

    monkeypatch.setattr(store_module, "IMPORT_BATCH", 2)
    inc = {"id": "R-1", "type": "restraint", "started_at": "2026-10-01T10:00:00"}
    first = {
        "student": {"id": "B-1", "school": "North"},
        "events": [{"type": "referral_received", "date": "2026-09-01"}],
        "incidents": [inc],
    }
    other = {"student": {"id": "B-2"}, "events": []}
    again = {
        "student": {"id": "B-1", "school": "South"},
        "events": [{"type": "assessment_plan_provided", "date": "2026-09-10"}],
        "incidents": [dict(inc, id="R-2")],
    }
    extra = {"student": {"id": "B-3"}, "events": [{"type": "absence", "date": "2026-09-02"}]}
    assert store.add_cases("mesa-verde", [first, again, other, extra], who="carol") == 4
    cases = {d["student"]["id"]: d for _, d in store.cases("mesa-verde", 0, 10**9)}
    assert sorted(cases) == ["B-1", "B-2", "B-3"]
    b1 = cases["B-1"]
    assert b1["student"]["school"] == "South"
    assert [e["type"] for e in b1["events"]] == ["referral_received", "assessment_plan_provided"]
    assert [i["id"] for i in b1["incidents"]] == ["R-2"]
    assert [e["type"] for e in cases["B-3"]["events"]] == ["absence"]
    rows = [a for a in store.audit_rows() if a.who == "carol"]
    assert [a.what for a in rows] == [f"mesa-verde/{x}" for x in ("B-1", "B-1", "B-2", "B-3")]
    assert rows[0].before is None and rows[1].before == {"id": "B-1", "school": "North"}


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
    board = json.loads(
        run_cli("sweep", "--as-of", "2027-01-15", "--db", db, "--format", "json").stdout
    )
    assert board["obligations"] == 1 and board["due_in_14_days"] == 1
    # referral Mon 2027-01-11 + 15 counted days = Tue 2027-01-26 (MLK Day counts)
    first = run_cli("export", "ics", "--as-of", "2027-01-15", "--db", db).stdout
    assert "DTSTART;VALUE=DATE:20270126" in first
    assert "UID:mesa-verde-E-1-ca.assessment_plan-2027-01-11@spedrules" in first
    assert run_cli("export", "ics", "--as-of", "2027-01-15", "--db", db).stdout == first
    assert (
        "BEGIN:VEVENT"
        not in run_cli(
            "export", "ics", "--as-of", "2027-01-15", "--db", db, "--student", "nobody"
        ).stdout
    )


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


def test_csv_imports_all_or_nothing_and_skip_bad(tmp_path, run_cli):
    db = str(tmp_path / "csv.sqlite")
    run_cli("district", "add", EXAMPLES / "mesa-verde.toml", "--db", db)
    ok = run_cli(
        "import",
        "students",
        EXAMPLES / "import-students.csv",
        "--district",
        "mesa-verde",
        "--db",
        db,
    )
    assert ok.exit_code == 0 and "imported 2 student(s)" in ok.stdout
    events = run_cli(
        "import", "events", EXAMPLES / "import-events.csv", "--district", "mesa-verde", "--db", db
    )
    assert events.exit_code == 0 and "imported 3 event(s)" in events.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "student_id,type,date\nMV-2001,absence,2027-01-05\n"
        "MV-2001,absense,2027-01-06\nMV-2002,absence,2027-13-01\n"
    )
    refused = run_cli("import", "events", bad, "--district", "mesa-verde", "--db", db)
    assert refused.exit_code == 2
    assert "bad.csv: line 3: type: expected" in refused.stderr
    assert "bad.csv: line 4: date: expected a date" in refused.stderr
    store = Store(db)
    counts = {
        sid: len(c["events"])
        for _, c in store.cases("mesa-verde", 0, 10**9)
        for sid in [c["student"]["id"]]
    }
    assert counts == {"MV-2001": 2, "MV-2002": 1}  # nothing of bad.csv was written
    skipped = run_cli("import", "events", bad, "--district", "mesa-verde", "--db", db, "--skip-bad")
    assert skipped.exit_code == 0 and "imported 1 event(s)" in skipped.stdout
    board = json.loads(
        run_cli("sweep", "--as-of", "2027-01-15", "--db", db, "--format", "json").stdout
    )
    assert board["students"] == 2


def test_a_district_with_an_ics_calendar_is_stored_complete(tmp_path):
    from spedrules.core.calendar import SchoolCalendar
    from spedrules.core.ics import write_ics
    from spedrules.core.sweep import district_from_store

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
    result = run_cli("export", "ics", "--db", db, "--as-of", "15/01/2027")
    assert result.exit_code == 2 and "--as-of: expected a date YYYY-MM-DD" in result.stderr
    assert "Traceback" not in result.output
