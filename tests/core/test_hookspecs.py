"""Every hook is documented, in its docstring and in docs/plugin-hooks.md (as datasette does)."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from spedrules.core import hookspecs

DOCS = Path(__file__).resolve().parents[2] / "docs" / "plugin-hooks.md"
HOOKS = [
    name
    for name, fn in vars(hookspecs).items()
    if name.startswith("spedrules_") and inspect.isfunction(fn)
]


def test_the_hooks_of_the_design_and_the_program_rules():
    assert sorted(HOOKS) == sorted(
        [
            "spedrules_jurisdiction",
            "spedrules_options",
            "spedrules_timeline_rules",
            "spedrules_eligibility_categories",
            "spedrules_incident_rules",
            "spedrules_meeting_rules",
            "spedrules_forms",
            "spedrules_program_rules",  # added for rules over a group of students (issue 6)
            "spedrules_edfi_descriptors",  # Ed-Fi descriptor code values (issue 18)
            "spedrules_restraint_report",  # a state's restraint report, out of core (issue 15)
        ]
    )


@pytest.mark.parametrize("name", HOOKS)
def test_hook_is_documented(name):
    fn = getattr(hookspecs, name)
    assert len(inspect.getdoc(fn) or "") > 150, (
        f"{name} needs a docstring a plugin author can learn from"
    )
    signature = f"{name}({', '.join(inspect.signature(fn).parameters)})"
    assert f"## {signature}" in DOCS.read_text(), f"docs/plugin-hooks.md lacks '## {signature}'"
