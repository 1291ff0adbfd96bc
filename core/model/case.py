"""Loading and validating a case file (YAML or JSON, docs/file-formats.md).

Structure comes from cattrs (types, dates, required fields); meaning comes from the vocabulary:
an event type must be a core type or one a plugin in the stack declared, a role must be a known
role, an incident must be released after it started. The first problem found is raised as one
InputError naming the file and the field path, e.g. ``events[3].type``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any

from attrs import evolve

from spedrules.core.errors import InputError
from spedrules.core.files import read_data
from spedrules.core.model import Case, Event, limits
from spedrules.core.model.convert import Expected, parse_date, plain_case, structure_at
from spedrules.core.model.vocabulary import (
    ATTENDEE_ROLES,
    DISABILITY_CODES,
    EVENT_TYPES,
    EXCEPTION_EVENTS,
    EXIT_EVENTS,
    EXIT_REASONS,
    INCIDENT_TYPES,
    OBLIGATION_KINDS,
    RESTRAINT_METHODS,
    RESTRAINT_POSITIONS,
    is_namespaced,
)

CASE_KEYS = ("student", "events", "incidents", "meetings", "evaluation")
_CASE_KEY_SET = frozenset(CASE_KEYS)


def load_case(path: str | Path, extra_event_types: frozenset[str] = frozenset()) -> Case:
    data = read_data(path, "a case: a mapping with 'student' and 'events'")
    return case_from_dict(data, str(path), extra_event_types)


def case_from_dict(
    data: dict[str, Any], source: str | None = None, extra_event_types: frozenset[str] = frozenset()
) -> Case:
    if not data.keys() <= _CASE_KEY_SET:  # the names sorted only then: a sweep reads every case
        unknown = sorted(set(data) - set(CASE_KEYS))
        raise InputError(source, unknown[0], f"one of the top-level keys {', '.join(CASE_KEYS)}")
    if "student" not in data:
        raise InputError(source, "student", "a mapping with the student's id (required)")
    data = {**data, "source": source}
    case = plain_case(data)
    if case is None:  # not the store's usual shapes: cattrs reads it, and names what is wrong
        case = structure_at(data, Case, source)
    validate_case(case, source, extra_event_types)
    return _one_event_per_fact(case, source)


def _one_event_per_fact(case: Case, source: str | None) -> Case:
    """The same fact recorded twice (equal type, day or moment, id and attributes: what
    :func:`event_key` digests) is one event, with a warning naming both entries: a repeated
    meeting must not count twice (nor meet the review it triggered). An ``id`` given to two
    different facts is an error naming both. Compared as structured events, not digests: a
    sweep loads every case, and hashing each event's JSON would double the cost of loading."""
    return case if _distinct(case.events) else _merge_repeats(case, source)


def _merge_repeats(case: Case, source: str | None) -> Case:
    """:func:`_one_event_per_fact` event by event: repeats merged and warned about, an id given
    to two facts refused."""
    first_of: dict[Any, int] = {}
    id_of: dict[str, int] = {}
    keep: list[Any] = []
    warnings: list[str] = []
    where = source or f"case {case.student.id}"
    for i, event in enumerate(case.events):
        if event.id not in (None, ""):
            j = id_of.setdefault(event.id, i)
            if j != i and event != case.events[j]:
                raise InputError(
                    source,
                    f"events[{i}].id",
                    f"an id not used by another event (events[{j}] has id {event.id!r} and "
                    "different content)",
                    event.id,
                )
        j = first_of.setdefault(event, i)
        if j == i:
            keep.append(event)
            continue
        what = event.at.isoformat() if event.at is not None else event.day.isoformat()
        warnings.append(
            f"{where}: events[{i}] repeats events[{j}] ({event.type} on {what}): the same "
            "fact, counted once"
        )
    if not warnings:
        return case
    return evolve(case, events=tuple(keep), warnings=(*case.warnings, *warnings))


def _distinct(events: tuple[Event, ...]) -> bool:
    """No two events can be one fact or share an id (most cases: :func:`_merge_repeats` would
    find nothing), at half its cost. Each event is keyed by its id where it has one, else by
    type, day and moment: equal events have equal keys, and so do two events with one id."""
    return len({event.id or (event.type, event.date, event.at) for event in events}) == len(events)


def validate_case(case: Case, source: str | None, extra_event_types: frozenset[str]) -> None:
    """The first problem of the case's meaning, as one InputError: the student, the events,
    the incidents and meetings, then the store's column widths, in that order."""
    _check_student(case.student, source)
    _check_events(case.events, source, extra_event_types)
    _check_records(case, source)
    _check_lengths(case, source)


