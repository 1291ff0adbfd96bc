"""Counts the calendar cannot decide are `undetermined` with the reason, on every path: the
California referral in the last days of the calendar's last year (issue 12: it raised
AttributeError in timeline._apply_exceptions), tightenings, sorting and rendering."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from click.testing import CliRunner

import spedrules
from spedrules.cli.main import cli
from spedrules.cli.render import evaluation_table
from spedrules.core.engine.timeline import _beside_legal
from spedrules.core.model.rules import EventMatch, Period, TimelineRule, Trigger
from tests.factories import obligation

EXAMPLES = Path(__file__).parents[2] / "examples"
MESA = EXAMPLES / "mesa-verde.toml"  # us-idea + california + lahabra; calendar 2026-27 only


def late_referral(tmp_path):
    case = tmp_path / "late.yaml"
    case.write_text(
        "student: {id: MV-9, birth_date: 2017-01-23, disability: SLD}\n"
        "events:\n  - {type: referral_received, date: 2027-06-01}\n"
    )
    return case


def test_a_referral_in_the_last_ten_days_of_the_calendar_is_undetermined(tmp_path):
    # referral Tue 2027-06-01, 9 days before the last day Thu 2027-06-10 (10 or less): the plan
    # is due 10 days after the 2027-28 year starts, which the mesa-verde calendar does not have
    result = spedrules.evaluate(MESA, late_referral(tmp_path), "2027-06-05")
    by_rule = {o.rule: o for o in result.obligations}
    plan = by_rule["ca.assessment_plan.end_of_year"]
    assert plan.status == "undetermined" and plan.due is None
    assert any(
        "the calendar lacks the 2027-28 school year (the calendar ends 2027-06-10)" in s
        for s in plan.explanation
    )
    base = by_rule["ca.assessment_plan"]
    assert base.status == "not_applicable"
    assert base.explanation[-1].endswith("due undetermined")
    assert by_rule["ca.initial_iep.end_of_year"].status == "undetermined"
    assert "undetermined" in evaluation_table(result)


def test_the_cli_prints_it_in_both_formats(tmp_path):
    case = late_referral(tmp_path)
    runner = CliRunner()
    out = runner.invoke(
        cli,
        ["evaluate", "--config", str(MESA), str(case), "--as-of", "2027-06-05", "--format", "json"],
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    statuses = {o["rule"]: (o["status"], o["due"]) for o in data["obligations"]}
    assert statuses["ca.assessment_plan.end_of_year"] == ("undetermined", None)
    table = runner.invoke(
        cli, ["evaluate", "--config", str(MESA), str(case), "--as-of", "2027-06-05"]
    )
    assert table.exit_code == 0 and "undetermined" in table.stdout
    explain = runner.invoke(
        cli,
        ["explain", "--config", str(MESA), str(case), "assessment_plan", "--as-of", "2027-06-05"],
    )
    assert explain.exit_code == 0 and "lacks the 2027-28 school year" in explain.stdout


def test_a_local_target_beside_an_undetermined_legal_deadline_says_they_cannot_be_compared():
    rule = TimelineRule(
        id="local.plan",
        kind="assessment_plan",
        title="t",
        citation="local",
        tightens="ca.plan",
        trigger=Trigger(events=(EventMatch("referral_received"),)),
        period=Period(5, "calendar_days"),
    )
    legal = obligation(
        "ca.plan",
        kind="assessment_plan",
        status="undetermined",
        citation="EC 56321(a)",
        source="california",
        explanation=("x",),
    )
    local = obligation(
        "local.plan",
        kind="assessment_plan",
        due=date(2027, 6, 6),
        citation="local",
        layer="local",
        source="d",
        explanation=("a", "open"),
    )
    ob, conflict = _beside_legal(local, rule, legal)
    assert conflict is None
    assert ob.explanation[-2] == (
        "local target tightening ca.plan: legal deadline undetermined (EC 56321(a)); the two "
        "cannot be compared"
    )
