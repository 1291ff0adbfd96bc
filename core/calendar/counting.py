"""Counting units: every way the law counts time, jurisdiction-neutral, each with its steps.

Conventions (docs/rules-as-data.md, "Counting units"): day 0 is the day of the trigger and the
due date is the Nth counted day after it; a due date is not moved off a weekend unless the unit
says so; counting past the days a calendar covers is an error. Every function returns a
:class:`Count`: the due moment and the sentences that explain it. Scalar counts bisect
precomputed numpy arrays of days; a unit's array form (:func:`array_form`) answers many starts
at once over the same arrays, for the batch engine (core/engine/batch.py) and the benchmarks, and
gives NaT where the scalar count raises (the count cannot be decided). :data:`UNITS` is the
registry rules count in: one :func:`unit` per way of counting, with its explanation.
"""

from __future__ import annotations

import calendar as _stdcal
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

import numpy as np
from attrs import frozen

from spedrules.core.calendar import SchoolCalendar, from_day64, to_day64
from spedrules.core.errors import CalendarError


@frozen
class Count:
    due: date | datetime
    steps: tuple[str, ...]


# Counts are pure functions of their arguments (a calendar is hashed by identity and never
# changes), and a sweep asks the same ones again and again (the same birthdays, the same trigger
# days): each one is computed once per process. Counts that depend on a student's absences are not
# memoised.
_memo = lru_cache(maxsize=65_536)


@lru_cache(maxsize=8192)
def day_name(d: date) -> str:
    """'Fri 2026-10-30': every explanation names the weekday (cached: a sweep repeats dates)."""
    return f"{d:%a} {d.isoformat()}"


def _weekend_note(cal_weekdays: tuple[int, ...], due: date) -> str:
    if due.weekday() not in cal_weekdays:
        return ": calendar days are not moved off weekends or holidays"
    return ""


@_memo
def calendar_days(start: date, n: int) -> Count:
    due = start + timedelta(days=n)
    note = _weekend_note((0, 1, 2, 3, 4), due)
    return Count(due, (f"counting {n} calendar days", f"due {day_name(due)} (day {n}){note}"))


@_memo
def anniversary(start: date, years: int = 0, months: int = 0) -> Count:
    total = start.month - 1 + months + 12 * years
    year, month = start.year + total // 12, total % 12 + 1
    last = _stdcal.monthrange(year, month)[1]
    due = date(year, month, min(start.day, last))
    span = " and ".join(
        p
        for p in (f"{years} year(s)" if years else "", f"{months} month(s)" if months else "")
        if p
    )
    steps = [f"{span} after {day_name(start)}: the same calendar date"]
    if due.day != start.day:
        steps.append(
            f"{start:%B} {start.day} does not exist in {year}: the last day of the "
            f"month, {day_name(due)}"
        )
    steps.append(f"due {day_name(due)}")
    return Count(due, tuple(steps))


def _nth_after(days: np.ndarray, start: date, n: int, cal: SchoolCalendar, what: str) -> date:
    """The Nth of ``days`` after ``start``; a count past the calendar's last school year, or
    across a school year missing from it, cannot be decided (CoverageError, never a guess)."""
    _covered(cal, start)
    i = int(np.searchsorted(days, to_day64(start), side="right")) + n - 1
    if n < 1:
        raise CalendarError(cal.source, "period", f"at least 1 {what} to count", n)
    if i >= len(days):
        raise cal.end_error(f"counting {n} {what} after {start.isoformat()}")
    due = from_day64(days[i])
    gap = cal.gap_between(start, due)
    if gap is not None:
        raise cal.gap_error(gap, f"{n} {what} after {start.isoformat()}")
    return due


def _covered(cal: SchoolCalendar, start: date) -> None:
    """A count that starts before the calendar's first school year cannot be done: the days of
    the year before (its sessions, breaks, end) are unknown, so it is not counted from the next
    first day of school as if nothing came before."""
    first = cal.coverage[0]
    if start < first:
        raise CalendarError(
            cal.source,
            "years",
            f"a school year covering {start.isoformat()} (the calendar starts {first.isoformat()})",
        )


