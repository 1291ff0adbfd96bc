"""School calendars: school years, instructional days, named closures, school-day hours.

A calendar is loaded once and precomputes sorted numpy arrays of its instructional days (and,
per tolling threshold, of the days a California clock counts), so every count is a bisection,
never a day-by-day loop. Counting past the days a calendar covers is an error, not a guess.

Formats (docs/file-formats.md): YAML with ``years`` (first_day, last_day, closures as
``{name, date}`` or ``{name, start, end}``), ``school_day`` start/end, ``weekdays``, ``timezone``;
or iCalendar (.ics), read by this convention:

* every all-day VEVENT is a closure named by its SUMMARY; DTEND is exclusive (RFC 5545), so the
  closure's last day is DTEND - 1; without DTEND it is one day;
* a VEVENT whose SUMMARY says "first day of school" / "first instructional day" sets a year's
  first day, "last day of school" / "last instructional day" its last day; several years in one
  file pair these events in date order; closures belong to the year that contains them;
* or pass ``first_day``/``last_day`` to :meth:`SchoolCalendar.from_ics` for a single year;
* the timezone comes from ``X-WR-TIMEZONE`` (or the ``timezone`` argument), the name from
  ``X-WR-CALNAME`` (or the file name); school-day hours default to 08:00-15:00;
* the district office (business days): an all-day VEVENT with ``CATEGORIES:OFFICE-CLOSED`` is a
  closure that also closes the office (outside the school years, in summer, it closes only the
  office); one with ``CATEGORIES:OFFICE-ONLY`` closes the office while school is open (it is not
  a school closure). Either one in a file opts the calendar in, as below.

Business days (EC 56504's five, and the like) are the days the district office is open. A
calendar that marks nothing keeps the old meaning: weekdays that are not closures, summer
weekdays included. A calendar that opts in (a closure with ``office_closed: true|false`` or a
top-level ``office_closures:`` list, even empty; the .ics categories above) counts weekdays
minus the closures marked ``office_closed: true`` and minus ``office_closures``: a school
break the office works through counts. See docs/calendars.md.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import date, datetime, time
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from attrs import field, frozen

from spedrules.core.errors import CalendarError
from spedrules.core.files import read_data
from spedrules.core.model.convert import Expected, parse_date, parse_time

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_START, DEFAULT_END = time(8, 0), time(15, 0)
# No summer lasts half a year: more days than this between two school years of a calendar means
# a school year is missing from it (2026-27 then 2028-29), not a long summer.
MAX_SUMMER_DAYS = 183


class CoverageError(CalendarError):
    """A count the calendar cannot decide: it runs past the calendar's last school year, or across
    a school year missing between two others. ``reason`` is the sentence an explanation gives
    ("the calendar lacks the 2027-28 school year ..."); the message adds the file."""

    def __init__(self, file: Any, reason: str):
        self.reason = reason
        super().__init__(file, "years", reason)

    def _message(self) -> str:
        return ": ".join(p for p in (self.file, self.field, self.reason) if p)


@frozen
class Closure:
    name: str
    start: date
    end: date  # inclusive; a single day has start == end
    office_closed: bool = False  # the district office is closed too (business days skip it)

    def days(self) -> str:
        if self.start == self.end:
            return self.start.isoformat()
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


@frozen
class SchoolYear:
    name: str
    first_day: date
    last_day: date
    closures: tuple[Closure, ...] = ()


DAY0 = date(1970, 1, 1).toordinal()  # datetime64[D]'s day 0 as a date ordinal


def to_day64(d: date) -> np.datetime64:
    if type(d) is date:  # from its day number: numpy reads a date object ~8x slower
        return np.datetime64(d.toordinal() - DAY0, "D")
    return np.datetime64(d, "D")


def from_day64(d: np.datetime64) -> date:
    return d.astype("datetime64[D]").astype(date)


@frozen(eq=False)
class SchoolCalendar:
    name: str
    timezone: str
    school_day_start: time
    school_day_end: time
    weekdays: tuple[int, ...]  # 0 = Monday
    years: tuple[SchoolYear, ...]
    source: str | None = None
    # days the district office is closed besides the closures marked office_closed (school
    # open, or in summer); office_marked: the calendar says which days the office is closed
    office_closures: tuple[Closure, ...] = ()
    office_marked: bool = False
    _tolled: dict = field(factory=dict, init=False, repr=False)

    # ---- loading -------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path) -> SchoolCalendar:
        path = Path(path)
        if path.suffix.lower() == ".ics":
            return cls.from_ics(path)
        return cls.from_dict(read_data(path, "a calendar: a mapping with 'years'"), str(path))

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str | None = None) -> SchoolCalendar:
        def err(fld: str, expected: str, got: Any = ...) -> CalendarError:
            return CalendarError(source, fld, expected, got)

        name = data.get("name", Path(source).stem if source else "calendar")
        tz = data.get("timezone")
        if not isinstance(tz, str):
            raise err("timezone", "an IANA timezone such as America/Los_Angeles", tz)
        school_day = data.get("school_day", {"start": "08:00", "end": "15:00"})
        if not isinstance(school_day, dict):
            raise err("school_day", "a mapping {start: HH:MM, end: HH:MM}", school_day)
        start = _time(school_day.get("start"), err, "school_day.start")
        end = _time(school_day.get("end"), err, "school_day.end")
        if end <= start:
            raise err("school_day.end", f"a time after the start {start:%H:%M}", f"{end:%H:%M}")
        weekdays = data.get("weekdays", list(WEEKDAY_NAMES[:5]))
        if not isinstance(weekdays, list) or not weekdays:
            raise err("weekdays", "a list of day names mon..sun", weekdays)
        days = []
        for i, wd in enumerate(weekdays):
            if not isinstance(wd, str) or wd.lower()[:3] not in WEEKDAY_NAMES:
                raise err(f"weekdays[{i}]", "one of mon, tue, wed, thu, fri, sat, sun", wd)
            days.append(WEEKDAY_NAMES.index(wd.lower()[:3]))
        raw_years = data.get("years")
        if not isinstance(raw_years, list) or not raw_years:
            raise err("years", "a non-empty list of school years", raw_years)
        years = [_year(y, i, err) for i, y in enumerate(raw_years)]
        keys = ("name", "timezone", "school_day", "weekdays", "years", "office_closures")
        unknown = set(data) - set(keys)
        if unknown:
            raise err(sorted(unknown)[0], f"one of {', '.join(keys)}")
        raw_office = data.get("office_closures", [])
        if not isinstance(raw_office, list):
            raise err("office_closures", "a list of {name, date} or {name, start, end}", raw_office)
        office = [_closure(c, f"office_closures[{j}]", err) for j, c in enumerate(raw_office)]
        marked = "office_closures" in data or any(
            isinstance(c, dict) and "office_closed" in c
            for y in raw_years
            if isinstance(y, dict) and isinstance(y.get("closures"), list)
            for c in y["closures"]
        )
        return cls.build(
            str(name), tz, start, end, tuple(sorted(set(days))), years, source, office, marked
        )

    @classmethod
    def build(
        cls, name, tz, start, end, weekdays, years, source=None, office=(), office_marked=False
    ) -> SchoolCalendar:
        """Validate the assembled parts (shared by the YAML and .ics loaders)."""
        try:
            zoneinfo.ZoneInfo(tz)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise CalendarError(
                source, "timezone", "an IANA timezone such as America/New_York", tz
            ) from None
        years = sorted(years, key=lambda y: y.first_day)
        for i, (a, b) in enumerate(zip(years, years[1:], strict=False)):
            if b.first_day <= a.last_day:
                raise CalendarError(
                    source,
                    f"years[{i + 1}].first_day",
                    f"a date after the end of {a.name} ({a.last_day.isoformat()}): years overlap",
                    b.first_day.isoformat(),
                )
        first, last = years[0].first_day, years[-1].last_day
        for j, c in enumerate(office):
            if c.start < first or c.end > last:
                raise CalendarError(
                    source,
                    f"office_closures[{j}]",
                    f"dates the calendar covers, {first} to {last}",
                    c.days(),
                )
        office = tuple(sorted(office, key=lambda c: c.start))
        return cls(name, tz, start, end, weekdays, tuple(years), source, office, office_marked)

    @classmethod
    def from_ics(
        cls,
        path: str | Path,
        first_day: date | None = None,
        last_day: date | None = None,
        timezone: str | None = None,
        school_day_start: time = DEFAULT_START,
        school_day_end: time = DEFAULT_END,
        weekdays: tuple[int, ...] = (0, 1, 2, 3, 4),
    ) -> SchoolCalendar:
        from spedrules.core.store.ics import read_ics

        path = Path(path)
        name, tz, firsts, lasts, closures, office, marked = read_ics(path)
        tz = timezone or tz
        if tz is None:
            raise CalendarError(path, "X-WR-TIMEZONE", "a timezone (or pass timezone=)")
        if first_day is not None or last_day is not None:
            firsts, lasts = [first_day], [last_day]
        if not firsts or not lasts or None in firsts + lasts or len(firsts) != len(lasts):
            raise CalendarError(
                path,
                "VEVENT",
                "matching 'First Day of School' and 'Last Day of School' events "
                "(or first_day and last_day)",
            )
        years = []
        for i, (first, last) in enumerate(zip(sorted(firsts), sorted(lasts), strict=True)):
            if last < first:
                raise CalendarError(
                    path,
                    f"years[{i}].last_day",
                    f"a date on or after first_day {first}",
                    last.isoformat(),
                )
            inside = tuple(c for c in closures if first <= c.start <= last)
            years.append(
                SchoolYear(f"{first.year}-{str(first.year + 1)[-2:]}", first, last, inside)
            )
        office = list(office)
        first, last = years[0].first_day, years[-1].last_day
        for c in closures:
            if not any(y.first_day <= c.start <= y.last_day for y in years):
                if c.office_closed and c.start >= first and c.end <= last:
                    office.append(c)  # in summer it closes only the office
                    continue
                if c.end < first or c.start > last:
                    continue  # holidays outside the school years (summer) are not closures
                if c.end < next(y.first_day for y in years if y.first_day > c.start):
                    continue  # a summer holiday between two school years
                raise CalendarError(
                    path, f"closure {c.name!r}", "a date inside a school year", c.days()
                )
        office = [c for c in office if first <= c.start and c.end <= last]
        return cls.build(
            name or path.stem,
            tz,
            school_day_start,
            school_day_end,
            weekdays,
            years,
            str(path),
            office,
            marked,
        )

    def to_dict(self) -> dict[str, Any]:
        """The calendar in the YAML format of docs/file-formats.md (what ``from_dict`` reads)."""
        return {
            "name": self.name,
            "timezone": self.timezone,
            "school_day": {
                "start": self.school_day_start.strftime("%H:%M"),
                "end": self.school_day_end.strftime("%H:%M"),
            },
            "weekdays": [WEEKDAY_NAMES[d] for d in self.weekdays],
            "years": [
                {
                    "name": y.name,
                    "first_day": y.first_day.isoformat(),
                    "last_day": y.last_day.isoformat(),
                    "closures": [_closure_dict(c, self.office_marked) for c in y.closures],
                }
                for y in self.years
            ],
            **(
                {"office_closures": [_closure_dict(c, False) for c in self.office_closures]}
                if self.office_marked
                else {}
            ),
        }

    # ---- queries -------------------------------------------------------------------------
    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def coverage(self) -> tuple[date, date]:
        return self.years[0].first_day, self.years[-1].last_day

    @cached_property
    def instructional_days(self) -> np.ndarray:
        """Sorted datetime64[D] array of every instructional day of every school year."""
        chunks = []
        for year in self.years:
            days = np.arange(to_day64(year.first_day), to_day64(year.last_day) + 1)
            keep = np.isin(_weekday(days), self.weekdays)
            for c in year.closures:
                keep &= (days < to_day64(c.start)) | (days > to_day64(c.end))
            chunks.append(days[keep])
        return np.concatenate(chunks)

    @property
    def office_closed_days(self) -> tuple[Closure, ...]:
        """The closures business days skip: every closure, unless the calendar says which days
        close the district office (then those marked office_closed, and office_closures)."""
        if not self.office_marked:
            return self.closures
        marked = [c for c in self.closures if c.office_closed]
        return tuple(sorted([*marked, *self.office_closures], key=lambda c: c.start))

    @cached_property
    def business_days(self) -> np.ndarray:
        """Weekdays the district office is open, across the covered span (summer included)."""
        first, last = self.coverage
        days = np.arange(to_day64(first), to_day64(last) + 1)
        keep = np.isin(_weekday(days), self.weekdays)
        for c in self.office_closed_days:
            keep &= (days < to_day64(c.start)) | (days > to_day64(c.end))
        return days[keep]

    @cached_property
    def session_days(self) -> np.ndarray:
        """Every calendar day inside a school year that is not a named closure (weekends count)."""
        chunks = []
        for year in self.years:
            days = np.arange(to_day64(year.first_day), to_day64(year.last_day) + 1)
            keep = np.ones(len(days), dtype=bool)
            for c in year.closures:
                keep &= (days < to_day64(c.start)) | (days > to_day64(c.end))
            chunks.append(days[keep])
        return np.concatenate(chunks)

    @cached_property
    def gaps(self) -> tuple[tuple[SchoolYear, SchoolYear], ...]:
        """Pairs of consecutive school years with a school year missing between them (more than
        MAX_SUMMER_DAYS between one's last day and the next one's first day)."""
        return tuple(
            (a, b)
            for a, b in zip(self.years, self.years[1:], strict=False)
            if (b.first_day - a.last_day).days > MAX_SUMMER_DAYS
        )

    def gap_between(self, start: date, end: date) -> tuple[SchoolYear, SchoolYear] | None:
        """The first missing school year that a count from ``start`` to ``end`` crosses or
        touches (a day after the last day of one year and before the first day of the next)."""
        for a, b in self.gaps:
            if start < b.first_day and end > a.last_day:
                return a, b
        return None

    def gap_error(self, gap: tuple[SchoolYear, SchoolYear], what: str) -> CoverageError:
        a, b = gap
        return CoverageError(
            self.source,
            f"the calendar lacks a school year between {a.last_day.isoformat()} (last day of "
            f"{a.name}) and {b.first_day.isoformat()} (first day of {b.name}): {what} cannot be "
            "decided without it",
        )

    def next_year_name(self) -> str:
        """The name of the school year after the calendar's last one ('2027-28' after '2026-27'),
        for saying which year a count needs."""
        first = self.years[-1].first_day.year + 1
        return f"{first}-{str(first + 1)[-2:]}"

    def end_error(self, what: str) -> CoverageError:
        return CoverageError(
            self.source,
            f"the calendar lacks the {self.next_year_name()} school year (the calendar ends "
            f"{self.coverage[1].isoformat()}): {what} needs it",
        )

    @property
    def closures(self) -> tuple[Closure, ...]:
        return tuple(c for y in self.years for c in y.closures)

    def is_instructional(self, d: date) -> bool:
        days = self.instructional_days
        i = np.searchsorted(days, to_day64(d))
        return bool(i < len(days) and days[i] == to_day64(d))

    def closure_on(self, d: date) -> Closure | None:
        return next((c for c in self.closures if c.start <= d <= c.end), None)

    def year_of(self, d: date) -> SchoolYear | None:
        return next((y for y in self.years if y.first_day <= d <= y.last_day), None)

    def school_day_end_at(self, d: date) -> datetime:
        return datetime.combine(d, self.school_day_end, tzinfo=self.tz)

    def closures_between(self, start: date, end: date) -> list[Closure]:
        """Named closures overlapping the days after ``start`` up to and including ``end``."""
        return [c for c in self.closures if c.end > start and c.start <= end]

    @cached_property
    def vacations(self) -> tuple[tuple[date, date, int], ...]:
        """Every run of non-instructional days between two instructional days of one school
        year, with the number of weekdays (school days missed) it holds."""
        runs = []
        for year in self.years:
            school = self.instructional_days
            school = school[
                (school >= to_day64(year.first_day)) & (school <= to_day64(year.last_day))
            ]
            for g in np.nonzero(np.diff(school).astype(int) > 1)[0]:
                first, last = school[g] + 1, school[g + 1] - 1
                weekdays = int(np.isin(_weekday(np.arange(first, last + 1)), self.weekdays).sum())
                runs.append((from_day64(first), from_day64(last), weekdays))
        return tuple(runs)

    def tolled_countable_days(self, max_vacation_school_days: int) -> np.ndarray:
        """The days a California-style tolled clock counts: days inside school years except
        vacations holding more than ``max_vacation_school_days`` weekdays."""
        cached = self._tolled.get(max_vacation_school_days)
        if cached is not None:
            return cached
        chunks = []
        for year in self.years:
            span = np.arange(to_day64(year.first_day), to_day64(year.last_day) + 1)
            keep = np.ones(len(span), dtype=bool)
            for first, last, weekdays in self.vacations:
                if weekdays > max_vacation_school_days:
                    keep &= (span < to_day64(first)) | (span > to_day64(last))
            chunks.append(span[keep])
        result = np.concatenate(chunks)
        self._tolled[max_vacation_school_days] = result
        return result


def _weekday(days: np.ndarray) -> np.ndarray:
    """0 = Monday for an array of datetime64[D] (1970-01-01 was a Thursday)."""
    return (days.astype("int64") + 3) % 7


def _time(value: Any, err, fld: str) -> time:
    try:
        return parse_time(value, time)
    except Expected as exc:
        raise err(fld, exc.expected, exc.got) from None


def _date(value: Any, err, fld: str) -> date:
    try:
        return parse_date(value, date)
    except Expected as exc:
        raise err(fld, exc.expected, exc.got) from None


def _year(raw: Any, i: int, err) -> SchoolYear:
    where = f"years[{i}]"
    if not isinstance(raw, dict):
        raise err(where, "a mapping {name, first_day, last_day, closures}", raw)
    first = _date(raw.get("first_day"), err, f"{where}.first_day")
    last = _date(raw.get("last_day"), err, f"{where}.last_day")
    if last < first:
        raise err(f"{where}.last_day", f"a date on or after first_day {first}", last.isoformat())
    name = str(raw.get("name", f"{first.year}-{str(first.year + 1)[-2:]}"))
    closures = []
    raw_closures = raw.get("closures", [])
    if not isinstance(raw_closures, list):
        raise err(f"{where}.closures", "a list of closures", raw_closures)
    for j, c in enumerate(raw_closures):
        cw = f"{where}.closures[{j}]"
        closure = _closure(c, cw, err)
        if closure.start < first or closure.end > last:
            raise err(cw, f"dates inside the school year {first} to {last}", closure.days())
        closures.append(closure)
    return SchoolYear(name, first, last, tuple(sorted(closures, key=lambda c: c.start)))


def _closure(c: Any, cw: str, err) -> Closure:
    if not isinstance(c, dict) or not isinstance(c.get("name"), str):
        raise err(cw, "a mapping {name, date} or {name, start, end}", c)
    if "date" in c:
        start = end = _date(c["date"], err, f"{cw}.date")
    else:
        start = _date(c.get("start"), err, f"{cw}.start")
        end = _date(c.get("end"), err, f"{cw}.end")
    if end < start:
        raise err(f"{cw}.end", f"a date on or after start {start}", end.isoformat())
    office = c.get("office_closed", False)
    if not isinstance(office, bool):
        raise err(f"{cw}.office_closed", "true or false", office)
    return Closure(c["name"], start, end, office)


def _closure_dict(c: Closure, with_office: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"name": c.name, "start": c.start.isoformat(), "end": c.end.isoformat()}
    if with_office:
        out["office_closed"] = c.office_closed
    return out


FIRST_DAY = re.compile(r"first (day of school|instructional day)", re.I)
LAST_DAY = re.compile(r"last (day of school|instructional day)", re.I)
