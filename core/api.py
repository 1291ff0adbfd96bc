"""The Python API: everything the CLI does, callable directly by a vendor's code.

    import spedrules
    district = spedrules.load_district("oakview.toml")
    result = spedrules.evaluate(district, "case.yaml", as_of="2026-11-22")
    for ob in result.obligations:
        print(ob.kind, ob.due, ob.status, ob.citation)

``config`` arguments accept a path to a district TOML file, a DistrictConfig or a loaded
District; ``case`` arguments accept a path to a case file, a mapping or a Case.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from attrs import define, frozen

from spedrules.core.calendar import SchoolCalendar
from spedrules.core.engine.adjustments import adjust
from spedrules.core.engine.describe import RuleDescription, describe_rule  # noqa: F401 (the API)
from spedrules.core.engine.incidents import evaluate_incidents
from spedrules.core.engine.layering import (
    RuleSet,
    assign_roles,
    check_stack,
    extra_event_types,
    resolve,
    resolve_options,
)
from spedrules.core.engine.meetings import evaluate_meetings
from spedrules.core.engine.plugins import HookContext, Problem, Registry
from spedrules.core.engine.timeline import Context, by_due, evaluate_timelines
from spedrules.core.errors import InputError, SpedrulesError
from spedrules.core.files import check_output, write_output  # noqa: F401 (the API)
from spedrules.core.model import Case, Event, Obligation, Violation
from spedrules.core.model.case import case_from_dict, case_warnings, load_case
from spedrules.core.model.config import DistrictConfig, is_school_year, load_config
from spedrules.core.model.convert import converter
from spedrules.core.model.rules import RULE_HOOKS
from spedrules.core.store.api import (  # noqa: F401 (the API of the store)
    RowsImport,
    SweepResult,
    add_district,
    create_token,
    deadlines_ics,
    export_edfi,
    import_cases,
    import_events,
    import_students,
    indicator11,
    indicator11_explain,
    init_store,
    list_tokens,
    open_store,
    prune_runs,
    retract_event,
    revoke_token,
    run_history,
    stored_district,
    student_events,
    sweep,
    verify_audit,
    worklist,
)

unstructure = converter.unstructure  # any result of the API as plain data, for JSON


def __getattr__(name: str) -> Any:
    """``SweepBusy`` (another sweep of the district is running) without importing the store
    (SQLAlchemy) for every command."""
    if name == "SweepBusy":
        from spedrules.core.store.database import SweepBusy

        return SweepBusy
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@define
class District:
    """A district config with everything it resolves to: plugins, options, calendar, rules."""

    config: DistrictConfig
    registry: Registry
    options: dict[str, Any]
    calendar: SchoolCalendar | None
    ruleset: RuleSet

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.config.timezone)

    @property
    def event_types(self) -> frozenset[str]:
        return extra_event_types(self.registry, list(self.config.stack))

    @property
    def problems(self) -> list[Problem]:
        """Plugins of this stack that failed, and conflicts found while layering its rules."""
        stack = set(self.config.stack)
        loading = [p for p in self.registry.problems if p.plugin in stack]
        return [*loading, *self.ruleset.problems]

    def today(self) -> date:
        return datetime.now(self.tz).date()


@frozen
class Evaluation:
    student: str
    as_of: date
    obligations: tuple[Obligation, ...]
    violations: tuple[Violation, ...]
    warnings: tuple[str, ...] = ()
    future_events: int = 0  # events and incidents dated after as_of: not counted (each warned)
    # the first as-of date on which this evaluation may differ (a due day passing, a future
    # event becoming known, a birthday, a school year starting); date.max: never. An
    # incremental sweep keeps the student's stored obligations until then (core/store/sweep.py).
    stable_until: date = date.max

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of docs/results.md (plus ``as_of``, ``warnings`` and
        ``future_events``)."""
        return {
            "student": self.student,
            "as_of": self.as_of.isoformat(),
            "obligations": [converter.unstructure(o) for o in self.obligations],
            "violations": [converter.unstructure(v) for v in self.violations],
            "warnings": list(self.warnings),
            "future_events": self.future_events,
        }