def _closure_steps(cal: SchoolCalendar, start: date, due: date) -> list[str]:
    steps = [f"skipped: {c.name} ({c.days()})" for c in cal.closures_between(start, due)]
    for a, b in zip(cal.years, cal.years[1:], strict=False):
        if start < b.first_day and due > a.last_day:
            steps.append(
                f"days between school years {a.name} and {b.name} "
                f"({(a.last_day + timedelta(1)).isoformat()} to "
                f"{(b.first_day - timedelta(1)).isoformat()}) do not count"
            )
    return steps


@_memo
def school_days(cal: SchoolCalendar, start: date, n: int) -> Count:
    due = _nth_after(cal.instructional_days, start, n, cal, "school days")
    steps = [
        f"counting {n} school days (instructional days of {cal.name})",
        *_closure_steps(cal, start, due),
        f"due {day_name(due)} (school day {n})",
    ]
    return Count(due, tuple(steps))


@_memo
def business_days(cal: SchoolCalendar, start: date, n: int) -> Count:
    due = _nth_after(cal.business_days, start, n, cal, "business days")
    closed = [c for c in cal.office_closed_days if c.end > start and c.start <= due]
    if cal.office_marked:
        what = (
            "days the district office is open: weekends and the calendar's office closures "
            "skipped; school breaks the office works through count"
        )
        open_breaks = [
            f"counted: {c.name} ({c.days()}), school closed, district office open"
            for c in cal.closures_between(start, due)
            if not c.office_closed
        ]
    else:
        what = (
            "weekdays that are not closures; summer weekdays count; the calendar does not say "
            "which closures close the district office, so every closure is skipped"
        )
        open_breaks = []
    steps = [
        f"counting {n} business days ({what})",
        *[f"skipped: {c.name} ({c.days()})" for c in closed],
        *open_breaks,
        f"due {day_name(due)} (business day {n})",
    ]
    return Count(due, tuple(steps))


@_memo
def hours(cal: SchoolCalendar, at: datetime, n: int, reopen_rule: bool = False) -> Count:
    tz = cal.tz
    at = at if at.tzinfo else at.replace(tzinfo=tz)
    due = (at.astimezone(UTC) + timedelta(hours=n)).astimezone(tz)
    steps = [
        f"{n} hours after {day_name(at.date())} {at.astimezone(tz):%H:%M}: "
        f"{day_name(due.date())} {due:%H:%M}"
    ]
    if reopen_rule and not cal.is_instructional(due.date()):
        reopen = _nth_after(cal.instructional_days, due.date(), 1, cal, "school days")
        closed = cal.closure_on(due.date())
        why = f"{closed.name}" if closed else "no school that day"
        steps.append(
            f"school is closed on {day_name(due.date())} ({why}): due by the end of the "
            f"school day on the day school reopens, {day_name(reopen)}"
        )
        due = cal.school_day_end_at(reopen)
    steps.append(f"due {day_name(due.date())} {due:%H:%M} {due.tzname()}")
    return Count(due, tuple(steps))


@_memo
def tolled_days(
    cal: SchoolCalendar, start: date, n: int, max_vacation_school_days: int = 5
) -> Count:
    countable = cal.tolled_countable_days(max_vacation_school_days)
    due = _nth_after(countable, start, n, cal, "counted days")
    base = int(np.searchsorted(countable, to_day64(start), side="right"))

    def day_no(d: date) -> int:
        return int(np.searchsorted(countable, to_day64(d), side="right")) - base

    k = max_vacation_school_days
    steps = [
        f"counting {n} calendar days, not counting days between school years nor "
        f"vacations of more than {k} school days"
    ]
    first_counted = from_day64(countable[base])
    if first_counted > start + timedelta(days=1):
        steps.append(
            f"no school on {day_name(start + timedelta(days=1))}: the clock starts "
            f"when school reconvenes, {day_name(first_counted)} (day 1)"
        )
    for first, last, weekdays in cal.vacations:
        if last <= start or first > due:
            continue
        names = " / ".join(c.name for c in cal.closures_between(first - timedelta(1), last))
        label = (
            f"{names} {first.isoformat()} to {last.isoformat()}"
            if names
            else f"{first.isoformat()} to {last.isoformat()}"
        )
        if weekdays > k:
            before, after = first - timedelta(days=1), last + timedelta(days=1)
            steps.append(
                f"{label} has {weekdays} school days, more than {k}: clock stops after "
                f"{day_name(before)} (day {day_no(before)}) and recommences "
                f"{day_name(after)} (day {day_no(after)})"
            )
        elif names:
            noun = "school day" if weekdays == 1 else "school days"
            steps.append(f"{label} has {weekdays} {noun}, not more than {k}: counted")
    for a, b in zip(cal.years, cal.years[1:], strict=False):
        if start < b.first_day and due > a.last_day and start <= a.last_day:
            steps.append(
                f"days between school years {a.name} and {b.name} do not count: "
                f"clock stops after {day_name(a.last_day)} (day {day_no(a.last_day)}) "
                f"and recommences {day_name(b.first_day)} (day {day_no(b.first_day)})"
            )
    steps.append(f"due {day_name(due)} (day {n})")
    return Count(due, tuple(steps))


