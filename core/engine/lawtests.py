"""Law tests as data: YAML files of hand-worked cases, run through the public API.

A law-test file (``cases/*.yaml`` beside a plugin, docs/law-tests.md) is a list of cases; each
names a stack (or a district config), a calendar, an as-of date, a case in the case-file format
and, per rule id, the due date and status a person worked out by hand from the source. Like
``openfisca test``, it lets a plugin author state what the law says on concrete dates and have
every change of a rule checked against it. The cases are evaluated with
:func:`spedrules.core.api.evaluate` exactly as ``spedrules evaluate`` does.

:class:`Mutation` changes one number of a loaded rule set (a period's amount, a lead time's) so
that a test can show the cases would notice the change (a number no case protects is a number
that can be mistyped silently).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from attrs import evolve, field, frozen

from spedrules.core import api
from spedrules.core.calendar import SchoolCalendar
from spedrules.core.engine.layering import RuleSet
from spedrules.core.engine.plugins import Registry
from spedrules.core.engine.programs import evaluate_programs
from spedrules.core.errors import InputError
from spedrules.core.files import _Loader, check_structure, read_text
from spedrules.core.model import STATUSES, Obligation
from spedrules.core.model.case import case_from_dict, load_case
from spedrules.core.model.config import config_from_dict, load_config
from spedrules.core.model.convert import structure_at
from spedrules.core.model.rules import (
    IncidentDuty,
    MeetingRule,
    ProgramRule,
    RuleBase,
    TimelineRule,
)

SUFFIXES = (".yaml", ".yml")


@frozen
class Expectation:
    """What one obligation of a rule must be. ``due: null`` is a duty with no due date;
    ``trigger`` (the day the clock started), ``kind`` and ``subject`` (incident or meeting id)
    say which obligation is meant when a rule gives more than one."""

    due: date | datetime | None
    status: str
    trigger: date | None = None
    kind: str | None = None
    subject: str | None = None

    def describe(self) -> str:
        which = [
            f"{k} {v}"
            for k, v in (("trigger", self.trigger), ("kind", self.kind), ("subject", self.subject))
            if v is not None
        ]
        return f" ({', '.join(which)})" if which else ""


@frozen
class Spec:
    """One case as written in the file (before plugins or calendars are read)."""

    name: str
    as_of: date
    expect: dict[str, Any] = field(hash=False)
    case: Any = None  # a case mapping (case-file format) or a file name relative to this file
    roster: tuple[dict[str, Any], ...] = ()  # cases of many students, for program rules
    stack: tuple[str, ...] = ()
    config: str | None = None  # a district TOML relative to this file, instead of ``stack``
    options: dict[str, Any] = field(factory=dict, hash=False)
    calendar: Any = None  # a file name relative to this file, or a mapping in calendar format
    timezone: str | None = None  # default: the calendar's
    violations: tuple[str, ...] | None = None  # when given: exactly these rule ids are violated


@frozen
class LawCase:
    """A case ready to run: its spec, its expectations per rule id, where it is written."""

    file: Path
    line: int
    index: int
    spec: Spec
    expect: dict[str, tuple[Expectation, ...]] = field(hash=False)
    lines: dict[str, int] = field(factory=dict, hash=False, eq=False)  # key -> line written

    @property
    def where(self) -> str:
        return f"{self.file}: line {self.line}"

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)

    @property
    def id(self) -> str:
        return f"{self.file.name}:{self.line}: {self.spec.name}"


@frozen
class Failure:
    """One expectation that did not hold, or a case that could not be evaluated."""

    case: LawCase
    rule: str
    message: str

    def __str__(self) -> str:
        line = self.case.line_of(f"expect.{self.rule}")
        return f"{self.case.file}: line {line}: {self.case.spec.name}: {self.rule}: {self.message}"


# ---- reading ------------------------------------------------------------------------------


def find_files(paths: Iterable[str | Path]) -> list[Path]:
    """The law-test files named: files as given, folders by their ``*.yaml`` files (not their
    subfolders, where calendars and cases the tests name by path may be kept)."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.is_file() and p.suffix in SUFFIXES)
            if not inside:
                raise InputError(path, None, "a folder holding law-test files (*.yaml)")
            found.extend(inside)
        elif path.is_file():
            found.append(path)
        else:
            raise InputError(path, None, "an existing law-test file or folder", "no such file")
    return found


