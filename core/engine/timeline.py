"""The timeline engine: from a case and the effective rules, the obligations and their status.

For each effective TimelineRule and each time its trigger happened (on or before ``as_of``), the
version of the rule in force on the trigger day is counted from that day with the core counting
units, the first matching event after the trigger meets it (never the trigger itself, nor another
occurrence of the trigger on its day: see :func:`_first_after`), and every step is written down so
``spedrules explain`` can say why a date is due. Events dated after ``as_of`` are not yet known
(evaluate names each in a warning). A count the calendar cannot decide (past its last year, across
a missing year) leaves the due date ``None`` and the status ``undetermined`` with the reason; every
path here formats and compares such a date safely. Extensions, exits and delay reasons are applied
afterwards (core/engine/adjustments.py).
"""

from __future__ import annotations

import operator
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from attrs import evolve, field, frozen

from spedrules.core.calendar import CoverageError, SchoolCalendar, counting
from spedrules.core.calendar.counting import after_next_year_start as _after_next_year_start  # noqa: F401
from spedrules.core.calendar.counting import day_name
from spedrules.core.engine import duties
from spedrules.core.engine.layering import RuleEntry, RuleSet
from spedrules.core.errors import CalendarError
from spedrules.core.model import Case, Event, EventRef, Obligation, Violation
from spedrules.core.model.rules import (
    AnyTrigger,
    BirthdayTrigger,
    EventMatch,
    RemovalsTrigger,
    SchoolYearStartTrigger,
    TimelineRule,
    Trigger,
)


@frozen
class Occurrence:
    """One time a rule's trigger happened: the day (and moment) the clock starts, and why."""

    day: date
    at: datetime | None
    ref: EventRef
    event: Event | None
    steps: tuple[str, ...]
    born: date | None = None  # birthday triggers: anniversaries count from the birth date
    age: int = 0


@frozen
class Context:
    case: Case
    calendar: SchoolCalendar | None
    tz: ZoneInfo
    as_of: date
    # what the engines found suspect while evaluating (an extension for no open obligation)
    warnings: list[str] = field(factory=list, eq=False)
    # the as-of dates at which some comparison with the as-of date would turn (see :meth:`reached`)
    _turns: list[date] = field(init=False, factory=list, eq=False, repr=False)
    _known: tuple[Event, ...] = field(init=False, repr=False, eq=False)
    _future: tuple[Event, ...] = field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:  # sorted once: every engine reads them
        # equal events are one fact (case files are deduplicated on loading; a Case built in
        # code may still repeat one), so no fact counts twice
        unique = _unique(self.case.events)
        days = list(map(_DAY, unique))
        order = sorted(range(len(days)), key=days.__getitem__)  # by day, stable
        split = bisect_right([days[i] for i in order], self.as_of)
        known = [unique[i] for i in order[:split]]
        future = [unique[i] for i in order[split:]]
        object.__setattr__(self, "_known", tuple(known))
        object.__setattr__(self, "_future", tuple(future))
        self._turns.extend(e.day for e in future[:1])  # the first becomes known on its day

    def reached(self, day: date) -> bool:
        """``day <= as_of``. The engines compare with the as-of date only through this and
        :meth:`passed`, which note the first later as-of date that would change the answer:
        the evaluation stays valid until then (:meth:`stable_until`), so an incremental sweep
        re-evaluates a student only when his case changes or that date is reached."""
        if day <= self.as_of:
            return True
        self._turns.append(day)
        return False

    def passed(self, day: date) -> bool:
        """``day < as_of`` (a due day that has passed: overdue), noting when it would turn."""
        if day < self.as_of:
            return True
        self._turns.append(day + timedelta(days=1))
        return False

    def stable_until(self) -> date:
        """The first as-of date on which this evaluation may differ (date.max: never)."""
        return min(self._turns, default=date.max)

    def known_events(self) -> tuple[Event, ...]:
        """Events recorded on or before the as-of date, in date order."""
        return self._known

    def future_events(self) -> tuple[Event, ...]:
        """Events dated after the as-of date: not yet known to the engine (a wrong-year typo
        would make a fact vanish, so evaluate warns about each)."""
        return self._future


