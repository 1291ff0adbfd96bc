"""One rule described in full, for ``spedrules rules show`` (and anyone reviewing a change of law).

A reviewer asks of a rule: what starts it, how long each dated version allows, what meets or
cancels it, what it is an exception to, what a more specific layer did to it, who acts, where the
law says so and where the rule is written. :func:`describe_rule` answers from the installed
plugins (each read on its own ancestry with default options) or from one district's stack (its
options and local add-ons), as data; the CLI only renders it.

Rule types are read by their fields, not by their class (``getattr``), so a rule type split or
renamed keeps being described: a field a type lacks is simply not shown.
"""

from __future__ import annotations

import difflib
import inspect
import re
from pathlib import Path
from typing import Any

from attrs import field, frozen

from spedrules.core.engine.plugins import HookContext, Registry
from spedrules.core.errors import InputError, SpedrulesError
from spedrules.core.model.rules import RULE_HOOKS


@frozen
class PeriodView:
    """One counted span of a version: its role (``period``, ``arises_after``, a lead time's kind),
    the amount and unit as the rule states them, and the words."""

    role: str
    amount: int
    unit: str
    text: str


@frozen
class VersionView:
    """One dated version: the interval it is in force and its periods (none: no deadline)."""

    effective_from: str | None
    effective_to: str | None
    interval: str
    periods: tuple[PeriodView, ...] = ()
    citation: str = ""
    verified_on: str | None = None


@frozen
class RuleDescription:
    """Everything ``rules show`` prints about one rule id, in the stack it was read from."""

    id: str
    kind: str
    type: str
    title: str
    plugin: str | None
    hook: str
    layer: str | None
    citation: str
    responsible: str
    trigger: str | None
    versions: tuple[VersionView, ...]
    met_by: tuple[str, ...] = ()
    cancelled_by: tuple[str, ...] = ()
    exception_to: str | None = None
    exceptions: tuple[str, ...] = ()  # rules that displace this one when they apply
    replaces: str | None = None
    tightens: str | None = None
    replaced_by: tuple[str, ...] = ()
    tightened_by: tuple[str, ...] = ()
    effective: bool = True  # False: replaced in this stack (it never produces an obligation)
    stack: tuple[str, ...] = ()
    scope: str = "installed plugins"  # or "district <id>"
    options: dict[str, Any] = field(factory=dict, hash=False)
    defined_at: str = ""
    defined_how: str = ""  # "rule" (its defined_at), "search" or "hook" (the hook's function)
    notes: str = ""


def describe_rule(rule_id: str, config=None, registry: Registry | None = None) -> RuleDescription:
    """Describe ``rule_id`` from a district's stack (``config``) or from the installed plugins.

    An unknown id raises :class:`InputError` naming the closest ids (exit 2 in the CLI)."""
    if config is not None:
        return _in_district(rule_id, config, registry)
    return _installed(rule_id, registry or Registry.discover())


def _rules_of(registry: Registry, plugin_id: str, ctx: HookContext) -> list[tuple[str, Any]]:
    """(hook, rule) for every rule one plugin returns; a failing hook is left out (``plugins
    check`` reports it)."""
    found = []
    for hook_name in RULE_HOOKS:
        try:
            found.extend((hook_name, r) for r in registry.rules(plugin_id, hook_name, ctx))
        except SpedrulesError:
            continue
    return found


def _installed(rule_id: str, registry: Registry) -> RuleDescription:
    from spedrules.core.engine.layering import resolve, resolve_options

    every: dict[str, list[tuple[str, Any]]] = {}
    contexts: dict[str, HookContext] = {}
    for plugin_id in sorted(registry.plugins):
        try:
            options = resolve_options(registry, registry.ancestry(plugin_id), {})
        except SpedrulesError:
            options = {}
        contexts[plugin_id] = HookContext(options=options)
        every[plugin_id] = _rules_of(registry, plugin_id, contexts[plugin_id])
    owner = next((p for p, rules in every.items() if any(r.id == rule_id for _, r in rules)), None)
    if owner is None:
        _unknown(rule_id, {r.id for rules in every.values() for _, r in rules}, "an installed")
    stack = registry.ancestry(owner)
    ruleset = resolve(registry, stack, contexts[owner])
    others = [r for p, rules in every.items() if owner in registry.ancestry(p) for _, r in rules]
    return _describe(
        rule_id,
        every[owner],
        registry,
        owner,
        entry=ruleset.entries.get(rule_id),
        related=others,
        stack=tuple(stack),
        scope="installed plugins",
        options=contexts[owner].options,
        ruleset=None,
    )