def load_district(
    config: str | Path | DistrictConfig | District,
    registry: Registry | None = None,
    calendar: SchoolCalendar | None = None,
) -> District:
    """Load a district: its plugins, options, calendar (or the one given) and effective rules."""
    if isinstance(config, District):
        return config
    if not isinstance(config, DistrictConfig):
        config = load_config(config)
    if registry is None:
        registry = Registry.discover()
        if config.local_plugins:  # nothing of the district's own code runs for a bad stack
            check_stack(registry, config.stack, config.source, pending=len(config.local_plugins))
            for addon in config.local_plugins:
                registry.add_local(addon)
    check_stack(registry, config.stack, config.source)
    options = resolve_options(registry, config.stack, config.options, config.source)
    if calendar is None and config.calendar:
        calendar = SchoolCalendar.load(config.calendar)
    if calendar is not None and calendar.timezone != config.timezone:
        raise InputError(
            config.source,
            "district.timezone",
            f"the calendar's timezone {calendar.timezone}",
            config.timezone,
        )
    ctx = HookContext(config=config, options=options)
    ruleset = resolve(registry, list(config.stack), ctx)
    assign_roles(ruleset, config.responsible, config.source)
    return District(config, registry, options, calendar, ruleset)


def as_case(case: str | Path | dict | Case, district: District) -> Case:
    if isinstance(case, Case):
        return case
    if isinstance(case, dict):
        return case_from_dict(case, None, district.event_types)
    return load_case(case, district.event_types)


def as_date(value: str | date | None, district: District | None = None) -> date:
    """``--as-of``: a date, or today (in the district's timezone when there is one); a bad one
    is an input error (exit 2)."""
    if value is None:
        return district.today() if district is not None else date.today()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(None, "--as-of", "a date YYYY-MM-DD", value) from None


def evaluate(config, case, as_of: str | date | None = None) -> Evaluation:
    """Every obligation of one student's case as of a date, with status and explanation."""
    district = load_district(config)
    case = as_case(case, district)
    day = as_date(as_of, district)
    ctx = Context(case=case, calendar=district.calendar, tz=district.tz, as_of=day)
    obligations, violations = evaluate_timelines(district.ruleset, ctx)
    incident_obligations, incident_violations = evaluate_incidents(district.ruleset, ctx)
    meeting_obligations, meeting_violations = evaluate_meetings(district.ruleset, ctx)
    # extensions, a child not produced, exits, delay reasons: what the case records afterwards
    obligations, refused = adjust(
        [*obligations, *incident_obligations, *meeting_obligations], district.ruleset, ctx
    )
    future = [*ctx.future_events(), *(i for i in case.incidents if i.started_at.date() > day)]
    return Evaluation(
        student=case.student.id,
        as_of=day,
        obligations=tuple(sorted(obligations, key=by_due)),
        violations=tuple([*violations, *incident_violations, *meeting_violations, *refused]),
        warnings=(
            *(str(p) for p in district.problems),
            *case.warnings,
            *case_warnings(case, case.source),
            *ctx.warnings,
            *_future_warnings(case, future, day),
        ),
        future_events=len(future),
        stable_until=ctx.stable_until(),
    )


def _future_warnings(case: Case, future, as_of: date) -> list[str]:
    """Events (and incidents) dated after the as-of date are not counted: name each (a
    wrong-year typo would otherwise make a referral vanish)."""
    where = case.source or f"case {case.student.id}"
    lines = []
    for item in future:
        if isinstance(item, Event):
            what = f"{item.type} on {item.day.isoformat()}"
        else:
            what = f"incident {item.id} on {item.started_at.date().isoformat()}"
        lines.append(
            f"{where}: {what} is dated after the as-of date {as_of.isoformat()}: not counted"
        )
    return lines


def explain(config, case, rule_or_kind: str, as_of: str | date | None = None) -> list[Obligation]:
    """The obligations of one rule id or one kind, whose ``explanation`` holds the steps."""
    result = evaluate(config, case, as_of)
    found = [o for o in result.obligations if rule_or_kind in (o.rule, o.kind)]
    if not found:
        known = sorted({o.rule for o in result.obligations} | {o.kind for o in result.obligations})
        raise InputError(
            None,
            "RULE_OR_KIND",
            f"a rule id or kind with an obligation in this case ({', '.join(known) or 'none'})",
            rule_or_kind,
        )
    return found