def load_file(path: str | Path) -> list[LawCase]:
    """The cases of one law-test file; a mistake is one InputError naming file, line, field."""
    path = Path(path)
    text = read_text(path)
    try:
        node = yaml.compose(text, Loader=_Loader)  # noqa: S506 - a SafeLoader
        data = check_structure(yaml.load(text, Loader=_Loader), path)  # noqa: S506
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else None
        raise InputError(path, where, "valid YAML", getattr(exc, "problem", str(exc))) from None
    if not isinstance(data, list) or not data:
        raise InputError(path, None, "a list of law-test cases (- name: ...)", type(data).__name__)
    return [_law_case(path, i, item, _key_lines(node.value[i])) for i, item in enumerate(data)]


def _key_lines(node: yaml.Node) -> dict[str, int]:
    """The line of a case (key ``""``), of each of its keys and of each expectation, so that an
    error or a failure points at the line a person wrote."""
    lines = {"": node.start_mark.line + 1}
    if not isinstance(node, yaml.MappingNode):
        return lines
    for key, value in node.value:
        lines[str(key.value)] = key.start_mark.line + 1
        if key.value != "expect" or not isinstance(value, yaml.MappingNode):
            continue
        for rule, exp in value.value:
            lines[f"expect.{rule.value}"] = rule.start_mark.line + 1
            if isinstance(exp, yaml.SequenceNode):
                for j, item in enumerate(exp.value):
                    lines[f"expect.{rule.value}[{j}]"] = item.start_mark.line + 1
    return lines


def _at(lines: dict[str, int], i: int, key: str = "") -> str:
    """``line N: [i].key``: the field, at the line of the nearest key written."""
    found = key
    while found and found not in lines:
        found = found.rpartition("[")[0] if found.endswith("]") else found.rpartition(".")[0]
    return f"line {lines.get(found, lines[''])}: [{i}]" + (f".{key}" if key else "")


def _law_case(path: Path, i: int, item: Any, lines: dict[str, int]) -> LawCase:
    if not isinstance(item, dict):
        raise InputError(path, _at(lines, i), "a mapping with name, as_of, case and expect", item)
    if not isinstance(item.get("expect", {}), dict):
        raise InputError(path, _at(lines, i, "expect"), "a mapping of rule ids to due and status")
    try:
        spec: Spec = structure_at(item, Spec, str(path), "")
    except InputError as exc:  # a key not in the format: point at its line
        extra = exc.got if not exc.field and isinstance(exc.got, str) and exc.got in lines else ""
        at = _at(lines, i, exc.field or extra)
        raise InputError(path, at, exc.expected, exc.got) from None
    if not spec.stack and spec.config is None:
        raise InputError(path, _at(lines, i, "stack"), "a list of plugin ids, or a config file")
    if spec.stack and (spec.config is not None):
        raise InputError(path, _at(lines, i, "config"), "either stack or config, not both")
    if spec.case is None and not spec.roster:
        raise InputError(path, _at(lines, i, "case"), "a case mapping or file name, or a roster")
    if not isinstance(spec.expect, dict) or not spec.expect:
        raise InputError(path, _at(lines, i, "expect"), "a mapping of rule ids to due and status")
    expect = {str(k): _expectations(path, lines, i, str(k), v) for k, v in spec.expect.items()}
    return LawCase(path, lines[""], i, spec, expect, lines)


def _expectations(path: Path, lines, i: int, rule: str, value: Any) -> tuple[Expectation, ...]:
    """``{due, status}``, a list of them (one per obligation meant), or ``[]``: no obligation."""
    items = value if isinstance(value, list) else [value]
    found = []
    for j, item in enumerate(items):
        key = f"expect.{rule}[{j}]" if isinstance(value, list) else f"expect.{rule}"
        if not isinstance(item, dict):
            raise InputError(path, _at(lines, i, key), "a mapping {due, status}", item)
        try:
            exp = structure_at(item, Expectation, str(path), "")
        except InputError as exc:
            at = _at(lines, i, key) + (f".{exc.field}" if exc.field else "")
            raise InputError(path, at, exc.expected, exc.got) from None
        if exp.status not in STATUSES:
            at = _at(lines, i, key) + ".status"
            raise InputError(path, at, f"one of {', '.join(STATUSES)}", exp.status)
        found.append(exp)
    return tuple(found)


# ---- running ------------------------------------------------------------------------------

Tweak = Callable[[RuleSet], RuleSet]