def _check_student(student, source: str | None) -> None:
    if not student.id.strip():
        raise InputError(source, "student.id", "a non-empty student id", student.id)
    for key in ("disability", "secondary_disability"):
        code = getattr(student, key)
        if code is not None and code not in DISABILITY_CODES:
            raise InputError(
                source, f"student.{key}", f"an IDEA code ({', '.join(DISABILITY_CODES)})", code
            )


def _check_events(events, source: str | None, extra_event_types: frozenset[str]) -> None:
    """Every event of every sweep: the common one (a known type with no attributes to check)
    costs three look-ups; field names are built only on error."""
    for i, event in enumerate(events):
        kind = event.type
        if kind not in EVENT_TYPES and kind not in extra_event_types:
            expected = "a core event type or one declared by a plugin in the stack"
            raise InputError(source, f"events[{i}].type", expected, kind)
        if (event.date is None) == (event.at is None):
            raise InputError(source, f"events[{i}]", "exactly one of 'date' or 'at'")
        if kind in CHECKED_EVENTS:
            _check_attributes(event, i, source)


def _check_attributes(event, i: int, source: str | None) -> None:
    """The attributes the adjusting events and disciplinary removals must have."""
    if event.type in ADJUSTING_EVENTS:
        _check_adjustment(event, f"events[{i}]", source)
    if event.type == "disciplinary_removal":
        days = event.get("days", 1)
        if not isinstance(days, int) or isinstance(days, bool) or days < 1:
            raise InputError(
                source, f"events[{i}].days", "a whole number of school days >= 1", days
            )


def _check_records(case: Case, source: str | None) -> None:
    """Incidents and meetings: known types, ids unique across both, moments in order."""
    ids: set[str] = set()
    for i, inc in enumerate(case.incidents):
        where = f"incidents[{i}]"
        _unique(ids, inc.id, source, f"{where}.id")
        _one_of(inc.type, INCIDENT_TYPES, source, f"{where}.type")
        if inc.method is not None:
            _one_of(inc.method, RESTRAINT_METHODS, source, f"{where}.method")
        if inc.position is not None:
            _one_of(inc.position, RESTRAINT_POSITIONS, source, f"{where}.position")
        if inc.released_at is not None and inc.released_at < inc.started_at:
            raise InputError(
                source, f"{where}.released_at", "a moment after started_at", str(inc.released_at)
            )
    for i, meeting in enumerate(case.meetings):
        where = f"meetings[{i}]"
        _unique(ids, meeting.id, source, f"{where}.id")
        if meeting.end is not None and meeting.end <= meeting.start:
            raise InputError(source, f"{where}.end", "a moment after start", str(meeting.end))
        for j, attendee in enumerate(meeting.attendees):
            if attendee.role not in ATTENDEE_ROLES:  # the error's field named only then
                _one_of(attendee.role, ATTENDEE_ROLES, source, f"{where}.attendees[{j}].role")


def _check_lengths(case: Case, source: str | None) -> None:
    """The store's column widths, checked here so SQLite and PostgreSQL accept the same cases."""
    student = case.student
    limits.check_length(student.id, limits.STUDENT_ID, source, "student.id")
    limits.check_length(student.school, limits.SCHOOL, source, "student.school")
    limits.check_length(student.case_manager, limits.CASE_MANAGER, source, "student.case_manager")
    for kind, items in (("incidents", case.incidents), ("meetings", case.meetings)):
        for i, item in enumerate(items):
            limits.check_length(item.id, limits.RECORD_ID, source, f"{kind}[{i}].id")
    type_limit, id_limit = limits.EVENT_TYPE, limits.RECORD_ID
    for i, event in enumerate(case.events):
        if len(event.type) > type_limit or (event.id and len(event.id) > id_limit):
            limits.check_length(event.type, limits.EVENT_TYPE, source, f"events[{i}].type")
            limits.check_length(event.id, limits.RECORD_ID, source, f"events[{i}].id")
        if event.type == "delay_reason_recorded":
            reason = event.get("reason")
            limits.check_length(reason, limits.DELAY_REASON, source, f"events[{i}].reason")


def case_warnings(case: Case, source: str | None = None) -> tuple[str, ...]:
    """Input that is acceptable but suspect: a birth date after an event of the case (the same
    event twice is merged and warned about when the case is read). Warnings name fields,
    never the student's name or birth date."""
    where = f"{source}: " if source else ""
    found = []
    born = case.student.birth_date
    for i, event in enumerate(case.events):
        if born is not None and event.day < born:
            found.append(
                f"{where}student.birth_date: after events[{i}] ({event.type} on {event.day}); "
                "check the birth date"
            )
            break
    return tuple(found)