def check_plugins(config=None, registry: Registry | None = None) -> list[Problem]:
    """Problems with the installed plugins, or with one district's stack when ``config`` is given.

    Without a config each plugin is checked on the stack of its ancestors (``st-lucie`` on
    ``us-idea, florida, st-lucie``), which also catches conflicts between a plugin and its parents.
    """
    if config is not None:
        return load_district(config, registry).problems
    registry = registry or Registry.discover()
    problems = list(registry.problems)
    seen: set[str] = set()
    for plugin_id in sorted(registry.plugins):
        stack = registry.ancestry(plugin_id)
        missing = [p for p in stack if p not in registry.plugins]
        if missing:
            problems.append(Problem(plugin_id, f"its parent {missing[0]!r} is not installed"))
            continue
        try:
            options = resolve_options(registry, stack, {})
        except InputError as exc:
            problems.append(Problem(plugin_id, str(exc)))
            continue
        for problem in resolve(registry, stack, HookContext(options=options)).problems:
            if str(problem) not in seen:
                seen.add(str(problem))
                problems.append(problem)
    return problems


def plugin_summaries(registry: Registry | None = None) -> list[dict[str, Any]]:
    """Each installed plugin: id, name, version, parent, level and rule counts per hook."""
    registry = registry or Registry.discover()
    rows = []
    for plugin_id in sorted(registry.plugins, key=lambda p: (len(registry.ancestry(p)), p)):
        plugin = registry.plugins[plugin_id]
        stack = registry.ancestry(plugin_id)
        counts: dict[str, Any] = {}
        try:
            options = resolve_options(registry, stack, {})
        except InputError:
            options = {}
        ctx = HookContext(options=options)
        for hook_name, cls in RULE_HOOKS.items():
            try:
                counts[cls.__name__] = len(registry.rules(plugin_id, hook_name, ctx))
            except SpedrulesError:
                counts[cls.__name__] = "error"
        counts["Option"] = len(registry.options(plugin_id))
        rows.append(
            {
                "id": plugin_id,
                "name": plugin.info.name if plugin.info else "?",
                "version": plugin.version,
                "parent": plugin.parent,
                "layer": plugin.level,
                "origin": plugin.origin,
                "rules": counts,
            }
        )
    return rows


def rule_summaries(config, kind: str | None = None) -> list[dict[str, Any]]:
    """The effective rules of a district after layering, with provenance, newest version first."""
    district = load_district(config)
    rows = []
    for entry in district.ruleset.entries.values():
        rule = entry.latest
        if kind and rule.kind != kind:
            continue
        rows.append(
            {
                "rule": rule.id,
                "kind": rule.kind,
                "type": type(rule).__name__,
                "title": rule.title,
                "citation": rule.citation,
                "layer": rule.layer,
                "source": rule.source,
                "replaces": [old.id for old in entry.replaced],
                "tightens": entry.tightens,
                "versions": [v.interval() for v in entry.versions],
            }
        )
    if kind and not rows:  # a typo must not look like "this district has no such duties"
        known = sorted({e.latest.kind for e in district.ruleset.entries.values()})
        raise InputError(None, "--kind", f"a kind of this stack's rules ({', '.join(known)})", kind)
    return rows


def restraint_report(
    config, source, year: str, goal: int | None = None, next_goal: int | None = None
):
    """The restraint-reduction figures of one school year over the cases in ``source``; the
    goals not given are the district's own for those years (its ``[restraint_goals]``)."""
    from spedrules.core.engine.restraint_report import load_cases, year_after
    from spedrules.core.engine.restraint_report import restraint_report as build

    if not is_school_year(year):
        raise InputError(None, "--year", "a school year such as 2015-16", year)
    district = load_district(config)
    definition = restraint_definition(district)
    goal = restraint_goal(district, year, goal)
    next_goal = restraint_goal(district, year_after(year), next_goal)
    return build(load_cases(source, district.event_types), year, goal, next_goal, definition)


def restraint_goal(district: District, year: str, given: int | None) -> int | None:
    """The reduction goal for ``year``: the one given (command line, page), else the
    district's own (its config's ``[restraint_goals]``), else none."""
    return district.config.restraint_goals.get(year) if given is None else given


def restraint_definition(district: District):
    """The restraint report the district's stack defines (spedrules_restraint_report), or the
    core's count by recorded method when no plugin of the stack defines one."""
    from spedrules.core.engine.restraint_report import report_definition

    ctx = HookContext(config=district.config, options=district.options)
    return report_definition(district.registry, district.config.stack, ctx)