def calendar_days_in_session(
    cal: SchoolCalendar,
    start: date,
    n: int,
    absences: Iterable[date] = (),
    absence_allowance: int | None = None,
) -> Count:
    """Calendar days inside school years, not counting closures (holidays and breaks) nor the
    days between school years; with an allowance, school days missed beyond it extend the count."""
    countable = cal.session_days
    due = _nth_after(countable, start, n, cal, "days in session")
    steps = [
        f"counting {n} calendar days, not counting school holidays, breaks and summer",
        *_closure_steps(cal, start, due),
    ]
    if absence_allowance is not None:
        missed = sorted({d for d in absences if cal.is_instructional(d) and d > start})
        extra = 0
        while True:  # each extension may take in more absences; stops within len(missed) rounds
            within = [d for d in missed if d <= due]
            new_extra = max(0, len(within) - absence_allowance)
            if new_extra == extra:
                break
            extra = new_extra
            due = _nth_after(countable, start, n + extra, cal, "days in session")
        if within:
            steps.append(
                f"absent {len(within)} school day(s) in the period; "
                f"{absence_allowance} are allowed, {extra} extend the count"
            )
    steps.append(f"due {day_name(due)}")
    return Count(due, tuple(steps))


def school_days_in_attendance(
    cal: SchoolCalendar, start: date, n: int, absences: Iterable[date]
) -> Count:
    absent = np.array(sorted({to_day64(d) for d in absences}), dtype="datetime64[D]")
    days = cal.instructional_days
    attended = days[~np.isin(days, absent)] if len(absent) else days
    due = _nth_after(attended, start, n, cal, "school days in attendance")
    missed = [
        d for d in (from_day64(x) for x in absent) if start < d <= due and cal.is_instructional(d)
    ]
    steps = [
        f"counting {n} school days on which the student attended",
        *_closure_steps(cal, start, due),
        *[f"absent {day_name(d)}: not counted" for d in missed],
        f"due {day_name(due)} (school day in attendance {n})",
    ]
    return Count(due, tuple(steps))


def end_of_school_day(cal: SchoolCalendar, at: date | datetime) -> Count:
    day = at.date() if isinstance(at, datetime) else at
    found = _end_of_school_day_of(cal, day)
    if isinstance(at, datetime) and found.due.date() == day:  # a school day, and a moment in it
        moment = at if at.tzinfo else at.replace(tzinfo=cal.tz)
        if moment > found.due:
            return _end_of_day_after_school(cal, day)
    return found


@_memo
def _end_of_school_day_of(cal: SchoolCalendar, day: date) -> Count:
    """The count from a day, or a moment before its school day ends (memoised by day: every
    moment of a day gives the same count)."""
    if cal.is_instructional(day):
        due = cal.school_day_end_at(day)
        steps = [f"by the end of the school day on {day_name(day)}"]
    else:
        nxt = _nth_after(cal.instructional_days, day, 1, cal, "school days")
        due = cal.school_day_end_at(nxt)
        steps = [
            f"{day_name(day)} is not a school day: by the end of the next school day, "
            f"{day_name(nxt)}"
        ]
    steps.append(f"due {day_name(due.date())} {due:%H:%M} {due.tzname()}")
    return Count(due, tuple(steps))


