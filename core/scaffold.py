"""``spedrules new-plugin``: a ready-to-edit plugin package that passes its own tests.

The package has one hook module answering from its rule files (rules/*.yaml: the plugin and one
example rule), one law case (cases/*.yaml: a case, a calendar, the due date worked out by hand,
docs/law-tests.md), the entry-point line that registers it, and a test that runs the law case
and evaluates a case file against a district whose stack ends with the new plugin, so a
developer starts from something that works and changes it.
"""

from __future__ import annotations

import re
from pathlib import Path

from spedrules.core.engine.plugins import Registry
from spedrules.core.errors import InputError
from spedrules.core.model.vocabulary import PLUGIN_LEVELS

PYPROJECT = """\
[build-system]
requires = ["setuptools>=69"]
build-backend = "setuptools.build_meta"

[project]
name = "spedrules-{name}"
version = "0.1.0"
description = "{title}: a spedrules plugin layered on {parent}"
requires-python = ">=3.11"
dependencies = ["spedrules"]

[project.optional-dependencies]
test = ["pytest"]

[project.entry-points.spedrules]
{name} = "{module}"

[tool.setuptools]
packages = ["{module}"]

[tool.setuptools.package-data]
{module} = ["rules/*.yaml", "cases/*.yaml"]
"""

MODULE = '''\
"""{title}, layered on {parent}.

The plugin and its rules are dated data in rules/*.yaml (spedrules' docs/rules-as-data.md); each
rule states its source. Replace the example with your own, and run `pytest`.
"""

from pathlib import Path

from spedrules.plugin import RuleFiles

RULES = RuleFiles(Path(__file__).parent / "rules")
spedrules_jurisdiction = RULES.hook("jurisdiction")
spedrules_timeline_rules = RULES.hook("timeline_rules")
'''

PLUGIN_YAML = """\
jurisdiction:
  id: {name}
  name: {title}
  level: {level}
  parent: {parent}
  sources:
    - title: Our negotiated practices (replace with the real document)
  event_types: [{ns}.iep_summary_sent]
  obligation_kinds: [{ns}.iep_summary]
"""

RULES_YAML = """\
timeline_rules:
  - id: {ns}.iep_summary
    kind: {ns}.iep_summary
    title: IEP summary sent to the team
    citation: Our negotiated practices, section 1 (replace)
    trigger: {{type: events, events: [{{type: iep_meeting_held}}]}}
    met_by: [{{type: {ns}.iep_summary_sent}}]
    versions:
      - period: {{amount: 5, unit: calendar_days}}
"""

CASES_YAML = """\
# Law tests of {name} (spedrules' docs/law-tests.md): run with `spedrules test {module}/cases`.
# Dates worked out by hand from the source, never copied from the engine's output.

- name: IEP summary within 5 calendar days of the meeting (Our negotiated practices, section 1)
  stack: {stack}
  calendar:
    name: Example USD
    timezone: America/Los_Angeles
    school_day: {{start: "08:00", end: "15:00"}}
    years:
      - {{name: 2026-27, first_day: 2026-08-19, last_day: 2027-06-10, closures: []}}
  as_of: 2026-10-08
  case:
    student: {{id: S-1, birth_date: 2016-04-02}}
    events:
      - {{type: iep_meeting_held, date: 2026-10-07, meeting_type: annual}}
  expect:
    # meeting Wed 2026-10-07 (day 0) + 5 calendar days = Mon 2026-10-12; not sent by 10-08: open
    {ns}.iep_summary: {{due: 2026-10-12, status: open}}
"""

