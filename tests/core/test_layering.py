"""Layering: add / replace / tighten, conflicts named with citations, broken plugins isolated."""

from __future__ import annotations

from types import SimpleNamespace

from spedrules.core.engine.layering import resolve
from spedrules.core.engine.plugins import HookContext, Registry
from spedrules.core.hookspecs import hookimpl
from spedrules.core.model.rules import EventMatch, JurisdictionInfo, Period, TimelineRule, Trigger


def plugin(pid, parent, rules=(), level="state", raises=None):
    @hookimpl
    def spedrules_jurisdiction():
        return JurisdictionInfo(id=pid, name=pid.title(), level=level, parent=parent)

    @hookimpl
    def spedrules_timeline_rules(ctx):
        if raises:
            raise raises
        return list(rules)

    return SimpleNamespace(
        spedrules_jurisdiction=spedrules_jurisdiction,
        spedrules_timeline_rules=spedrules_timeline_rules,
    )


def rule(rid, amount=60, unit="calendar_days", **kw):
    kw.setdefault("citation", f"cite {rid}")
    return TimelineRule(
        id=rid,
        kind="initial_evaluation",
        title=rid,
        trigger=Trigger(events=(EventMatch("evaluation_consent_received"),)),
        period=Period(amount, unit),
        **kw,
    )


def registry(*plugins):
    reg = Registry()
    for p in plugins:
        reg.add(p.spedrules_jurisdiction().id, p, "test", "0")
    return reg


def ids(ruleset):
    return sorted(ruleset.entries)


def test_replace_removes_the_general_rule_and_records_it():
    reg = registry(
        plugin("fed", None, [rule("fed.eval")], level="federal"),
        plugin("st", "fed", [rule("st.eval", 50, replaces="fed.eval")]),
    )
    rs = resolve(reg, ["fed", "st"], HookContext())
    assert ids(rs) == ["st.eval"] and not rs.problems
    entry = rs.entries["st.eval"]
    assert entry.replaced[0].id == "fed.eval" and entry.replaced[0].source == "fed"
    assert entry.latest.source == "st" and entry.latest.layer == "statutory"


def test_two_plugins_replacing_one_rule_is_a_problem_naming_both():
    reg = registry(
        plugin("fed", None, [rule("fed.eval")], level="federal"),
        plugin("st", "fed", [rule("st.eval", replaces="fed.eval")]),
        plugin("dist", "st", [rule("d.eval", replaces="fed.eval")], level="district"),
    )
    problems = [str(p) for p in resolve(reg, ["fed", "st", "dist"], HookContext()).problems]
    assert problems == ["dist: rule d.eval replaces fed.eval, already replaced by st"]


def test_replace_of_a_missing_rule_is_a_problem():
    reg = registry(
        plugin("fed", None, [], level="federal"),
        plugin("st", "fed", [rule("st.eval", replaces="fed.nothing")]),
    )
    problems = [str(p) for p in resolve(reg, ["fed", "st"], HookContext()).problems]
    assert problems == ["st: rule st.eval replaces fed.nothing, which is not in the stack"]


def test_tightening_laxer_than_the_law_names_both_citations():
    reg = registry(
        plugin("fed", None, [rule("fed.eval", 60, citation="34 CFR 300.301(c)")], level="federal"),
        plugin(
            "loc",
            "fed",
            [rule("loc.eval", 70, tightens="fed.eval", citation="Local MOU 4")],
            level="local",
        ),
    )
    rs = resolve(reg, ["fed", "loc"], HookContext())
    (problem,) = rs.problems
    assert "Local MOU 4" in problem.message and "34 CFR 300.301(c)" in problem.message
    assert rs.entries["loc.eval"].latest.layer == "local"


def test_tightening_follows_a_replacement():
    reg = registry(
        plugin("fed", None, [rule("fed.eval")], level="federal"),
        plugin("st", "fed", [rule("st.eval", 50, replaces="fed.eval")]),
        plugin("loc", "st", [rule("loc.eval", 40, tightens="fed.eval")], level="local"),
    )
    rs = resolve(reg, ["fed", "st", "loc"], HookContext())
    assert not rs.problems
    assert rs.entries["loc.eval"].tightens == "st.eval"


def test_duplicate_id_missing_citation_unknown_kind_and_unit():
    bad = TimelineRule(
        id="st.x",
        kind="made_up",
        title="x",
        citation=" ",
        trigger=Trigger(events=(EventMatch("no_such_event"),)),
        period=Period(1, "fortnights"),
    )
    reg = registry(
        plugin("fed", None, [rule("fed.eval")], level="federal"),
        plugin("st", "fed", [rule("fed.eval"), bad]),
    )
    text = "\n".join(str(p) for p in resolve(reg, ["fed", "st"], HookContext()).problems)
    assert "rule id fed.eval is already defined by fed" in text
    assert "rule st.x has no citation" in text
    assert "unknown kind 'made_up'" in text
    assert "unknown unit 'fortnights'" in text
    assert "unknown event type 'no_such_event'" in text


def test_overlapping_versions_are_a_problem_and_dated_versions_pick_by_day():
    from datetime import date

    old = rule("fed.eval", 60, effective_to=date(2015, 6, 30))
    new = rule("fed.eval", 50, effective_from=date(2015, 7, 1))
    rs = resolve(registry(plugin("fed", None, [new, old], level="federal")), ["fed"], HookContext())
    assert not rs.problems
    entry = rs.entries["fed.eval"]
    assert entry.version_on(date(2015, 6, 30)).period.amount == 60
    assert entry.version_on(date(2015, 7, 1)).period.amount == 50
    overlap = rule("fed.eval", 50, effective_from=date(2015, 6, 1))
    rs = resolve(
        registry(plugin("fed", None, [old, overlap], level="federal")), ["fed"], HookContext()
    )
    assert "overlap" in str(rs.problems[0])


def test_a_plugin_that_raises_is_named_and_the_others_still_count():
    reg = registry(
        plugin("fed", None, [rule("fed.eval")], level="federal"),
        plugin("st", "fed", raises=RuntimeError("boom")),
    )
    rs = resolve(reg, ["fed", "st"], HookContext())
    assert ids(rs) == ["fed.eval"]
    assert [p.plugin for p in rs.problems] == ["st"] and "boom" in rs.problems[0].message


def test_garbage_returns_are_reported_not_used():
    p = plugin("st", None, [42], level="state")
    rs = resolve(registry(p), ["st"], HookContext())
    assert "spedrules_timeline_rules()[0] is not a valid TimelineRule" in rs.problems[0].message


def test_rules_may_be_plain_data():
    data = {
        "id": "st.eval",
        "kind": "initial_evaluation",
        "title": "t",
        "citation": "c",
        "trigger": {"events": [{"type": "evaluation_consent_received"}]},
        "period": {"amount": 30, "unit": "school_days"},
    }
    rs = resolve(registry(plugin("st", None, [data])), ["st"], HookContext())
    assert not rs.problems and rs.entries["st.eval"].latest.period.unit == "school_days"


def test_plugin_without_jurisdiction_info_is_named():
    reg = Registry()
    reg.add("nameless", SimpleNamespace(), "test", "0")
    assert "nameless" not in reg.plugins
    assert "does not implement spedrules_jurisdiction()" in str(reg.problems[0])


def test_unknown_hook_is_caught_by_check_pending():
    @hookimpl
    def spedrules_timeline_ruels(ctx):  # typo
        return []

    p = plugin("st", None)
    p.spedrules_timeline_ruels = spedrules_timeline_ruels
    reg = registry(p)
    assert "st" not in reg.plugins and "unknown hook" in str(reg.problems[0])
