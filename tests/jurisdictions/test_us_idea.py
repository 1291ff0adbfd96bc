"""The federal baseline, each rule with dates worked out by hand on the Riverside calendar
(tests/jurisdictions/data/riverside-2026-28.yaml: Veterans Day 2026-11-11, Thanksgiving Break
2026-11-23..27, Winter Break 2026-12-21..2027-01-01, MLK Day 2027-01-18, Presidents Day
2027-02-15)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import spedrules

DATA = Path(__file__).parent / "data"
CONFIG = DATA / "federal.toml"
CASE = DATA / "case-federal.yaml"


@pytest.fixture(scope="module")
def district():
    return spedrules.load_district(CONFIG)


def obligations(district, case, as_of, future=0):
    result = spedrules.evaluate(district, case, as_of)
    # the only warnings: one per event dated after the as-of date
    assert result.future_events == future == len(result.warnings)
    assert all(f"is dated after the as-of date {as_of}" in w for w in result.warnings)
    return result, {o.rule: o for o in result.obligations}


def test_every_federal_rule_on_one_case(district):
    result, obs = obligations(district, CASE, "2026-12-01")
    summary = {rule: (o.due.isoformat(), o.status) for rule, o in obs.items()}
    assert summary == {
        # consent Tue 2026-09-01 + 60 calendar days: Sep 30 is day 29, Oct 31 day 60 (a Saturday:
        # calendar days are not moved); evaluation completed Mon 2026-10-26 -> met.
        "idea.initial_evaluation": ("2026-10-31", "met"),
        # eligible Mon 2026-10-26 + 30: Oct 31 is day 5, Nov 25 day 30; IEP meeting Nov 18 -> met.
        "idea.initial_iep_meeting": ("2026-11-25", "met"),
        # the initial IEP meeting Wed 2026-11-18 starts the annual clock: Thu 2027-11-18.
        "idea.annual_review": ("2027-11-18", "open"),
        # eligibility Mon 2026-10-26 + 3 years: Fri 2029-10-26.
        "idea.triennial_reevaluation": ("2029-10-26", "open"),
        # request Thu 2026-10-01 + 45: Oct 31 is day 30, Nov 15 (Sun) day 45; provided Nov 20.
        "idea.records_access": ("2026-11-15", "late"),
        # decision Mon 2026-11-16; school days Nov 17-20 (4), Thanksgiving week closed, Nov 30 (5),
        # Dec 1-4 (9), Dec 7 (10) -> Mon 2026-12-07, still open on Dec 1.
        "idea.manifestation_determination": ("2026-12-07", "open"),
        # removals 5 + 4 + 3 = 12 school days in 2026-27, past 10 with the removal of Thu Nov 12:
        # Nov 13 (1), Nov 16-20 (6), Nov 30 (7), Dec 1, 2, 3 (10) -> Thu 2026-12-03.
        "idea.removals_change_of_placement": ("2026-12-03", "open"),
        # born 2011-01-20: 15th birthday Tue 2026-01-20 opens the window, the IEP in effect at
        # the 16th birthday (Wed 2027-01-20) must hold transition services; the Nov 18 IEP does.
        "idea.transition_services": ("2027-01-20", "met"),
    }
    assert obs["idea.records_access"].met_by.date.isoformat() == "2026-11-20"
    assert "late by 5 day(s)" in obs["idea.records_access"].explanation[-1]
    assert all(o.citation.startswith("34 CFR 300.") for o in result.obligations)
    assert {o.source for o in result.obligations} == {"us-idea"}
    assert {o.layer for o in result.obligations} == {"statutory"}


def test_status_changes_with_as_of(district):
    _, obs = obligations(district, CASE, "2026-12-08")
    assert obs["idea.manifestation_determination"].status == "overdue"
    assert "overdue by 1 day(s)" in obs["idea.manifestation_determination"].explanation[-1]
    # events after the as-of date are not known yet: on Oct 20 the evaluation was still open;
    # the case's 7 events dated Oct 26 or later are each named in a warning
    result, obs = obligations(district, CASE, "2026-10-20", future=7)
    assert (
        f"{CASE}: evaluation_completed on 2026-10-26 is dated after the as-of date 2026-10-20: "
        "not counted" in result.warnings
    )
    assert obs["idea.initial_evaluation"].status == "open"
    assert "idea.initial_iep_meeting" not in obs


def test_age_of_majority_notice_one_year_before_18(district):
    # 16th birthday Wed 2027-01-20 starts the clock; due one year before 18: Thu 2028-01-20.
    _, obs = obligations(district, CASE, "2027-02-01")
    ob = obs["idea.age_of_majority_notice"]
    assert (ob.due.isoformat(), ob.status) == ("2028-01-20", "open")
    assert ob.citation == "34 CFR 300.320(c); 34 CFR 300.520"


def test_explanations_name_the_steps(district):
    _, obs = obligations(district, CASE, "2026-12-01")
    md = obs["idea.manifestation_determination"].explanation
    assert md[0] == "placement change decision on Mon 2026-11-16 (day 0)"
    assert any("Thanksgiving Break" in step for step in md)
    assert any("Mon 2026-12-07" in step for step in md)
    removals = obs["idea.removals_change_of_placement"].explanation
    assert "removals totalling 12 school days in 2026-27" in removals[0]


def test_annual_review_met_late_then_next_cycle(district):
    case = {
        "student": {"id": "A-1", "birth_date": "2015-03-19"},
        "events": [
            {"type": "iep_meeting_held", "date": "2025-10-15", "meeting_type": "annual"},
            {"type": "iep_meeting_held", "date": "2026-10-20", "meeting_type": "annual"},
        ],
    }
    result = spedrules.evaluate(district, case, "2026-12-01")
    annual = [
        (o.due.isoformat(), o.status) for o in result.obligations if o.rule == "idea.annual_review"
    ]
    # Wed 2025-10-15 -> Thu 2026-10-15, met Tue 2026-10-20 (5 days late); that meeting -> 2027-10-20
    assert annual == [("2026-10-15", "late"), ("2027-10-20", "open")]


def test_iaes_45_school_days(district):
    case = {
        "student": {"id": "W-1", "birth_date": "2012-05-01"},
        "events": [
            {"type": "disciplinary_removal", "date": "2026-12-14", "days": 45, "iaes": True}
        ],
    }
    result = spedrules.evaluate(district, case, "2026-12-15")
    obs = {o.rule: o for o in result.obligations}
    # Mon 2026-12-14; Dec 15-18 (4), winter break, Jan 4-8 (9), 11-15 (14), MLK 18th, 19-22 (18),
    # 25-29 (23), Feb 1-5 (28), 8-12 (33), Presidents Day 15th, 16-19 (37), 22-26 (42),
    # Mar 1, 2, 3 (45) -> Wed 2027-03-03.
    assert obs["idea.iaes_limit"].due.isoformat() == "2027-03-03"
    # a single removal of 45 consecutive school days is itself a change of placement (> 10):
    # Dec 15-18 (4), Jan 4-8 (9), Jan 11 (10) -> Mon 2027-01-11.
    assert obs["idea.removals_change_of_placement"].due.isoformat() == "2027-01-11"


def test_feb_29_birthday(district):
    # born Wed 2012-02-29: 15th birthday falls on Sun 2027-02-28 (no Feb 29 in 2027), the 16th
    # on Tue 2028-02-29 (a leap year): the due date is the real birthday, not a day early.
    case = {
        "student": {"id": "L-1", "birth_date": "2012-02-29"},
        "events": [
            {
                "type": "iep_meeting_held",
                "date": "2027-01-10",
                "meeting_type": "annual",
                "transition_plan": True,
            }
        ],
    }
    result = spedrules.evaluate(district, case, "2027-03-01")
    (ob,) = [o for o in result.obligations if o.rule == "idea.transition_services"]
    assert ob.trigger.date.isoformat() == "2027-02-28"
    assert (ob.due.isoformat(), ob.status) == ("2028-02-29", "open")  # Jan 10 was before the window


def test_age_rules_need_an_iep(district):
    case = {"student": {"id": "N-1", "birth_date": "2008-01-01"}, "events": []}
    assert spedrules.evaluate(district, case, "2026-12-01").obligations == ()


def test_evaluate_json_contract_via_cli(run_cli):
    result = run_cli(
        "evaluate", "--config", CONFIG, CASE, "--as-of", "2026-12-01", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["student"] == "RV-015"
    need = {"rule", "kind", "due", "status", "citation", "layer", "source", "explanation"}
    assert data["obligations"] and all(need <= set(o) for o in data["obligations"])
    assert data["violations"] == []


def test_explain_via_cli(run_cli):
    result = run_cli(
        "explain", "--config", CONFIG, CASE, "manifestation_determination", "--as-of", "2026-12-01"
    )
    assert result.exit_code == 0, result.output
    assert "34 CFR 300.530(e)(1)" in result.output and "due 2026-12-07" in result.output
    bad = run_cli("explain", "--config", CONFIG, CASE, "no_such_kind", "--as-of", "2026-12-01")
    assert bad.exit_code == 2 and "RULE_OR_KIND" in bad.stderr
