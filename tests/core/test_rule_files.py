"""Rules as dated data (core/model/ruledata.py): the bundled rule files, and what a broken one
says."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from spedrules.core.calendar.counting import UNITS
from spedrules.core.engine.layering import resolve, resolve_options
from spedrules.core.engine.plugins import HookContext, Registry
from spedrules.core.errors import InputError
from spedrules.core.model.rules import BirthdayTrigger, IncidentProhibition, RuleBase, TimelineRule
from spedrules.plugin import RuleFiles

PACKAGE = Path(__file__).resolve().parents[2]


def bundled_rules() -> list[RuleBase]:
    registry = Registry.discover()
    found = []
    for plugin_id in sorted(registry.plugins):
        stack = registry.ancestry(plugin_id)
        options = resolve_options(registry, stack, {})
        for entry in resolve(registry, stack, HookContext(options=options)).entries.values():
            found += [v for v in entry.versions if v.source == plugin_id]
    return found


def test_every_bundled_rule_says_where_it_is_defined():
    """defined_at names the file and the line of the rule's ``- id:`` (rules show prints it)."""
    checked = 0
    for rule in bundled_rules():
        if not rule.defined_at:
            continue  # forms and eligibility categories are not rule files (yet)
        path, line = rule.defined_at.rsplit(":", 1)
        text = (PACKAGE / path).read_text().splitlines()[int(line) - 1]
        assert text.strip() == f"- id: {rule.id}", rule.defined_at
        checked += 1
    assert checked > 80  # every timeline, incident, meeting and program rule


def test_versions_are_one_rule_with_dated_values():
    """fl.initial_evaluation: 60 school days in attendance until 2014-10-15, 60 calendar days in
    session (absences beyond 8 extend it) from 2015-11-20; both keep the rule's id and trigger."""
    versions = [r for r in bundled_rules() if r.id == "fl.initial_evaluation"]
    assert [(v.effective_from, v.effective_to) for v in versions] == [
        (None, date(2014, 10, 15)),
        (date(2015, 11, 20), None),
    ]
    assert [v.period.unit for v in versions] == [
        "school_days_in_attendance",
        "calendar_days_in_session",
    ]
    assert versions[1].period.absence_allowance == 8
    assert versions[0].trigger == versions[1].trigger


def test_options_reach_the_rules_through_named_functions():
    """us-idea.age_of_majority 21: the notice is due from the 19th birthday (21 - 2), titled so;
    a Florida district prohibition exists only where its option is true."""
    registry = Registry.discover()
    ctx = HookContext(options={"us-idea.age_of_majority": 21})
    (notice,) = [
        r
        for r in registry.rules("us-idea", "spedrules_timeline_rules", ctx)
        if r.id == "idea.age_of_majority_notice"
    ]
    assert notice.trigger == BirthdayTrigger(19) and "at 21" in notice.title
    default = registry.rules("florida", "spedrules_incident_rules", HookContext())
    chosen = registry.rules(
        "florida",
        "spedrules_incident_rules",
        HookContext(options={"florida.prohibits_seclusion": True}),
    )
    assert "fl.district.prohibits_seclusion" not in {r.id for r in default}
    (extra,) = [r for r in chosen if r.id == "fl.district.prohibits_seclusion"]
    assert isinstance(extra, IncidentProhibition) and extra.kind == "prohibition"


GOOD = """\
timeline_rules:
  - id: xx.plan
    kind: assessment_plan
    title: Plan
    citation: XX Code 1
    trigger: {type: events, events: [{type: referral_received}]}
    met_by: [{type: assessment_plan_provided}]
    versions:
      - effective_to: 2025-06-30
        period: {amount: 15, unit: calendar_days}
      - effective_from: 2025-07-01
        period: {amount: 10, unit: school_days}
"""


def files(tmp_path: Path, text: str, functions=None) -> RuleFiles:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "timelines.yaml").write_text(text)
    return RuleFiles(folder, functions or {})


def test_a_rule_file_loads_its_versions(tmp_path):
    rules = files(tmp_path, GOOD).timeline_rules()
    assert [r.period.amount for r in rules] == [15, 10]
    assert all(isinstance(r, TimelineRule) and r.id == "xx.plan" for r in rules)
    assert rules[0].defined_at.endswith("rules/timelines.yaml:2")


@pytest.mark.parametrize(
    ("change", "where", "expected"),
    [
        (("type: events,", "type: birthdays,"), "timelines.yaml:2: trigger", "type: one of events"),
        # a version's value is named at the version's line (line 11: the second version)
        (("unit: school_days", "unit: fortnights"), "timelines.yaml:11: period.unit", "units"),
        (("citation: XX Code 1", "citation: XX Code 1\n    compute: nope"), ":2: compute", "nope"),
        (("kind: assessment_plan", "kind: assessment_plan\n    colour: red"), ":2", "colour"),
        (("effective_from: 2025-07-01", "effective_from: 2025-13-01"), ":11", "date"),
    ],
)
def test_a_broken_rule_file_names_file_and_line(tmp_path, change, where, expected):
    with pytest.raises(InputError) as err:
        files(tmp_path, GOOD.replace(*change)).timeline_rules()
    assert where in str(err.value) and expected in str(err.value)
    assert "\n" not in str(err.value)


def test_the_units_table_lists_every_registered_unit():
    """docs/rules-as-data.md: one row per unit of the registry, with its explanation."""
    doc = (PACKAGE / "docs" / "rules-as-data.md").read_text()
    table = doc[doc.index("## Counting units") :]
    rows = {
        line.split("|")[1].strip(" `"): line.split("|")[2].strip()
        for line in table.splitlines()
        if line.startswith("| `") and line.count("|") == 4
    }
    assert rows == {name: unit.explanation for name, unit in UNITS.items()}


def test_an_incident_rule_of_no_type_is_refused():
    """A bare IncidentRule would check nothing and say nothing: it is an error, not a no-op."""
    from spedrules.plugin import IncidentRule

    with pytest.raises(TypeError, match="IncidentDuty, IncidentProhibition or ReportContents"):
        IncidentRule(id="xx.notice", kind="incident_parent_notice", title="t", citation="c")


def test_bundled_rules_round_trip_through_data():
    """Every rule written out (with its type: tags) and read back is the same rule: the data is
    the rule, nothing is lost on the way (custom compute functions aside, which are code)."""
    from spedrules.core.model.convert import converter
    from spedrules.core.model.rules import EligibilityCategory, FormDefinition
    from spedrules.plugin import IncidentRule

    checked = 0
    for rule in bundled_rules():
        if isinstance(rule, EligibilityCategory | FormDefinition) or getattr(rule, "compute", None):
            continue
        cls = IncidentRule if isinstance(rule, IncidentRule) else type(rule)
        assert converter.structure(converter.unstructure(rule), cls) == rule, rule.id
        checked += 1
    assert checked > 80


def test_a_rule_file_that_is_not_yaml_names_the_line(tmp_path):
    with pytest.raises(InputError) as err:
        files(tmp_path, GOOD.replace("title: Plan", "title: [Plan")).timeline_rules()
    assert "timelines.yaml: line " in str(err.value) and "valid YAML" in str(err.value)
