"""Meeting checks: team composition, lead times, time of day, duration, student invitation.

A MeetingRule is a set of checks over one meeting of the case file; each failed check is a
violation that names the meeting, the rule, its citation and its layer. A meeting still on the
calendar (its day is the as-of date or later, or its ``status`` is ``scheduled``) instead gives
its lead times as obligations with due dates - the notice, agenda and draft to send - met by the
meeting's sent fields; moving the meeting moves them. Core knows no state: the roles, numbers
and citations all come from the plugins.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from attrs import evolve

from spedrules.core.calendar.counting import anniversary, day_name
from spedrules.core.engine.layering import RuleSet
from spedrules.core.engine.timeline import Context
from spedrules.core.model import EventRef, Meeting, Obligation, Violation
from spedrules.core.model.rules import (
    MEETING_CHECK_TYPES,
    InviteStudent,
    LatestStart,
    LeadTime,
    MaxDuration,
    MeetingRule,
    OneOfRoles,
    ParentContactMethods,
    RequiredRoles,
    SchoolDayCoverage,
)


def evaluate_meetings(
    ruleset: RuleSet, ctx: Context, violations_too: bool = True
) -> tuple[list[Obligation], list[Violation]]:
    """The prep obligations of meetings on the calendar, and the violations of every meeting
    (lead times only once the meeting has taken place: before that they are obligations);
    without ``violations_too`` the obligations alone (the batch stores no violation)."""
    obligations: list[Obligation] = []
    found: list[Violation] = []
    for meeting in ctx.case.meetings:
        ahead = on_calendar(meeting, ctx)
        if not (ahead or violations_too):
            continue
        for entry in ruleset.of_type(MeetingRule):
            rule = entry.version_on(meeting.start.date())
            if not isinstance(rule, MeetingRule):
                continue
            if not _applies(rule, meeting, ctx):
                continue
            if violations_too:
                found.extend(
                    Violation.of(rule, meeting.id, message)
                    for message in check_meeting(rule, meeting, ctx, lead_times=not ahead)
                )
            if ahead:
                obligations.extend(prep_obligations(rule, meeting, ctx))
    return obligations, found


def on_calendar(meeting: Meeting, ctx: Context) -> bool:
    """Still ahead on the as-of date: its day has not passed, or it is recorded as scheduled."""
    return not ctx.passed(meeting.start.date()) or meeting.details.get("status") == "scheduled"


def _applies(rule: MeetingRule, meeting: Meeting, ctx: Context) -> bool:
    if rule.meeting_types and meeting.type not in rule.meeting_types:
        return False
    student = ctx.case.student
    if not all(getattr(student, k, None) in v for k, v in rule.student_when.items()):
        return False
    return all(meeting.details.get(k) in v for k, v in rule.when.items())


def check_meeting(
    rule: MeetingRule, meeting: Meeting, ctx: Context, lead_times: bool = True
) -> list[str]:
    """What the meeting fails of the rule's checks, in the order of MEETING_CHECK_TYPES."""
    problems: list[str | None] = []
    for check in sorted(rule.checks, key=lambda c: CHECK_ORDER[type(c)]):
        if isinstance(check, LeadTime):
            if lead_times:
                problems.append(_lead(check, meeting, ctx))
        elif isinstance(check, RequiredRoles):
            problems += _required_roles(check, meeting)
        else:
            problems.append(CHECKS[type(check)](check, meeting, ctx))
    return [p for p in problems if p]


def _one_of(check: OneOfRoles, meeting: Meeting, _ctx: Context) -> str | None:
    if any(a.role in check.roles and not a.excused for a in meeting.attendees):
        return None
    roles = " or ".join(r.replace("_", " ") for r in check.roles)
    return f"no {roles} attended"