TEST = '''\
"""The example rule, evaluated on a case in the YAML format of spedrules' docs/file-formats.md."""

import textwrap

import spedrules

CALENDAR = """\\
name: Example USD
timezone: America/Los_Angeles
school_day: {{start: "08:00", end: "15:00"}}
years:
  - {{name: 2026-27, first_day: 2026-08-19, last_day: 2027-06-10, closures: []}}
"""

CONFIG = """\\
[district]
id = "example"
name = "Example USD"
state = "XX"
timezone = "America/Los_Angeles"
stack = {stack}
calendar = "calendar.yaml"
"""

CASE = """\\
student: {{id: S-1, birth_date: 2016-04-02}}
events:
  - {{type: iep_meeting_held, date: 2026-10-07, meeting_type: annual}}
"""


def test_plugin_is_sound():
    assert spedrules.check_plugins() == []


def test_the_law_cases_pass():
    report = spedrules.law_tests(plugins=["{name}"])
    assert report.results and not report.failed, "\\n".join(report.lines())


def test_iep_summary_due_five_days_after_the_meeting(tmp_path):
    (tmp_path / "calendar.yaml").write_text(CALENDAR)
    (tmp_path / "district.toml").write_text(CONFIG)
    (tmp_path / "case.yaml").write_text(textwrap.dedent(CASE))
    result = spedrules.evaluate(tmp_path / "district.toml", tmp_path / "case.yaml", "2026-10-08")
    (ob,) = [o for o in result.obligations if o.rule == "{ns}.iep_summary"]
    # meeting Wed 2026-10-07 (day 0) + 5 calendar days = Mon 2026-10-12
    assert ob.due.isoformat() == "2026-10-12"
    assert ob.source == "{name}" and ob.status == "open"
'''

README = """\
# spedrules-{name}

{title}: a [spedrules](https://example.invalid/spedrules) plugin layered on `{parent}`.

    pip install -e '.[test]' && pytest

Edit `{module}/rules/*.yaml`: every rule needs a stable id, a kind, a citation, a trigger and,
in its dated `versions`, a period. Give each rule a law case in `{module}/cases/*.yaml` with the
due date worked out by hand (`spedrules test {module}/cases`). Then add `"{name}"` at the end of
a district's `stack` and run `spedrules plugins check`.
"""


def new_plugin(
    name: str,
    parent: str,
    folder: str | Path,
    registry: Registry | None = None,
    level: str = "local",
):
    """Write the package for plugin ``name`` (layered on ``parent``, at ``level``) into
    ``folder/NAME``. A plugin is never more general than its parent (a state on a district)."""
    if not re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", name):
        raise InputError(None, "NAME", "a lower-case id such as oakview-practices", name)
    registry = registry or Registry.discover()
    if parent not in registry.plugins:
        known = ", ".join(sorted(registry.plugins))
        raise InputError(None, "--parent", f"an installed plugin id ({known})", parent)
    if name in registry.plugins:
        raise InputError(None, "NAME", "an id no installed plugin uses", name)
    above = registry.plugins[parent].level
    allowed = PLUGIN_LEVELS[PLUGIN_LEVELS.index(above) :] if above in PLUGIN_LEVELS else ()
    if level not in allowed:
        raise InputError(
            None, "--level", f"a level as specific as {parent}'s ({', '.join(allowed)})", level
        )
    stack = [*registry.ancestry(parent), name]
    ns = name.replace("-", "_")
    module = f"spedrules_{ns}"
    target = Path(folder) / f"spedrules-{name}"
    if target.exists():
        raise InputError(None, "NAME", f"a folder that does not exist yet ({target})", name)
    values = {
        "name": name,
        "parent": parent,
        "module": module,
        "ns": ns,
        "title": name.replace("-", " ").title(),
        "stack": str(stack).replace("'", '"'),
        "level": level,
    }
    files = {
        "pyproject.toml": PYPROJECT,
        f"{module}/__init__.py": MODULE,
        f"{module}/rules/plugin.yaml": PLUGIN_YAML,
        f"{module}/rules/timeline_rules.yaml": RULES_YAML,
        f"{module}/cases/iep_summary.yaml": CASES_YAML,
        "tests/test_plugin.py": TEST,
        "README.md": README,
    }
    for rel, template in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(**values))
    return target
