"""The timeline engine with small plugins: versions picked by trigger day, tightening beside the
law (and a violation when later), exceptions that displace a rule, counts past the calendar."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

import spedrules
from spedrules.core.engine.plugins import Registry
from spedrules.core.hookspecs import hookimpl
from spedrules.core.model.config import DistrictConfig
from spedrules.core.model.rules import (
    Condition,
    EventMatch,
    JurisdictionInfo,
    Period,
    TimelineRule,
    Trigger,
)

CAL = Path(__file__).parent / "data" / "riverside.yaml"
CONSENT = Trigger(events=(EventMatch("evaluation_consent_received"),))
DONE = (EventMatch("evaluation_completed"),)


def plugin(pid, parent, level, rules):
    @hookimpl
    def spedrules_jurisdiction():
        return JurisdictionInfo(id=pid, name=pid, level=level, parent=parent)

    @hookimpl
    def spedrules_timeline_rules():
        return rules

    return SimpleNamespace(
        spedrules_jurisdiction=spedrules_jurisdiction,
        spedrules_timeline_rules=spedrules_timeline_rules,
    )


def district(*plugins):
    registry = Registry()
    for p in plugins:
        registry.add(p.spedrules_jurisdiction().id, p, "test", "0")
    stack = tuple(p.spedrules_jurisdiction().id for p in plugins)
    config = DistrictConfig(
        id="t", name="T", state="XX", timezone="America/Los_Angeles", stack=stack, calendar=CAL
    )
    return spedrules.load_district(config, registry)


def rule(rid, amount, unit="calendar_days", **kw):
    return TimelineRule(
        id=rid,
        kind="initial_evaluation",
        title=rid,
        citation=f"cite {rid}",
        trigger=CONSENT,
        period=Period(amount, unit),
        met_by=DONE,
        **kw,
    )


def case(*events):
    return {"student": {"id": "S"}, "events": [{"type": t, "date": d} for t, d in events]}


def by_rule(result):
    return {o.rule: o for o in result.obligations}


def test_the_version_in_force_on_the_trigger_day_applies():
    old = rule("st.eval", 60, "school_days_in_attendance", effective_to=date(2026, 10, 31))
    new = rule("st.eval", 60, "calendar_days", effective_from=date(2026, 11, 1))
    d = district(plugin("st", None, "state", [old, new]))
    # consent Fri 2026-10-30: the old version (60 school days in attendance) applies
    before = by_rule(
        spedrules.evaluate(d, case(("evaluation_consent_received", "2026-10-30")), "2026-11-02")
    )["st.eval"]
    assert "version in force on Fri 2026-10-30: always .. 2026-10-31" in before.explanation[1]
    # consent Mon 2026-11-02 + 60 calendar days: Nov 30 is day 28, Dec 31 day 59 -> Fri 2027-01-01
    after = by_rule(
        spedrules.evaluate(d, case(("evaluation_consent_received", "2026-11-02")), "2026-11-03")
    )["st.eval"]
    assert after.due == date(2027, 1, 1)


def test_local_target_is_shown_beside_the_law_and_later_is_a_violation():
    law = plugin("st", None, "state", [rule("st.eval", 60)])
    ok = plugin("loc", "st", "local", [rule("loc.eval", 45, tightens="st.eval")])
    result = spedrules.evaluate(
        district(law, ok), case(("evaluation_consent_received", "2026-09-01")), "2026-09-02"
    )
    local = by_rule(result)["loc.eval"]
    # Tue 2026-09-01 + 45 = Fri 2026-10-16 locally; + 60 = Sat 2026-10-31 by law
    assert local.due == date(2026, 10, 16) and local.layer == "local"
    assert local.tightens == "st.eval"
    assert "legal deadline 2026-10-31 (cite st.eval)" in local.explanation[-2]
    assert result.violations == ()
    # a "tightening" in school days that lands after the law is a violation naming both
    lax = plugin("loc", "st", "local", [rule("loc.eval", 50, "school_days", tightens="st.eval")])
    result = spedrules.evaluate(
        district(law, lax), case(("evaluation_consent_received", "2026-09-01")), "2026-09-02"
    )
    (violation,) = result.violations
    assert "cite loc.eval" in violation.message and "cite st.eval" in violation.message
    assert violation.citation == "cite loc.eval; cite st.eval"


def test_an_exception_displaces_its_base_rule_when_its_condition_holds():
    base = rule("st.plan", 15, "tolled_days")
    late = rule(
        "st.plan.end_of_year",
        10,
        "after_next_year_start",
        exception_to="st.plan",
        applies_when=Condition(days_before_year_end_at_most=20),
    )
    d = district(plugin("st", None, "state", [base, late]))
    # consent Fri 2027-05-28 is 13 days before the last day Thu 2027-06-10: the exception applies;
    # next year starts Wed 2027-08-18, + 10 days = Sat 2027-08-28
    obs = by_rule(
        spedrules.evaluate(d, case(("evaluation_consent_received", "2027-05-28")), "2027-06-01")
    )
    assert obs["st.plan.end_of_year"].due == date(2027, 8, 28)
    assert obs["st.plan"].status == "not_applicable"
    assert "the exception st.plan.end_of_year applies" in obs["st.plan"].explanation[-1]
    assert "13 days before the last day" in obs["st.plan.end_of_year"].explanation[1]
    # in March the base rule stands alone
    obs = by_rule(
        spedrules.evaluate(d, case(("evaluation_consent_received", "2027-03-01")), "2027-03-02")
    )
    assert set(obs) == {"st.plan"} and obs["st.plan"].status == "open"


def test_a_count_past_the_calendar_is_undetermined_and_says_why():
    d = district(plugin("st", None, "state", [rule("st.eval", 60, "school_days")]))
    (ob,) = spedrules.evaluate(
        d, case(("evaluation_consent_received", "2028-05-15")), "2028-05-16"
    ).obligations
    assert ob.due is None and ob.status == "undetermined"
    assert "calendar ends 2028-06-08" in ob.explanation[-2]


@pytest.mark.parametrize("as_of, status", [("2026-10-31", "open"), ("2026-11-01", "overdue")])
def test_open_until_the_due_day_passes(as_of, status):
    d = district(plugin("st", None, "state", [rule("st.eval", 60)]))
    (ob,) = spedrules.evaluate(
        d, case(("evaluation_consent_received", "2026-09-01")), as_of
    ).obligations
    assert ob.status == status
