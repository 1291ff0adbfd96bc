"""The domain model: what a district knows about a student's case, and what spedrules computes.

Everything is an attrs class, frozen where the object is a fact. Free-form attributes of events,
incidents and meetings (``eligible: true``, ``meeting_type: annual``) live in ``details`` so that a
jurisdiction can read facts core has never heard of without core changing.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from attrs import field, frozen


def _details() -> Any:
    return field(factory=dict, hash=False)


@frozen
class Contact:
    """A parent, guardian or other adult the district must reach."""

    name: str
    relationship: str | None = None
    phone: str | None = None
    email: str | None = None
    language: str | None = None


@frozen
class Student:
    id: str
    name: str | None = None
    birth_date: date | None = None
    grade: str | None = None
    disability: str | None = None  # IDEA code (vocabulary.DISABILITY_CODES)
    secondary_disability: str | None = None
    english_learner: bool = False
    has_bip: bool = False
    ethnicity: str | None = None
    school: str | None = None
    case_manager: str | None = None  # the person who acts on the student's work list
    home_language: str | None = None
    contacts: tuple[Contact, ...] = ()
    flags: tuple[str, ...] = ()  # foster, homeless, ward, ...


@frozen
class Event:
    """A dated fact in a case: ``type`` from the vocabulary, a ``date`` or an ``at`` moment.

    ``id`` is the source system's own identifier, when it gives one; without it an event is
    identified by its content (see :func:`spedrules.core.model.case.event_key`)."""

    type: str
    date: date | None = None
    at: datetime | None = None
    id: str | None = None
    details: dict[str, Any] = _details()

    @property
    def day(self) -> date:
        """The calendar day of the event, whether it was recorded as a date or a moment."""
        return self.at.date() if self.at is not None else self.date  # type: ignore[return-value]

    def get(self, key: str, default: Any = None) -> Any:
        return self.details.get(key, default)


@frozen
class Person:
    name: str
    role: str | None = None


@frozen
class Incident:
    """A restraint or seclusion: ``type`` restraint|seclusion, ``method``, ``position``."""

    id: str
    type: str
    started_at: datetime
    released_at: datetime | None = None
    method: str | None = None
    position: str | None = None
    location: str | None = None
    staff: tuple[Person, ...] = ()
    witnesses: tuple[Person, ...] = ()
    injuries: str | None = None
    details: dict[str, Any] = _details()


@frozen
class Attendee:
    name: str
    role: str
    excused: bool = False
    details: dict[str, Any] = _details()


@frozen
class Meeting:
    id: str
    type: str
    start: datetime
    end: datetime | None = None
    location: str | None = None  # as incidents and iCalendar say it (``place`` is read too)
    # a date, or a moment where a rule counts hours (an agenda "at least 24 hours in advance")
    notice_sent: date | datetime | None = None
    agenda_sent: date | datetime | None = None
    draft_sent: date | datetime | None = None
    agreed_extension: bool = False
    attendees: tuple[Attendee, ...] = ()
    details: dict[str, Any] = _details()


@frozen
class Case:
    """One student's case file: the student, the event log, incidents and meetings."""

    student: Student
    events: tuple[Event, ...] = ()
    incidents: tuple[Incident, ...] = ()
    meetings: tuple[Meeting, ...] = ()
    evaluation: dict[str, Any] = _details()  # structured evaluation data, read by eligibility
    source: str | None = field(default=None, eq=False)
    # what loading found suspect (a fact recorded twice): evaluate reports them as warnings
    warnings: tuple[str, ...] = field(default=(), eq=False)

    def events_of(self, *types: str) -> tuple[Event, ...]:
        return tuple(e for e in self.events if e.type in types)


@frozen
class EventRef:
    """Which event triggered or met an obligation (type and day), for the explanation."""

    type: str
    date: date


@frozen
class Obligation:
    """Something due, computed from the rules and the case, never entered by hand."""

    rule: str
    kind: str
    title: str
    due: date | datetime | None
    status: str  # met | late | open | overdue | not_applicable | undetermined
    citation: str
    layer: str
    source: str
    explanation: tuple[str, ...]
    trigger: EventRef | None = None
    met_by: EventRef | None = None
    replaces: str | None = None
    tightens: str | None = None
    subject: str | None = None  # incident or meeting id, when the obligation is about one
    responsible: str | None = None  # the role that must act, when the source names one
    delay_reason: str | None = None  # the code of a delay_reason_recorded event about it
    # the day an exit (student_exited, consent_revoked) stopped it: days overdue count to it
    stopped_on: date | None = None

    @classmethod
    def of(
        cls,
        rule: Any,
        *,
        status: str,
        due: date | datetime | None,
        steps: Any,
        trigger: EventRef | None = None,
        met_by: EventRef | None = None,
        replaces: str | None = None,
        tightens: str | None = None,
        subject: str | None = None,
    ) -> Obligation:
        """The obligation ``rule`` gives, with its provenance (id, kind, citation, layer, plugin)
        and responsible role taken from the rule."""
        return cls(
            rule=rule.id,
            kind=rule.kind,
            title=rule.title,
            due=due,
            status=status,
            citation=rule.citation,
            layer=rule.layer or "statutory",
            source=rule.source or "?",
            explanation=tuple(steps),
            trigger=trigger,
            met_by=met_by,
            replaces=replaces,
            tightens=tightens,
            subject=subject,
            responsible=rule.responsible or None,
        )


@frozen
class Violation:
    """A broken rule: a tightening later than the law, a prohibited restraint, a missing member."""

    rule: str
    kind: str
    message: str
    citation: str
    layer: str
    source: str
    subject: str | None = None

    @classmethod
    def of(cls, rule: Any, subject: str, message: str) -> Violation:
        """The violation of ``rule`` by an incident or meeting, prefixed with its id."""
        return cls(
            rule=rule.id,
            kind=rule.kind,
            message=f"{subject}: {message}",
            citation=rule.citation,
            layer=rule.layer or "statutory",
            source=rule.source or "?",
            subject=subject,
        )


STATUSES = ("met", "late", "open", "overdue", "not_applicable", "undetermined")

__all__ = [
    "Attendee",
    "Case",
    "Contact",
    "Event",
    "EventRef",
    "Incident",
    "Meeting",
    "Obligation",
    "Person",
    "STATUSES",
    "Student",
    "Violation",
]
