"""A district's own add-on as a plain .py file named in its config, loaded and checked like a
published plugin (DESIGN.md section 3)."""

from __future__ import annotations

import json
from pathlib import Path

import spedrules
from tests.core.test_store import db_url  # noqa: F401 (a fixture: SQLite and PostgreSQL)
from tests.districts import LOCAL_STACK, mesa_with, records_fast

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def district(tmp_path, days: int) -> Path:
    (tmp_path / "our_practices.py").write_text(records_fast("idea.records_access", days))
    return mesa_with(tmp_path, LOCAL_STACK, "d.toml")


def test_local_add_on_tightens_the_state_rule(tmp_path):
    config = district(tmp_path, 3)
    assert spedrules.check_plugins(config) == []
    case = {
        "student": {"id": "S"},
        "events": [{"type": "records_request_received", "date": "2026-11-02"}],
    }
    obs = {o.rule: o for o in spedrules.evaluate(config, case, "2026-11-03").obligations}
    # the tightening follows California's replacement of the federal rule; Mon 11-02 + 3
    # business days = Thu 11-05 locally, + 5 = Mon 11-09 (Veterans Day Wed 11-11 is later)
    assert obs["mesa.records_fast"].tightens == "ca.records_access"
    assert obs["mesa.records_fast"].due.isoformat() == "2026-11-05"
    assert obs["ca.records_access"].due.isoformat() == "2026-11-09"
    assert obs["mesa.records_fast"].source == "mesa-local"


def test_local_add_on_laxer_than_the_law_is_rejected_with_both_citations(tmp_path):
    config = district(tmp_path, 8)
    problems = [str(p) for p in spedrules.check_plugins(config)]
    assert len(problems) == 1
    assert "Mesa Verde MOU art. 4" in problems[0] and "EC 56504" in problems[0]


def test_broken_local_file_is_named(tmp_path, run_cli):
    config = district(tmp_path, 3)
    (tmp_path / "our_practices.py").write_text("import nonexistent_module\n")
    result = run_cli("plugins", "check", "--config", config)
    assert result.exit_code == 2
    assert "our_practices.py" in result.stderr and "Traceback" not in result.output


def test_a_stored_district_sweeps_with_the_stored_add_on(tmp_path, db_url):  # noqa: F811
    from datetime import date

    from spedrules.core.store.database import Store
    from spedrules.core.store.sweep import dashboard, sweep

    store = Store(db_url)  # SQLite and PostgreSQL (the fixture of tests/core/test_store.py)
    store.init()
    district_id = store.add_district(district(tmp_path, 3), who="test")
    case = {
        "student": {"id": "S"},
        "events": [{"type": "records_request_received", "date": "2026-11-02"}],
    }
    store.add_cases(district_id, [case], who="test")

    def records_due():
        (run,) = sweep(store, date(2026, 11, 3))
        rows = {r["rule"]: r for r in store.obligation_rows(district_id, run.run)}
        return rows["mesa.records_fast"]["due"], dashboard(store, district_id)["warnings"]

    # Mon 11-02 + 3 business days = Thu 11-05, as in the evaluation from the config file
    assert records_due() == ("2026-11-05", [])
    # the file moved away: the stored text still runs (what the district added, on any worker)
    (tmp_path / "our_practices.py").rename(tmp_path / "moved.py")
    assert records_due() == ("2026-11-05", [])
    # the file changed on disk: the stored version runs and the run says so, never silently
    (tmp_path / "our_practices.py").write_text(records_fast("idea.records_access", 1))
    due, warnings = records_due()
    assert due == "2026-11-05"
    assert len(warnings) == 1 and "our_practices.py changed on disk" in warnings[0]
    # adopting the new file is an explicit, audited replacement
    store.add_district(tmp_path / "d.toml", who="ops", replace=True)
    assert records_due() == ("2026-11-03", [])
    row = store.audit_rows()[-2]  # the replacement (the sweep wrote the last row)
    assert row.who == "ops" and row.before["local_plugins"] != row.after["local_plugins"]