def _in_district(rule_id: str, config, registry: Registry | None) -> RuleDescription:
    from spedrules.core.api import load_district

    district = load_district(config, registry)
    ctx = HookContext(config=district.config, options=district.options)
    stack = list(district.config.stack)
    per_plugin = {p: _rules_of(district.registry, p, ctx) for p in stack}
    owner = next((p for p in stack if any(r.id == rule_id for _, r in per_plugin[p])), None)
    if owner is None:
        known = {r.id for rules in per_plugin.values() for _, r in rules}
        _unknown(rule_id, known, f"a {district.config.id}")
    entry = district.ruleset.entries.get(rule_id)
    if entry is not None:  # the district's [responsible] roles are stamped on the effective entry
        per_plugin[owner] = [(h, r) for h, r in per_plugin[owner] if r.id != rule_id]
        hook = next(h for h, cls in RULE_HOOKS.items() if isinstance(entry.latest, cls))
        per_plugin[owner].extend((hook, v) for v in entry.versions)
    return _describe(
        rule_id,
        per_plugin[owner],
        district.registry,
        owner,
        entry=entry,
        related=[r for rules in per_plugin.values() for _, r in rules],
        stack=tuple(stack),
        scope=f"district {district.config.id}",
        options=dict(district.options),
        ruleset=district.ruleset,
    )


def _unknown(rule_id: str, known: set[str], where: str) -> None:
    close = difflib.get_close_matches(rule_id, sorted(known), n=5, cutoff=0.5)
    hint = f"close matches: {', '.join(close)}" if close else "`spedrules rules` lists them"
    raise InputError(None, "RULE_ID", f"{where} rule id ({hint})", rule_id)


def _describe(rule_id, owned, registry, owner, *, entry, related, stack, scope, options, ruleset):
    mine = [(h, r) for h, r in owned if r.id == rule_id]
    hook = mine[0][0]
    versions = sorted(
        (r for _, r in mine), key=lambda r: (r.effective_from is not None, r.effective_from)
    )
    latest = versions[-1]
    where, how = _defined_at(latest, registry, owner, hook)
    replaced_by = tuple(sorted({r.id for r in related if r.replaces == rule_id}))
    if ruleset is not None:  # the district's effective rules, after every replacement
        tightened_by = sorted(e.id for e in ruleset.entries.values() if e.tightens == rule_id)
        exceptions = sorted(e.id for e in ruleset.entries.values() if e.exception_to == rule_id)
    else:
        tightened_by = sorted({r.id for r in related if r.tightens == rule_id})
        exceptions = sorted({r.id for r in related if getattr(r, "exception_to", None) == rule_id})
    return RuleDescription(
        id=rule_id,
        kind=latest.kind,
        type=type(latest).__name__,
        title=latest.title,
        plugin=owner,
        hook=hook,
        layer=latest.layer,
        citation=latest.citation,
        responsible=latest.responsible,
        trigger=trigger_text(latest),
        versions=tuple(_version(v) for v in versions),
        met_by=_matches(getattr(latest, "met_by", ())),
        cancelled_by=_matches(getattr(latest, "cancelled_by", ())),
        exception_to=(entry.exception_to if entry else None)
        or getattr(latest, "exception_to", None),
        exceptions=tuple(exceptions),
        replaces=latest.replaces,
        tightens=(entry.tightens if entry else None) or latest.tightens,
        replaced_by=replaced_by,
        tightened_by=tuple(tightened_by),
        effective=entry is not None,
        stack=stack,
        scope=scope,
        options=options,
        defined_at=where,
        defined_how=how,
        notes=latest.notes,
    )


def trigger_text(rule: Any) -> str | None:
    """What starts the rule, in words, from whichever trigger fields its type has."""
    trigger = getattr(rule, "trigger", None)
    if trigger is not None and hasattr(trigger, "describe"):
        return trigger.describe()
    if isinstance(trigger, str):
        return trigger or None
    parts = []
    if hasattr(rule, "program") and hasattr(rule, "more_than"):
        per = getattr(rule, "group_by", "school")
        parts.append(
            f"first day of each school year, more than {rule.more_than} students of one {per} "
            f"in program {rule.program!r}"
        )
    if getattr(rule, "applies_to", None):
        moment = getattr(rule, "counted_from", "")
        parts.append(" or ".join(rule.applies_to) + (f" (counted from {moment})" if moment else ""))
    if hasattr(rule, "meeting_types"):
        types = ", ".join(rule.meeting_types) or "every"
        parts.append(f"an IEP meeting ({types})")
    for name in ("when", "student_when"):
        for key, values in (getattr(rule, name, None) or {}).items():
            parts.append(f"{'student ' if name == 'student_when' else ''}{key} in {list(values)}")
    return "; ".join(parts) or None


