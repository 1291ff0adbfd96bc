"""The batch engine: a partition's students evaluated rule by rule over numpy arrays.

A sweep stores, per obligation, its rule, kind, trigger day, due day, status and the day of the
event that met it, and per student how long the evaluation holds (``stable_until``); it stores
no explanation (``explain``, the API and forms build one on demand with the per-case engine).
So the batch computes only those, for every student of a partition at once:

* per rule, every occurrence of its trigger (the first matching event of each day, a birthday,
  a school year's start), on the same deduplicated, date-sorted known events as
  :class:`~spedrules.core.engine.timeline.Context`;
* the due day with the unit's array form (:func:`~spedrules.core.calendar.counting.count_array`:
  the days the scalar count bisects, NaT where it cannot decide), or the unit's scalar count for
  each occurrence where a unit has no array form (a rule's own compute function);
* the first event meeting or cancelling it by one ``searchsorted`` over the partition's events,
  with the per-case rule (:func:`~spedrules.core.engine.timeline._first_after`): never the
  trigger itself, nor another occurrence of the trigger on its day;
* the status and the day the evaluation may turn (an open due day passing, a birthday or a
  school year's start coming, the first future event becoming known), with array comparisons.

What the arrays do not cover goes to the per-case engine (:func:`spedrules.core.api.evaluate`)
for that student, whole: an extension, exit or delay reason; an occurrence of a rule tightening
another, of a duty without a deadline, of a count in hours or to the end of a school day, of an
exception whose condition holds; a trigger day no version of its rule covers. A student's
incidents and meetings still ahead keep the batch for his timelines: the per-case incident and
meeting engines add their obligations (docs/batch-engine.md). Every result is therefore what
``evaluate`` gives; tests/core/test_batch.py checks it for every bundled rule on random cases
and calendars.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from datetime import date, datetime
from itertools import chain, compress
from typing import Any

import numpy as np
from attrs import frozen

from spedrules.core.calendar import DAY0, counting, to_day64
from spedrules.core.engine.adjustments import ADJUSTING
from spedrules.core.engine.incidents import evaluate_incidents
from spedrules.core.engine.layering import RuleEntry, RuleSet
from spedrules.core.engine.meetings import evaluate_meetings
from spedrules.core.engine.timeline import Context, _between_versions
from spedrules.core.model import Case, Event, Obligation
from spedrules.core.model.rules import (
    BirthdayTrigger,
    EventMatch,
    RemovalsTrigger,
    SchoolYearStartTrigger,
    TimelineRule,
    Trigger,
)

NAT = np.datetime64("NaT", "D")
NEVER = np.datetime64("9999-12-31", "D")  # stable_until when nothing can turn (date.max)
STATUSES = np.array(["open", "not_applicable", "undetermined", "late", "met", "overdue"], object)
MOMENT_UNITS = ("hours", "end_of_school_day", "within_school_days")  # due moments, not days


@frozen
class StudentResult:
    """What the sweep stores of one student's evaluation (``rows`` as obligation_row gives)."""

    rows: list[dict[str, Any]]
    stable_until: date
    future_events: int
    per_case: bool  # evaluated by the per-case engine (the batch does not cover the case)
    error: Exception | None = None  # what the per-case engine raised for this student


SPAN = 4_000_000  # more day numbers than 0001-01-01 .. 9999-12-31: student * SPAN + day is unique


