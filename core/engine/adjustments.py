"""What a case records after a deadline was set: the law's own escape hatches
(docs/exceptions-and-exits.md).

* ``timeline_extension_agreed {applies_to, until}``: the open obligation of that kind is due
  ``until`` (the legal due date stays in its explanation), where a jurisdiction of the stack
  declares an :class:`~spedrules.core.model.rules.Allowance` for it; one the law does not allow is a
  violation naming the rule, and the due date stands.
* ``child_not_produced {applies_to}``: from that day the timeline does not apply
  (``not_applicable``, with the reason), where an Allowance says so.
* ``student_exited {reason}`` and ``consent_revoked``: obligations not yet due on that day end
  (``not_applicable``, reason given); one already overdue stays overdue (the breach happened) but
  its days overdue are counted to the exit day. An exit lasts until the student enrols again
  (``transfer_enrolled``) or, for a revocation, until consent for services is given again
  (``iep_consent_received``). Obligations the exit period itself would trigger (a birthday, a
  school year's start) do not arise; one triggered by a fact recorded after the exit (a records
  request) does. Incident duties and records access are not ended by an exit.
* ``delay_reason_recorded {applies_to, reason, note}``: changes nothing; the code is carried on
  the obligation (``delay_reason``) for the dashboard, the note goes into its explanation.

Every change is a step of the obligation's explanation; ``not_applicable`` always says why.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from attrs import evolve

from spedrules.core.calendar.counting import day_name
from spedrules.core.engine.layering import RuleSet
from spedrules.core.model import Event, Obligation, Violation
from spedrules.core.model.convert import parse_date
from spedrules.core.model.rules import Allowance
from spedrules.core.model.vocabulary import SURVIVES_EXIT

if TYPE_CHECKING:  # the timeline engine calls this module
    from spedrules.core.engine.timeline import Context

ADJUSTING = (
    "timeline_extension_agreed",
    "child_not_produced",
    "student_exited",
    "consent_revoked",
    "delay_reason_recorded",
)
RETURNS = {"student_exited": "transfer_enrolled", "consent_revoked": "iep_consent_received"}
CONSENT_REVOKED = (
    "the parent revoked consent for special education and related services (34 CFR "
    "300.300(b)(4)): the district need not convene an IEP meeting or develop an IEP"
)


def adjust(
    obligations: list[Obligation], ruleset: RuleSet, ctx: Context
) -> tuple[list[Obligation], list[Violation]]:
    """Every obligation of the case (timelines, incidents, meetings) with the case's extensions,
    suspensions, exits and delay reasons applied in date order, and the violations of
    extensions or suspensions the law does not allow."""
    events = [e for e in ctx.known_events() if e.type in ADJUSTING]
    if not events:
        return obligations, []
    result = list(obligations)
    violations: list[Violation] = []
    gone_until: date | None = None  # an exit in effect: a later one changes nothing more
    for event in events:
        if event.type in RETURNS:
            if gone_until is None or event.day >= gone_until:
                result = [_exit(ob, event, ctx) for ob in result]
                gone_until = _return_day(event, ctx) or date.max
            continue
        targets = _targets(result, event)
        if not targets:
            _nothing_to_adjust(event, ctx, result)
            continue
        for i in targets:
            ob = result[i]
            if event.type == "delay_reason_recorded":
                result[i] = _delay(ob, event)
                continue
            allowance, refusal = _allowed(ruleset.allowances, ob, event, ctx)
            if allowance is None:
                result[i] = _add_step(ob, refusal)
                violations.append(_violation(ob, event, refusal))
            elif event.type == "timeline_extension_agreed":
                result[i] = _extend(ob, event, allowance, ctx)
            else:
                result[i] = _not_produced(ob, event, allowance)
    return result, violations


def _targets(obligations: list[Obligation], event: Event) -> list[int]:
    """The obligations of the event's kind it is about: the latest triggered on or before its
    day and not done before it (a legal deadline and the local targets tightening it alike)."""
    kind = event.get("applies_to")
    open_ones = [
        i
        for i, ob in enumerate(obligations)
        if ob.kind == kind
        and ob.trigger is not None
        and ob.trigger.date <= event.day
        and ob.status != "not_applicable"
        and (
            event.type == "delay_reason_recorded"
            or ob.met_by is None
            or ob.met_by.date >= event.day
        )
    ]
    if not open_ones:
        return []
    latest = max(obligations[i].trigger.date for i in open_ones)
    return [i for i in open_ones if obligations[i].trigger.date == latest]


def _nothing_to_adjust(event: Event, ctx: Context, obligations) -> None:
    what = event.type.replace("_", " ")
    kind = event.get("applies_to")
    where = ctx.case.source or f"case {ctx.case.student.id}"
    ctx.warnings.append(
        f"{where}: {what} on {event.day.isoformat()} applies to {kind}, but no open {kind} "
        "obligation was triggered on or before that day: nothing changed"
    )


def _allowed(
    allowances: list[Allowance], ob: Obligation, event: Event, ctx: Context
) -> tuple[Allowance | None, str]:
    """The most specific allowance of the stack for this change, or why none applies."""
    rule_id = ob.tightens or ob.rule  # a local target is extended as its legal rule is
    for_kind = [a for a in reversed(allowances) if a.event == event.type and ob.kind in a.kinds]
    for a in for_kind:
        if a.rules and rule_id not in a.rules:
            continue
        student = ctx.case.student
        if not all(getattr(student, k, None) in v for k, v in a.student_when.items()):
            continue
        if a.after and not any(
            e.type == a.after and ob.trigger.date <= e.day <= event.day for e in ctx.known_events()
        ):
            continue
        return a, ""
    what = event.type.replace("_", " ")
    if not for_kind:
        return None, (
            f"{what} on {day_name(event.day)}: the law of this stack allows no such change to "
            f"{ob.rule} ({ob.citation}); the due date stands"
        )
    allowed = "; or ".join(f"{a.description} ({a.citation})" for a in for_kind)
    return None, (
        f"{what} on {day_name(event.day)}: for {ob.rule} the law allows it only {allowed}; "
        "this case does not show that, so the due date stands"
    )


def _violation(ob: Obligation, event: Event, message: str) -> Violation:
    return Violation(
        rule=ob.rule,
        kind=ob.kind,
        message=message,
        citation=ob.citation,
        layer=ob.layer,
        source=ob.source,
        subject=ob.subject,
    )


def _extend(ob: Obligation, event: Event, allowance: Allowance, ctx: Context) -> Obligation:
    until = parse_date(event.get("until"))
    legal = _fmt(ob.due)
    if ob.due is not None and until <= _day(ob.due):
        return _add_step(
            ob,
            f"timeline extension agreed on {day_name(event.day)} until {day_name(until)}: not "
            f"later than the legal due date {legal}, which stands",
        )
    step = (
        f"timeline extension agreed in writing on {day_name(event.day)} ({allowance.citation}): "
        f"due {day_name(until)} instead of the legal due date {legal}"
    )
    status, line = _status(until, ob, ctx)
    steps = (*ob.explanation[:-1], step, line)
    return evolve(ob, due=until, status=status, explanation=steps)


def _status(due: date, ob: Obligation, ctx: Context) -> tuple[str, str]:
    """Met, late, open or overdue against a new due date (a day), as timeline._status says."""
    if ob.met_by is not None:
        what = f"met by {ob.met_by.type.replace('_', ' ')} on {day_name(ob.met_by.date)}"
        if ob.met_by.date <= due:
            return "met", f"{what}: on time"
        return "late", f"{what}: late by {(ob.met_by.date - due).days} day(s)"
    as_of = ctx.as_of
    if ctx.passed(due):
        return "overdue", f"not met as of {day_name(as_of)}: overdue by {(as_of - due).days} day(s)"
    return "open", f"not met as of {day_name(as_of)}: open, {(due - as_of).days} day(s) left"


def _not_produced(ob: Obligation, event: Event, allowance: Allowance) -> Obligation:
    line = (
        f"not applicable from {day_name(event.day)}: the parent repeatedly failed or refused to "
        f"produce the child for the evaluation, so the timeline does not apply "
        f"({allowance.citation}); the legal due date was {_fmt(ob.due)}"
    )
    return evolve(ob, status="not_applicable", explanation=(*ob.explanation[:-1], line))


def _exit(ob: Obligation, exit: Event, ctx: Context) -> Obligation:
    if ob.kind in SURVIVES_EXIT or ob.trigger is None or ob.status == "not_applicable":
        return ob
    if ob.subject is not None and ob.subject in {i.id for i in ctx.case.incidents}:
        return ob  # the incident happened while the district served the student: its duties stay
    back = _return_day(exit, ctx)
    if exit.type == "consent_revoked":
        why = f"on {day_name(exit.day)} {CONSENT_REVOKED}"
    else:
        why = f"the student exited on {day_name(exit.day)} ({exit.get('reason')})"
    start = ob.trigger.date
    if start > exit.day:
        # a fact recorded after the exit (a records request, a new referral) is a new duty; what
        # the calendar alone would trigger while the student is gone (a birthday) does not arise
        gone = back is None or start < back
        if gone and ob.trigger.type in ("birthday", "school_year_start"):
            return _ended(
                ob,
                f"not applicable: {why}, before {ob.trigger.type.replace('_', ' ')} "
                f"{day_name(start)}",
                exit.day,
            )
        return ob
    if ob.met_by is not None and ob.met_by.date <= exit.day:
        return ob  # done before the exit
    if ob.due is None:
        return _add_step(ob, f"{why}: it ends unless its due date fell before that day")
    due = _day(ob.due)
    if due < exit.day and ob.met_by is None:
        days = (exit.day - due).days
        line = (
            f"not met by {day_name(exit.day)}: overdue by {days} day(s) when {why}; the breach "
            "stands, and it no longer grows"
        )
        steps = (*ob.explanation[:-1], line)
        return evolve(ob, status="overdue", explanation=steps, stopped_on=exit.day)
    if due < exit.day:
        return ob  # met late, after the exit: the record says so already
    return _ended(ob, f"not applicable: {why}, before it fell due ({_fmt(ob.due)})", exit.day)


def _return_day(exit: Event, ctx: Context) -> date | None:
    """The day the exit ends: the student enrols again, or consent is given again."""
    wanted = RETURNS[exit.type]
    return next((e.day for e in ctx.known_events() if e.type == wanted and e.day > exit.day), None)


def _ended(ob: Obligation, line: str, stopped_on: date | None = None) -> Obligation:
    steps = (*ob.explanation[:-1], line)
    return evolve(
        ob, status="not_applicable", met_by=None, explanation=steps, stopped_on=stopped_on
    )


def _delay(ob: Obligation, event: Event) -> Obligation:
    code = str(event.get("reason"))
    note = event.get("note")
    step = f"delay reason recorded on {day_name(event.day)}: {code}" + (
        f" ({note})" if note else ""
    )
    return evolve(
        ob, delay_reason=code, explanation=(*ob.explanation[:-1], step, ob.explanation[-1])
    )


def _add_step(ob: Obligation, step: str) -> Obligation:
    """A step before the status line, which stays last."""
    return evolve(ob, explanation=(*ob.explanation[:-1], step, ob.explanation[-1]))


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _fmt(value) -> str:
    if value is None:
        return "undetermined"
    return day_name(_day(value)) if not isinstance(value, datetime) else value.isoformat()
