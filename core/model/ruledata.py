"""Rules as dated data: a plugin's ``rules/*.yaml``, loaded with the project's converter.

The files hold the plugin's ``jurisdiction``, its ``options`` and lists of rules under
``timeline_rules``, ``incident_rules``, ``meeting_rules`` and ``program_rules``. Each rule is
written once, with the fields of its type (core/model/rules.py) and ``versions:``, the dated values
that change (each version's fields override the rule's for that version, with its
``effective_from``/``effective_to`` and ``verified_on``). What is logic rather than a number
stays Python and is named from the file:
``compute: age_22_exit`` (unit ``custom``) and ``with_options: age_of_majority`` (a function of
the rule and the district's options returning the rule in force, or None) name functions the
plugin passes to :class:`RuleFiles`; ``enabled_by: OPTION`` keeps a rule only where that option is
true. An unknown name, field or value is an error naming the file and line. See
docs/rules-as-data.md.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any

import attrs
import yaml
from attrs import evolve, frozen
from cattrs.gen import make_dict_unstructure_fn

from spedrules.core import files
from spedrules.core.calendar.counting import UNITS
from spedrules.core.errors import InputError
from spedrules.core.hookspecs import hookimpl
from spedrules.core.model.convert import Expected, converter, structure_at
from spedrules.core.model.rules import (
    INCIDENT_RULE_TYPES,
    MEETING_CHECK_TYPES,
    TRIGGER_TYPES,
    AnyIncidentRule,
    AnyMeetingCheck,
    AnyTrigger,
    EligibilityCategory,
    IncidentRule,
    JurisdictionInfo,
    MeetingRule,
    Option,
    ProgramRule,
    RuleBase,
    TimelineRule,
)

SECTIONS: dict[str, type] = {
    "timeline_rules": TimelineRule,
    "incident_rules": IncidentRule,
    "meeting_rules": MeetingRule,
    "program_rules": ProgramRule,
    "eligibility_categories": EligibilityCategory,
}
LOADER_KEYS = ("versions", "with_options", "enabled_by")
PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # core/model/ -> the package


def _tagged(tags: dict[str, type], what: str, default: str | None = None):
    """Structure one of ``tags`` from a mapping whose ``type:`` names it (``default`` when a
    mapping has none: a trigger without a type lists events)."""
    classes = tuple(tags.values())

    def structure(value: Any, _: Any) -> Any:
        if isinstance(value, classes):
            return value
        if not isinstance(value, dict):
            raise Expected(f"a mapping for {what} with a type: key", value)
        tag = value.get("type", default)
        if tag not in tags:
            raise Expected(f"type: one of {', '.join(tags)}", tag)
        cls = tags[tag]
        return converter.structure({k: v for k, v in value.items() if k != "type"}, cls)

    return structure


def register_tagged_unions(conv) -> None:
    """Triggers, incident rules and meeting checks are tagged unions: ``type:`` says which."""
    for union, tags, what, default in (
        (AnyTrigger, TRIGGER_TYPES, "a trigger", "events"),
        (AnyIncidentRule, INCIDENT_RULE_TYPES, "an incident rule", None),
        (AnyMeetingCheck, MEETING_CHECK_TYPES, "a meeting check", None),
    ):
        hook = _tagged(tags, what, default)
        conv.register_structure_hook_func(lambda t, u=union: t == u, hook)
        for tag, cls in tags.items():  # written back with its tag, so that data round-trips
            plain = make_dict_unstructure_fn(cls, conv)
            conv.register_unstructure_hook(cls, lambda obj, p=plain, t=tag: {"type": t, **p(obj)})
    # a plugin returning a mapping for the incident hook names its type too
    conv.register_structure_hook_func(
        lambda t: t is IncidentRule, _tagged(INCIDENT_RULE_TYPES, "an incident rule")
    )


register_tagged_unions(converter)


@frozen
class _Entry:
    """One rule of a file: its versions as structured rules, and what the loader applies."""

    versions: tuple[RuleBase, ...]
    with_options: Callable[..., Any] | None = None
    enabled_by: str | None = None


@frozen
class RuleFiles:
    """The rule files of one plugin: ``folder/*.yaml``, with the named functions they may use.

    Read once, on first use; each hook call applies the district's options (defaults from the
    plugin's own ``options``, the one place a default is written)."""

    folder: Path
    functions: dict[str, Callable[..., Any]] = attrs.field(factory=dict, eq=False)

    def timeline_rules(self, ctx: Any = None) -> list[TimelineRule]:
        return self.rules("timeline_rules", ctx)

    def incident_rules(self, ctx: Any = None) -> list[IncidentRule]:
        return self.rules("incident_rules", ctx)

    def meeting_rules(self, ctx: Any = None) -> list[MeetingRule]:
        return self.rules("meeting_rules", ctx)

    def program_rules(self, ctx: Any = None) -> list[ProgramRule]:
        return self.rules("program_rules", ctx)

    def eligibility_categories(self, ctx: Any = None) -> list[EligibilityCategory]:
        return self.rules("eligibility_categories", ctx)

    def options(self) -> list[Option]:
        return list(self._loaded[1])

    def jurisdiction(self) -> JurisdictionInfo:
        info = self._loaded[2]
        if info is None:
            raise InputError(_relative(self.folder), "jurisdiction", "a jurisdiction: in a file")
        return info

    def forms(self) -> list[Any]:
        """The plugin's forms: ``forms/`` beside its ``rules/`` folder, read as data."""
        from spedrules.core.forms import load_forms

        return load_forms(self.folder.parent / "forms")

    def hooks(self, *names: str) -> tuple[Callable[..., Any], ...]:
        """Hook implementations answering from these files, one per name (``jurisdiction``,
        ``options``, ``forms`` (the ``forms/`` folder beside ``rules/``), ``timeline_rules``,
        ...): ``a, b = RULES.hooks("jurisdiction", "options")``."""
        return tuple(self.hook(name) for name in names)

    def hook(self, name: str) -> Callable[..., Any]:
        """The hook implementation of one name, for a plugin module to bind:
        ``spedrules_timeline_rules = RULES.hook("timeline_rules")``."""
        if name in ("jurisdiction", "options", "forms"):
            method = getattr(self, name)

            def answer() -> Any:
                return method()

        elif name in SECTIONS:

            def answer(ctx: Any) -> Any:
                return self.rules(name, ctx)

        else:
            raise ValueError(f"no hook {name!r} answers from rule files")
        answer.__name__ = f"spedrules_{name}"
        return hookimpl(answer)

    def option_values(self, ctx: Any = None) -> dict[str, Any]:
        """The plugin's options as the district set them, each default filled in."""
        chosen = dict(getattr(ctx, "options", None) or {})
        return {o.id: chosen.get(o.id, o.default) for o in self.options()} | chosen

    def rules(self, section: str, ctx: Any = None) -> list[Any]:
        values = self.option_values(ctx)
        found: list[Any] = []
        for entry in self._loaded[0].get(section, ()):
            if entry.enabled_by is not None and not values.get(entry.enabled_by):
                continue
            for rule in entry.versions:
                if entry.with_options is not None:
                    rule = entry.with_options(rule, values)
                if rule is not None:
                    found.append(rule)
        return found

    @cached_property
    def _loaded(self) -> tuple[dict[str, list[_Entry]], tuple[Option, ...], Any]:
        sections: dict[str, list[_Entry]] = {}
        options: list[Option] = []
        info = None
        for path in sorted(self.folder.glob("*.yaml")):
            data, lines = _read(path)
            rel = _relative(path)
            for key, items in data.items():
                if key == "jurisdiction":
                    info = structure_at(items, JurisdictionInfo, f"{rel}:{lines.key_line(key)}")
                    continue
                if key == "options":
                    options += [
                        structure_at(o, Option, f"{rel}:{lines.line(key, i)}")
                        for i, o in enumerate(_list(items, rel, key))
                    ]
                    continue
                if key not in SECTIONS:
                    expected = f"one of {', '.join(['jurisdiction', *SECTIONS, 'options'])}"
                    raise InputError(rel, key, expected, key)
                for i, item in enumerate(_list(items, rel, key)):
                    where = (rel, lines.line(key, i), lines.version_lines(key, i))
                    sections.setdefault(key, []).append(
                        _entry(item, SECTIONS[key], where, self.functions)
                    )
        return sections, tuple(options), info


def _list(items: Any, rel: str, key: str) -> list[Any]:
    if not isinstance(items, list):
        raise InputError(rel, key, "a list of rules", type(items).__name__)
    return items


def _relative(path: Path) -> str:
    """Where a rule is defined, as ``rules show`` prints it: relative to the spedrules package
    for a bundled plugin, to the plugin package's parent folder for another."""
    path = path.resolve()
    for base in (PACKAGE_ROOT, path.parent.parent.parent):
        if path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    return path.as_posix()  # pragma: no cover - every path is below its grandparent


@frozen
class _Lines:
    """The line of each rule (and of each of its versions) in a file, for errors and
    ``defined_at``."""

    node: Any

    def _item(self, key: str, index: int) -> Any:
        for k, v in self.node.value:
            if k.value == key and isinstance(v, yaml.SequenceNode):
                return v.value[index]
        return None

    def key_line(self, key: str) -> int:
        for k, v in self.node.value:
            if k.value == key:
                return v.start_mark.line + 1
        return 0

    def line(self, key: str, index: int) -> int:
        item = self._item(key, index)
        return item.start_mark.line + 1 if item is not None else 0

    def version_lines(self, key: str, index: int) -> list[int]:
        item = self._item(key, index)
        if not isinstance(item, yaml.MappingNode):
            return []
        for k, v in item.value:
            if k.value == "versions" and isinstance(v, yaml.SequenceNode):
                return [n.start_mark.line + 1 for n in v.value]
        return []


# files.read_data's loader (libyaml when present: the rule files are read at every start)
_RuleLoader = files._FastLoader or files._Loader


def _read(path: Path) -> tuple[dict[str, Any], _Lines]:
    """The file's data and its nodes (for line numbers), from one parse."""
    text = files.read_text(path)
    loader = _RuleLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else None
        raise InputError(path, where, "valid YAML", getattr(exc, "problem", str(exc))) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        expected = "a mapping of rule lists (timeline_rules: [...])"
        raise InputError(path, None, expected, type(data).__name__)
    return files.check_structure(data, path), _Lines(node)


def _entry(item: Any, cls: type, where: tuple[str, int, list[int]], functions) -> _Entry:
    rel, line, version_lines = where
    at = f"{rel}:{line}"
    if not isinstance(item, dict):
        raise InputError(at, None, "a mapping of rule fields", type(item).__name__)
    base = {k: v for k, v in item.items() if k not in LOADER_KEYS}
    versions = item.get("versions") or [{}]
    if not isinstance(versions, list) or not all(isinstance(v, dict) for v in versions):
        raise InputError(at, "versions", "a list of mappings of the fields that change", versions)
    with_options = _function(item.get("with_options"), functions, at, "with_options")
    enabled_by = item.get("enabled_by")
    if enabled_by is not None and not isinstance(enabled_by, str):
        raise InputError(at, "enabled_by", "an option id", enabled_by)
    rules = []
    for i, version in enumerate(versions):
        v_at = f"{rel}:{version_lines[i]}" if i < len(version_lines) else at
        try:
            rules.append(_rule({**base, **version}, cls, at, functions))
        except InputError as exc:  # a version's own field is named at the version's line
            key = (exc.field or "").split(".")[0].split("[")[0]
            where = v_at if key in version and i < len(version_lines) else at
            raise InputError(where, exc.field, exc.expected, exc.got) from None
    return _Entry(tuple(rules), with_options, enabled_by)


def _rule(data: dict[str, Any], cls: type, defined_at: str, functions) -> RuleBase:
    compute = _function(data.pop("compute", None), functions, None, "compute")
    checks = _checks(data, functions) if cls is EligibilityCategory else None
    rule = structure_at(data, _union_of(cls), None)
    if checks is not None:
        criteria = tuple(evolve(c, check=f) for c, f in zip(rule.criteria, checks, strict=True))
        rule = evolve(rule, criteria=criteria)
    for name in ("period", "arises_after"):
        period = getattr(rule, name, None)
        if period is not None and period.unit not in UNITS:
            units = ", ".join(UNITS)
            raise InputError(None, f"{name}.unit", f"one of the units {units}", period.unit)
    if compute is not None:
        rule = evolve(rule, compute=compute)
    return evolve(rule, defined_at=defined_at)


def _checks(data: dict[str, Any], functions) -> list[Callable[..., Any]]:
    """Each criterion's ``check``: a function's name (``severe_discrepancy``), or ``use:`` naming
    a function that makes one from the other keys (``{use: flag, path: ..., met: ...}``)."""
    criteria = data.get("criteria")
    if not isinstance(criteria, list):
        return []
    criteria = data["criteria"] = [dict(c) if isinstance(c, dict) else c for c in criteria]
    found = []
    for i, item in enumerate(criteria):
        where = f"criteria[{i}].check"
        spec = item.pop("check", None) if isinstance(item, dict) else None
        if isinstance(spec, dict):
            args = {k: v for k, v in spec.items() if k != "use"}
            maker = _function(spec.get("use"), functions, None, f"{where}.use")
            try:
                found.append(maker(**args))
            except TypeError as exc:
                raise InputError(None, where, f"the arguments of {spec['use']}", str(exc)) from None
        else:
            found.append(_function(spec, functions, None, where))
    return found


def _union_of(cls: type) -> Any:
    return AnyIncidentRule if cls is IncidentRule else cls


def _function(name: Any, functions: dict[str, Callable[..., Any]], at: str | None, key: str):
    if name is None:
        return None
    if not isinstance(name, str) or name not in functions:
        known = ", ".join(sorted(functions)) or "none"
        raise InputError(at, key, f"the name of a function of this plugin ({known})", name)
    return functions[name]