def eligibility(config, case, category: str):
    """Determine one eligibility category (its id, or the IDEA code it maps to) for a case."""
    from spedrules.core.engine.eligibility import determine
    from spedrules.core.model.rules import EligibilityCategory

    district = load_district(config)
    case = as_case(case, district)
    entries = district.ruleset.of_type(EligibilityCategory)
    wanted = category.lower()
    matches = [e.latest for e in entries if e.latest.id.lower() == wanted] or [
        e.latest for e in entries if e.latest.code.lower() == wanted
    ]
    if len(matches) > 1:
        ids = ", ".join(m.id for m in matches)
        raise InputError(None, "--category", f"one of the category ids {ids}", category)
    if not matches:
        known = ", ".join(sorted({e.latest.code for e in entries})) or "none in this stack"
        raise InputError(None, "--category", f"a category code or id ({known})", category)
    return determine(matches[0], case.evaluation, case.student)


def read_cases(source, config) -> tuple[list[dict[str, Any]], list[str]]:
    """Case mappings from a folder of case files or a file with ``cases: [...]``, each validated
    first (a bad one names the file and the field, and nothing is imported), one per student
    (:func:`~spedrules.core.model.case.merge_cases`), with the warnings merging gave."""
    from spedrules.core.engine.restraint_report import load_cases
    from spedrules.core.files import read_data
    from spedrules.core.model.case import merge_cases

    district = load_district(config)
    load_cases(source, district.event_types)  # validation, with file and field in the error
    path = Path(source)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in (".yaml", ".yml", ".json"))
        items = [(p.name, read_data(p)) for p in files]
    else:
        data = read_data(path)
        found = data["cases"] if "cases" in data else [data]
        items = [(f"{path.name} cases[{i}]", c) for i, c in enumerate(found)]
    return merge_cases(items)


def _form_code(code: str) -> str:
    return "".join(code.split()).upper()


def find_form(district: District, code: str, on: date):
    """The district's form with this code (``NC6A`` finds ``NC 6A``) in force on a day."""
    entry = _form_entry(district, code)
    form = entry.version_on(on)
    if form is None:
        versions = "; ".join(v.interval() for v in entry.versions)
        raise InputError(None, "CODE", f"a version of {code} in force on {on} ({versions})", code)
    return form


def _form_entry(district: District, code: str):
    from spedrules.core.model.rules import FormDefinition

    entries = district.ruleset.of_type(FormDefinition)
    wanted = _form_code(code)
    found = [e for e in entries if wanted in (_form_code(e.latest.code), e.latest.id.upper())]
    if not found:
        known = ", ".join(sorted(e.latest.code for e in entries)) or "none in this stack"
        raise InputError(None, "CODE", f"a form of this district ({known})", code)
    return found[0]


def _pick(items, wanted: str | None, what: str, option: str, file: str | None):
    if wanted is not None:
        for item in items:
            if item.id == wanted:
                return item
        ids = ", ".join(i.id for i in items) or "none in this case"
        raise InputError(file, option, f"the id of one of the case's {what}s ({ids})", wanted)
    if len(items) == 1:
        return items[0]
    ids = ", ".join(i.id for i in items) or "none in this case"
    expected = f"{option} naming one of the case's {what}s ({ids})"
    raise InputError(file, option, expected)