def evaluate_timelines(ruleset: RuleSet, ctx: Context) -> tuple[list[Obligation], list[Violation]]:
    obligations: list[Obligation] = []
    by_rule_and_day: dict[tuple[str, date], Obligation] = {}
    events = ctx.known_events()
    violations: list[Violation] = []
    exceptions: list[Obligation] = []
    present = {e.type for e in events}
    has_iep = _has_iep(events)
    for entry, trigger_types, requires_iep in _plan(ruleset):
        if requires_iep and not has_iep:
            continue  # age- and IEP-based rules need a student with an IEP
        if trigger_types and trigger_types.isdisjoint(present):
            continue  # none of the trigger's event types is in this case
        for occ in occurrences(entry, ctx, events, trigger_types):
            rule = entry.version_on(occ.day)
            if rule is None and _between_versions(entry, occ.day):
                obligations.append(_unknown_version(entry, occ))
                continue
            if not isinstance(rule, TimelineRule):
                continue  # the rule did not exist yet, or had ended, on the trigger day
            applies = _condition_steps(rule, occ, ctx)
            if applies is None:
                continue
            if applies:
                occ = evolve(occ, steps=occ.steps + applies)
            ob = obligation(entry, rule, occ, ctx, events)
            if ob is None:
                continue  # a duty that has not arisen (yet)
            if entry.exception_to:
                exceptions.append(ob)
            if entry.tightens:
                legal = by_rule_and_day.get((entry.tightens, occ.day))
                ob, conflict = _beside_legal(ob, rule, legal)
                if conflict:
                    violations.append(conflict)
            by_rule_and_day[(entry.id, occ.day)] = ob
            obligations.append(ob)
    obligations = _apply_exceptions(obligations, exceptions, ruleset)
    return (
        obligations,
        violations,
    )  # api.evaluate adjusts (core/engine/adjustments.py) and sorts them


def _plan(ruleset: RuleSet) -> list[tuple[RuleEntry, frozenset[str], bool]]:
    """The timeline rules in evaluation order, with what decides quickly whether a case can
    trigger them; computed once per rule set (a sweep evaluates millions of cases with one).
    Rules that others tighten come first, so the legal deadline is known when the target is."""
    plan = ruleset.cache.get("timeline_plan")
    if plan is None:
        entries = sorted(ruleset.of_type(TimelineRule), key=lambda e: e.tightens is not None)
        plan = [(e, _needed_types(e.latest.trigger), bool(e.latest.requires_iep)) for e in entries]  # type: ignore[attr-defined]
        ruleset.cache["timeline_plan"] = plan
    return plan


def _needed_types(trigger: AnyTrigger) -> frozenset[str]:
    """Event types without which a case cannot trigger the rule (empty: no such condition)."""
    return trigger.needed_types()


def _between_versions(entry: RuleEntry, day: date) -> bool:
    starts = [v.effective_from or date.min for v in entry.versions]
    ends = [v.effective_to or date.max for v in entry.versions]
    return min(starts) <= day <= max(ends)


def _unknown_version(entry: RuleEntry, occ: Occurrence) -> Obligation:
    """No version is known to be in force on the trigger day: say so, never reuse another."""
    rule = entry.latest
    known = "; ".join(f"{v.interval()} ({v.citation})" for v in entry.versions)
    return Obligation(
        rule=rule.id,
        kind=rule.kind,
        title=rule.title,
        due=None,
        status="undetermined",
        citation=rule.citation,
        layer=rule.layer or "statutory",
        source=rule.source or "?",
        explanation=(
            *occ.steps,
            f"no version of {rule.id} is known to be in force on "
            f"{day_name(occ.day)}; known versions: {known}",
        ),
        trigger=occ.ref,
    )