class Runner:
    """Runs law cases; districts (plugins, calendar, rules) are loaded once per distinct setup."""

    def __init__(self, registry: Registry | None = None):
        self.registry = registry or Registry.discover()
        self._districts: dict[str, api.District] = {}

    def district(self, case: LawCase) -> api.District:
        key = _setup_key(case)
        if key not in self._districts:
            self._districts[key] = _load_district(case, self.registry)
        return self._districts[key]

    def run(self, case: LawCase, tweak: Tweak | None = None) -> list[Failure]:
        """The failures of one case (none: it passed); ``tweak`` alters the rule set first."""
        district = self.district(case)
        if tweak is not None:
            district = evolve(district, ruleset=tweak(district.ruleset))
        obligations, violated = _evaluate(case, district)
        failures = []
        for rule_id, expectations in case.expect.items():
            found = [o for o in obligations if o.rule == rule_id]
            failures += [Failure(case, rule_id, m) for m in _compare(expectations, found, district)]
        if case.spec.violations is not None and set(case.spec.violations) != violated:
            failures.append(
                Failure(
                    case,
                    "violations",
                    f"expected violations of {_ids(case.spec.violations)}, got {_ids(violated)}",
                )
            )
        return failures


def _ids(ids: Iterable[str]) -> str:
    return ", ".join(sorted(ids)) or "none"


def _setup_key(case: LawCase) -> str:
    """What decides the district a case runs in: cases that share it share one load."""
    s, base = case.spec, case.file.parent
    calendar = str(base / s.calendar) if isinstance(s.calendar, str) else s.calendar
    config = str(base / s.config) if s.config else None
    parts = [config, list(s.stack), s.options, calendar, s.timezone]
    return json.dumps(parts, sort_keys=True, default=str)


def _reframe(exc: InputError, case: LawCase, prefix: str = "") -> InputError:
    """An error of the config or calendar made from the case, named by the case's file, line
    and field (a calendar or config file of its own keeps its own name)."""
    if exc.file not in (None, str(case.file)) or (exc.field or "").startswith("line "):
        return exc  # a file of its own, or already named by the case
    field_ = prefix + (exc.field or "").removeprefix("district.")
    return InputError(case.file, _at(case.lines, case.index, field_), exc.expected, exc.got)


def _exists(case: LawCase, key: str, path: Path, what: str) -> Path:
    """A file a case names: missing, the error names the case's field (not only the path)."""
    if not path.is_file():
        where = _at(case.lines, case.index, key)
        raise InputError(
            case.file, where, f"an existing {what} file (looked for {path})", path.name
        )
    return path


def _calendar(case: LawCase) -> SchoolCalendar | None:
    cal = case.spec.calendar
    if cal is None:
        return None
    try:
        if isinstance(cal, dict):
            try:
                return SchoolCalendar.from_dict(cal, str(case.file))
            except InputError as exc:
                raise _reframe(exc, case, "calendar.") from None
        if isinstance(cal, str):
            return SchoolCalendar.load(
                _exists(case, "calendar", case.file.parent / cal, "calendar")
            )
    except InputError as exc:
        raise _reframe(exc, case) from None
    raise InputError(
        case.file,
        _at(case.lines, case.index, "calendar"),
        "a calendar file name or a mapping in the calendar format",
        cal,
    )


def _load_district(case: LawCase, registry: Registry) -> api.District:
    spec = case.spec
    calendar = _calendar(case)
    try:
        if spec.config is not None:
            config = load_config(_exists(case, "config", case.file.parent / spec.config, "config"))
            if config.local_plugins:
                registry = None  # the district's own add-ons are loaded with a fresh registry
        else:
            timezone = spec.timezone or (calendar.timezone if calendar else None)
            if timezone is None:
                raise InputError(case.file, "timezone", "a timezone, or a calendar that has one")
            district = {
                "id": "law-test",
                "name": spec.name,
                "state": "law-test",
                "timezone": timezone,
                "stack": list(spec.stack),
            }
            config = config_from_dict({"district": district, "options": spec.options}, case.file)
        return api.load_district(config, registry, calendar)
    except InputError as exc:
        raise _reframe(exc, case) from None


def _evaluate(case: LawCase, district: api.District) -> tuple[list[Obligation], set[str]]:
    spec = case.spec
    obligations: list[Obligation] = []
    violated: set[str] = set()
    if spec.case is not None:
        result = api.evaluate(district, _case(case, spec.case, "case", district), spec.as_of)
        obligations += result.obligations
        violated |= {v.rule for v in result.violations}
    if spec.roster:
        cases = [_case(case, c, f"roster[{j}]", district) for j, c in enumerate(spec.roster)]
        obligations += evaluate_programs(
            district.ruleset, cases, district.calendar, district.tz, spec.as_of
        )
    return obligations, violated


