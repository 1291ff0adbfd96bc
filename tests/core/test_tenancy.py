"""Two districts in one store that share student ids and school names: no row, count or calendar
event of one ever reaches the other (DESIGN.md section 8), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from spedrules.core.store.database import Store
from spedrules.core.store.sweep import dashboard, stored_evaluation
from tests.core.test_store import db_url  # noqa: F401 (a fixture: SQLite and PostgreSQL)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def case(sid: str, referral: str, school="Lincoln Elementary") -> dict:
    return {
        "student": {"id": sid, "birth_date": "2016-05-01", "school": school},
        "events": [
            {"type": "referral_received", "date": referral},
            {"type": "evaluation_consent_received", "date": referral},
        ],
    }


@pytest.fixture
def two(db_url, run_cli):  # noqa: F811 (the fixture imported above)
    for config in ("mesa-verde.toml", "gulf-shore.toml"):
        assert run_cli("district", "add", EXAMPLES / config, "--db", db_url).exit_code == 0
    store = Store(db_url)
    # the same ids and school names in both districts; mesa-verde has one more student
    store.add_cases("mesa-verde", [case("S-1", "2027-01-04"), case("S-2", "2027-01-05")], "t")
    store.add_cases("gulf-shore", [case("S-1", "2026-09-01")], "t")
    return store


def test_a_store_with_two_districts_needs_one_named(two, run_cli):
    result = run_cli("sweep", "--as-of", "2027-01-15", "--db", two.url)
    assert result.exit_code == 2
    assert "--district: expected one of the store's districts" in result.stderr
    assert two.runs("mesa-verde") == [] and two.runs("gulf-shore") == []
    result = run_cli("export", "ics", "--db", two.url)
    assert result.exit_code == 2 and "--all-districts" in result.stderr


def test_nothing_crosses_between_districts(two, run_cli):
    found = run_cli(
        "sweep", "--as-of", "2027-01-15", "--all-districts", "--db", two.url, "--format", "json"
    )
    assert found.exit_code == 0, found.stderr
    boards = {b["district"]: b for b in json.loads(found.stdout)["districts"]}
    assert boards["mesa-verde"]["students"] == 2 and boards["gulf-shore"]["students"] == 1
    mesa, gulf = dashboard(two, "mesa-verde"), dashboard(two, "gulf-shore")
    assert sum(mesa["by_school"]["Lincoln Elementary"].values()) == mesa["obligations"]
    assert sum(gulf["by_school"]["Lincoln Elementary"].values()) == gulf["obligations"]
    for district, other in (("mesa-verde", "gulf-shore"), ("gulf-shore", "mesa-verde")):
        run = two.latest_run(district)["run"]
        rows = two.obligation_rows(district, run)
        assert rows and {r["district"] for r in rows} == {district}
        assert two.obligation_rows(other, run) == []  # another district's run reads as nothing
        assert {r["source"] for r in rows} & {"california", "florida"} == {
            "california" if district == "mesa-verde" else "florida"
        }
    # S-1 is a different child in each district: its events and explanations stay apart
    assert {e["event"]["date"] for e in two.events("gulf-shore", "S-1")} == {"2026-09-01"}
    mesa_s1 = stored_evaluation(two, "mesa-verde", "S-1")
    assert all(o.trigger.date == date(2027, 1, 4) for o in mesa_s1.obligations)
    ics = run_cli("export", "ics", "--district", "mesa-verde", "--student", "S-1", "--db", two.url)
    assert ics.exit_code == 0 and "UID:mesa-verde-S-1-" in ics.stdout
    assert "gulf-shore" not in ics.stdout
