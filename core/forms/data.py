"""The form data: what a case offers a form, as a plain mapping of dotted paths (docs/forms.md).

Form fields name their ``source`` in this mapping; building it is the only place that knows how
case files are shaped, so form definitions stay plain data::

    today                         the form's date (--as-of)
    district.name / district.id
    student.*                     the student, plus age, parent (first parent/guardian contact)
    meeting.*                     the chosen meeting: date, time, end_time, attendees, excused ...
    meeting.events.<type>.*       the latest event of a type from the meeting's day on
    meeting.obligations.<rule>.*  a deadline the meeting triggered (its iep_meeting_held event)
    meeting.next.<rule>.*         the deadline in force after the meeting: the one it triggered,
                                  else the latest triggered before it (IEP 1's "Next Annual IEP
                                  Review Due" on an amendment meeting is still last year's)
    meeting.prior.<type>.*        the latest event of a type before the meeting's day (IEP 1's
                                  "Last Complete IEP Date" is not this meeting)
    incident.*                    the chosen incident: date, start_time, duration_minutes ...
    incident.events.<type>.*      the latest event about that incident (parent_notified ...)
    incident.parent_contacts      every notice or attempt to reach the parent about it (method,
                                  date, time); parent_contact_methods, first_parent_contact
    events.<type>.*               the latest event of a type in the case, as of the form's date
    first_events.<type>.*         the first one (the initial referral, the first IEP consent)
    iep_meetings.<meeting_type>.* the latest ``iep_meeting_held`` of that type (initial, annual)
    obligations.<rule id>.due     a computed deadline (and .status), e.g. the assessment plan's

Keys of ``details`` are lifted to their owner (``meeting.contact``, ``incident.context``), as in
the case file. A meeting's place is ``meeting.location`` (the word incidents and iCalendar use);
``meeting.place`` reads the same value, so a case may write either.

An obligation id can have several obligations in one case (an annual review per year): the plain
``obligations.<rule id>`` is the one with the latest trigger as of the form's date, never an
accident of list order; a form about one meeting reads ``meeting.next`` instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from typing import Any

from attrs import evolve

from spedrules.core.model import Case, Event, Incident, Meeting, Obligation, Student

PARENT_RELATIONSHIPS = ("parent", "guardian", "mother", "father", "surrogate", "foster_parent")
# home_language codes as a form prints them (other values are printed as given)
LANGUAGE_NAMES = {
    "en": "English",
    "es": "Spanish",
    "vi": "Vietnamese",
    "zh": "Chinese",
    "tl": "Tagalog",
    "ko": "Korean",
    "ar": "Arabic",
    "hy": "Armenian",
    "ru": "Russian",
    "fa": "Farsi",
}


def form_data(
    case: Case,
    district: dict[str, Any],
    as_of: date,
    meeting: Meeting | None = None,
    incident: Incident | None = None,
    obligations: Iterable[Obligation] = (),
    meeting_obligations: Iterable[Obligation] | None = None,
    held_assumed: bool = False,
    restraint_type: Callable[[Incident], str] | None = None,
) -> dict[str, Any]:
    """The mapping form fields read their ``source`` paths from (see the module docstring).

    ``meeting_obligations`` are those of the case with the meeting held on its day (see
    :func:`as_held`); without them the meeting's deadlines come from ``obligations``.
    ``held_assumed`` says the case does not record the meeting as held (the form notes it).
    ``restraint_type`` types a restraint as the jurisdiction's report does (``incident
    .restraint_type``; the recorded method without one).
    """
    obligations = list(obligations)
    data: dict[str, Any] = {
        "today": as_of,
        "district": district,
        "student": _student(case.student, as_of),
        "events": _latest_events(e for e in case.events if e.day <= as_of),
        "iep_meetings": _by_meeting_type(e for e in case.events if e.day <= as_of),
        "first_events": _first_events(e for e in case.events if e.day <= as_of),
        "obligations": {
            o.rule if o.subject is None else f"{o.rule}@{o.subject}": _obligation(o)
            for o in sorted(obligations, key=_triggered)
        },
    }
    for o in obligations:  # the obligation about this form's subject answers to its plain id
        if o.subject is not None and o.subject in {
            getattr(meeting, "id", None),
            getattr(incident, "id", None),
        }:
            data["obligations"][o.rule] = _obligation(o)
    data["subject_day"] = as_of  # which fields are on the form: those in force on this day
    if meeting is not None:
        day = meeting.start.date()
        data["meeting"] = _meeting(meeting)
        data["meeting"]["events"] = _latest_events(e for e in case.events if day <= e.day <= as_of)
        data["meeting"]["held_assumed"] = held_assumed
        data["meeting"]["prior"] = _latest_events(e for e in case.events if e.day < day)
        held = list(obligations if meeting_obligations is None else meeting_obligations)
        data["meeting"]["obligations"] = {
            o.rule: _obligation(o) for o in held if o.trigger and o.trigger.date == day
        }
        data["meeting"]["next"] = {  # the latest triggered on or before the day wins
            o.rule: _obligation(o)
            for o in sorted(held, key=_triggered)
            if o.trigger and o.trigger.date <= day
        }
        data["subject_day"] = day
    if incident is not None:
        data["incident"] = _incident(incident, case, restraint_type)
        data["subject_day"] = incident.started_at.date()
    return data


def as_held(case: Case, meeting: Meeting) -> Case | None:
    """The case with ``meeting`` recorded as held on its day, or None when it already is.

    A form about an IEP meeting is the record of that meeting: the deadlines it starts (the next
    annual review, the IEP at a Glance) run from its day even before the case logs it as held.
    """
    day = meeting.start.date()
    if any(e.type == "iep_meeting_held" and e.day == day for e in case.events):
        return None
    held = Event(type="iep_meeting_held", date=day, details={"meeting_type": meeting.type})
    return evolve(case, events=(*case.events, held))


def _triggered(o: Obligation) -> tuple[date, date]:
    """Order obligations by trigger day, then due day: the last is the current one."""
    due = o.due.date() if isinstance(o.due, datetime) else o.due
    return (o.trigger.date if o.trigger else date.min, due or date.min)


def _obligation(o: Obligation) -> dict[str, Any]:
    due = o.due.date() if isinstance(o.due, datetime) else o.due
    return {
        "due": due,
        "status": o.status,
        "citation": o.citation,
        "rule": o.rule,
        "triggered": o.trigger.date if o.trigger else None,
    }


def _lift(details: dict[str, Any], into: dict[str, Any]) -> dict[str, Any]:
    """``details`` keys beside the known ones, as in the case file (known keys win)."""
    return {**details, **into}


def _student(student: Student, as_of: date) -> dict[str, Any]:
    contacts = [
        {
            "name": c.name,
            "relationship": c.relationship,
            "phone": c.phone,
            "email": c.email,
            "language": c.language,
        }
        for c in student.contacts
    ]
    parents = [c for c in contacts if (c["relationship"] or "").lower() in PARENT_RELATIONSHIPS]
    born = student.birth_date
    return {
        "id": student.id,
        "name": student.name,
        "birth_date": born,
        "age": _age(born, as_of),
        "grade": student.grade,
        "disability": student.disability,
        "secondary_disability": student.secondary_disability,
        "english_learner": student.english_learner,
        "english_proficiency": "EL" if student.english_learner else None,
        "has_bip": student.has_bip,
        "bip_status": "has_bip" if student.has_bip else "no_bip",
        "ethnicity": student.ethnicity,
        "school": student.school,
        "home_language": student.home_language,
        "home_language_name": LANGUAGE_NAMES.get(
            (student.home_language or "").lower(), student.home_language
        ),
        "contacts": contacts,
        "parents": parents,
        "parent": (parents or contacts or [None])[0],
        "flags": list(student.flags),
    }


def _age(born: date | None, on: date) -> int | None:
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _latest_events(events: Iterable[Any]) -> dict[str, dict[str, Any]]:
    latest: dict[str, Any] = {}
    for event in sorted(events, key=lambda e: e.at or datetime.combine(e.day, time())):
        latest[event.type] = event
    return {
        kind: _lift(e.details, {"date": e.day, "time": e.at.time() if e.at else None})
        for kind, e in latest.items()
    }


def _by_meeting_type(events: Iterable[Any]) -> dict[str, dict[str, Any]]:
    """The latest ``iep_meeting_held`` of each ``meeting_type`` (initial, annual, triennial)."""
    held = [e for e in events if e.type == "iep_meeting_held" and e.get("meeting_type")]
    latest = {}
    for e in sorted(held, key=lambda e: e.day):
        latest[str(e.get("meeting_type"))] = _lift(e.details, {"date": e.day})
    return latest


def _first_events(events: Iterable[Any]) -> dict[str, dict[str, Any]]:
    first: dict[str, Any] = {}
    for e in sorted(events, key=lambda e: e.day, reverse=True):
        first[e.type] = _lift(e.details, {"date": e.day})
    return first


def _meeting(meeting: Meeting) -> dict[str, Any]:
    people = [
        _lift(a.details, {"name": a.name, "role": a.role, "excused": a.excused})
        for a in meeting.attendees
    ]
    minutes = None
    if meeting.end is not None:
        minutes = int((meeting.end - meeting.start).total_seconds() // 60)
    place = meeting.location or meeting.details.get("place") or meeting.details.get("location")
    known = {
        "id": meeting.id,
        "type": meeting.type,
        "date": meeting.start.date(),
        "time": meeting.start.time(),
        "end_time": meeting.end.time() if meeting.end else None,
        "duration_minutes": minutes,
        "location": place,
        "place": place,
        "notice_sent": meeting.notice_sent,
        "agenda_sent": meeting.agenda_sent,
        "draft_sent": meeting.draft_sent,
        "agreed_extension": meeting.agreed_extension,
        "attendees": people,
        "members": [p for p in people if not p["excused"]],
        "staff": [p for p in people if not p["excused"] and p["role"] not in ("parent", "student")],
        "excused": [p for p in people if p["excused"]],
    }
    return _lift(meeting.details, known)


def _incident(incident: Incident, case: Case, restraint_type=None) -> dict[str, Any]:
    from spedrules.core.engine.incidents import about_incident
    from spedrules.core.engine.restraint_report import CORE_REPORT

    restraint_type = restraint_type or CORE_REPORT.restraint_type

    start, end = incident.started_at, incident.released_at
    linked = sorted(
        (e for e in case.events if about_incident(e, incident)),
        key=lambda e: e.at or datetime.combine(e.day, time()),
    )
    contacts = [  # every effort to reach the parent about it, in order
        {"method": e.get("method"), "date": e.day, "time": e.at.time() if e.at else None}
        for e in linked
        if e.type in ("parent_notified", "parent_contact_attempted")
    ]
    minutes = int((end - start).total_seconds() // 60) if end is not None else None
    staff = [{"name": p.name, "role": p.role} for p in incident.staff]
    witnesses = [{"name": p.name, "role": p.role} for p in incident.witnesses]
    known = {
        "id": incident.id,
        "type": incident.type,
        "date": start.date(),
        "start_time": start.time(),
        "end_time": end.time() if end else None,
        "released_at": end,
        "duration_minutes": minutes,
        "method": incident.method,
        "position": incident.position,
        "location": incident.location,
        "staff": staff,
        "staff_names": ", ".join(p["name"] for p in staff) or None,
        "witnesses": witnesses,
        "witness_names": ", ".join(p["name"] for p in witnesses) or None,
        "injuries": incident.injuries,
        "restraint_type": restraint_type(incident) if incident.type == "restraint" else None,
        "student_age": _age(case.student.birth_date, start.date()),
        "events": _latest_events(linked),
        "parent_contacts": contacts,
        "parent_contact_methods": sorted({c["method"] for c in contacts if c["method"]}),
        "first_parent_contact": contacts[0] if contacts else None,
    }
    return _lift(incident.details, known)