def _required_roles(check: RequiredRoles, meeting: Meeting) -> list[str]:
    missing = []
    for role in check.roles:
        present = [a for a in meeting.attendees if a.role == role]
        if any(not a.excused for a in present):
            continue
        excused_ok = [a for a in present if a.excused and a.details.get("written_agreement")]
        if excused_ok:
            missing += [
                f"{role.replace('_', ' ')} {a.name} excused while their area was discussed "
                "without written input"
                for a in excused_ok
                if a.details.get("area_discussed") and not a.details.get("written_input")
            ]
            continue
        label = role.replace("_", " ")
        excused = [a for a in present if a.excused]
        missing.append(
            f"{label} excused without written agreement" if excused else f"no {label} attended"
        )
    return missing


def _covered(lt: LeadTime, meeting: Meeting) -> bool:
    if lt.only_if and not meeting.details.get(lt.only_if):
        return False
    return meeting.start.month not in lt.skip_months


def _sent(lt: LeadTime, meeting: Meeting) -> tuple[date | datetime | None, str | None]:
    """The recorded sent date or moment of a lead time's document, or what is wrong with it."""
    sent = getattr(meeting, lt.field, None) if hasattr(meeting, lt.field) else None
    sent = sent if sent is not None else meeting.details.get(lt.field)
    what = lt.field.replace("_", " ")
    if isinstance(sent, str):  # details keep case-file text: parse the ISO date or moment here
        try:
            sent = date.fromisoformat(sent) if len(sent) == 10 else datetime.fromisoformat(sent)
        except ValueError:
            return None, f"{what}: expected a date YYYY-MM-DD or YYYY-MM-DDTHH:MM, got {sent!r}"
    if sent is not None and not isinstance(sent, date):
        return None, f"{what}: expected a date, got {sent!r}"
    return sent, None


def _start(meeting: Meeting, ctx: Context) -> datetime:
    start = meeting.start
    return start if start.tzinfo else start.replace(tzinfo=ctx.tz)


def deadline(lt: LeadTime, start: datetime) -> tuple[date | datetime, date | None, str]:
    """When a lead time's document is due before a meeting starting at ``start`` (aware), the
    earliest day of its window (or None), and the step that explains it."""
    day = start.date()
    if lt.unit == "day_of_prior_month":  # "by the 10th of the month before the meeting month"
        due = anniversary(day.replace(day=1), months=-1).due.replace(day=lt.amount)
        return (
            due,
            None,
            (f"by the {_nth(lt.amount)} of the month before the meeting month: by {day_name(due)}"),
        )
    if lt.unit == "hours":  # exact, in the district's timezone (docs/counting.md)
        due = (start.astimezone(UTC) - timedelta(hours=lt.amount)).astimezone(start.tzinfo)
        return (
            due,
            None,
            (f"at least {lt.amount} hours in advance: by {day_name(due.date())} {due:%H:%M}"),
        )
    if lt.unit == "months":  # "a month before": the same date a month earlier
        due = anniversary(day, months=-lt.amount).due
        return due, None, f"at least {lt.amount} month(s) in advance: by {day_name(due)}"
    due = day - timedelta(days=lt.amount)
    if lt.at_most is not None:
        earliest = day - timedelta(days=lt.at_most)
        return (
            due,
            earliest,
            (
                f"{lt.amount} to {lt.at_most} days in advance: from {day_name(earliest)}, "
                f"by {day_name(due)}"
            ),
        )
    return due, None, f"at least {lt.amount} days in advance: by {day_name(due)}"