def _case(case: LawCase, value: Any, name: str, district: api.District):
    where = f"{case.file}: {_at(case.lines, case.index, name)}"
    if isinstance(value, str):
        _exists(case, name, case.file.parent / value, "case")
        return load_case(case.file.parent / value, district.event_types)
    if isinstance(value, dict):
        return case_from_dict(value, where, district.event_types)
    raise InputError(
        case.file,
        _at(case.lines, case.index, name),
        "a case mapping (student, events, ...) or a case file name",
        value,
    )


def _compare(expected: tuple[Expectation, ...], found: list[Obligation], district) -> list[str]:
    if not expected:
        return [f"expected no obligation, got {_show(found)}"] if found else []
    messages = []
    for exp in expected:
        matches = [o for o in found if _selects(exp, o)]
        if len(matches) != 1:
            got = "none" if not found else _show(found)
            what = "no obligation" if not matches else f"{len(matches)} obligations"
            hint = "" if not matches else "; say which with trigger, kind or subject"
            messages.append(
                f"expected due {_fmt(exp.due)} {exp.status}{exp.describe()}: "
                f"{what} matched{hint}; the rule gave {got}"
            )
            continue
        ob = matches[0]
        if not _same_due(exp.due, ob.due, district) or exp.status != ob.status:
            messages.append(
                f"expected due {_fmt(exp.due)} {exp.status}{exp.describe()}, "
                f"got due {_fmt(ob.due)} {ob.status}"
            )
    return messages


def _selects(exp: Expectation, ob: Obligation) -> bool:
    if exp.trigger is not None and (ob.trigger is None or ob.trigger.date != exp.trigger):
        return False
    if exp.kind is not None and ob.kind != exp.kind:
        return False
    return exp.subject is None or ob.subject == exp.subject


def _same_due(want: date | datetime | None, got: date | datetime | None, district) -> bool:
    if isinstance(want, datetime) != isinstance(got, datetime):
        return False
    if isinstance(want, datetime) and want.tzinfo is None:
        want = want.replace(tzinfo=district.tz)  # naive moments are in the district's timezone
    return want == got


def _fmt(value: date | datetime | None) -> str:
    return "none" if value is None else value.isoformat()


def _show(found: list[Obligation]) -> str:
    return "; ".join(
        f"due {_fmt(o.due)} {o.status}"
        + (f" (trigger {o.trigger.date}" if o.trigger else " (")
        + (f", subject {o.subject}" if o.subject else "")
        + f", kind {o.kind})"
        for o in found
    )


def plugin_cases(plugin_ids: Iterable[str], registry: Registry) -> list[Path]:
    """The ``cases`` folder beside each installed plugin named (the law tests it ships)."""
    found = []
    for plugin_id in plugin_ids:
        plugin = registry.get(plugin_id)
        if plugin is None:
            installed = ", ".join(sorted(registry.plugins)) or "none"
            raise InputError(None, "--plugin", f"an installed plugin id ({installed})", plugin_id)
        folder = Path(getattr(plugin.module, "__file__", "") or ".").parent / "cases"
        if not folder.is_dir():
            raise InputError(None, "--plugin", f"a plugin with law tests ({folder})", plugin_id)
        found.append(folder)
    return found


def run_paths(paths: Iterable[str | Path], runner: Runner | None = None):
    """Every case of the files and folders named: ``(case, failures)`` pairs, in file order.
    All files are read (and checked) before any case runs."""
    cases = [c for f in find_files(paths) for c in load_file(f)]
    runner = runner or Runner()
    for case in cases:
        yield case, runner.run(case)


@frozen
class Report:
    """What ``spedrules test`` prints: each failure (or each case, verbose) and a summary."""

    results: tuple[tuple[LawCase, tuple[Failure, ...]], ...]

    @classmethod
    def of(cls, paths: Iterable[str | Path], plugins: Iterable[str] = ()) -> Report:
        """The law cases of ``paths`` and of the installed ``plugins`` (their cases folders)."""
        paths, plugins = list(paths), list(plugins)
        if not paths and not plugins:
            raise InputError(None, "PATH", "a law-test file or folder, or --plugin ID")
        runner = Runner()
        paths += plugin_cases(plugins, runner.registry)
        return cls(tuple((case, tuple(failures)) for case, failures in run_paths(paths, runner)))

    @property
    def failed(self) -> int:
        return sum(1 for _, failures in self.results if failures)

    def lines(self, verbose: bool = False) -> list[str]:
        out = []
        for case, failures in self.results:
            if verbose and not failures:
                out.append(f"PASS {case.where}: {case.spec.name}")
            out.extend(f"FAIL {failure}" for failure in failures)
        total = len(self.results)
        checks = sum(len(e) or 1 for case, _ in self.results for e in case.expect.values())
        if self.failed:
            out.append(f"{self.failed} of {total} law case(s) failed")
        else:
            out.append(f"{total} law case(s) passed ({checks} expectations)")
        return out