def test_an_existing_district_is_replaced_only_when_asked(tmp_path, run_cli):
    db = str(tmp_path / "r.sqlite")
    config = district(tmp_path, 3)
    assert run_cli("district", "add", config, "--db", db).exit_code == 0
    again = run_cli("district", "add", config, "--db", db)
    assert again.exit_code == 2 and "--replace" in again.stderr
    assert run_cli("district", "add", config, "--db", db, "--replace").exit_code == 0


MARKER = """
import pathlib
pathlib.Path(__file__).with_name("ran.txt").write_text("the add-on ran")
"""


def test_add_on_paths_stay_in_the_config_folder(tmp_path, run_cli):
    config = district(tmp_path, 3)
    outside = tmp_path.parent / f"{tmp_path.name}-outside.py"
    outside.write_text(MARKER)
    for bad in (str(outside), f"../{outside.name}"):
        text = config.read_text().replace('"our_practices.py"', repr(bad).replace("'", '"'))
        config.write_text(text)
        result = run_cli("plugins", "check", "--config", config)
        assert result.exit_code == 2
        assert "local_plugins[0]: expected a .py file in the config's folder" in result.stderr
        config = district(tmp_path, 3)
    assert not (tmp_path.parent / "ran.txt").exists()


def test_a_rejected_stack_runs_none_of_the_district_code(tmp_path, run_cli):
    config = district(tmp_path, 3)
    (tmp_path / "our_practices.py").write_text(MARKER + records_fast("idea.records_access", 3))
    text = config.read_text().replace('"us-idea"', '"us-idea", "no-such-plugin"')
    config.write_text(text)
    for command in (
        ("plugins", "check", "--config", config),
        ("evaluate", "--config", config, EXAMPLES / "case-initial-referral.yaml"),
    ):
        result = run_cli(*command)
        assert result.exit_code == 2 and "no-such-plugin" in result.stderr
        assert not (tmp_path / "ran.txt").exists()


RAISING = """
from spedrules import hookimpl
from spedrules.core.calendar.counting import calendar_days
from spedrules.core.model.rules import EventMatch, JurisdictionInfo, Period, TimelineRule, Trigger

@hookimpl
def spedrules_jurisdiction():
    return JurisdictionInfo(id="mesa-local", name="Mesa Verde MOU", level="local",
                            parent="california")

def follow_up(day, born, calendar):
    if born is not None and born.year == 2001:
        raise ZeroDivisionError("the follow-up formula divided by zero")
    return calendar_days(day, 10)

@hookimpl
def spedrules_timeline_rules():
    return [TimelineRule(
        id="mesa.referral_follow_up", kind="mesa.referral_follow_up",
        title="Referral follow-up call", citation="Mesa Verde MOU art. 5",
        trigger=Trigger(events=(EventMatch("referral_received"),)),
        period=Period(0, "custom"), compute=follow_up, met_by=())]
"""


def test_a_plugin_raising_for_one_student_leaves_the_others_swept(tmp_path, run_cli):
    from spedrules.core.store.database import Store

    config = district(tmp_path, 3)
    (tmp_path / "our_practices.py").write_text(RAISING)
    db = str(tmp_path / "s.sqlite")
    assert run_cli("district", "add", config, "--db", db).exit_code == 0, "config refused"
    referral = [{"type": "referral_received", "date": "2027-01-04"}]
    cases = [
        {"student": {"id": f"S-{y}", "birth_date": f"{y}-03-01"}, "events": referral}
        for y in (2001, 2015, 2016)
    ]
    Store(db).add_cases("mesa-verde", cases, who="t")
    result = run_cli("sweep", "--as-of", "2027-01-15", "--db", db, "--format", "json")
    assert result.exit_code == 3  # completed, with a student that could not be evaluated
    board = json.loads(result.stdout)
    assert board["students"] == 3 and board["errors"]["students"] == 1
    (error,) = board["errors"]["first"]
    assert error["student"] == "S-2001" and "ZeroDivisionError" in error["message"]
    assert "our_practices.py" in error["where"] and "follow_up" in error["where"]
    rows = Store(db).obligation_rows("mesa-verde", Store(db).latest_run("mesa-verde")["run"])
    assert {r["student"] for r in rows} == {"S-2015", "S-2016"}
    # Mon 2027-01-04 + 10 calendar days = Thu 2027-01-14
    assert {r["due"] for r in rows if r["rule"] == "mesa.referral_follow_up"} == {"2027-01-14"}