@_memo
def _end_of_day_after_school(cal: SchoolCalendar, day: date) -> Count:
    """The count from a moment after the school day ``day`` ended: the end of that day."""
    due = datetime.combine(day, datetime.max.time().replace(microsecond=0), tzinfo=cal.tz)
    steps = (
        f"by the end of the school day on {day_name(day)}",
        f"it happened after the school day ended ({cal.school_day_end:%H:%M}):"
        " due by the end of that day",
        f"due {day_name(due.date())} {due:%H:%M} {due.tzname()}",
    )
    return Count(due, steps)


def within_school_days(cal: SchoolCalendar, at: date | datetime, n: int) -> Count:
    return _within_school_days_of(cal, at.date() if isinstance(at, datetime) else at, n)


@_memo
def _within_school_days_of(cal: SchoolCalendar, day: date, n: int) -> Count:
    """Memoised by day: the moment within the day does not change the count."""
    target = _nth_after(cal.instructional_days, day, n, cal, "school days")
    due = cal.school_day_end_at(target)
    steps = [
        f"within {n} school day(s) of {day_name(day)}: by the end of school day {n} after it",
        *_closure_steps(cal, day, target),
        f"due {day_name(target)} {due:%H:%M} {due.tzname()}",
    ]
    return Count(due, tuple(steps))


# ---- the unit registry: one place to add a way of counting ----------------------------------


@frozen
class Start:
    """Where a period is counted from, and what a unit may need to count it: the trigger day
    (and moment, for hours), the calendar, the case's events (absences), the birth date."""

    day: date
    at: datetime | None
    calendar: SchoolCalendar | None
    tz: Any = None  # the district's timezone: a trigger known by its day alone starts at 00:00
    events: tuple = ()  # the case's events: in-session units read its absences
    born: date | None = None  # birthday triggers: anniversaries count from the birth date
    age: int = 0
    birth_date: date | None = None  # the student's, for custom compute functions
    compute: Callable[..., Count] | None = None  # the rule's own, for unit custom


@frozen
class Unit:
    """A counting unit: its name in rule files, what it means (docs/rules-as-data.md lists
    these), whether it needs the district's calendar, and the count itself."""

    name: str
    explanation: str
    count: Callable[[Any, Start], Count]
    needs_calendar: bool = True
    # the same count for many starts at once: (period, starts, calendar, born, age) ->
    # datetime64[D] due days, NaT where the count cannot be decided; None for a period it
    # does not cover (the batch engine then calls ``count`` for each start)
    array: Callable[..., np.ndarray | None] | None = None


UNITS: dict[str, Unit] = {}


def unit(name: str, explanation: str, needs_calendar: bool = True):
    """Register ``fn(period, start) -> Count`` as the unit ``name``: rules may count in it."""

    def register(fn: Callable[[Any, Start], Count]) -> Callable[[Any, Start], Count]:
        UNITS[name] = Unit(name, explanation, fn, needs_calendar)
        return fn

    return register


def array_form(name: str):
    """Register ``fn(period, starts, calendar, born, age)`` as the array form of unit ``name``:
    the scalar count's days and rules (day 0, coverage, gaps) over many starts at once."""

    def register(fn: Callable[..., np.ndarray | None]) -> Callable[..., np.ndarray | None]:
        found = UNITS[name]
        UNITS[name] = Unit(found.name, found.explanation, found.count, found.needs_calendar, fn)
        return fn

    return register


def count_array(period: Any, starts: np.ndarray, cal, born=None, age: int = 0):
    """Due days (datetime64[D], NaT: undetermined) of ``period`` from each of ``starts``, or None
    when the unit has no array form for this period (count each start with :func:`count`)."""
    found = UNITS.get(period.unit)
    if found is None or found.array is None:
        return None
    if found.needs_calendar and cal is None:  # the scalar count raises CalendarError
        return np.full(len(starts), np.datetime64("NaT"), dtype="datetime64[D]")
    return found.array(period, starts.astype("datetime64[D]"), cal, born, age)


