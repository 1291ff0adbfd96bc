"""Meeting checks: team composition, lead times, time of day, duration, student invitation.

A MeetingRule is a set of checks over one meeting of the case file; each failed check is a
violation that names the meeting, the rule, its citation and its layer. Core knows no state:
the roles, numbers and citations all come from the plugins.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from spedrules.core.counting import anniversary, day_name
from spedrules.core.layering import RuleSet
from spedrules.core.model import Meeting, Violation
from spedrules.core.rules import LeadTime, MeetingRule
from spedrules.core.timeline import Context


def evaluate_meetings(ruleset: RuleSet, ctx: Context) -> list[Violation]:
    found: list[Violation] = []
    for meeting in ctx.case.meetings:
        for entry in ruleset.of_type(MeetingRule):
            rule = entry.version_on(meeting.start.date())
            if not isinstance(rule, MeetingRule):
                continue
            if not _applies(rule, meeting, ctx):
                continue
            found.extend(
                Violation.of(rule, meeting.id, message)
                for message in check_meeting(rule, meeting, ctx)
            )
    return found


def _applies(rule: MeetingRule, meeting: Meeting, ctx: Context) -> bool:
    if rule.meeting_types and meeting.type not in rule.meeting_types:
        return False
    student = ctx.case.student
    if not all(getattr(student, k, None) in v for k, v in rule.student_when.items()):
        return False
    return all(meeting.details.get(k) in v for k, v in rule.when.items())


def check_meeting(rule: MeetingRule, meeting: Meeting, ctx: Context) -> list[str]:
    problems = [*_team(rule, meeting), *(_lead(lt, meeting) for lt in rule.lead_times)]
    problems += [
        _late_start(rule, meeting, ctx),
        _too_long(rule, meeting),
        _student(rule, meeting, ctx),
        _contacts(rule, meeting),
        _during_school_day(rule, meeting, ctx),
    ]
    return [p for p in problems if p]


def _team(rule: MeetingRule, meeting: Meeting) -> list[str]:
    missing = []
    if rule.required_one_of and not any(
        a.role in rule.required_one_of and not a.excused for a in meeting.attendees
    ):
        roles = " or ".join(r.replace("_", " ") for r in rule.required_one_of)
        missing.append(f"no {roles} attended")
    for role in rule.required_roles:
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


def _lead(lt: LeadTime, meeting: Meeting) -> str | None:
    if lt.only_if and not meeting.details.get(lt.only_if):
        return None
    what = lt.field.replace("_", " ")
    sent = getattr(meeting, lt.field, None) if hasattr(meeting, lt.field) else None
    sent = sent if sent is not None else meeting.details.get(lt.field)
    if sent is None:
        return f"no {what} date recorded (due {lt.amount} {_unit(lt)} before the meeting)"
    if isinstance(sent, str):  # details keep case-file text: parse the ISO date here
        try:
            sent = date.fromisoformat(sent[:10])
        except ValueError:
            return f"{what}: expected a date YYYY-MM-DD, got {sent!r}"
    if isinstance(sent, datetime):
        sent = sent.date()
    if not isinstance(sent, date):
        return f"{what}: expected a date, got {sent!r}"
    start = meeting.start.date()
    if lt.unit == "day_of_prior_month":  # "by the 10th of the month before the meeting month"
        deadline = anniversary(start.replace(day=1), months=-1).due.replace(day=lt.amount)
        if sent > deadline:
            return (
                f"{what} {day_name(sent)} is after {day_name(deadline)}, the "
                f"{lt.amount}th of the month before the meeting on {day_name(start)}"
            )
        return None
    # hours are counted in whole days: a document sent on a date counts as sent that day
    if lt.unit == "months":  # "a month before": the same date a month earlier
        need = (start - anniversary(start, months=-lt.amount).due).days
    else:
        need = lt.amount if lt.unit != "hours" else -(-lt.amount // 24)
    ahead = (start - sent).days
    if ahead < need:
        return (
            f"{what} {day_name(sent)} is {ahead} day(s) before the meeting on "
            f"{day_name(start)}; at least {lt.amount} {_unit(lt)} required"
        )
    if lt.at_most is not None and ahead > lt.at_most:
        return (
            f"{what} {day_name(sent)} is {ahead} day(s) before the meeting; "
            f"no earlier than {lt.at_most} days before"
        )
    return None


def _unit(lt: LeadTime) -> str:
    return lt.unit.replace("_", " ").replace("calendar ", "")


def _late_start(rule: MeetingRule, meeting: Meeting, ctx: Context) -> str | None:
    limit = rule.latest_start_after_school_end
    if limit is None or ctx.calendar is None:
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


def _too_long(rule: MeetingRule, meeting: Meeting) -> str | None:
    if rule.max_minutes is None or meeting.end is None or meeting.agreed_extension:
        return None
    minutes = int((meeting.end - meeting.start).total_seconds() // 60)
    if minutes > rule.max_minutes:
        return (
            f"lasts {minutes} minutes, more than {rule.max_minutes} without a recorded "
            "agreement of the team (agreed_extension)"
        )
    return None


def _contacts(rule: MeetingRule, meeting: Meeting) -> str | None:
    need = rule.min_parent_contact_methods
    if need is None:
        return None
    contacts = meeting.details.get("parent_contacts") or []
    methods = {c.get("method") for c in contacts if isinstance(c, dict) and c.get("method")}
    if len(methods) < need:
        return (
            f"{len(contacts)} parent contact(s) in {len(methods)} way(s) recorded; "
            f"{need} different ways required"
        )
    return None


def _during_school_day(rule: MeetingRule, meeting: Meeting, ctx: Context) -> str | None:
    cal = ctx.calendar
    if not rule.flag_during_school_day or cal is None:
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


def _student(rule: MeetingRule, meeting: Meeting, ctx: Context) -> str | None:
    age_from = rule.invite_student_at
    born = ctx.case.student.birth_date
    if age_from is None or born is None:
        return None
    day = meeting.start.date()
    age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    invited = meeting.details.get("student_invited") or any(
        a.role == "student" for a in meeting.attendees
    )
    if age >= age_from and not invited:
        return f"the student is {age} (invite from {age_from}) and was not invited"
    return None
