"""docs/plugin-hooks.md, checked field by field against the code it documents.

The classes are found from the hook specifications themselves (their return annotations, and
every attrs class reachable from them through field types and base classes), so a rule type
that is renamed, split or added changes what is checked without touching this test: only the
doc needs updating. Both ways fail: a documented field the class lacks (a plugin author would
write it and get an error, or worse, nothing), and a field of the class the doc leaves out.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import typing
from pathlib import Path

import attrs
import pytest

from spedrules.core import hookspecs

DOC = Path(__file__).resolve().parents[2] / "docs" / "plugin-hooks.md"
HOOKS = {
    name: fn
    for name, fn in vars(hookspecs).items()
    if name.startswith("spedrules_") and inspect.isfunction(fn)
}


def _annotation_names() -> dict[str, typing.Any]:
    """What the hookspecs' annotations may name: their module, plus what it imports for type
    checking only (read from its source: those names are not bound at run time)."""
    names = dict(vars(hookspecs))
    for node in ast.walk(ast.parse(inspect.getsource(hookspecs))):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            for imported in node.body:
                if isinstance(imported, ast.ImportFrom):
                    module = importlib.import_module(imported.module)
                    for alias in imported.names:
                        names[alias.asname or alias.name] = getattr(module, alias.name)
    return names


def reachable_classes() -> list[type]:
    """Every attrs class a plugin author builds or reads: from the hooks' annotations, through
    field types (tuples, unions, optionals) and attrs base classes."""
    found: list[type] = []

    def walk(tp: typing.Any) -> None:
        if isinstance(tp, type) and attrs.has(tp):
            if tp in found:
                return
            found.append(tp)
            for base in tp.__mro__[1:]:
                walk(base)
            hints = typing.get_type_hints(tp)
            for f in attrs.fields(tp):
                walk(hints.get(f.name, f.type))
            return
        for arg in typing.get_args(tp):
            walk(arg)

    names = _annotation_names()
    for fn in HOOKS.values():
        for hint in typing.get_type_hints(fn, globalns=names).values():
            walk(hint)
    return found


def documented_fields(text: str) -> dict[str, list[str]]:
    """``### ClassName`` headings under "Rule types, field by field", each with the first
    column of its table (`` `name` ``)."""
    part = text.split("## Rule types, field by field", 1)[1]
    part = re.split(r"^## ", part, flags=re.M)[0]
    sections: dict[str, list[str]] = {}
    current = None
    for line in part.splitlines():
        heading = re.match(r"^### (\w+)", line)
        if heading:
            current = heading.group(1)
            sections[current] = []
            continue
        row = re.match(r"^\| `(\w+)` \|", line)
        if row and current is not None:
            sections[current].append(row.group(1))
    return sections


def own_fields(cls: type, documented: dict[str, list[str]]) -> list[str]:
    """The fields of ``cls`` its own table must list: all of them but those of a documented
    attrs base class (``RuleBase``'s table covers every rule type's common fields)."""
    inherited = {
        f.name
        for base in cls.__mro__[1:]
        if isinstance(base, type) and attrs.has(base) and base.__name__ in documented
        for f in attrs.fields(base)
    }
    return [f.name for f in attrs.fields(cls) if f.name not in inherited]


def field_problems(text: str) -> list[str]:
    """Every disagreement between the doc's field tables and the classes, one line each."""
    documented = documented_fields(text)
    classes = {c.__name__: c for c in reachable_classes()}
    problems = [
        f"### {n} documents no class a hook reaches" for n in documented if n not in classes
    ]
    for name, cls in classes.items():
        if name not in documented:
            problems.append(f"{name} (returned or read by a hook) has no ### {name} table")
            continue
        real, doc = own_fields(cls, documented), documented[name]
        problems += [f"{name}.{f} is documented but is not a field" for f in doc if f not in real]
        problems += [f"{name}.{f} is a field but is not documented" for f in real if f not in doc]
        problems += [f"{name}.{f} is documented twice" for f in set(doc) if doc.count(f) > 1]
    return problems