def count(period: Any, start: Start) -> Count:
    """Count ``period`` (an amount and a unit) from ``start`` with the registered unit."""
    found = UNITS.get(period.unit)
    if found is None:
        raise ValueError(f"unknown unit {period.unit!r}")  # prevented by the layering checks
    if found.needs_calendar and start.calendar is None:
        raise CalendarError(None, "district.calendar", f"a school calendar to count {period.unit}")
    return found.count(period, start)


def _absences(start: Start) -> list[date]:
    return [e.day for e in start.events if e.type == "absence"]


@unit("calendar_days", "calendar days after the trigger day; not moved off weekends", False)
def _calendar_days(period, start: Start) -> Count:
    return calendar_days(start.day, period.amount)


@unit("school_days", "instructional days of the district calendar")
def _school_days(period, start: Start) -> Count:
    return school_days(start.calendar, start.day, period.amount)


@unit("business_days", "days the district office is open (weekends and office closures skipped)")
def _business_days(period, start: Start) -> Count:
    return business_days(start.calendar, start.day, period.amount)


@unit("hours", "hours from the trigger moment (reopen_rule: a closed moment moves to reopening)")
def _hours(period, start: Start) -> Count:
    at = start.at or datetime.combine(start.day, time(0, 0), tzinfo=start.tz)
    return hours(start.calendar, at, period.amount, period.reopen_rule)


@unit("months", "the same date N months later (the month's last day if it has none)", False)
def _months(period, start: Start) -> Count:
    return anniversary(start.day, months=period.amount)


@unit("years", "the same date N years later; from a birthday, counted from the birth date", False)
def _years(period, start: Start) -> Count:
    if start.born is not None:
        # the 16th birthday of a child born on Feb 29 is Feb 29 in a leap year: count from birth
        return anniversary(start.born, years=start.age + period.amount)
    return anniversary(start.day, years=period.amount)


@unit(
    "tolled_days",
    "calendar days, not counting days between school sessions or vacations of more than "
    "max_vacation_school_days school days",
)
def _tolled_days(period, start: Start) -> Count:
    return tolled_days(start.calendar, start.day, period.amount, period.max_vacation_school_days)


@unit("school_days_in_attendance", "school days on which the student was not absent")
def _school_days_in_attendance(period, start: Start) -> Count:
    return school_days_in_attendance(start.calendar, start.day, period.amount, _absences(start))


@unit("end_of_school_day", "the end of the trigger's school day (or the next one)")
def _end_of_school_day(period, start: Start) -> Count:
    return end_of_school_day(start.calendar, start.at or start.day)


@unit("within_school_days", "by the end of the Nth school day after the trigger")
def _within_school_days(period, start: Start) -> Count:
    return within_school_days(start.calendar, start.at or start.day, period.amount)


@unit("after_next_year_start", "N calendar days after the first day of the next school year")
def _after_next_year_start(period, start: Start) -> Count:
    return after_next_year_start(start.calendar, start.day, period.amount)


@unit(
    "calendar_days_in_session",
    "calendar days inside school years, closures and summer excluded; absences beyond "
    "absence_allowance extend the count",
)
def _calendar_days_in_session(period, start: Start) -> Count:
    return calendar_days_in_session(
        start.calendar, start.day, period.amount, _absences(start), period.absence_allowance
    )


@unit("custom", "the rule's own compute function gives the due date (logic, not a number)", False)
def _custom(period, start: Start) -> Count:
    if start.compute is None:
        raise ValueError("unit custom without a compute function")  # a layering problem
    return start.compute(start.day, start.birth_date, start.calendar)


def after_next_year_start(cal: SchoolCalendar, day: date, n: int) -> Count:
    """N days after the first day of the school year that follows ``day``: undetermined when the
    calendar ends before it, or when a school year is missing between ``day`` and the next year
    it has (that year's start, not the one after, is the one the law means)."""
    following = [y for y in cal.years if y.first_day > day]
    what = f"the start of the school year after {day.isoformat()}"
    if not following:
        raise cal.end_error(f"finding {what}")
    year = following[0]
    gap = cal.gap_between(day, year.first_day)
    if gap is not None:
        raise cal.gap_error(gap, what)
    count = calendar_days(year.first_day, n)
    return Count(
        count.due,
        (
            f"the next regular school year {year.name} starts {day_name(year.first_day)}",
            *count.steps,
        ),
    )