def _matches(matches) -> tuple[str, ...]:
    return tuple(m.describe() if hasattr(m, "describe") else str(m) for m in matches or ())


def _period(role: str, period: Any) -> PeriodView:
    unit = period.unit
    words = f"{period.amount} {unit.replace('_', ' ')}"
    if getattr(period, "unit_stated", True) is False:
        words += " (the source says days without a unit)"
    return PeriodView(role, period.amount, unit, words)


def _version(rule: Any) -> VersionView:
    periods = []
    for role in ("period", "arises_after"):
        value = getattr(rule, role, None)
        if value is not None and hasattr(value, "amount"):
            periods.append(_period(role, value))
    for lead in getattr(rule, "lead_times", ()) or ():
        view = _period(lead.kind or lead.field, lead)
        if lead.at_most is not None:
            view = PeriodView(
                view.role, view.amount, view.unit, f"{view.text} (at most {lead.at_most})"
            )
        periods.append(view)
    return VersionView(
        effective_from=rule.effective_from.isoformat() if rule.effective_from else None,
        effective_to=rule.effective_to.isoformat() if rule.effective_to else None,
        interval=rule.interval(),
        periods=tuple(periods),
        citation=rule.citation,
        verified_on=_verified(rule.verified_on),
    )


def _verified(found) -> str | None:
    """``2026-12-02: NW SELPA Handbook 1.5.B, 15 days`` (what was checked, and when)."""
    if found is None:
        return None
    return f"{found.date.isoformat()}: {found.checked}"


def _defined_at(rule: Any, registry: Registry, owner: str, hook: str) -> tuple[str, str]:
    """Where the rule is written: its own ``defined_at`` (rules loaded from YAML say it), else
    the first line of the plugin's files naming the id, else the hook function returning it."""
    stated = getattr(rule, "defined_at", None)
    if stated:
        return str(stated), "rule"
    module = registry.plugins[owner].module
    found = _search(rule.id, _plugin_files(module))
    if found:
        return found, "search"
    function = getattr(module, hook, None)
    try:
        path = inspect.getsourcefile(function)
        source, line = inspect.getsourcelines(function)
        line += next(i for i, text in enumerate(source) if text.lstrip().startswith("def "))
    except (TypeError, OSError, StopIteration):
        return str(getattr(module, "__file__", "") or "?"), "hook"
    return f"{_shown(Path(path))}:{line}", "hook"


def _plugin_files(module: Any) -> list[Path]:
    """The plugin's .py and YAML files: its package folder, or its one file (a local add-on)."""
    file = getattr(module, "__file__", None)
    if not file or not Path(file).exists():
        return []
    path = Path(file)
    if path.name != "__init__.py":
        return [path]
    found = [p for p in path.parent.rglob("*") if p.suffix in (".py", ".yaml", ".yml")]
    return sorted(found, key=lambda p: (p.name != "__init__.py", str(p)))


def _search(rule_id: str, paths: list[Path]) -> str | None:
    """``"id"``, ``'id'`` or ``id: id`` (YAML) on a line; the id written whole, not a prefix."""
    quoted = re.compile(rf"""(["']){re.escape(rule_id)}\1""")
    keyed = re.compile(rf"""\bid:\s*["']?{re.escape(rule_id)}["']?\s*(#.*)?$""")
    for path in paths:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        yaml = path.suffix in (".yaml", ".yml")
        for number, line in enumerate(lines, 1):
            if (keyed.search(line) if yaml else False) or (
                not yaml and quoted.search(line) and "id=" in line
            ):
                return f"{_shown(path)}:{number}"
    for path in paths:  # written as a bare string on its own line (id=\n "x.y")
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for number, line in enumerate(lines, 1):
            if quoted.search(line):
                return f"{_shown(path)}:{number}"
    return None


def _shown(path: Path) -> str:
    """A path relative to the working directory when under it (short), else absolute."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
