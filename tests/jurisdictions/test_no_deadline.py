"""Duties whose source states no deadline (issue 14, item 5): no due date, open until done, never
overdue, saying so; a district may set a local target by tightening (Mesa Verde calendar)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import spedrules
from tests.districts import mesa_with

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

LOCAL = """
from spedrules import hookimpl
from spedrules.core.model.rules import EventMatch, JurisdictionInfo, Period, TimelineRule, Trigger

@hookimpl
def spedrules_jurisdiction():
    return JurisdictionInfo(id="charter-local", name="Our charter's targets", level="local",
                            parent="charter-independent-study")

@hookimpl
def spedrules_timeline_rules():
    return [TimelineRule(
        id="local.glance_target", kind="iep_at_a_glance", title="IEP at a Glance in 5 school days",
        citation="Charter board policy 6159", tightens="charter.iep_at_a_glance",
        trigger=Trigger(events=(EventMatch("iep_meeting_held"),)),
        period=Period(5, "school_days"),
        met_by=(EventMatch("charter.iep_at_a_glance_shared"),))]
"""


def charter(tmp_path, local: bool = False) -> Path:
    stack = '"charter-independent-study"'
    if local:
        stack += ', "charter-local"]\nlocal_plugins = ["ours.py"'
        (tmp_path / "ours.py").write_text(LOCAL)
    return mesa_with(tmp_path, stack)


def glance(config, as_of, *events):
    case = {
        "student": {"id": "C-1", "birth_date": "2014-02-02"},
        "events": [
            {"type": "iep_meeting_held", "date": "2026-11-19", "meeting_type": "annual"},
            *events,
        ],
    }
    return {o.rule: o for o in spedrules.evaluate(config, case, as_of).obligations}


def test_charter_iep_at_a_glance_has_no_due_date(tmp_path):
    # "Following each IEP meeting": the meeting of Thu 2026-11-19 starts the duty; it is
    # neither due that day nor overdue the next, nor months later
    config = charter(tmp_path)
    for as_of in ("2026-11-19", "2026-11-20", "2027-03-01"):
        ob = glance(config, as_of)["charter.iep_at_a_glance"]
        assert (ob.due, ob.status) == (None, "open"), as_of
    ob = glance(config, "2026-11-20")["charter.iep_at_a_glance"]
    assert ob.explanation[0] == "iep meeting held on Thu 2026-11-19 (day 0)"
    assert ob.explanation[1].startswith("the source states no deadline")
    assert ob.explanation[-1] == "open: no charter.iep at a glance shared recorded yet"
    shared = {"type": "charter.iep_at_a_glance_shared", "date": "2026-12-04"}
    done = glance(config, "2026-12-10", shared)["charter.iep_at_a_glance"]
    assert (done.status, done.met_by.date) == ("met", date(2026, 12, 4))


def test_a_district_sets_a_local_target_by_tightening(tmp_path):
    # Thu 2026-11-19 + 5 school days: Fri 11-20 (1), Mon 11-23 (2), Tue 11-24 (3), Thanksgiving
    # Break Nov 25-27, Mon 11-30 (4), Tue 12-01 (5). The source's own duty keeps no due date.
    config = charter(tmp_path, local=True)
    assert spedrules.check_plugins(config) == []
    obs = glance(config, "2026-12-04")
    target = obs["local.glance_target"]
    assert (target.due, target.status) == (date(2026, 12, 1), "overdue")
    assert target.tightens == "charter.iep_at_a_glance" and target.layer == "local"
    assert (obs["charter.iep_at_a_glance"].due, obs["charter.iep_at_a_glance"].status) == (
        None,
        "open",
    )
    assert not [v for v in spedrules.evaluate(config, {"student": {"id": "x"}}).violations]


def ber_case(*events):
    return {
        "student": {"id": "MV-9", "birth_date": "2015-05-05", "has_bip": True},
        "incidents": [
            {
                "id": "BE-1",
                "type": "restraint",
                "method": "physical",
                "started_at": "2026-11-02T10:00:00",
                "released_at": "2026-11-02T10:05:00",
                "unseen_behavior_or_ineffective_plan": True,
            }
        ],
        "events": list(events),
    }


def test_california_referral_of_a_student_with_a_bip_has_no_due_date():
    # EC 56521.1(h): "shall be referred to the IEP team" - no day count. The restraint of Mon
    # 2026-11-02 starts the duty; it is open, not overdue, on Tue 11-03 and a month later.
    config = EXAMPLES / "mesa-verde.toml"
    for as_of in ("2026-11-03", "2026-12-02"):
        obs = {o.rule: o for o in spedrules.evaluate(config, ber_case(), as_of).obligations}
        ob = obs["ca.ei.referral_with_bip"]
        assert (ob.due, ob.status, ob.subject) == (None, "open", "BE-1"), as_of
        assert "the source states no deadline" in " ".join(ob.explanation)
    referred = {"type": "iep_meeting_scheduled", "date": "2026-11-09", "incident": "BE-1"}
    obs = {
        o.rule: o for o in spedrules.evaluate(config, ber_case(referred), "2026-12-02").obligations
    }
    assert obs["ca.ei.referral_with_bip"].status == "met"