def nth_after_array(days: np.ndarray, starts: np.ndarray, n: int, cal: SchoolCalendar):
    """:func:`_nth_after` for many starts: the Nth of ``days`` after each start, NaT where the
    scalar count raises (a start before the calendar, n < 1, past its end, across a gap)."""
    starts = starts.astype("datetime64[D]")
    nat = np.datetime64("NaT")
    if n < 1 or not len(days):
        return np.full(len(starts), nat, dtype="datetime64[D]")
    idx = np.searchsorted(days, starts, side="right") + (n - 1)
    ok = (starts >= to_day64(cal.coverage[0])) & (idx < len(days))
    due = days[np.minimum(idx, len(days) - 1)]
    for a, b in cal.gaps:  # the scalar rule (SchoolCalendar.gap_between), on every start at once
        ok &= ~((starts < to_day64(b.first_day)) & (due > to_day64(a.last_day)))
    return np.where(ok & ~np.isnat(starts), due, nat)


def anniversary_array(starts: np.ndarray, years: int = 0, months: int = 0) -> np.ndarray:
    """:func:`anniversary` for many starts: the same date, or the month's last day."""
    starts = starts.astype("datetime64[D]")
    month = starts.astype("datetime64[M]")
    day = (starts - month.astype("datetime64[D]")).astype(np.int64)  # 0-based day of month
    target = month + (12 * years + months)
    first = target.astype("datetime64[D]")
    length = ((target + 1).astype("datetime64[D]") - first).astype(np.int64)
    return first + np.minimum(day, length - 1)


def _strict(days: np.ndarray, starts: np.ndarray, n: int, cal: SchoolCalendar, what: str):
    due = nth_after_array(days, starts, n, cal)
    undecided = np.flatnonzero(np.isnat(due))
    if undecided.size:  # the scalar count raises its own error (end, gap, before the calendar)
        _nth_after(days, from_day64(starts.astype("datetime64[D]")[undecided[0]]), n, cal, what)
    return due


def school_days_array(cal: SchoolCalendar, starts: np.ndarray, n) -> np.ndarray:
    """Vectorised :func:`school_days`: due dates only, for many starts at once (raises as the
    scalar count does; the batch engine uses :func:`count_array`, which gives NaT instead)."""
    return _strict(cal.instructional_days, starts, n, cal, "school days")


def tolled_days_array(
    cal: SchoolCalendar, starts: np.ndarray, n, max_vacation_school_days: int = 5
) -> np.ndarray:
    """Vectorised :func:`tolled_days`: due dates only, for many starts at once."""
    days = cal.tolled_countable_days(max_vacation_school_days)
    return _strict(days, starts, n, cal, "counted days")


# ---- array forms: the units the batch engine counts for a whole partition at once ----------


@array_form("calendar_days")
def _calendar_days_array(period, starts, cal, born, age):
    return starts + period.amount


@array_form("school_days")
def _school_days_array(period, starts, cal, born, age):
    return nth_after_array(cal.instructional_days, starts, period.amount, cal)


@array_form("business_days")
def _business_days_array(period, starts, cal, born, age):
    return nth_after_array(cal.business_days, starts, period.amount, cal)


@array_form("tolled_days")
def _tolled_days_array(period, starts, cal, born, age):
    days = cal.tolled_countable_days(period.max_vacation_school_days)
    return nth_after_array(days, starts, period.amount, cal)


@array_form("calendar_days_in_session")
def _in_session_array(period, starts, cal, born, age):
    if period.absence_allowance is not None:
        return None  # absences extend the count: each student's own, counted one by one
    return nth_after_array(cal.session_days, starts, period.amount, cal)


@array_form("months")
def _months_array(period, starts, cal, born, age):
    return anniversary_array(starts, months=period.amount)


@array_form("years")
def _years_array(period, starts, cal, born, age):
    if born is not None:  # from a birthday: counted from the birth date (see _years)
        return anniversary_array(born, years=age + period.amount)
    return anniversary_array(starts, years=period.amount)
