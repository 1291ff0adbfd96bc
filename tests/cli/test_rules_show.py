"""`spedrules rules show RULE_ID`: one rule in full, from the installed plugins or a district's
stack, with the file and line it is written in (docs/writing-a-plugin.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import spedrules
from spedrules.core.errors import InputError
from tests.districts import LOCAL_STACK, mesa_with

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

ADDON = """
from attrs import frozen
from spedrules import hookimpl
from spedrules.core.model.rules import EventMatch, JurisdictionInfo, Period, TimelineRule, Trigger

@frozen(kw_only=True)
class FromYaml(TimelineRule):  # what a rule loaded from YAML carries: where it is written
    defined_at: str = "rules/records.yaml:7"

PREFIX = "mesa"

@hookimpl
def spedrules_jurisdiction():
    return JurisdictionInfo(id="mesa-local", name="Mesa Verde MOU", level="local",
                            parent="california")

@hookimpl
def spedrules_timeline_rules():
    return [
        FromYaml(
            id="mesa.records_fast", kind="records_access", title="Records in 3 business days",
            citation="Mesa Verde MOU art. 4", tightens="idea.records_access",
            trigger=Trigger(events=(EventMatch("records_request_received"),)),
            period=Period(3, "business_days"), met_by=(EventMatch("records_provided"),)),
        TimelineRule(
            id=f"{PREFIX}.built", kind="records_access", title="An id built in code",
            citation="Mesa Verde MOU art. 5",
            trigger=Trigger(events=(EventMatch("records_request_received"),)),
            period=Period(2, "school_days"), met_by=(EventMatch("records_provided"),)),
    ]
"""


@pytest.fixture
def district(tmp_path) -> Path:
    """Mesa Verde with a local add-on that tightens the federal records rule (which California
    replaces: the tightening follows the replacement)."""
    (tmp_path / "our_practices.py").write_text(ADDON)
    config = mesa_with(tmp_path, LOCAL_STACK, "d.toml")
    config.write_text(config.read_text() + '\n[responsible]\nrecords_access = "Registrar"\n')
    return config


def _line(defined_at: str) -> str:
    path, number = defined_at.rsplit(":", 1)
    file = Path(path) if Path(path).is_absolute() else Path.cwd() / path
    return file.read_text().splitlines()[int(number) - 1]


def test_installed_rule_with_an_exception_and_its_source_line():
    d = spedrules.describe_rule("ca.assessment_plan")
    assert (d.plugin, d.type, d.trigger) == ("california", "TimelineRule", "referral received")
    assert [(p.amount, p.unit) for p in d.versions[0].periods] == [(15, "tolled_days")]
    assert d.met_by == ("assessment plan provided",)
    assert d.exceptions == ("ca.assessment_plan.end_of_year",)
    assert d.stack == ("us-idea", "california")
    assert d.defined_how == "rule"  # the rule file's loader recorded it
    assert d.defined_at.split(":")[0].endswith("jurisdictions/california/rules/timeline_rules.yaml")
    assert _line(d.defined_at).strip(" -") == "id: ca.assessment_plan"


def test_the_exception_names_its_base_rule_and_its_own_period():
    d = spedrules.describe_rule("ca.assessment_plan.end_of_year")
    assert d.exception_to == "ca.assessment_plan"
    assert [(p.amount, p.unit) for p in d.versions[0].periods] == [(10, "after_next_year_start")]
    assert _line(d.defined_at).strip(" -") == "id: ca.assessment_plan.end_of_year"


def test_each_dated_version_with_its_interval_and_citation():
    d = spedrules.describe_rule("fl.rs.parent_contact")
    assert [v.interval for v in d.versions] == [
        "2010-07-01 .. 2011-06-30",
        "2011-07-01 .. 2021-06-30",
        "2021-07-01 .. open-ended",
    ]
    assert {(p.amount, p.unit) for v in d.versions for p in v.periods} == {(0, "end_of_school_day")}
    assert d.versions[0].citation != d.versions[-1].citation


def test_installed_plugins_that_replace_it():
    d = spedrules.describe_rule("idea.initial_evaluation")
    assert d.replaced_by == ("ca.initial_evaluation", "fl.initial_evaluation")
    assert d.stack == ("us-idea",)


def test_form_from_yaml_found_by_its_id_key():
    d = spedrules.describe_rule("ca.form.ber")
    assert d.defined_at.split(":")[0].endswith("jurisdictions/california/forms/ber.yaml")
    assert _line(d.defined_at) == "id: ca.form.ber"


def test_district_stack_layering_roles_and_stated_location(district):
    legal = spedrules.describe_rule("ca.records_access", district)
    assert legal.tightened_by == ("mesa.records_fast",)
    assert legal.responsible == "Registrar"  # the district's [responsible] table
    assert legal.scope == "district mesa-verde" and legal.stack[-1] == "mesa-local"
    local = spedrules.describe_rule("mesa.records_fast", district)
    assert local.tightens == "ca.records_access"  # named idea.records_access: followed
    assert (local.defined_at, local.defined_how) == ("rules/records.yaml:7", "rule")
    federal = spedrules.describe_rule("idea.records_access", district)
    assert not federal.effective and federal.replaced_by == ("ca.records_access",)


def test_an_id_built_in_code_falls_back_to_the_hook(district):
    d = spedrules.describe_rule("mesa.built", district)
    assert d.defined_how == "hook"
    assert _line(d.defined_at) == "def spedrules_timeline_rules():"


def test_unknown_id_names_close_matches():
    with pytest.raises(InputError) as caught:
        spedrules.describe_rule("ca.asessment_plan")
    assert "ca.assessment_plan" in str(caught.value)
    with pytest.raises(InputError):  # a rule of an installed plugin outside the district's stack
        spedrules.describe_rule("fl.initial_evaluation", EXAMPLES / "mesa-verde.toml")


def test_cli_text(run_cli, district):
    result = run_cli("rules", "show", "mesa.records_fast", "--config", district)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "mesa.records_fast: Records in 3 business days"
    assert "  version      always .. open-ended: period 3 business days" in lines
    assert "  tightens     ca.records_access" in lines
    assert "  responsible  Registrar" in lines
    assert "  defined at   rules/records.yaml:7" in lines
    found = run_cli("rules", "show", "ca.assessment_plan").output
    assert "  exceptions   ca.assessment_plan.end_of_year" in found.splitlines()
    assert "(found by search)" not in found  # the rule file's line, recorded when it was loaded
    assert "rules/timeline_rules.yaml:" in found


def test_cli_json(run_cli):
    result = run_cli("rules", "show", "idea.records_access", "--format", "json")
    data = json.loads(result.output)
    assert data["replaced_by"] == ["ca.records_access"]
    assert data["versions"][0]["periods"][0] == {
        "role": "period",
        "amount": 45,
        "unit": "calendar_days",
        "text": "45 calendar days",
    }


def test_cli_unknown_id_one_line(run_cli, one_line_error):
    line = one_line_error(run_cli("rules", "show", "ca.asessment_plan"), "RULE_ID", "close")
    assert "ca.assessment_plan" in line


def test_rules_listing_still_needs_a_config(run_cli, one_line_error):
    one_line_error(run_cli("rules"), "Missing option '--config'")
    ok = run_cli("rules", "--config", EXAMPLES / "mesa-verde.toml", "--kind", "records_access")
    assert ok.exit_code == 0 and "ca.records_access" in ok.output