def fill_form(
    config,
    case,
    code: str,
    *,
    meeting: str | None = None,
    incident: str | None = None,
    values: str | Path | dict[str, Any] | None = None,
    as_of: str | date | None = None,
    language: str | None = None,
):
    """Fill one of the district's forms from a case: a :class:`~spedrules.core.forms.FilledForm`
    with its values, where each came from, and what is still missing.

    A meeting or incident form needs ``meeting``/``incident`` (the id) unless the case has just
    one; ``values`` (a YAML/JSON file or a mapping) holds what is entered by hand.
    """
    from spedrules.core.files import read_data
    from spedrules.core.forms import choose_language, fill
    from spedrules.core.forms.data import as_held, form_data

    district = load_district(config)
    case = as_case(case, district)
    day = as_date(as_of, district)
    subject_kind = _form_entry(district, code).latest.subject
    chosen_meeting = chosen_incident = None
    on = day
    if subject_kind == "meeting":
        chosen_meeting = _pick(case.meetings, meeting, "meeting", "--meeting", case.source)
        on = chosen_meeting.start.date()
    elif subject_kind == "incident":
        chosen_incident = _pick(case.incidents, incident, "incident", "--incident", case.source)
        on = chosen_incident.started_at.date()
    form = find_form(district, code, on)  # the version in force when the meeting/incident is
    entered_from = None
    if isinstance(values, str | Path):
        entered_from = str(values)
        values = read_data(values, "a mapping of form field names to values")
    lang, note = choose_language(form, case.student, language)
    evaluation = evaluate(district, case, day)
    held = meeting_obligations = None
    if chosen_meeting is not None:  # the deadlines this meeting starts run from its day
        held = as_held(case, chosen_meeting)
        if held is not None or day < on:
            meeting_obligations = evaluate(district, held or case, max(day, on)).obligations
    data = form_data(
        case,
        {"id": district.config.id, "name": district.config.name},
        day,
        meeting=chosen_meeting,
        incident=chosen_incident,
        obligations=evaluation.obligations,
        meeting_obligations=meeting_obligations,
        held_assumed=held is not None,
        restraint_type=restraint_definition(district).restraint_type,
    )
    subject = chosen_meeting or chosen_incident
    return fill(
        form,
        data,
        language=lang,
        entered=values,
        entered_from=entered_from,
        district=district.config.name or district.config.id,
        student=case.student.name or case.student.id,
        subject=subject.id if subject is not None else None,
        notes=[note] if note else [],
    )


def form_summaries(config=None) -> list[dict[str, Any]]:
    """The forms a district's stack provides (or every installed plugin's, without a config)."""
    from spedrules.core.model.rules import FormDefinition

    if config is not None:
        district = load_district(config)
        forms = [e.latest for e in district.ruleset.of_type(FormDefinition)]
    else:
        registry = Registry.discover()
        forms = []
        for plugin_id in sorted(registry.plugins):
            try:
                forms.extend(registry.rules(plugin_id, "spedrules_forms", HookContext()))
            except SpedrulesError:
                continue
    return [
        {
            "code": f.code,
            "revision": f.revision,
            "title": f.title,
            "subject": f.subject,
            "languages": list(f.languages),
            "trigger": f.trigger,
            "id": f.id,
            "source": f.source,
            "citation": f.citation,
        }
        for f in sorted(forms, key=lambda f: (f.source or "", f.code))
    ]


def program_obligations(config, source, as_of: str | date | None = None) -> list[Obligation]:
    """The duties of the district's program rules over the cases in ``source`` (a folder of case
    files or a file with ``cases: [...]``): one per rule and group (school)."""
    from spedrules.core.engine.programs import evaluate_programs
    from spedrules.core.engine.restraint_report import load_cases

    district = load_district(config)
    day = as_date(as_of, district)
    cases = load_cases(source, district.event_types)
    return evaluate_programs(district.ruleset, cases, district.calendar, district.tz, day)


def write_chart(result, out: str | Path) -> Path:
    """A report's chart (restraint report or Indicator 11) as PNG or SVG, by the suffix."""
    from spedrules.core.store.indicator11 import Indicator11

    if isinstance(result, Indicator11):
        from spedrules.core.store.indicator11 import chart
    else:
        from spedrules.core.engine.restraint_report import chart
    return chart(result, Path(out))


def write_form(filled, out: str | Path) -> None:
    """A filled form written as HTML, PDF or JSON, by the suffix of ``out``."""
    import json

    from spedrules.core.forms import render as form_render

    suffix = Path(out).suffix.lower()
    if suffix == ".pdf":
        form_render.to_pdf(filled, out)
    elif suffix == ".html":
        write_output(out, form_render.to_html(filled))
    else:
        write_output(out, json.dumps(filled.to_dict(), indent=2, ensure_ascii=False) + "\n")


def new_plugin(name: str, parent: str, folder: str | Path = ".", level: str = "local") -> Path:
    """Write a ready-to-edit plugin package (entry point, one rule, one law case, a test)."""
    from spedrules.core.scaffold import new_plugin as scaffold

    return scaffold(name, parent, folder, level=level)


def law_tests(paths: Iterable[str | Path] = (), plugins: Iterable[str] = ()):
    """Run law tests (docs/law-tests.md): the YAML cases of ``paths`` (files or folders) and
    those the installed ``plugins`` ship; the report names every failing case and rule."""
    from spedrules.core.engine.lawtests import Report

    return Report.of(paths, plugins)
