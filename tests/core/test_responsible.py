"""A district's [responsible] table: who acts on the rules whose source names no one."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

import spedrules
from spedrules.core.errors import ConfigError
from spedrules.core.store.database import Store
from spedrules.core.store.sweep import dashboard, sweep

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

ROLES = """
[responsible]
annual_iep_review = "Case manager"          # every rule of this kind
"ca.records_access" = "Records clerk"       # one rule, by id
"""

CASE = {
    "student": {"id": "S-1", "school": "North"},
    "events": [
        {"type": "iep_meeting_held", "date": "2026-01-12", "meeting_type": "annual"},
        {"type": "records_request_received", "date": "2026-11-02"},
    ],
}


def config(tmp_path, name="mesa-verde", extra=ROLES) -> Path:
    shutil.copy(EXAMPLES / f"{name}-2026-27.yaml", tmp_path)
    path = tmp_path / f"{name}.toml"
    example = (EXAMPLES / f"{name}.toml").read_text().split("\n# Who acts")[0]  # its own roles
    path.write_text(example + extra)
    return path


def test_roles_by_kind_and_by_rule_id(tmp_path):
    result = spedrules.evaluate(config(tmp_path), CASE, "2026-11-03")
    roles = {o.rule: o.responsible for o in result.obligations}
    assert roles["ca.annual_review"] == "Case manager"
    assert roles["ca.records_access"] == "Records clerk"
    assert roles["lahabra.roundtable"] is None  # not assigned: stays unassigned


def test_a_role_the_source_names_is_kept(tmp_path):
    extra = (
        '\n[responsible]\nincident_parent_notice = "Teacher"\n"stlucie.principal_notice" = "X"\n'
    )
    case = {
        "student": {"id": "S-2"},
        "incidents": [{"id": "R-1", "type": "restraint", "started_at": "2026-10-14T10:00:00"}],
    }
    result = spedrules.evaluate(config(tmp_path, "gulf-shore", extra), case, "2026-10-15")
    roles = {o.rule: o.responsible for o in result.obligations}
    assert roles["stlucie.principal_notice"] == "ESE Specialist - School Based"  # St. Lucie A.4
    assert roles["fl.rs.parent_written_notice"] == "Teacher"


@pytest.mark.parametrize(
    "extra,field",
    [
        (
            '\n[responsible]\n"annual_iep_reveiw" = "Case manager"\n',
            "responsible.'annual_iep_reveiw'",
        ),
        ('\n[responsible]\nannual_iep_review = ""\n', "responsible.'annual_iep_review'"),
    ],
)
def test_a_key_or_role_that_means_nothing_is_an_error(tmp_path, extra, field):
    with pytest.raises(ConfigError) as err:
        spedrules.load_district(config(tmp_path, extra=extra))
    assert err.value.field == field


def test_the_sweep_counts_by_the_assigned_roles(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 's.sqlite'}")
    store.init()
    store.add_district(config(tmp_path), who="test")
    store.add_cases("mesa-verde", [CASE], who="test")
    day = date(2026, 11, 3)
    sweep(store, day)
    board = dashboard(store, "mesa-verde")
    assert "Case manager" in board["by_responsible_role"]
    assert "Records clerk" in board["by_responsible_role"]