@frozen
class _Events:
    """The partition's known events, one array per field, sorted by (student, day, order)."""

    student: np.ndarray  # int64 index into the partition
    day: np.ndarray  # datetime64[D]
    type: np.ndarray  # int64 code of the event type (``codes``)
    source: np.ndarray  # int64 index into ``items``: the Event, for attribute matches
    items: list  # every event of the partition's cases, in their order
    codes: dict[str, int]
    key: np.ndarray  # student * SPAN + day number: one per student-day, sorted

    def __len__(self) -> int:
        return len(self.day)

    def at(self, idx: np.ndarray) -> list[Event]:
        """The Event objects of these (known, sorted) events."""
        return list(map(self.items.__getitem__, self.source[idx].tolist()))

    def of_types(self, types) -> np.ndarray:
        wanted = [self.codes[t] for t in types if t in self.codes]
        if len(wanted) > 4:
            return np.isin(self.type, wanted)
        found = np.zeros(len(self), dtype=bool)
        for code in wanted:  # a few comparisons cost less than isin on a partition
            found |= self.type == code
        return found

    @classmethod
    def of(cls, cases: Sequence[Case], as_of: date) -> tuple[_Events, np.ndarray, np.ndarray]:
        """The events, and per student the first future event day and the future count."""
        items = list(chain.from_iterable(case.events for case in cases))
        n = len(items)
        student = np.repeat(np.arange(len(cases), dtype=np.int64), [len(c.events) for c in cases])
        codes: dict[str, int] = {}
        kind = np.fromiter((codes.setdefault(e.type, len(codes)) for e in items), np.int64, n)
        ordinal = np.fromiter(map(date.toordinal, _days(items)), np.int64, n)
        day = (ordinal - DAY0).astype("datetime64[D]")
        once = ~_repeats(items, (student * SPAN + ordinal) * len(codes) + kind)
        known = once & (day <= to_day64(as_of))
        later = student[once & ~known]
        future = np.bincount(later, minlength=len(cases)).astype(np.int64)
        first_future = np.full(len(cases), NEVER)
        np.minimum.at(first_future, later, day[once & ~known])
        keep = np.flatnonzero(known)
        key = student[keep] * SPAN + ordinal[keep]  # by student, then day
        order = np.argsort(key, kind="stable")  # stable: same-day order is kept
        keep = keep[order]
        events = cls(student[keep], day[keep], kind[keep], keep, items, codes, key[order])
        return events, first_future, future

    def matching(self, matches: tuple[EventMatch, ...], memo: dict) -> np.ndarray:
        """Which events match any of ``matches`` (type, then the attributes asked for); each
        match is tested once per partition, however many rules use it."""
        found = np.zeros(len(self), dtype=bool)
        for m in matches:
            hit = memo.get(m)
            if hit is None:
                hit = self.of_types((m.type,))
                for key, allowed in m.where.items():  # EventMatch.matches, a column at a time
                    idx, codes, values = self.column(m.type, key, memo)
                    # ``in allowed`` once per distinct value: equal values give the same answer
                    ok = np.fromiter(map(allowed.__contains__, values), bool, len(values))
                    hit[idx] &= ok[codes] if codes is not None else ok
                memo[m] = hit
            found |= hit
        return found

    def column(self, type_: str, key: str, memo: dict) -> tuple[np.ndarray, Any, list]:
        """The events of one type (their index), reading their ``key`` detail once per
        partition: its distinct values and each event's value as an index into them (or, for
        values that cannot be told apart by hashing, the values themselves)."""
        found = memo.get((type_, key))
        if found is None:
            idx, details = self._details(type_, memo)
            values = [d.get(key) for d in details]
            try:
                distinct = list(dict.fromkeys(values))  # equal values are one entry
            except TypeError:  # an unhashable value (a list): each tested on its own
                found = idx, None, values
            else:
                place = {v: i for i, v in enumerate(distinct)}
                codes = np.fromiter(map(place.__getitem__, values), np.int64, len(values))
                found = idx, codes, distinct
            memo[(type_, key)] = found
        return found

    def _details(self, type_: str, memo: dict) -> tuple[np.ndarray, list[dict]]:
        """The events of one type and their details (gathered once for all their columns)."""
        found = memo.get((type_, None, "details"))
        if found is None:
            idx = np.flatnonzero(self.of_types((type_,)))
            found = memo[(type_, None, "details")] = idx, list(map(_DETAILS, self.at(idx)))
        return found


_DATE = operator.attrgetter("date")
_DETAILS = operator.attrgetter("details")
_MOMENT = operator.attrgetter("at")


def _days(items: list[Event]) -> list[date]:
    """``Event.day`` of each event (the moment's day where one was recorded), without a
    Python call per event."""
    days = list(map(_DATE, items))
    moments = list(map(_MOMENT, items))
    for i in compress(range(len(items)), moments):
        days[i] = moments[i].date()
    return days


def _repeats(items: list[Event], fact: np.ndarray) -> np.ndarray:
    """Which events repeat an equal earlier event of their case (equal events are one fact, as
    in Context). Equal events share student, day and type (one ``fact`` number), so only events
    sharing those are compared (cheaper than hashing every event)."""
    repeated = np.zeros(len(items), dtype=bool)
    order = np.argsort(fact, kind="stable")  # each group of one fact in the cases' order
    ordered = fact[order]
    joins = ordered[1:] == ordered[:-1]  # shares its fact with the event before it
    if not joins.any():
        return repeated
    opens = np.flatnonzero(np.r_[True, ~joins])
    group = opens[np.cumsum(np.r_[True, ~joins]) - 1]  # where each event's group opens
    for p in (np.flatnonzero(joins) + 1).tolist():
        event = items[order[p]]
        if any(items[i] == event for i in order[group[p] : p].tolist()):
            repeated[order[p]] = True
    return repeated