def _nth(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _judge(sent: date | datetime, due: date | datetime, earliest: date | None, ctx: Context):
    """Whether a document sent at ``sent`` meets the due moment: ("met" | "late" | "early",
    the step saying so). A date alone against an hours rule is counted conservatively as sent
    at the end of that day: it is on time only if that whole day is before the due moment."""
    label = day_name(sent.date() if isinstance(sent, datetime) else sent)
    if isinstance(due, datetime):
        if isinstance(sent, datetime):
            moment = sent if sent.tzinfo else sent.replace(tzinfo=ctx.tz)
            label = f"{label} {moment:%H:%M}"
            if moment <= due:
                return "met", f"sent {label}: on time"
            hours = (moment - due).total_seconds() / 3600
            return "late", f"sent {label}: late by {hours:.1f} hour(s)"
        end = datetime.combine(sent + timedelta(days=1), time(0), tzinfo=due.tzinfo)
        how = "no time recorded, so counted conservatively as sent at the end of that day"
        if end <= due:
            return "met", f"sent {label} ({how}): on time"
        return "late", (
            f"sent {label} ({how}): not shown to be on time; record the time it was sent"
        )
    day = sent.astimezone(ctx.tz).date() if isinstance(sent, datetime) and sent.tzinfo else sent
    day = day.date() if isinstance(day, datetime) else day
    if earliest is not None and day < earliest:
        opens = day_name(earliest)
        return "early", f"sent {label}, before the window opens {opens}: does not count"
    if day <= due:
        return "met", f"sent {label}: on time"
    return "late", f"sent {label}: late by {(day - due).days} day(s)"


def prep_obligations(rule: MeetingRule, meeting: Meeting, ctx: Context) -> list[Obligation]:
    """One obligation per lead time of a meeting on the calendar, with its due date."""
    start = _start(meeting, ctx)
    found = []
    for lt in rule.lead_times:
        if not _covered(lt, meeting):
            continue
        due, earliest, text = deadline(lt, start)
        steps = [f"meeting {meeting.id} scheduled {day_name(start.date())} {start:%H:%M}", text]
        if not lt.unit_stated:
            steps.insert(
                1, f"the source says {lt.amount} days without a unit: counted as calendar days"
            )
        if ctx.passed(meeting.start.date()):
            steps[0] += " (recorded as status: scheduled; its day has passed)"
        sent, problem = _sent(lt, meeting)
        status, met_by = "", None
        if problem:
            steps.append(problem)
        elif sent is not None:
            status, line = _judge(sent, due, earliest, ctx)
            steps.append(f"{_document(lt)} {line}")
            if status == "early":
                status = ""
            else:
                met_by = EventRef(lt.field, sent.date() if isinstance(sent, datetime) else sent)
        if not status:
            status, line = _open_or_overdue(due, ctx)
            steps.append(line)
        ob = Obligation.of(
            rule,
            status=status,
            due=due,
            steps=steps,
            trigger=EventRef("meeting_scheduled", start.date()),
            met_by=met_by,
            subject=meeting.id,
        )
        found.append(evolve(ob, kind=lt.kind or rule.kind, title=lt.title or rule.title))
    return found


def _open_or_overdue(due: date | datetime, ctx: Context) -> tuple[str, str]:
    day = due.date() if isinstance(due, datetime) else due
    if ctx.passed(day):
        days = (ctx.as_of - day).days
        return "overdue", f"not sent as of {day_name(ctx.as_of)}: overdue by {days} day(s)"
    left = (day - ctx.as_of).days
    return "open", f"not sent as of {day_name(ctx.as_of)}: open, {left} day(s) left"


def _lead(lt: LeadTime, meeting: Meeting, ctx: Context) -> str | None:
    """The violation of a lead time by a meeting that has taken place, or None."""
    if not _covered(lt, meeting):
        return None
    what = lt.field.replace("_", " ")
    sent, problem = _sent(lt, meeting)
    if problem:
        return problem
    start = _start(meeting, ctx)
    due, earliest, _ = deadline(lt, start)
    if sent is None:
        return f"no {what} date recorded (due {lt.amount} {_unit(lt)} before the meeting)"
    if lt.unit == "hours":
        status, line = _judge(sent, due, None, ctx)
        if status == "met":
            return None
        return (
            f"{_document(lt)} {line}; at least {lt.amount} hours before the meeting on "
            f"{day_name(start.date())} {start:%H:%M} required (by {day_name(due.date())} "
            f"{due:%H:%M})"
        )
    if isinstance(sent, datetime):
        sent = (sent.astimezone(ctx.tz) if sent.tzinfo else sent).date()
    day = start.date()
    if lt.unit == "day_of_prior_month":
        if sent > due:
            return (
                f"{what} {day_name(sent)} is after {day_name(due)}, the "
                f"{_nth(lt.amount)} of the month before the meeting on {day_name(day)}"
            )
        return None
    ahead = (day - sent).days
    if sent > due:
        return (
            f"{what} {day_name(sent)} is {ahead} day(s) before the meeting on "
            f"{day_name(day)}; at least {lt.amount} {_unit(lt)} required"
        )
    if earliest is not None and sent < earliest:
        return (
            f"{what} {day_name(sent)} is {ahead} day(s) before the meeting; "
            f"no earlier than {lt.at_most} days before"
        )
    return None


def _document(lt: LeadTime) -> str:
    """'agenda' for agenda_sent: what the explanation says was sent."""
    return lt.field.replace("_", " ").removesuffix(" sent")


def _unit(lt: LeadTime) -> str:
    return lt.unit.replace("_", " ").replace("calendar ", "")


def _late_start(check: LatestStart, meeting: Meeting, ctx: Context) -> str | None:
    limit = check.minutes
    if ctx.calendar is None:
        return None
    end = datetime.combine(meeting.start.date(), ctx.calendar.school_day_end)
    latest = end + timedelta(minutes=limit)
    start = meeting.start.replace(tzinfo=None)
    if start > latest:
        late = int((start - end).total_seconds() // 60)
        return (
            f"starts {start:%H:%M}, {late} minutes after the school day ends "
            f"({end:%H:%M}); no later than {limit} minutes after"
        )
    return None


def _too_long(check: MaxDuration, meeting: Meeting, _ctx: Context) -> str | None:
    if meeting.end is None or meeting.agreed_extension:
        return None
    minutes = int((meeting.end - meeting.start).total_seconds() // 60)
    if minutes > check.minutes:
        return (
            f"lasts {minutes} minutes, more than {check.minutes} without a recorded "
            "agreement of the team (agreed_extension)"
        )
    return None


def _contacts(check: ParentContactMethods, meeting: Meeting, _ctx: Context) -> str | None:
    need = check.at_least
    contacts = meeting.details.get("parent_contacts") or []
    methods = {c.get("method") for c in contacts if isinstance(c, dict) and c.get("method")}
    if len(methods) < need:
        return (
            f"{len(contacts)} parent contact(s) in {len(methods)} way(s) recorded; "
            f"{need} different ways required"
        )
    return None


def _during_school_day(_check: SchoolDayCoverage, meeting: Meeting, ctx: Context) -> str | None:
    cal = ctx.calendar
    if cal is None:
        return None
    day, start = meeting.start.date(), meeting.start.time()
    if not cal.is_instructional(day) or not cal.school_day_start <= start < cal.school_day_end:
        return None
    if meeting.details.get("coverage_coordinated"):
        return None
    return (
        f"held during the school day ({start:%H:%M}): teacher coverage must be coordinated "
        "with site and district administrators (record coverage_coordinated: true)"
    )


def _student(check: InviteStudent, meeting: Meeting, ctx: Context) -> str | None:
    age_from = check.age
    born = ctx.case.student.birth_date
    if born is None:
        return None
    day = meeting.start.date()
    age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    invited = meeting.details.get("student_invited") or any(
        a.role == "student" for a in meeting.attendees
    )
    if age >= age_from and not invited:
        return f"the student is {age} (invite from {age_from}) and was not invited"
    return None


# the check of each check type but lead times and required roles (which may fail several times)
CHECKS = {
    OneOfRoles: _one_of,
    LatestStart: _late_start,
    MaxDuration: _too_long,
    InviteStudent: _student,
    ParentContactMethods: _contacts,
    SchoolDayCoverage: _during_school_day,
}
CHECK_ORDER = {cls: i for i, cls in enumerate(MEETING_CHECK_TYPES.values())}