def _condition_steps(rule: TimelineRule, occ: Occurrence, ctx: Context) -> tuple[str, ...] | None:
    """The explanation of why the rule's condition holds, or None when it does not."""
    cond = rule.applies_when
    if cond is None:
        return ()
    limit = cond.days_before_year_end_at_most
    year = ctx.calendar.year_of(occ.day) if ctx.calendar else None
    if year is None:
        return None
    before_end = (year.last_day - occ.day).days
    if before_end > limit:
        return None
    return (
        f"{day_name(occ.day)} is {before_end} days before the last day of the regular school "
        f"year {year.name} ({day_name(year.last_day)}): {limit} days or less, so {rule.id} "
        "applies",
    )


def _apply_exceptions(obligations, exceptions, ruleset: RuleSet) -> list[Obligation]:
    """An exception displaces the first obligation of its base rule triggered on or after its own
    trigger day (the same day when both share a trigger; the consent that follows a referral
    when the exception counts from the referral)."""
    displaced: dict[int, Obligation] = {}
    for ex in sorted(exceptions, key=lambda o: o.trigger.date):
        target = ruleset.entries[ex.rule].exception_to
        for i, ob in enumerate(obligations):
            if ob.rule == target and ob.trigger.date >= ex.trigger.date and i not in displaced:
                displaced[i] = ex
                break
    result = []
    for i, ob in enumerate(obligations):
        ex = displaced.get(i)
        if ex is not None:
            line = (
                f"not applicable: the exception {ex.rule} applies ({ex.citation}), "
                f"due {_fmt(ex.due)}"
            )
            ob = evolve(
                ob, status="not_applicable", met_by=None, explanation=(*ob.explanation[:-1], line)
            )
        result.append(ob)
    return result


def occurrences(
    entry: RuleEntry, ctx: Context, events: list[Event], types: frozenset[str] | None = None
) -> Iterator[Occurrence]:
    """Each time the rule's trigger happened in the case. The caller has checked ``requires_iep``
    (see :func:`evaluate_timelines`); ``types`` are the trigger's event types, if known."""
    trigger = entry.latest.trigger  # type: ignore[attr-defined]
    if isinstance(trigger, BirthdayTrigger):
        yield from _birthday(trigger.age, ctx)
    elif isinstance(trigger, SchoolYearStartTrigger):
        yield from _year_starts(ctx)
    elif isinstance(trigger, RemovalsTrigger):
        yield from _removals(trigger.school_days, ctx, events)
    else:
        yield from _event_occurrences(trigger, ctx, events, types)


def _year_starts(ctx: Context) -> Iterator[Occurrence]:
    for year in ctx.calendar.years if ctx.calendar else ():
        if ctx.reached(year.first_day):
            first = day_name(year.first_day)
            steps = (f"first day of the school year {year.name}: {first} (day 0)",)
            yield Occurrence(
                year.first_day, None, EventRef("school_year_start", year.first_day), None, steps
            )


def _event_occurrences(
    trigger: Trigger, ctx: Context, events: list[Event], types: frozenset[str] | None
) -> Iterator[Occurrence]:
    seen: set[date] = set()
    if types is None:
        types = trigger.needed_types()
    for event in events:  # few events per case: a set test is cheaper than an index
        if event.type not in types or event.day in seen:
            continue
        if not trigger.matches(event):
            continue
        seen.add(event.day)
        what = event.type.replace("_", " ")
        yield Occurrence(
            event.day,
            _moment(event, ctx.tz),
            EventRef(event.type, event.day),
            event,
            (f"{what} on {day_name(event.day)} (day 0)",),
        )


def _has_iep(events: list[Event]) -> bool:
    return any(
        e.type == "iep_meeting_held" or (e.type == "eligibility_determined" and e.get("eligible"))
        for e in events
    )