# ---- which rules need cases, and mutations of their numbers ---------------------------------


def gives_obligations(rule: RuleBase) -> bool:
    """Rules whose result is an obligation with a due date and status (a law case can state
    it): every timeline and program rule, an incident duty, a meeting rule with lead times."""
    if isinstance(rule, TimelineRule | ProgramRule):
        return True
    if isinstance(rule, IncidentDuty):
        return rule.period is not None or bool(rule.met_by) or rule.attempts_required is not None
    return isinstance(rule, MeetingRule) and bool(rule.lead_times)


# units whose amount the engine does not read: the rule's Python computes the date ("custom"),
# or the end of that school day is the deadline whatever the number ("end_of_school_day")
AMOUNT_UNUSED = frozenset({"custom", "end_of_school_day"})


@frozen
class Mutation:
    """One number of one rule version changed by ``delta``: ``part`` is ``period``,
    ``arises_after``, ``lead_times[i]`` or ``lead_times[i].at_most``."""

    rule: str
    version: int
    part: str
    delta: int
    was: int

    def __str__(self) -> str:
        sign = "+" if self.delta > 0 else "-"
        return f"{self.rule} v{self.version} {self.part} {self.was}{sign}{abs(self.delta)}"

    def apply(self, rule: RuleBase) -> RuleBase:
        name, _, rest = self.part.partition("[")
        if name != "lead_times":
            period = getattr(rule, name)
            return evolve(rule, **{name: evolve(period, amount=period.amount + self.delta)})
        i = int(rest.split("]")[0])
        lead = rule.lead_times[i]
        attr = "at_most" if self.part.endswith(".at_most") else "amount"
        changed = evolve(lead, **{attr: getattr(lead, attr) + self.delta})
        return evolve(rule, checks=tuple(changed if c is lead else c for c in rule.checks))

    def tweak(self, ruleset: RuleSet) -> RuleSet:
        """A copy of ``ruleset`` with this change (the original, and its caches, untouched)."""
        entry = ruleset.entries.get(self.rule)
        if entry is None or self.version >= len(entry.versions):
            return ruleset
        versions = list(entry.versions)
        versions[self.version] = self.apply(versions[self.version])
        entries = {**ruleset.entries, self.rule: evolve(entry, versions=tuple(versions))}
        return RuleSet(entries, list(ruleset.problems), list(ruleset.allowances))


def mutations(rule: RuleBase, version: int) -> Iterator[Mutation]:
    """+1 on each number of a rule version, and -1 where the number is positive. None for a
    version whose text is not verified: its duties are shown as undetermined, so its numbers
    decide no date until it is."""
    if getattr(rule, "unverified", ""):
        return
    numbers: list[tuple[str, int]] = []
    for name in ("period", "arises_after"):
        period = getattr(rule, name, None)
        if period is not None and period.unit not in AMOUNT_UNUSED:
            numbers.append((name, period.amount))
    for i, lead in enumerate(getattr(rule, "lead_times", ())):
        numbers.append((f"lead_times[{i}]", lead.amount))
        if lead.at_most is not None:
            numbers.append((f"lead_times[{i}].at_most", lead.at_most))
    for part, amount in numbers:
        yield Mutation(rule.id, version, part, +1, amount)
        if amount > 0:
            yield Mutation(rule.id, version, part, -1, amount)


def ruleset_mutations(ruleset: RuleSet, sources: Iterable[str] | None = None) -> list[Mutation]:
    """The mutations of every rule of a resolved rule set (of the plugins ``sources`` only)."""
    wanted = None if sources is None else set(sources)
    found = []
    for entry in ruleset.entries.values():
        for i, rule in enumerate(entry.versions):
            if wanted is None or rule.source in wanted:
                found.extend(mutations(rule, i))
    return found


__all__ = [
    "Expectation",
    "Failure",
    "LawCase",
    "Mutation",
    "Report",
    "Runner",
    "Spec",
    "find_files",
    "gives_obligations",
    "load_file",
    "plugin_cases",
    "mutations",
    "run_paths",
    "ruleset_mutations",
]
