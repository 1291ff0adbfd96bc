"""The bundled law cases (``cases/*.yaml`` beside each plugin): each one passes, every bundled
rule that gives obligations has one, and each number of those rules is protected (changing it by
one makes a case fail)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

import spedrules
from spedrules.core.engine.lawtests import (
    Mutation,
    Runner,
    find_files,
    gives_obligations,
    load_file,
    ruleset_mutations,
)
from spedrules.core.engine.layering import resolve_options
from spedrules.core.engine.plugins import HookContext, Registry
from spedrules.core.model.rules import RULE_HOOKS

PACKAGE = Path(spedrules.__file__).resolve().parent
CASE_DIRS = sorted(
    p for top in ("jurisdictions", "plugins") for p in (PACKAGE / top).glob("*/cases") if p.is_dir()
)
CASES = [case for path in find_files(CASE_DIRS) for case in load_file(path)]


def bundled(registry: Registry) -> list[str]:
    """The plugins shipped in this repository (not a third party's installed beside them)."""
    return sorted(
        pid
        for pid, plugin in registry.plugins.items()
        if plugin.module.__name__.startswith(("spedrules.jurisdictions.", "spedrules.plugins."))
    )


@pytest.fixture(scope="module")
def runner() -> Runner:
    return Runner(Registry.discover())


def test_every_bundled_plugin_has_cases():
    folders = {p.parent.name for p in CASE_DIRS}
    assert folders == {
        "us_idea",
        "california",
        "florida",
        "charter_independent_study",
        "lahabra_best_practices",
        "st_lucie",
        "wyandotte_case_management",
    }


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_law_case(case, runner):
    failures = runner.run(case)
    assert not failures, "\n".join(map(str, failures))


def test_every_bundled_rule_with_obligations_has_a_case(runner):
    """A rule id no case expects is a rule whose dates nothing checks."""
    registry = runner.registry
    ids = set()
    for pid in bundled(registry):
        stack = registry.ancestry(pid)
        ctx = HookContext(options=resolve_options(registry, stack, {}))
        for hook in RULE_HOOKS:
            ids |= {r.id for r in registry.rules(pid, hook, ctx) if gives_obligations(r)}
    expected = {rule for case in CASES for rule, exps in case.expect.items() if exps}
    missing = sorted(ids - expected)
    assert not missing, f"bundled rule ids without a law case: {', '.join(missing)}"
    assert len(ids) >= 55  # every bundled timeline, incident, meeting and program duty


def _mutations(runner: Runner) -> dict[Mutation, list]:
    """Each number of each bundled rule, changed by +1 and -1, with the cases whose stack
    holds that rule."""
    plugins = bundled(runner.registry)
    found: dict[Mutation, list] = defaultdict(list)
    for case in CASES:
        for mutation in ruleset_mutations(runner.district(case).ruleset, plugins):
            found[mutation].append(case)
    return found


def _killed(runner: Runner, mutation: Mutation, cases) -> bool:
    return any(runner.run(case, mutation.tweak) for case in cases)


def test_changing_any_rule_number_by_one_fails_a_case(runner):
    """Every period amount (and arises_after, and lead time) of every bundled rule version,
    +1 and -1, makes at least one law case fail. Changed on the loaded rule objects, so it holds
    however the rules are written (Python or YAML)."""
    mutations = _mutations(runner)
    assert len(mutations) >= 100
    survived = [str(m) for m, cases in mutations.items() if not _killed(runner, m, cases)]
    assert not survived, "numbers no law case protects: " + "; ".join(survived)


@pytest.mark.parametrize(
    "rule, part, amount",
    [
        ("ca.expedited_hearing", "period", 20),  # 20 school days
        ("ca.reassessment_request_response", "period", 15),  # 15 days
        ("lahabra.notice", "lead_times[0]", 10),  # 10 days
    ],
)
@pytest.mark.parametrize("delta", [+1, -1])
def test_the_numbers_no_test_protected_before(runner, rule, part, amount, delta):
    """Issue 15: these three numbers could be changed without any test failing."""
    mutations = _mutations(runner)
    [mutation] = [m for m in mutations if (m.rule, m.part, m.delta) == (rule, part, delta)]
    assert mutation.was == amount
    failed = [f for case in mutations[mutation] for f in runner.run(case, mutation.tweak)]
    assert failed and all(f.rule == rule for f in failed), failed


def test_a_mutation_leaves_the_loaded_rules_unchanged(runner):
    case = next(c for c in CASES if "ca.expedited_hearing" in c.expect)
    ruleset = runner.district(case).ruleset
    before = ruleset.entries["ca.expedited_hearing"].latest.period.amount
    mutation = Mutation("ca.expedited_hearing", 0, "period", +1, before)
    changed = mutation.tweak(ruleset)
    assert changed.entries["ca.expedited_hearing"].latest.period.amount == before + 1
    assert ruleset.entries["ca.expedited_hearing"].latest.period.amount == before
    assert not runner.run(case)  # and the unmutated case still passes


def test_a_number_no_case_states_survives(runner):
    """The mutation test can fail: without the expedited-hearing case, its 20 school days are
    unprotected again."""
    mutations = _mutations(runner)
    [mutation] = [m for m in mutations if (m.rule, m.delta) == ("ca.expedited_hearing", +1)]
    others = [c for c in mutations[mutation] if "ca.expedited_hearing" not in c.expect]
    assert others and not _killed(runner, mutation, others)


def test_the_cases_ship_with_the_package():
    """Every file of a cases folder matches the package-data globs (a case that is not
    shipped cannot be run with ``spedrules test --plugin``)."""
    import fnmatch
    import tomllib

    # the checkout's pyproject (tox installs the package without it)
    data = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())
    globs = data["tool"]["setuptools"]["package-data"]["*"]
    files = [p for folder in CASE_DIRS for p in folder.rglob("*") if p.is_file()]
    assert files
    for path in files:
        relative = path.relative_to(
            path.parents[1] if path.parent.name == "cases" else path.parents[2]
        ).as_posix()
        assert any(fnmatch.fnmatch(relative, g) for g in globs), relative