def _birthday(age: int, ctx: Context) -> Iterator[Occurrence]:
    born = ctx.case.student.birth_date
    if born is None:
        return
    if not ctx.reached(date(born.year + age, 1, 1)):  # not that old yet, whatever the day
        return
    count = counting.anniversary(born, years=age)
    day = count.due
    if ctx.reached(day):
        steps = (f"born {day_name(born)}", f"{age}th birthday {day_name(day)} (day 0)")
        yield Occurrence(day, None, EventRef("birthday", day), None, steps, born, age)


def _removals(threshold: int, ctx: Context, events: list[Event]) -> Iterator[Occurrence]:
    """The removal that takes a school year's total of removed school days past ``threshold``."""
    totals: dict[str, int] = {}
    done: set[str] = set()
    for event in events:
        if event.type != "disciplinary_removal":
            continue
        year = ctx.calendar.year_of(event.day) if ctx.calendar else None
        key = year.name if year else str(event.day.year)
        days = int(event.get("days", 1))
        totals[key] = totals.get(key, 0) + days
        if totals[key] > threshold and key not in done:
            done.add(key)
            consecutive = days > threshold
            why = (
                f"a removal of {days} consecutive school days (more than {threshold})"
                if consecutive
                else f"removals totalling {totals[key]} school days in {key} "
                f"(more than {threshold}): a series that may be a pattern"
            )
            steps = (
                f"disciplinary removal starting {day_name(event.day)}: {why}",
                f"change of placement decided {day_name(event.day)} (day 0)",
            )
            yield Occurrence(
                event.day, None, EventRef("disciplinary_removal", event.day), event, steps
            )


_DAY = operator.attrgetter("day")


def _unique(events: tuple[Event, ...]) -> Sequence[Event]:
    """The events without repeats, in their order. Equal events have equal type, date, moment
    and id, so when no two share those the events are already unique (far cheaper than hashing
    every event, which the attrs hash does in Python)."""
    if len({(e.type, e.date, e.at, e.id) for e in events}) == len(events):
        return events
    return tuple(dict.fromkeys(events))


def _moment(event: Event, tz: ZoneInfo) -> datetime | None:
    if event.at is None:
        return None
    return event.at if event.at.tzinfo else event.at.replace(tzinfo=tz)


def obligation(
    entry: RuleEntry,
    rule: TimelineRule,
    occ: Occurrence,
    ctx: Context,
    events: list[Event],
    subject: str | None = None,
) -> Obligation:
    """The obligation of one occurrence; ``subject`` names what it is about (an incident)."""
    if rule.period is None:
        found = _no_deadline(rule, occ, ctx, events)
        return evolve(found, subject=subject) if found and subject else found  # type: ignore[return-value]
    steps = list(occ.steps)
    if len(entry.versions) > 1:
        steps.append(
            f"version in force on {day_name(occ.day)}: {rule.interval()} ({rule.citation})"
        )
    if not rule.period.unit_stated:
        steps.append(
            f"the source says {rule.period.amount} days without a unit: counted as calendar days"
        )
    due = None
    try:
        count = count_period(rule, occ, ctx)
        due = count.due
        steps.extend(count.steps)
    except CoverageError as exc:
        steps.append(f"cannot compute the due date: {exc.reason}")
    except CalendarError as exc:
        steps.append(f"cannot compute the due date: {exc}")
    for old in entry.replaced:
        steps.append(f"replaces {old.id} of {old.source} ({old.citation})")
    cancelled = _first_after(rule.cancelled_by, events, occ, rule.trigger)
    met = _first_after(rule.met_by, events, occ, rule.trigger)
    same_day = _same_day_trigger(rule, events, occ, met)
    if same_day is not None:
        steps.append(same_day)
    status, line = _status(due, met, cancelled, ctx)
    steps.append(line)
    done = cancelled if status == "not_applicable" else met  # what the status says ended it
    return Obligation.of(
        rule,
        status=status,
        due=due,
        steps=steps,
        trigger=occ.ref,
        met_by=EventRef(done.type, done.day) if done else None,
        replaces=entry.replaced[0].id if entry.replaced else None,
        tightens=entry.tightens,
        subject=subject,
    )