def prose_problems(text: str) -> list[str]:
    """``Class(a, b, ...)`` written in the prose must name real fields of that class."""
    classes = {c.__name__: c for c in reachable_classes()}
    problems = []
    for name, args in re.findall(r"`(\w+)\(([^`]*?)\)`?", text):
        if name not in classes or "(" in args:
            continue
        fields = {f.name for f in attrs.fields(classes[name])}
        for arg in args.split(","):
            key = arg.split("=", 1)[0].strip()  # a field name, or a value (15, "x", ...)
            if key.isidentifier() and key not in fields:
                problems.append(f"{name}({key}) in the prose is not a field of {name}")
    return problems


def units() -> tuple[str, ...]:
    """The counting units the code accepts (where the code keeps them)."""
    from spedrules.core.calendar import counting

    return tuple(counting.UNITS)


def documented_units(text: str) -> list[str]:
    part = text.split("## Units", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `(\w+)` \|", part, flags=re.M)


def test_every_field_of_every_type_matches_the_classes():
    assert field_problems(DOC.read_text()) == []


def test_the_prose_names_only_real_fields():
    assert prose_problems(DOC.read_text()) == []


def test_the_units_table_is_every_unit():
    assert sorted(documented_units(DOC.read_text())) == sorted(units())


def test_a_documented_field_that_does_not_exist_fails():
    text = DOC.read_text()
    # a row for a field LeadTime does not have (the doc once described `lead_time_field`)
    doctored = text.replace(
        "| `field` | the meeting field", "| `lead_time_field` | the meeting field", 1
    )
    assert doctored != text
    problems = field_problems(doctored)
    assert "LeadTime.lead_time_field is documented but is not a field" in problems
    assert "LeadTime.field is a field but is not documented" in problems
    prose = text.replace("`BirthdayTrigger(age)`", "`BirthdayTrigger(lead_time)`", 1)
    assert prose != text and prose_problems(prose) == [
        "BirthdayTrigger(lead_time) in the prose is not a field of BirthdayTrigger"
    ]
    dropped = re.sub(r"^\| `school_days` \| the disciplinary.*\n", "", text, flags=re.M)
    assert "RemovalsTrigger.school_days is a field but is not documented" in field_problems(dropped)
    no_unit = re.sub(r"^\| `custom` \|.*\n", "", text, flags=re.M)
    assert sorted(documented_units(no_unit)) != sorted(units())


def test_the_classes_reached_from_the_hooks():
    names = {c.__name__ for c in reachable_classes()}
    # a sample that must be reached for the walk to be worth anything (bases, nested, unions)
    assert {"RuleBase", "TimelineRule", "Trigger", "Period", "LeadTime", "FormField"} <= names


@pytest.mark.parametrize("name", sorted(HOOKS))
def test_each_hook_heading_signature_and_return_types(name):
    """The heading is the spec's signature; the section names what the hook returns, and the
    spec's docstring is there for a plugin author to learn from."""
    fn = HOOKS[name]
    assert len(inspect.getdoc(fn) or "") > 150, f"{name} needs a docstring to learn from"
    text = DOC.read_text()
    signature = f"{name}({', '.join(inspect.signature(fn).parameters)})"
    heading = f"## {signature}\n"
    assert heading in text, f"docs/plugin-hooks.md lacks '## {signature}'"
    section = text.split(heading, 1)[1].split("\n## ", 1)[0]
    returned = typing.get_type_hints(fn, globalns=_annotation_names()).get("return")
    for cls in _classes_in(returned):
        assert f"`{cls.__name__}" in section, f"## {name} does not name {cls.__name__}"
        assert cls.__name__ in (inspect.getdoc(fn) or ""), f"{name}'s docstring: {cls.__name__}"


def test_no_heading_for_a_hook_that_does_not_exist():
    headings = re.findall(r"^## (spedrules_\w+)\(", DOC.read_text(), flags=re.M)
    assert sorted(headings) == sorted(HOOKS)


def _classes_in(tp) -> list[type]:
    if isinstance(tp, type) and attrs.has(tp):
        return [tp]
    return [c for arg in typing.get_args(tp) for c in _classes_in(arg)]