ADJUSTING_EVENTS = (*EXCEPTION_EVENTS, *EXIT_EVENTS, "delay_reason_recorded")
# the event types whose attributes are checked (_check_attributes)
CHECKED_EVENTS = frozenset((*ADJUSTING_EVENTS, "disciplinary_removal"))


def _check_adjustment(event, where: str, source) -> None:
    """The attributes docs/exceptions-and-exits.md gives the exception, exit and delay events."""
    if event.type in (*EXCEPTION_EVENTS, "delay_reason_recorded"):
        kind = event.get("applies_to")
        if not isinstance(kind, str) or not (kind in OBLIGATION_KINDS or is_namespaced(kind)):
            raise InputError(
                source, f"{where}.applies_to", "an obligation kind (e.g. initial_evaluation)", kind
            )
    if event.type == "timeline_extension_agreed":
        until = event.get("until")
        try:
            day = parse_date(until, date)
        except Expected:
            raise InputError(
                source, f"{where}.until", "the agreed date, YYYY-MM-DD", until
            ) from None
        if day < event.day:
            raise InputError(
                source,
                f"{where}.until",
                f"a date on or after the agreement ({event.day})",
                str(day),
            )
    if event.type == "student_exited":
        _one_of(event.get("reason"), EXIT_REASONS, source, f"{where}.reason")
    if event.type == "delay_reason_recorded":
        reason = event.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise InputError(source, f"{where}.reason", "a delay reason code", reason)


def _one_of(value: str, allowed: tuple[str, ...] | frozenset[str], source, field: str) -> None:
    if value not in allowed:
        raise InputError(source, field, f"one of {', '.join(sorted(allowed))}", value)


def _unique(seen: set[str], value: str, source, field: str) -> None:
    if value in seen:
        raise InputError(source, field, "an id not used by another incident or meeting", value)
    seen.add(value)


def event_key(student_id: str, event: dict[str, Any]) -> str:
    """The identity of one event mapping of a student's case.

    The source's own ``id`` where it gives one (``id:...``), else a digest of the student, the
    type, the day or moment and every attribute: the same fact imported twice has the same key,
    whichever file (case file or events CSV) it came from."""
    if event.get("id") not in (None, ""):
        return f"id:{event['id']}"
    return "sha256:" + event_digest(student_id, event)


def event_digest(student_id: str, event: dict[str, Any]) -> str:
    """A digest of what an event says (its ``id`` left out): a known id with another digest is
    the source changing a recorded fact, which the store refuses."""
    content = {k: canonical(v) for k, v in event.items() if k != "id"}
    text = json.dumps([str(student_id), content], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:40]


def canonical(value: Any) -> Any:
    """Dates and moments as ISO text, so YAML's date objects and CSV's strings agree."""
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def merge_cases(items: list[tuple[str, dict[str, Any]]]) -> tuple[list[dict[str, Any]], list[str]]:
    """The cases of one import, one per student, and warnings: several files about one student
    are merged (events together; student fields, incidents and meetings by id, the later file
    winning where they differ, named in a warning by field or id only, never by value). So an
    import is the same whatever the order of re-runs, and re-importing it changes nothing."""
    merged: dict[str, dict[str, Any]] = {}
    seen_in: dict[tuple[str, str], str] = {}
    warnings: list[str] = []

    def take(sid: str, what: str, old: Any, new: Any, source: str) -> None:
        first = seen_in.get((sid, what))
        if first is not None and old is not None and canonical(old) != canonical(new):
            warnings.append(
                f"{source}: student {sid}: {what} differs from {first}; the value of {source} "
                "is kept"
            )
        seen_in[(sid, what)] = source

    for source, case in items:
        sid = str(case["student"]["id"])
        into = merged.setdefault(
            sid, {"student": {}, "events": [], "incidents": {}, "meetings": {}, "evaluation": {}}
        )
        for key, value in case["student"].items():
            take(sid, f"student.{key}", into["student"].get(key), value, source)
            into["student"][key] = value
        into["events"].extend(case.get("events") or [])
        for plural in ("incidents", "meetings"):
            for item in case.get(plural) or []:
                rid = str(item.get("id"))
                take(sid, f"{plural[:-1]} {rid}", into[plural].get(rid), item, source)
                into[plural][rid] = item
        for key, value in (case.get("evaluation") or {}).items():
            take(sid, f"evaluation.{key}", into["evaluation"].get(key), value, source)
            into["evaluation"][key] = value
    cases = []
    for case in merged.values():
        out = {"student": case["student"], "events": case["events"]}
        out.update({k: list(case[k].values()) for k in ("incidents", "meetings") if case[k]})
        if case["evaluation"]:
            out["evaluation"] = case["evaluation"]
        cases.append(out)
    return cases, warnings
