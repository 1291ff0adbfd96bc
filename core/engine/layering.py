"""Resolving a stack of plugins into one effective rule set (docs/layering.md).

The stack runs general -> specific. A more specific plugin may *add* a rule, *replace* one by id,
or *tighten* one (a local target shown beside the legal deadline, never laxer than it). Like
Catala's exceptions, an override is always explicit and names its target; two plugins replacing
the same rule, a target that does not exist, or a tightening laxer than the law is a problem
reported with the citations involved, found before any evaluation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from attrs import define, evolve, field, frozen

from spedrules.core.calendar.counting import UNITS
from spedrules.core.engine.plugins import HookContext, Problem, Registry
from spedrules.core.errors import ConfigError, PluginError
from spedrules.core.forms import form_problems
from spedrules.core.model.rules import (
    RULE_HOOKS,
    Allowance,
    FormDefinition,
    MeetingRule,
    ProgramRule,
    RuleBase,
    TimelineRule,
    Trigger,
)
from spedrules.core.model.vocabulary import CHECK_KINDS, EVENT_TYPES, OBLIGATION_KINDS

CALENDAR_LIKE = {"calendar_days", "tolled_days"}


@frozen
class RuleEntry:
    """One effective rule: its dated versions, what it replaced and what it tightens."""

    id: str
    versions: tuple[RuleBase, ...]
    replaced: tuple[RuleBase, ...] = ()  # the rules (latest versions) it stands in for
    tightens: str | None = None  # the effective id of the rule it tightens
    exception_to: str | None = None  # the effective id of the rule it displaces when it applies

    @property
    def latest(self) -> RuleBase:
        return self.versions[-1]

    def version_on(self, day: date) -> RuleBase | None:
        for rule in self.versions:
            if rule.in_force(day):
                return rule
        return None

    @property
    def provenance(self) -> str:
        rule = self.latest
        text = f"{rule.id} ({rule.source}, {rule.layer})"
        for old in self.replaced:
            text += f"; replaces {old.id} ({old.source}: {old.citation})"
        if self.tightens:
            text += f"; tightens {self.tightens}"
        return text


@define
class RuleSet:
    entries: dict[str, RuleEntry] = field(factory=dict)
    problems: list[Problem] = field(factory=list)
    # the stack's Allowances (extensions, suspensions), general -> specific
    allowances: list[Allowance] = field(factory=list)
    _by_type: dict[type, list[RuleEntry]] = field(factory=dict, init=False, repr=False)
    # what engines derive once from a resolved rule set (it does not change): evaluation plans
    cache: dict[str, Any] = field(factory=dict, init=False, repr=False)

    def of_type(self, cls: type) -> list[RuleEntry]:
        """The entries of one rule type (cached: a resolved rule set does not change)."""
        if cls not in self._by_type:
            self._by_type[cls] = [e for e in self.entries.values() if isinstance(e.latest, cls)]
        return list(self._by_type[cls])

    def of_kind(self, kind: str) -> list[RuleEntry]:
        return [e for e in self.entries.values() if e.latest.kind == kind]


def check_stack(
    registry: Registry, stack: Iterable[str], file: Any = None, pending: int = 0
) -> None:
    """Raise ConfigError for an unknown plugin, an add-on whose parent is not before it, or a
    second plugin of level "state" (a district follows one state's law).

    ``pending`` local add-ons are not loaded yet (a config is checked before any of its own
    code runs): that many unknown ids are left for the check after they load."""
    stack = list(stack)
    seen: list[str] = []
    state: str | None = None  # one state's law per district: two would layer one on the other
    unknown = [p for p in stack if registry.get(p) is None]
    if pending and len(unknown) > pending:
        i = stack.index(unknown[0])
        installed = ", ".join(sorted(registry.plugins)) or "none"
        expected = f"an installed plugin id ({installed}) or the id of a local add-on"
        raise ConfigError(file, f"district.stack[{i}]", expected, unknown[0])
    for i, plugin_id in enumerate(stack):
        plugin = registry.get(plugin_id)
        if plugin is None and pending:
            seen.append(plugin_id)  # a local add-on's id, checked once it is loaded
            continue
        failed = [p for p in registry.problems if p.plugin == plugin_id] or [
            p for p in registry.problems if str(p.plugin).endswith(".py")
        ]  # a local add-on file that failed to load cannot say its id: name the file
        if plugin is None and failed:
            raise ConfigError(file, f"district.stack[{i}]", "a plugin that loads", str(failed[0]))
        if plugin is None:
            installed = ", ".join(sorted(registry.plugins)) or "none"
            raise ConfigError(
                file, f"district.stack[{i}]", f"an installed plugin id ({installed})", plugin_id
            )
        parent = plugin.parent
        if parent is not None and parent not in seen:
            raise ConfigError(
                file,
                f"district.stack[{i}]",
                f"its parent {parent!r} earlier in the stack ({plugin_id} layers on {parent})",
                plugin_id,
            )
        if plugin.level == "state":
            if state is not None:
                raise ConfigError(
                    file,
                    f"district.stack[{i}]",
                    f"at most one plugin of level 'state' (the stack already has {state!r})",
                    plugin_id,
                )
            state = plugin_id
        seen.append(plugin_id)


def resolve_options(registry: Registry, stack: Iterable[str], values: dict, file: Any = None):
    """Declared options of the stack with the district's values; unknown or bad values raise."""
    declared = {}
    for plugin_id in stack:
        try:
            for option in registry.options(plugin_id):
                declared[option.id] = option
        except Exception as exc:
            raise ConfigError(
                file, "options", f"plugin {plugin_id} to declare its options", exc
            ) from None
    resolved = {key: opt.default for key, opt in declared.items()}
    for key, value in values.items():
        option = declared.get(key)
        if option is None:
            known = ", ".join(sorted(declared)) or "none"
            raise ConfigError(
                file, f"options.{key!r}", f"an option declared by a plugin in the stack ({known})"
            )
        if value not in option.choices:
            choices = ", ".join(repr(c) for c in option.choices)
            raise ConfigError(file, f"options.{key!r}", f"one of {choices}", value)
        resolved[key] = value
    return resolved


def resolve(registry: Registry, stack: list[str], ctx: HookContext) -> RuleSet:
    """Collect every plugin's rules in stack order and apply add / replace / tighten."""
    ruleset = RuleSet()
    extra_events, extra_kinds = _vocabulary(registry, stack)
    replaced_by: dict[str, str] = {}  # old id -> new id
    for plugin_id in stack:
        for hook_name in RULE_HOOKS:
            try:
                rules = registry.rules(plugin_id, hook_name, ctx)
            except PluginError as exc:
                ruleset.problems.append(Problem(plugin_id, str(exc).split(": ", 1)[1]))
                continue
            for rule_id, versions in _group_versions(rules, ruleset.problems).items():
                _check_rule(versions[-1], extra_events, extra_kinds, ruleset.problems)
                _add(ruleset, rule_id, versions, replaced_by)
    _link_exceptions(ruleset, replaced_by)
    for plugin_id in stack:
        info = registry.plugins[plugin_id].info
        ruleset.allowances.extend(info.allowances if info else ())
    return ruleset


def assign_roles(ruleset: RuleSet, roles: dict[str, str], file: Any = None) -> None:
    """The district's ``[responsible]`` table: a role for each rule (by id, or every rule of a
    kind) whose source names no one. A role the source gives is kept; a key matching no rule of
    the stack is a configuration error (a typo would otherwise hide work from the dashboard)."""
    if not roles:
        return
    ids = set(ruleset.entries)
    kinds = {e.latest.kind for e in ruleset.entries.values()}
    for key in roles:
        if key not in ids and key not in kinds:
            raise ConfigError(file, f"responsible.{key!r}", "a rule id or kind of this stack")
    for rule_id, entry in list(ruleset.entries.items()):
        role = roles.get(rule_id) or roles.get(entry.latest.kind)
        if role and not entry.latest.responsible:
            versions = tuple(evolve(v, responsible=role) for v in entry.versions)
            ruleset.entries[rule_id] = evolve(entry, versions=versions)


def _link_exceptions(ruleset: RuleSet, replaced_by: dict[str, str]) -> None:
    """Point each exception at the effective rule it displaces, once every layer is in."""
    for rule_id, entry in list(ruleset.entries.items()):
        named = getattr(entry.latest, "exception_to", None)
        if not named:
            continue
        target = _follow(named, replaced_by)
        if target not in ruleset.entries:
            ruleset.problems.append(
                Problem(
                    entry.latest.source,
                    f"rule {rule_id} is an exception to {named}, which is not in the stack",
                )
            )
            del ruleset.entries[rule_id]
            continue
        ruleset.entries[rule_id] = evolve(entry, exception_to=target)


def _vocabulary(registry: Registry, stack: list[str]) -> tuple[frozenset[str], frozenset[str]]:
    events: set[str] = set()
    kinds: set[str] = set()
    for plugin_id in stack:
        info = registry.plugins[plugin_id].info
        if info:
            events.update(info.event_types)
            kinds.update(info.obligation_kinds)
    return frozenset(events), frozenset(kinds)


def extra_event_types(registry: Registry, stack: list[str]) -> frozenset[str]:
    return _vocabulary(registry, stack)[0]


def _group_versions(rules: list[RuleBase], problems: list[Problem]) -> dict[str, list[RuleBase]]:
    groups: dict[str, list[RuleBase]] = defaultdict(list)
    for rule in rules:
        groups[rule.id].append(rule)
    for rule_id, versions in groups.items():
        versions.sort(key=lambda r: r.effective_from or date.min)
        for earlier, later in zip(versions, versions[1:], strict=False):
            if earlier.effective_to is None or (
                later.effective_from is not None and earlier.effective_to >= later.effective_from
            ):
                problems.append(
                    Problem(
                        later.source,
                        f"rule {rule_id}: versions {earlier.interval()} and {later.interval()} "
                        "overlap (set effective_to on the earlier one)",
                    )
                )
    return groups


def _check_rule(rule: RuleBase, events: frozenset[str], kinds: frozenset[str], problems) -> None:
    where = f"rule {rule.id}"
    if not rule.citation.strip():
        problems.append(Problem(rule.source, f"{where} has no citation"))
    if rule.kind not in OBLIGATION_KINDS | CHECK_KINDS | kinds:
        problems.append(Problem(rule.source, f"{where} has unknown kind {rule.kind!r}"))
    if isinstance(rule, FormDefinition):
        problems.extend(Problem(rule.source, p) for p in form_problems(rule))
    if isinstance(rule, ProgramRule):
        for match in rule.met_by:
            if match.type not in EVENT_TYPES | events:
                problems.append(
                    Problem(rule.source, f"{where} refers to unknown event type {match.type!r}")
                )
    if isinstance(rule, MeetingRule):
        for lt in rule.lead_times:
            if lt.kind and lt.kind not in OBLIGATION_KINDS | kinds:
                problems.append(Problem(rule.source, f"{where} has unknown kind {lt.kind!r}"))
        named = [lt.kind for lt in rule.lead_times if lt.kind]
        if len(set(named)) < len(named):
            problems.append(Problem(rule.source, f"{where}: give each lead time its own kind"))
    if isinstance(rule, TimelineRule):
        for period in (rule.period, rule.arises_after):
            if period is not None and period.unit not in UNITS:
                problems.append(
                    Problem(rule.source, f"{where} counts in unknown unit {period.unit!r}")
                )
        if rule.period is None and rule.tightens:
            problems.append(
                Problem(rule.source, f"{where} tightens {rule.tightens} but sets no deadline")
            )
        if rule.period is not None and rule.period.unit == "custom" and rule.compute is None:
            problems.append(Problem(rule.source, f"{where} counts in unit custom without compute"))
        trigger_events = rule.trigger.events if isinstance(rule.trigger, Trigger) else ()
        for match in (*trigger_events, *rule.met_by, *rule.cancelled_by):
            if match.type not in EVENT_TYPES | events:
                problems.append(
                    Problem(rule.source, f"{where} refers to unknown event type {match.type!r}")
                )


def _add(ruleset: RuleSet, rule_id: str, versions: list[RuleBase], replaced_by: dict) -> None:
    rule = versions[-1]
    problems = ruleset.problems
    if rule_id in ruleset.entries or rule_id in replaced_by:
        owner = ruleset.entries[rule_id].latest.source if rule_id in ruleset.entries else "?"
        problems.append(
            Problem(rule.source, f"rule id {rule_id} is already defined by {owner}: use replaces")
        )
        return
    replaced: tuple[RuleBase, ...] = ()
    if rule.replaces:
        target = rule.replaces
        if target in replaced_by:
            winner = ruleset.entries.get(replaced_by[target])
            by = winner.latest.source if winner else replaced_by[target]
            problems.append(
                Problem(rule.source, f"rule {rule_id} replaces {target}, already replaced by {by}")
            )
            return
        old = ruleset.entries.pop(target, None)
        if old is None:
            problems.append(
                Problem(rule.source, f"rule {rule_id} replaces {target}, which is not in the stack")
            )
            return
        replaced_by[target] = rule_id
        replaced = (old.latest, *old.replaced)
    tightens = None
    if rule.tightens:
        tightens = _follow(rule.tightens, replaced_by)
        target_entry = ruleset.entries.get(tightens)
        if target_entry is None:
            problems.append(
                Problem(
                    rule.source,
                    f"rule {rule_id} tightens {rule.tightens}, which is not in the stack",
                )
            )
            return
        laxer = _statically_laxer(rule, target_entry.latest)
        if laxer:
            problems.append(Problem(rule.source, laxer))
    ruleset.entries[rule_id] = RuleEntry(rule_id, tuple(versions), replaced, tightens)


def _follow(rule_id: str, replaced_by: dict[str, str]) -> str:
    while rule_id in replaced_by:
        rule_id = replaced_by[rule_id]
    return rule_id


def _statically_laxer(local: RuleBase, legal: RuleBase) -> str | None:
    """A tightening whose period is longer than the law's, in the same unit and from the same
    trigger, is laxer on every case: report it now with both citations."""
    if not (isinstance(local, TimelineRule) and isinstance(legal, TimelineRule)):
        return None
    if local.trigger != legal.trigger or local.period is None or legal.period is None:
        return None  # a target for a duty with no deadline in the law cannot be later than it
    a, b = local.period, legal.period
    same_unit = a.unit == b.unit or {a.unit, b.unit} <= CALENDAR_LIKE and a.unit == "calendar_days"
    if same_unit and a.amount > b.amount:
        return (
            f"rule {local.id} ({local.citation}) tightens {legal.id} ({legal.citation}) but allows "
            f"{a.amount} {a.unit.replace('_', ' ')} where the law allows {b.amount} "
            f"{b.unit.replace('_', ' ')}: a local target must never be later than the law"
        )
    return None