@frozen
class _Occurrences:
    """Occurrences of one rule's trigger: student, day, and for birthdays the birth date and
    age (a period in years counts from the birth date)."""

    student: np.ndarray
    day: np.ndarray
    born: np.ndarray | None = None
    age: int = 0
    event: np.ndarray | None = None  # removals: the event that is the occurrence

    def take(self, keep: np.ndarray) -> _Occurrences:
        born = self.born[keep] if self.born is not None else None
        event = self.event[keep] if self.event is not None else None
        return _Occurrences(self.student[keep], self.day[keep], born, self.age, event)


class _Batch:
    """One partition's evaluation in progress: the arrays, and what each student gets."""

    def __init__(self, district, cases: Sequence[Case], as_of: date, keys: Sequence[Any]):
        self.ruleset: RuleSet = district.ruleset
        self.calendar = district.calendar
        self.tz = district.tz
        self.cases = cases
        self.keys = keys
        self.as_of = as_of
        self.as_of64 = to_day64(as_of)
        self.events, self.turn, self.future = _Events.of(cases, as_of)
        self.memo: dict = {}
        self.per_case = np.zeros(len(cases), dtype=bool)
        self.blocks: list[_Block] = []  # the obligations found, one block per rule version
        self.has_iep = self._has_iep()
        self.records = [  # incidents or meetings ahead: the per-case engines add those
            s
            for s, case in enumerate(cases)
            if case.incidents or any(self._ahead(m) for m in case.meetings)
        ]

    # -- students the arrays do not cover -----------------------------------------------------

    def mark_uncovered(self) -> None:
        """Students with a record the per-case engine alone handles (see the module docstring)."""
        ev = self.events
        adjusting = ev.of_types(ADJUSTING)
        self.per_case[ev.student[adjusting]] = True

    def _ahead(self, meeting) -> bool:
        """A meeting on the calendar gives prep obligations (meetings.on_calendar)."""
        return meeting.start.date() >= self.as_of or meeting.details.get("status") == "scheduled"

    def _has_iep(self) -> np.ndarray:
        ev = self.events
        has = np.zeros(len(self.cases), dtype=bool)
        held = ev.of_types(("iep_meeting_held",))
        idx, codes, values = ev.column("eligibility_determined", "eligible", self.memo)
        found = np.fromiter(map(bool, values), bool, len(values))  # a determination of "yes"
        held[idx] = found[codes] if codes is not None else found
        has[ev.student[held]] = True
        return has

    # -- occurrences ----------------------------------------------------------------------------

    def occurrences(self, entry: RuleEntry) -> _Occurrences | None:
        """Each time the rule's trigger happened, or None when the batch does not count this
        trigger (its students, if any can trigger it, are evaluated per case)."""
        trigger = entry.latest.trigger
        eligible = self.has_iep if entry.latest.requires_iep else None
        if isinstance(trigger, BirthdayTrigger):
            return self._birthdays(trigger.age, eligible)
        if isinstance(trigger, SchoolYearStartTrigger):
            return self._year_starts(eligible)
        if isinstance(trigger, RemovalsTrigger):
            return self._removals(trigger.school_days, eligible)
        if not isinstance(trigger, Trigger):  # a trigger type the batch does not know
            self._uncover_triggerable(trigger, eligible)
            return None
        ev = self.events
        hit = self.events.matching(trigger.events, self.memo)
        if eligible is not None:
            hit &= eligible[ev.student]
        idx = np.flatnonzero(hit)
        if not idx.size:
            return _Occurrences(idx, ev.day[idx])
        key = ev.key[idx]  # sorted: the first of each student-day is where the key changes
        idx = idx[np.r_[True, key[1:] != key[:-1]]]
        return _Occurrences(ev.student[idx], ev.day[idx])

    def trigger_mask(self, trigger, occ: _Occurrences) -> np.ndarray:
        """Events that are an occurrence of the trigger (never meet one on its day)."""
        if isinstance(trigger, Trigger):
            return self.events.matching(trigger.events, self.memo)
        hit = np.zeros(len(self.events), dtype=bool)  # no event is a birthday
        if occ.event is not None:
            hit[occ.event] = True  # a removal is its own occurrence only
        return hit

    def _removals(self, threshold: int, eligible) -> _Occurrences:
        """timeline._removals over the partition: per student and school year (or calendar
        year outside one), the removal whose running total of days first passes ``threshold``."""
        ev = self.events
        hit = ev.of_types(("disciplinary_removal",))
        if eligible is not None:
            hit &= eligible[ev.student]
        idx = np.flatnonzero(hit)
        try:
            removed = np.array([int(e.get("days", 1)) for e in ev.at(idx)], dtype=np.int64)
        except (TypeError, ValueError):  # the per-case engine raises it for that student
            self.per_case[ev.student[idx]] = True
            return _Occurrences(idx[:0], ev.day[idx[:0]])
        group = ev.student[idx] * 1_000_000 + self._year_keys(ev.day[idx])
        order = np.argsort(group, kind="stable")  # per group, in the events' date order
        idx, group, removed = idx[order], group[order], removed[order]
        total = np.cumsum(removed)
        starts = np.r_[True, group[1:] != group[:-1]] if group.size else group.astype(bool)
        first = np.maximum.accumulate(np.where(starts, np.arange(len(group)), 0))
        running = total - (total - removed)[first]
        over = np.flatnonzero(running > threshold)
        _, once = np.unique(group[over], return_index=True)
        idx = idx[over[once]]
        return _Occurrences(ev.student[idx], ev.day[idx], event=idx)

    def _year_keys(self, days: np.ndarray) -> np.ndarray:
        """The school year holding each day (its index), else 100000 + the calendar year."""
        key = 100_000 + days.astype("datetime64[Y]").astype(np.int64)
        for i, year in enumerate(self.calendar.years if self.calendar else ()):
            inside = (days >= to_day64(year.first_day)) & (days <= to_day64(year.last_day))
            key = np.where(inside & (key >= 100_000), i, key)  # the first year holding it
        return key

    def _uncover_triggerable(self, trigger, eligible) -> None:
        ev = self.events
        needed = trigger.needed_types()
        can = ev.of_types(needed) if needed else None
        if can is None:
            self.per_case[eligible if eligible is not None else slice(None)] = True
            return
        if eligible is not None:
            can &= eligible[ev.student]
        self.per_case[ev.student[can]] = True

    def _birthdays(self, age: int, eligible) -> _Occurrences:
        born = self._birth_dates()
        students = np.arange(len(self.cases))
        if eligible is not None:
            students, born = students[eligible], born[eligible]
        has = ~np.isnat(born)
        students, born = students[has], born[has]
        jan1 = (born.astype("datetime64[Y]") + age).astype("datetime64[D]")
        day = counting.anniversary_array(born, years=age)
        early = jan1 > self.as_of64  # not that old yet, whatever the day: turns on January 1
        self.turn_at(students[early], jan1[early])
        coming = ~early & (day > self.as_of64)
        self.turn_at(students[coming], day[coming])
        reached = ~early & ~coming
        return _Occurrences(students[reached], day[reached], born[reached], age)

    def _birth_dates(self) -> np.ndarray:
        """Each student's birth date (NaT: none), made once for every birthday rule (from day
        numbers: numpy converts date objects one at a time, slowly)."""
        born = self.memo.get("born")
        if born is None:
            dates = [c.student.birth_date for c in self.cases]
            if all(type(d) is date or d is None for d in dates):
                ordinal = np.array([d.toordinal() if d else DAY0 for d in dates], dtype=np.int64)
                born = (ordinal - DAY0).astype("datetime64[D]")
                born[[d is None for d in dates]] = NAT
            else:  # a datetime or another type: as numpy reads it
                born = np.array([d or NAT for d in dates], dtype="datetime64[D]")
            self.memo["born"] = born
        return born.copy()

    def _year_starts(self, eligible) -> _Occurrences:
        students = np.arange(len(self.cases))
        if eligible is not None:
            students = students[eligible]
        firsts = [to_day64(y.first_day) for y in (self.calendar.years if self.calendar else ())]
        reached = [d for d in firsts if d <= self.as_of64]
        later = [d for d in firsts if d > self.as_of64]
        if later:
            self.turn_at(students, np.full(len(students), min(later)))
        days = np.array(reached, dtype="datetime64[D]")
        return _Occurrences(np.repeat(students, len(days)), np.tile(days, len(students)))

    def turn_at(self, students: np.ndarray, days: np.ndarray) -> None:
        """The evaluation of these students may differ from these as-of dates on."""
        if students.size:
            np.minimum.at(self.turn, students, days)

    # -- the first event after each occurrence --------------------------------------------------

    def first_after(self, matches, occ: _Occurrences, trigger_hit: np.ndarray) -> np.ndarray:
        """Per occurrence, the index of the first event matching ``matches`` on or after its
        day that is not an occurrence of the trigger on that day (-1: none)."""
        found = np.full(len(occ.day), -1, dtype=np.int64)
        if not matches or not occ.day.size:
            return found
        ev = self.events
        idx = np.flatnonzero(ev.matching(matches, self.memo))
        if not idx.size:
            return found
        span = np.int64(2 * SPAN)
        # per student and day, key 2*day for an event that may meet its trigger day's
        # occurrence, 2*day+1 for one that is itself an occurrence of the trigger
        keys = 2 * ev.key[idx] + trigger_hit[idx]
        order = np.argsort(keys, kind="stable")
        keys, idx = keys[order], idx[order]
        wanted = occ.student * span + 2 * _number(occ.day)
        pos = np.searchsorted(keys, wanted, side="left")
        at = np.minimum(pos, len(keys) - 1)
        skip = (pos < len(keys)) & (keys[at] == wanted + 1)  # the trigger's own kind that day
        pos = np.where(skip, np.searchsorted(keys, wanted + 2, side="left"), pos)
        at = np.minimum(pos, len(keys) - 1)
        same = (pos < len(keys)) & (keys[at] // span == occ.student)
        return np.where(same, idx[at], -1)


def _number(days: np.ndarray) -> np.ndarray:
    return days.astype(np.int64) + DAY0


def evaluate_partition(
    district, cases: Sequence[Case], as_of: date, keys: Sequence[Any] | None = None
) -> BatchResult:
    """The partition's results as of ``as_of``, equal to :func:`api.evaluate`'s for each
    student (as columns; :meth:`BatchResult.rows` gives the store's rows with ``keys[i]`` as
    each student's key)."""
    keys = list(keys) if keys is not None else list(range(len(cases)))
    batch = _Batch(district, cases, as_of, keys)
    batch.mark_uncovered()
    try:
        for entry in batch.ruleset.of_type(TimelineRule):
            _evaluate_rule(batch, entry)
    except Exception:  # a case the arrays cannot take (a bug of ours): all per case, exactly
        batch.per_case[:] = True
        batch.blocks.clear()
    return _result(batch, district)


def evaluate_batch(
    district, cases: Sequence[Case], as_of: date, keys: Sequence[Any] | None = None
) -> list[StudentResult]:
    """Per student, what :func:`evaluate_partition` found (rows keyed by ``keys``, by default
    the case's index)."""
    return evaluate_partition(district, cases, as_of, keys).students()


def _evaluate_rule(batch: _Batch, entry: RuleEntry) -> None:
    occ = batch.occurrences(entry)
    if occ is None or not occ.day.size:
        return
    if entry.tightens or (entry.exception_to and entry.latest.applies_when is None):
        batch.per_case[occ.student] = True  # needs the other rule's obligation: per case
        return
    for rule, part in _by_version(batch, entry, occ):
        if rule.trigger != entry.latest.trigger:  # a version with its own trigger: per case
            batch.per_case[part.student] = True
            continue
        if rule.applies_when is not None:
            part = part.take(_condition_holds(batch, rule, part.day))
            if entry.exception_to:  # an exception that applies displaces its base: per case
                batch.per_case[part.student] = True
                continue
        if not part.day.size:
            continue
        if rule.period is None or rule.arises_after is not None or rule.period.unit in MOMENT_UNITS:
            batch.per_case[part.student] = True  # duties without deadlines, due moments
            continue
        _obligations(batch, entry, rule, part)


def _by_version(batch: _Batch, entry: RuleEntry, occ: _Occurrences):
    """The occurrences under each version of the rule in force on their trigger day (the first
    in force, as ``RuleEntry.version_on``), in the order of their first trigger day; a day
    between versions that none covers goes per case (it says no version is known)."""
    chosen = np.full(len(occ.day), -1, dtype=np.int64)
    for k, version in enumerate(entry.versions):
        inside = _in_force(version, occ.day) & (chosen < 0)
        chosen[inside] = k
    unknown = chosen < 0
    if unknown.any():
        days = np.unique(occ.day[unknown])
        between = [d for d in days.astype(object).tolist() if _between_versions(entry, d)]
        if between:
            among = np.isin(occ.day, np.array(between, dtype="datetime64[D]"))
            batch.per_case[occ.student[unknown & among]] = True
    found = [k for k in range(len(entry.versions)) if (chosen == k).any()]
    first = {k: occ.day[chosen == k].min() for k in found}
    for k in sorted(found, key=first.__getitem__):
        rule = entry.versions[k]
        if isinstance(rule, TimelineRule):
            yield rule, occ.take(chosen == k)


def _in_force(rule, days: np.ndarray) -> np.ndarray:
    """``rule.in_force`` over many days."""
    inside = np.ones(len(days), dtype=bool)
    if rule.effective_from is not None:
        inside &= days >= to_day64(rule.effective_from)
    if rule.effective_to is not None:
        inside &= days <= to_day64(rule.effective_to)
    return inside


def _condition_holds(batch: _Batch, rule: TimelineRule, days: np.ndarray) -> np.ndarray:
    """timeline._condition_steps over many days: within N days of its school year's end."""
    limit = rule.applies_when.days_before_year_end_at_most
    holds = np.zeros(len(days), dtype=bool)
    for year in batch.calendar.years if batch.calendar else ():
        first, last = to_day64(year.first_day), to_day64(year.last_day)
        inside = (days >= first) & (days <= last)
        holds |= inside & ((last - days).astype(np.int64) <= limit)
    return holds


def _obligations(batch: _Batch, entry: RuleEntry, rule: TimelineRule, occ: _Occurrences):
    """Due days, what met or cancelled each occurrence, statuses: the rows of one version."""
    due = _due(batch, rule, occ)
    hit = batch.trigger_mask(rule.trigger, occ)
    met = batch.first_after(rule.met_by, occ, hit)
    cancelled = batch.first_after(rule.cancelled_by, occ, hit)
    day = batch.events.day
    met_day = np.where(met >= 0, day[np.maximum(met, 0)], NAT)
    cancel_day = np.where(cancelled >= 0, day[np.maximum(cancelled, 0)], NAT)
    has_met, has_cancel = met >= 0, cancelled >= 0
    na = has_cancel & (~has_met | (cancel_day <= met_day))
    undecided = ~na & np.isnat(due)
    done = ~na & ~undecided & has_met
    late = done & (met_day > due)
    overdue = ~na & ~undecided & ~has_met & (due < batch.as_of64)
    still_open = ~na & ~undecided & ~has_met & ~overdue
    batch.turn_at(occ.student[still_open], due[still_open] + 1)
    # an index into STATUSES, open unless one holds; set from the last of the per-case
    # engine's order (cancelled, undetermined, late, met, overdue) to the first, which wins
    code = np.zeros(len(due), dtype=np.int64)
    for k, holds in ((5, overdue), (4, done), (3, late), (2, undecided), (1, na)):
        code[holds] = k
    status = STATUSES[code]
    ended = np.where(na, cancel_day, met_day)
    batch.blocks.append(_Block(rule, occ.student, occ.day, due, status, ended))


def _due(batch: _Batch, rule: TimelineRule, occ: _Occurrences) -> np.ndarray:
    """The due days by the unit's array form, or its scalar count for each occurrence."""
    due = counting.count_array(rule.period, occ.day, batch.calendar, occ.born, occ.age)
    if due is not None:
        return due
    due = np.full(len(occ.day), NAT)
    for i, (s, day) in enumerate(zip(occ.student.tolist(), occ.day.astype(object), strict=True)):
        case = batch.cases[s]
        start = counting.Start(
            day=day,
            at=None,
            calendar=batch.calendar,
            tz=batch.tz,
            events=case.events,
            born=occ.born[i].astype(object) if occ.born is not None else None,
            age=occ.age,
            birth_date=case.student.birth_date,
            compute=rule.compute,
        )
        try:
            value = counting.count(rule.period, start).due
        except counting.CalendarError:
            continue  # undetermined, as the per-case engine says
        except Exception:  # the per-case engine raises it again and records it on the run
            batch.per_case[s] = True
            continue
        if isinstance(value, datetime):
            batch.per_case[s] = True  # a due moment: compared by the per-case engine
            continue
        due[i] = to_day64(value)
    return due


def stored_row(
    student_pk,
    rule: str,
    kind: str,
    status: str,
    due: date | datetime | None,
    responsible: str | None = None,
    subject: str | None = None,
    trigger_day: date | None = None,
    met_day: date | None = None,
    delay_reason: str | None = None,
    stopped_on: date | None = None,
) -> dict[str, Any]:
    """One obligation as the store keeps it (a run's ``obligations`` row)."""
    return {
        "student_pk": student_pk,
        "rule": rule,
        "kind": kind,
        "status": status,
        "due": due.isoformat() if due is not None else None,
        "due_day": due.date() if isinstance(due, datetime) else due,
        "responsible": responsible,
        "subject": subject,
        "trigger_day": trigger_day,
        "met_day": met_day,
        "delay_reason": delay_reason,
        "stopped_on": stopped_on,
        "sequence": 0,
    }


def obligation_row(student_pk, ob: Obligation) -> dict[str, Any]:
    """The stored row of an obligation of the per-case engine."""
    return stored_row(
        student_pk,
        ob.rule,
        ob.kind,
        ob.status,
        ob.due,
        ob.responsible,
        ob.subject,
        ob.trigger.date if ob.trigger else None,
        ob.met_by.date if ob.met_by else None,
        ob.delay_reason,
        ob.stopped_on,
    )


ROW_FIELDS = tuple(stored_row(None, "", "", "", None))  # a stored row's fields, in order


@frozen
class Rows:
    """Obligation rows as columns, one list per field of :func:`stored_row` (ROW_FIELDS): a
    partition's many thousand obligations built, sequenced and written without a mapping
    each (the mappings and reading them back cost more than evaluating)."""

    columns: dict[str, list]

    def __len__(self) -> int:
        return len(self.columns["student_pk"])

    def dicts(self) -> list[dict[str, Any]]:
        names = list(self.columns)
        together = zip(*self.columns.values(), strict=True)
        return [dict(zip(names, values, strict=True)) for values in together]

    def replaced(self, name: str, values: list) -> Rows:
        """The same rows with the column ``name`` given."""
        return Rows({**self.columns, name: values})


def _append_rows(found: dict[str, list], rows) -> None:
    for row in rows:
        for name, column in found.items():
            column.append(row[name])


@frozen
class _Block:
    """The obligations of one rule version for some students of a partition, as columns."""

    rule: TimelineRule
    student: np.ndarray
    trigger_day: np.ndarray
    due: np.ndarray  # datetime64[D], NaT: undetermined
    status: np.ndarray
    ended: np.ndarray  # the day of the event that met or cancelled it, NaT: none


@frozen
class BatchResult:
    """A partition's evaluation: the batch's columns, the per-case engine's evaluations of the
    students it does not cover, and per student when the evaluation may turn."""

    keys: list
    blocks: list[_Block]
    per_case: dict[int, Any]  # student index -> Evaluation, or the exception it raised
    stable_until: list[date]
    future_events: list[int]
    records: dict[int, list[Obligation]]  # batch students' incident and meeting obligations

    def rows(self) -> list[dict[str, Any]]:
        """Every obligation as the store keeps it (obligation_row's format)."""
        return self.columns().dicts()

    def columns(self) -> Rows:
        """The same as columns: what the sweep writes, without a mapping per obligation."""
        found: dict[str, list] = {name: [] for name in ROW_FIELDS}
        texts = _IsoDays({None: None})  # many obligations share a due day
        for block in self.blocks:
            self._block_columns(block, found, texts)
        for s, obligations in self.records.items():
            _append_rows(found, (obligation_row(self.keys[s], ob) for ob in obligations))
        for s, result in self.per_case.items():
            if not isinstance(result, Exception):
                _append_rows(found, (obligation_row(self.keys[s], ob) for ob in result.obligations))
        return Rows(found)

    def _block_columns(self, block: _Block, found: dict[str, list], texts: _IsoDays) -> None:
        """A block's obligations appended to ``found``: the rule's fields repeated, each
        obligation's own from the block's arrays (the due day's text made once per day), the
        students the per-case engine evaluated left out (their rows come from it)."""
        rule, keep = block.rule, slice(None)
        if self.per_case:
            keep = ~np.isin(block.student, list(self.per_case))
        students = block.student[keep].tolist()
        n = len(students)
        dues = block.due[keep].tolist()  # dates, None for NaT
        found["student_pk"] += map(self.keys.__getitem__, students)
        found["rule"] += [rule.id] * n
        found["kind"] += [rule.kind] * n
        found["status"] += block.status[keep].tolist()
        found["due"] += map(texts.__getitem__, dues)
        found["due_day"] += dues
        found["responsible"] += [rule.responsible or None] * n
        found["trigger_day"] += block.trigger_day[keep].tolist()
        found["met_day"] += block.ended[keep].tolist()
        for name in ("subject", "delay_reason", "stopped_on"):
            found[name] += [None] * n
        found["sequence"] += [0] * n

    def students(self) -> list[StudentResult]:
        """The same per student (rows carry the keys the partition was given)."""
        mine: dict[Any, list] = {key: [] for key in self.keys}
        for row in self.rows():
            mine[row["student_pk"]].append(row)
        found = []
        for s, key in enumerate(self.keys):
            done = self.per_case.get(s)
            if done is None:
                found.append(
                    StudentResult(mine[key], self.stable_until[s], self.future_events[s], False)
                )
            elif isinstance(done, Exception):
                found.append(StudentResult([], date.max, 0, True, done))
            else:
                found.append(StudentResult(mine[key], done.stable_until, done.future_events, True))
        return found

    def provenance(self) -> dict[tuple[str, str], dict[str, Any]]:
        """(rule, kind) -> the provenance of every rule that gave an obligation."""
        found = {}
        for block in self.blocks:
            if any(s not in self.per_case for s in block.student.tolist()):
                found[(block.rule.id, block.rule.kind)] = _rule_provenance(block.rule)
        done = [r.obligations for r in self.per_case.values() if not isinstance(r, Exception)]
        for obligations in (*self.records.values(), *done):
            for ob in obligations:
                found.setdefault((ob.rule, ob.kind), provenance(ob))
        return found

    def error(self, s: int) -> Exception | None:
        found = self.per_case.get(s)
        return found if isinstance(found, Exception) else None


class _IsoDays(dict):
    """Day -> ``day.isoformat()``, made on first asking (None stays None)."""

    def __missing__(self, day: date) -> str:
        self[day] = text = day.isoformat()
        return text


def provenance(ob: Obligation) -> dict[str, Any]:
    """What a run records of the rule behind an obligation (its provenance)."""
    return {
        "rule": ob.rule,
        "kind": ob.kind,
        "title": ob.title,
        "citation": ob.citation,
        "layer": ob.layer,
        "source": ob.source,
    }


def _rule_provenance(rule: TimelineRule) -> dict[str, Any]:
    """The same for a rule the batch evaluated, stamped as Obligation.of stamps it."""
    return provenance(Obligation.of(rule, status="open", due=None, steps=()))


def _result(batch: _Batch, district) -> BatchResult:
    from spedrules.core.api import evaluate  # the api module imports the engines

    records = _record_obligations(batch, district)
    per_case: dict[int, Any] = {}
    for s in np.flatnonzero(batch.per_case).tolist():
        try:
            per_case[s] = evaluate(district, batch.cases[s], batch.as_of)
        except Exception as exc:  # one student never ends a sweep: the caller records it
            per_case[s] = exc
    for s, result in per_case.items():
        if not isinstance(result, Exception):
            batch.turn[s] = to_day64(result.stable_until)
            batch.future[s] = result.future_events
    return BatchResult(
        batch.keys,
        batch.blocks,
        per_case,
        batch.turn.astype(object).tolist(),
        batch.future.tolist(),
        records,
    )


def _record_obligations(batch: _Batch, district) -> dict[int, list[Obligation]]:
    """The obligations of incidents and of meetings ahead, by the per-case engines, for the
    students the batch covers otherwise (with no extension, exit or delay, api.evaluate adds
    them unchanged); with the days they may turn and the incidents not yet known."""
    found: dict[int, list[Obligation]] = {}
    for s in batch.records:
        if batch.per_case[s]:
            continue
        case = batch.cases[s]
        ctx = Context(case=case, calendar=batch.calendar, tz=batch.tz, as_of=batch.as_of)
        try:
            obligations = evaluate_incidents(batch.ruleset, ctx, violations_too=False)[0]
            obligations += evaluate_meetings(batch.ruleset, ctx, violations_too=False)[0]
        except Exception:  # the per-case engine raises it again and records it on the run
            batch.per_case[s] = True
            continue
        found[s] = obligations
        batch.turn[s] = min(batch.turn[s], to_day64(ctx.stable_until()))
        batch.future[s] += sum(1 for i in case.incidents if i.started_at.date() > batch.as_of)
    return found