def _no_deadline(rule: TimelineRule, occ: Occurrence, ctx: Context, events) -> Obligation | None:
    """A duty the source gives no deadline (see spedrules.core.engine.duties); with
    ``arises_after``,
    None until that period has passed without a ``cancelled_by`` event (nor the duty done)."""
    steps = list(occ.steps)
    done = _first_after(rule.met_by, events, occ, rule.trigger)
    cancelled = _first_after(rule.cancelled_by, events, occ, rule.trigger)
    if rule.arises_after is not None:
        try:
            count = count_period(evolve(rule, period=rule.arises_after), occ, ctx)
        except CalendarError as exc:
            steps.append(f"cannot tell when the duty arises: {exc}")
            ob = duties.no_deadline(rule, steps=steps, trigger=occ.ref, done=done)
            return ob if done is not None else evolve(ob, status="undetermined")
        end = count.due.date() if isinstance(count.due, datetime) else count.due
        if not rule.arises_after.unit_stated:
            steps.append(
                f"the source says {rule.arises_after.amount} days without a unit: counted as "
                "calendar days"
            )
        steps.extend(count.steps)
        early = cancelled is not None and cancelled.day <= end
        if not early and done is None and not ctx.passed(end):
            return None
        if not early:
            steps.append(f"nothing cancelled it by {day_name(end)}: the duty arises")
    return duties.no_deadline(rule, steps=steps, trigger=occ.ref, done=done, cancelled=cancelled)


def as_timeline(rule: Any, trigger: AnyTrigger) -> TimelineRule:
    """A deadline rule with the same provenance, for rules of other types that count a period
    (incident duties, program duties), so that one engine counts and explains every deadline."""
    return TimelineRule(
        id=rule.id,
        kind=rule.kind,
        title=rule.title,
        citation=rule.citation,
        layer=rule.layer,
        source=rule.source,
        trigger=trigger,
        period=rule.period,
        met_by=rule.met_by,
        responsible=rule.responsible,
    )


def count_period(rule: TimelineRule, occ: Occurrence, ctx: Context) -> counting.Count:
    """Count the rule's period from the occurrence with its unit
    (spedrules.core.calendar.counting.UNITS)."""
    start = counting.Start(
        day=occ.day,
        at=occ.at,
        calendar=ctx.calendar,
        tz=ctx.tz,
        events=ctx.case.events,
        born=occ.born,
        age=occ.age,
        birth_date=ctx.case.student.birth_date,
        compute=rule.compute,
    )
    return counting.count(rule.period, start)


@lru_cache(maxsize=1024)
def _types(matches: tuple[EventMatch, ...]) -> frozenset[str]:
    return frozenset(m.type for m in matches)


def _first_after(
    matches: tuple[EventMatch, ...], events: list[Event], occ: Occurrence, trigger: AnyTrigger
):
    """The first matching event on or after the trigger day that is not a trigger itself.

    An event never meets the obligation it triggered. Nor does another event of the trigger's
    own kind on the trigger day: the rule's clock counts from that day's meeting (or
    reevaluation), and a review held on the day of the meeting it reviews is not a review (an
    annual review is due a year after the last one, 34 CFR 300.324(b)(1)(i)); two meetings on
    one day are one occurrence of the trigger. Events of other kinds (an assessment plan given on
    the day of the referral) may meet it on the trigger day."""
    if not matches:
        return None
    types = _types(matches)
    for event in events:
        if event.type not in types or event.day < occ.day:
            continue
        if event.day == occ.day and _is_trigger(event, occ, trigger):
            continue
        if any(m.matches(event) for m in matches):
            return event
    return None


def _is_trigger(event: Event, occ: Occurrence, trigger: AnyTrigger) -> bool:
    return event == occ.event or trigger.matches(event)


