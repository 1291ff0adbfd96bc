"""A restraint report is the jurisdiction's (spedrules_restraint_report), never core's: Florida's
FDOE types and grade bands come from the Florida plugin, a stack without a definition is counted
by the core vocabulary and warned about, and a more specific plugin's definition wins."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import yaml

from spedrules.core import api
from spedrules.core.engine.restraint_report import CORE_REPORT, school_months, school_year

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

INCIDENTS = {
    "cases": [
        {
            "student": {"id": "A", "grade": "2"},
            "incidents": [
                # 2026-07-01 opens a July-June year (2026-27) and closes an August one (2025-26)
                {
                    "id": "R1",
                    "type": "restraint",
                    "method": "physical",
                    "position": "prone",
                    "started_at": "2026-07-01T10:00:00",
                    "released_at": "2026-07-01T10:05:00",
                },
                {
                    "id": "R2",
                    "type": "restraint",
                    "method": "mechanical",
                    "started_at": "2026-09-01T10:00:00",
                    "released_at": "2026-09-01T10:05:00",
                },
            ],
        }
    ]
}

STATE = """
from spedrules import hookimpl
from spedrules.core.engine.restraint_report import RestraintReportDefinition
from spedrules.core.model.rules import JurisdictionInfo

@hookimpl
def spedrules_jurisdiction():
    return JurisdictionInfo(id="gulf-local", name="Local", level="local", parent="florida")

@hookimpl
def spedrules_restraint_report():
    return RestraintReportDefinition(
        title="Local report", citation="Local policy 7", types={"any": "Any restraint"},
        restraint_type=lambda incident: "any", year_start_month=8)
"""


def _cases(tmp_path) -> Path:
    path = tmp_path / "incidents.yaml"
    path.write_text(yaml.safe_dump(INCIDENTS))
    return path


def test_florida_types_and_bands_come_from_its_plugin(tmp_path):
    report = api.restraint_report(EXAMPLES / "gulf-shore.toml", _cases(tmp_path), "2026-27")
    assert report.definition.citation.startswith("s. 1003.573")
    assert report.breakdowns["restraint_type"] == {
        "prone": {"count": 1, "percent": "50"},
        "mechanical": {"count": 1, "percent": "50"},
    }
    assert report.breakdowns["grade_band"] == {"PK-3": {"count": 2, "percent": "100"}}


def test_a_stack_without_a_report_counts_by_method_and_warns(tmp_path, run_cli):
    report = api.restraint_report(EXAMPLES / "mesa-verde.toml", _cases(tmp_path), "2026-27")
    assert report.definition is CORE_REPORT
    assert set(report.breakdowns["restraint_type"]) == {"physical", "mechanical"}
    assert report.breakdowns["grade_band"] == {"unspecified": {"count": 2, "percent": "100"}}
    result = run_cli(
        "report",
        "restraint",
        "--config",
        EXAMPLES / "mesa-verde.toml",
        "--year",
        "2026-27",
        "--from",
        _cases(tmp_path),
    )
    assert result.exit_code == 0, result.output
    assert "no jurisdiction report in the stack" in result.stderr


def test_the_most_specific_plugin_decides_and_its_year(tmp_path):
    shutil.copy(EXAMPLES / "gulf-shore-2026-27.yaml", tmp_path)
    (tmp_path / "local.py").write_text(STATE)
    config = (EXAMPLES / "gulf-shore.toml").read_text()
    stack_line = next(line for line in config.splitlines() if line.startswith("stack"))
    config = config.replace(
        stack_line, stack_line.rstrip("]") + ', "gulf-local"]\nlocal_plugins = ["local.py"]'
    )
    (tmp_path / "d.toml").write_text(config)
    # years from August 1: 2026-07-01 falls in 2025-26, 2026-09-01 in 2026-27
    report = api.restraint_report(tmp_path / "d.toml", _cases(tmp_path), "2026-27")
    assert report.definition.title == "Local report"
    assert (report.incidents, report.previous_incidents) == (1, 1)
    assert report.breakdowns["restraint_type"] == {"any": {"count": 1, "percent": "100"}}
    assert "definition" not in report.to_dict()  # the JSON contract is unchanged


def test_reporting_years_by_start_month():
    assert school_year(date(2026, 7, 1)) == "2026-27"
    assert school_year(date(2026, 7, 31), 8) == "2025-26"
    assert (
        school_months("2026-27", 8)[0] == "2026-08" and school_months("2026-27", 8)[-1] == "2027-07"
    )
