"""Program rules: duties that depend on a group of students, evaluated over a roster.

One pass over the cases (streamed: only counts, a few ids and the matching events are kept)
groups the students who carry a program's flag by school, as of the first day of the current
school year, and gives one obligation per group and rule. The case files carry no enrollment
history, so the flag in each case stands for "in the program at the start of the year"; the
explanation says which students were counted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from zoneinfo import ZoneInfo

from attrs import evolve

from spedrules.core.calendar import SchoolCalendar, SchoolYear
from spedrules.core.calendar.counting import day_name
from spedrules.core.engine.duties import NO_DEADLINE
from spedrules.core.engine.layering import RuleSet
from spedrules.core.engine.timeline import Context, Occurrence, as_timeline, obligation
from spedrules.core.model import Case, Event, EventRef, Obligation, Student
from spedrules.core.model.rules import ProgramRule, SchoolYearStartTrigger

SHOWN_IDS = 12  # students named in an explanation; the count is always complete


def current_year(calendar: SchoolCalendar, as_of: date) -> SchoolYear | None:
    started = [y for y in calendar.years if y.first_day <= as_of]
    return started[-1] if started else None


def evaluate_programs(
    ruleset: RuleSet,
    cases: Iterable[Case],
    calendar: SchoolCalendar | None,
    tz: ZoneInfo,
    as_of: date,
) -> list[Obligation]:
    """One obligation per program rule and group (school) of the roster, as of a date."""
    entries = ruleset.of_type(ProgramRule)
    year = current_year(calendar, as_of) if calendar else None
    if not entries or year is None:
        return []
    rules = [(e, e.version_on(year.first_day)) for e in entries]
    rules = [(e, r) for e, r in rules if isinstance(r, ProgramRule)]
    counts: dict[tuple[str, str], int] = defaultdict(int)
    ids: dict[tuple[str, str], list[str]] = defaultdict(list)
    done: dict[tuple[str, str], list[Event]] = defaultdict(list)
    for case in cases:
        for entry, rule in rules:
            if rule.program not in case.student.flags:
                continue
            key = (entry.id, str(getattr(case.student, rule.group_by, None) or "unassigned"))
            counts[key] += 1
            if len(ids[key]) < SHOWN_IDS:
                ids[key].append(case.student.id)
            done[key].extend(
                e
                for e in case.events
                if year.first_day <= e.day <= as_of and any(m.matches(e) for m in rule.met_by)
            )
    found = []
    for entry, rule in rules:
        groups = sorted(g for rid, g in counts if rid == entry.id)
        for group in groups:
            key = (entry.id, group)
            found.append(
                _obligation(
                    entry, rule, group, counts[key], ids[key], done[key], year, tz, as_of, calendar
                )
            )
    return found


def _obligation(entry, rule: ProgramRule, group, count, ids, events, year, tz, as_of, calendar):
    shown = ", ".join(ids) + (f" and {count - len(ids)} more" if count > len(ids) else "")
    subject = f"{rule.program} program, {group}"
    steps = [
        f"first day of the school year {year.name}: {day_name(year.first_day)} (day 0)",
        f"{count} student(s) of {group} carry the flag {rule.program!r}: {shown}",
    ]
    ref = EventRef("school_year_start", year.first_day)
    if count <= rule.more_than:
        steps.append(f"not more than {rule.more_than}: the duty does not arise")
        return _plain(rule, "not_applicable", None, steps, ref, None, subject)
    steps.append(f"more than {rule.more_than}: the duty arises")
    events = sorted(events, key=lambda e: e.day)
    if rule.period is not None:
        timeline = as_timeline(rule, SchoolYearStartTrigger())
        occ = Occurrence(year.first_day, None, ref, None, tuple(steps))
        ctx = Context(case=Case(student=Student(id=group)), calendar=calendar, tz=tz, as_of=as_of)
        ob = obligation(entry, timeline, occ, ctx, events)
        return evolve(ob, subject=subject)
    steps.append(NO_DEADLINE)
    if events:
        first = events[0]
        steps.append(f"met by {first.type.replace('_', ' ')} on {day_name(first.day)}")
        return _plain(rule, "met", None, steps, ref, EventRef(first.type, first.day), subject)
    what = ", ".join(m.describe() for m in rule.met_by) or "the duty"
    steps.append(f"open: no {what} recorded on a case of the group since {year.first_day}")
    return _plain(rule, "open", None, steps, ref, None, subject)


def _plain(rule: ProgramRule, status, due, steps, ref, met, subject) -> Obligation:
    return Obligation.of(
        rule, status=status, due=due, steps=steps, trigger=ref, met_by=met, subject=subject
    )