def _same_day_trigger(rule: TimelineRule, events, occ: Occurrence, met) -> str | None:
    """The explanation step for a same-day event that would meet the rule but is a trigger."""
    if occ.event is None or (met is not None and met.day == occ.day):
        return None
    for event in events:
        if event.day != occ.day or event is occ.event:
            continue
        if any(m.matches(event) for m in rule.met_by) and _is_trigger(event, occ, rule.trigger):
            what = event.type.replace("_", " ")
            return (
                f"another {what} on {day_name(occ.day)}, the day this is counted from, does not "
                "meet it: it is the same occurrence of the trigger (a review on the day of the "
                "meeting it reviews is not a review)"
            )
    return None


def _status(due, met: Event | None, cancelled: Event | None, ctx: Context) -> tuple[str, str]:
    if cancelled is not None and (met is None or cancelled.day <= met.day):
        what = cancelled.type.replace("_", " ")
        return "not_applicable", f"not applicable: {what} on {day_name(cancelled.day)}"
    if due is None:
        return "undetermined", "status undetermined until the due date can be computed"
    due_day = due.date() if isinstance(due, datetime) else due
    if met is not None:
        what = met.type.replace("_", " ")
        late_by = _late_by(due, met, ctx.tz)
        if late_by is None:
            return "met", f"met by {what} on {day_name(met.day)}: on time"
        return "late", f"met by {what} on {day_name(met.day)}: late by {late_by}"
    if ctx.passed(due_day):
        days = (ctx.as_of - due_day).days
        return "overdue", f"not met as of {day_name(ctx.as_of)}: overdue by {days} day(s)"
    days = (due_day - ctx.as_of).days
    return "open", f"not met as of {day_name(ctx.as_of)}: open, {days} day(s) left"


def _late_by(due, met: Event, tz: ZoneInfo) -> str | None:
    if isinstance(due, datetime):
        moment = _moment(met, tz)
        if moment is None:  # recorded as a date only: on time if on the due day
            return (
                None
                if met.day <= due.astimezone(tz).date()
                else f"{(met.day - due.date()).days} day(s)"
            )
        if moment <= due:
            return None
        hours = (moment - due).total_seconds() / 3600
        return f"{hours:.1f} hour(s)"
    return None if met.day <= due else f"{(met.day - due).days} day(s)"


def _beside_legal(ob: Obligation, rule: TimelineRule, legal: Obligation | None):
    """A local target is shown beside the legal deadline; later than the law is a violation."""
    if legal is None:
        return ob, None
    if legal.due is None or ob.due is None:  # nothing to compare: say so, never guess
        steps = list(ob.explanation)
        if legal.due is None and legal.status != "undetermined":
            line = (
                f"local target tightening {legal.rule}: the source states no deadline "
                f"({legal.citation}); the local target sets one"
            )
        else:
            line = (
                f"local target tightening {legal.rule}: legal deadline {_fmt(legal.due)} "
                f"({legal.citation}); the two cannot be compared"
            )
        steps.insert(-1, line)
        return evolve(ob, explanation=tuple(steps)), None
    steps = list(ob.explanation)
    steps.insert(
        -1,
        f"local target tightening {legal.rule}: "
        f"legal deadline {_fmt(legal.due)} ({legal.citation})",
    )
    ob = evolve(ob, explanation=tuple(steps))
    if _as_day(ob.due) <= _as_day(legal.due):
        return ob, None
    conflict = Violation(
        rule=rule.id,
        kind=rule.kind,
        message=(
            f"local target {_fmt(ob.due)} ({rule.citation}) is later than the legal deadline "
            f"{_fmt(legal.due)} of {legal.rule} ({legal.citation})"
        ),
        citation=f"{rule.citation}; {legal.citation}",
        layer=ob.layer,
        source=ob.source,
    )
    return ob, conflict


def _as_day(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def _fmt(value) -> str:
    """A due date for an explanation; an undetermined one says so (never a traceback)."""
    return "undetermined" if value is None else value.isoformat()


def by_due(ob: Obligation):
    due = ob.due
    day = _as_day(due) if due is not None else date.max
    return (day, ob.rule)
