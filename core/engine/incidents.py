"""Incident rules: the notices, reports and prohibitions a restraint or seclusion triggers.

Deadlines are counted with the same units and explained the same way as timeline rules (the
incident's moment is day 0); prohibitions and missing report contents become violations naming
the incident, the rule and its citation.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from attrs import evolve

from spedrules.core.calendar.counting import day_name
from spedrules.core.engine.duties import no_deadline
from spedrules.core.engine.layering import RuleSet
from spedrules.core.engine.timeline import Context, Occurrence, as_timeline, obligation
from spedrules.core.model import Event, EventRef, Incident, Obligation, Student, Violation
from spedrules.core.model.rules import (
    IncidentDuty,
    IncidentProhibition,
    IncidentRule,
    ReportContents,
    TimelineRule,
    Trigger,
)


def evaluate_incidents(
    ruleset: RuleSet, ctx: Context, violations_too: bool = True
) -> tuple[list[Obligation], list[Violation]]:
    """The incidents' obligations and violations; without ``violations_too`` the obligations
    alone (the batch stores no violation; finding them notes no turning point in ``ctx``)."""
    obligations: list[Obligation] = []
    violations: list[Violation] = []
    if not ctx.case.incidents:
        return obligations, violations
    events = ctx.known_events()
    named = [(e.details.get("incident"), e.day) for e in events]
    entries = ruleset.of_type(IncidentRule) if violations_too else _duty_entries(ruleset)
    for incident in ctx.case.incidents:
        if not ctx.reached(incident.started_at.date()):
            continue
        linked = _about(incident, events, named)  # once, for every rule
        for entry in entries:
            rule = entry.version_on(incident.started_at.date())
            if not isinstance(rule, IncidentRule):
                continue
            if not violations_too and not isinstance(rule, IncidentDuty):
                continue
            if not applies(rule, incident, ctx.case.student):
                continue
            if isinstance(rule, IncidentProhibition):
                violations.extend(_prohibited(rule, incident))
            elif isinstance(rule, ReportContents):
                if _report_completed(linked):
                    violations.extend(_missing(rule, incident, ctx.case.student))
            elif isinstance(rule, IncidentDuty):
                duty = _duty_of(ruleset, entry, rule, incident, ctx, linked)
                if duty is not None:
                    obligations.append(duty)
    return obligations, violations


def _duty_entries(ruleset: RuleSet) -> list:
    """The incident rules with a version that is a duty (the others give violations only);
    found once per rule set."""
    found = ruleset.cache.get("incidents.duties")
    if found is None:
        found = ruleset.cache["incidents.duties"] = [
            e
            for e in ruleset.of_type(IncidentRule)
            if any(isinstance(v, IncidentDuty) for v in e.versions)
        ]
    return found


def _duty_of(ruleset, entry, rule: IncidentDuty, incident: Incident, ctx: Context, linked):
    """The obligation of one duty; ``linked`` are the known events about the incident."""
    if rule.unverified and (rule.period is not None or rule.met_by):
        _warn_unverified(ctx, rule, incident)
        return _unverified(rule, incident)
    if rule.period is not None:
        return _duty(ruleset, entry, rule, incident, ctx, linked)
    if rule.met_by:
        return _standing_duty(rule, incident, linked)
    return None


def value_of(incident: Incident, name: str) -> Any:
    if name in incident.details:
        return incident.details[name]
    return getattr(incident, name, None)


def applies(rule: IncidentRule, incident: Incident, student: Student) -> bool:
    if incident.type not in rule.applies_to:
        return False
    student_when, when = rule.student_when, rule.when  # most rules have neither condition
    if student_when and not all(
        getattr(student, k, None) in allowed for k, allowed in student_when.items()
    ):
        return False
    return not when or all(value_of(incident, k) in allowed for k, allowed in when.items())


def _prohibited(rule: IncidentProhibition, incident: Incident) -> list[Violation]:
    found = []
    for name, forbidden in rule.prohibits.items():
        value = value_of(incident, name)
        values = value if isinstance(value, list | tuple) else [value]
        for hit in [v for v in values if v in forbidden]:
            found.append(
                Violation.of(rule, incident.id, f"prohibited: {rule.title} ({name}: {hit})")
            )
    return found


def _missing(rule: ReportContents, incident: Incident, student: Student) -> list[Violation]:
    def value(name: str) -> Any:
        if name.startswith("student."):
            return getattr(student, name.removeprefix("student."), None)
        return value_of(incident, name)

    return [
        Violation.of(rule, incident.id, f"the report lacks {label}")
        for name, label in rule.required.items()
        if value(name) in (None, "", [], (), {})
    ]


def _duty(
    ruleset: RuleSet, entry, rule: IncidentDuty, incident: Incident, ctx: Context, linked
) -> Obligation:
    moment: datetime = getattr(incident, rule.counted_from) or incident.started_at
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ctx.tz)
    what = "release from" if rule.counted_from == "released_at" else "start of"
    occ = Occurrence(
        day=moment.date(),
        at=moment,
        ref=EventRef(incident.type, moment.date()),
        event=None,
        steps=(
            f"{what} the {incident.type} {incident.id} at {day_name(moment.date())} "
            f"{moment.hour:02d}:{moment.minute:02d} (day 0)",
        ),
    )
    return obligation(entry, _timeline(ruleset, rule), occ, ctx, linked, subject=incident.id)


def _timeline(ruleset: RuleSet, rule: IncidentDuty) -> TimelineRule:
    """The duty as a deadline rule, with the version's own dates so that the explanation names
    the interval in force (made once per rule set: it is the same for every incident)."""
    made = ruleset.cache.setdefault("incidents.timelines", {})
    found = made.get(id(rule))
    if found is None or found[0] is not rule:
        timeline = evolve(
            as_timeline(rule, Trigger()),
            effective_from=rule.effective_from,
            effective_to=rule.effective_to,
        )
        found = made[id(rule)] = (rule, timeline)
    return found[1]


def _standing_duty(rule: IncidentDuty, incident: Incident, linked: list[Event]) -> Obligation:
    """A duty with no deadline in the source: open until done, never overdue, said so."""
    return no_deadline(
        rule,
        steps=[f"{incident.type} {incident.id} on {day_name(incident.started_at.date())}"],
        trigger=EventRef(incident.type, incident.started_at.date()),
        done=next((e for e in linked if any(m.matches(e) for m in rule.met_by)), None),
        attempts=[e for e in linked if rule.attempt and rule.attempt.matches(e)],
        attempts_required=rule.attempts_required,
        subject=incident.id,
    )


def _warn_unverified(ctx: Context, rule: IncidentDuty, incident: Incident) -> None:
    """The result's warnings say it too, once per incident and text (the duties of one version
    share it): an undetermined status alone is easy to read past in a work list."""
    line = (
        f"incident {incident.id} on {incident.started_at.date().isoformat()}: "
        f"{rule.unverified}; its duties under that version are undetermined"
    )
    if line not in ctx.warnings:
        ctx.warnings.append(line)


def _unverified(rule: IncidentDuty, incident: Incident) -> Obligation:
    """A version known to be in force whose text was not verified: undetermined, never guessed."""
    day = incident.started_at.date()
    return Obligation.of(
        rule,
        status="undetermined",
        due=None,
        steps=[
            f"{incident.type} {incident.id} on {day_name(day)}",
            f"version in force on {day_name(day)}: {rule.interval()} ({rule.citation})",
            f"warning: {rule.unverified}",
            "status undetermined until the text of this version is verified",
        ],
        trigger=EventRef(incident.type, day),
        subject=incident.id,
    )


def _report_completed(linked: list[Event]) -> bool:
    """Report contents are checked once the report is recorded as completed (among the events
    about the incident): before that an empty field is work to do (the report obligation shows
    it), not a violation."""
    return any(e.type == "incident_report_completed" for e in linked)


def _about(incident: Incident, events, named: list[tuple[Any, Any]]) -> list[Event]:
    """The events about the incident (:func:`about_incident` for each event, given each event's
    ``incident`` detail and day once for all the case's incidents)."""
    return [
        e for e, (name, day) in zip(events, named, strict=True) if _about_it(name, day, incident)
    ]


def about_incident(event: Event, incident: Incident) -> bool:
    """An event belongs to an incident if it names it, or names none and comes after it."""
    return _about_it(event.details.get("incident"), event.day, incident)


def _about_it(named: Any, day, incident: Incident) -> bool:
    """The rule of :func:`about_incident`, given the event's ``incident`` detail and day."""
    if named is not None:
        return named == incident.id
    return day >= incident.started_at.date()
