"""Prep deadlines of a meeting on the calendar (issue 14, item 4): the lead times of La Habra,
the charter and Wyandotte as obligations with due dates, met by the meeting's sent fields; moving
the meeting moves them; once the meeting is held, a failed lead time is a violation instead.
Dates are worked by hand in the comments (Mesa Verde and Riverside: America/Los_Angeles)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

import spedrules
from spedrules.core.errors import InputError
from tests.districts import mesa_with

from .team import EXAMPLES, TEAM

DATA = Path(__file__).parent / "data"
PST = timezone(timedelta(hours=-8))
PREP = {"meeting_notice", "meeting_agenda", "draft_iep_to_parent"}


def lahabra(as_of, **meeting):
    m = {"id": "M-1", "type": "annual", "attendees": TEAM, **meeting}
    m.setdefault("start", "2026-12-10T15:00:00")
    m.setdefault("end", "2026-12-10T15:55:00")
    case = {"student": {"id": "MV-1", "birth_date": "2016-03-01"}, "meetings": [m]}
    return spedrules.evaluate(EXAMPLES / "mesa-verde.toml", case, as_of)


def prep(result):
    return {o.kind: o for o in result.obligations if o.subject == "M-1"}


def test_lahabra_meeting_ahead_gives_its_notice_agenda_and_draft():
    result = lahabra("2026-11-25")
    obs = prep(result)
    assert set(obs) == PREP
    # notice "at least 10 days in advance" of Thu 2026-12-10: Thu - 10 days = Mon 2026-11-30
    notice = obs["meeting_notice"]
    assert (notice.due, notice.status, notice.rule) == (
        date(2026, 11, 30),
        "open",
        "lahabra.notice",
    )
    assert notice.explanation == (
        "meeting M-1 scheduled Thu 2026-12-10 15:00",
        "the source says 10 days without a unit: counted as calendar days",
        "at least 10 days in advance: by Mon 2026-11-30",
        "not sent as of Wed 2026-11-25: open, 5 day(s) left",
    )
    assert notice.responsible == "case manager" and notice.layer == "local"
    # agenda and draft "at least 24 hours in advance": Wed 2026-12-09 15:00 PST, a moment
    for kind in ("meeting_agenda", "draft_iep_to_parent"):
        assert obs[kind].due == datetime(2026, 12, 9, 15, 0, tzinfo=PST)
        assert "at least 24 hours in advance: by Wed 2026-12-09 15:00" in obs[kind].explanation
    assert obs["meeting_agenda"].due.isoformat() == "2026-12-09T15:00:00-08:00"
    # before the meeting nothing missing is a violation yet: the obligations say it
    assert not [v for v in result.violations if v.kind == "meeting_lead_time"]
    data = result.to_dict()
    agenda = next(o for o in data["obligations"] if o["kind"] == "meeting_agenda")
    assert agenda["due"] == "2026-12-09T15:00:00-08:00" and agenda["subject"] == "M-1"


def test_moving_the_meeting_moves_its_deadlines():
    # moved to Tue 2026-12-15 15:00: notice by Sat 2026-12-05, agenda by Mon 12-14 15:00
    obs = prep(lahabra("2026-11-25", start="2026-12-15T15:00:00", end="2026-12-15T15:50:00"))
    assert obs["meeting_notice"].due == date(2026, 12, 5)
    assert obs["meeting_agenda"].due == datetime(2026, 12, 14, 15, 0, tzinfo=PST)


@pytest.mark.parametrize(
    "sent, status",
    [
        ("2026-12-09T15:00:00", "met"),  # exactly 24 hours ahead
        ("2026-12-09T16:00:00", "late"),  # 23 hours ahead: fails the 24-hour rule
        ("2026-12-09", "late"),  # a date alone: counted as the end of Wed, after 15:00
        ("2026-12-08", "met"),  # the whole of Tue is more than 24 hours before
    ],
)
def test_agenda_sent_23_hours_ahead_fails_the_24_hour_rule(sent, status):
    agenda = prep(lahabra("2026-12-09", agenda_sent=sent))["meeting_agenda"]
    assert agenda.status == status
    if sent == "2026-12-09T16:00:00":
        assert "agenda sent Wed 2026-12-09 16:00: late by 1.0 hour(s)" in agenda.explanation
    if sent == "2026-12-09":
        assert any(
            "counted conservatively as sent at the end of that day" in s for s in agenda.explanation
        )


def test_hours_are_exact_across_the_change_to_daylight_time():
    # Sun 2027-03-14 15:00 PDT is 22:00 UTC; 24 hours earlier is Sat 22:00 UTC = 14:00 PST
    agenda = prep(lahabra("2027-03-01", start="2027-03-14T15:00:00", end="2027-03-14T15:30:00"))
    assert agenda["meeting_agenda"].due.isoformat() == "2027-03-13T14:00:00-08:00"


def test_overdue_before_the_meeting_and_a_violation_after_it():
    # notice due Mon 11-30, nothing sent: overdue by 1 day on Tue 12-01
    obs = prep(lahabra("2026-12-01", notice_sent="2026-12-03"))
    assert obs["meeting_notice"].status == "late"  # sent Thu 12-03: late by 3 days
    assert "notice sent Thu 2026-12-03: late by 3 day(s)" in obs["meeting_notice"].explanation
    assert prep(lahabra("2026-12-01"))["meeting_notice"].status == "overdue"
    # the day after the meeting: no prep obligations, the after-the-fact violations stay
    after = lahabra("2026-12-11")
    assert not prep(after)
    messages = [v.message for v in after.violations if v.rule == "lahabra.notice"]
    assert messages == ["M-1: no notice sent date recorded (due 10 days before the meeting)"]


def test_a_meeting_recorded_as_scheduled_stays_on_the_calendar():
    obs = prep(lahabra("2026-12-11", status="scheduled"))
    assert obs["meeting_notice"].status == "overdue"  # Mon 11-30 + 11 days
    assert "its day has passed" in obs["meeting_notice"].explanation[0]


def charter(tmp_path, as_of, **meeting):
    config = mesa_with(tmp_path, '"charter-independent-study"')
    m = {"id": "M-1", "type": "annual", "attendees": TEAM, "draft_requested": True, **meeting}
    case = {"student": {"id": "C-1", "birth_date": "2014-02-02"}, "meetings": [m]}
    return spedrules.evaluate(config, case, as_of)


def test_charter_meeting_ahead(tmp_path):
    # Thu 2026-11-19 10:00: the 10th of the month before is Sat 2026-10-10; forms back two
    # weeks before, Thu 11-05; the draft 5 days before, Sat 11-14; the agenda 3 to 5 days
    # before: from Sat 11-14, by Mon 11-16
    result = charter(tmp_path, "2026-10-01", start="2026-11-19T10:00:00", end="2026-11-19T11:00:00")
    obs = prep(result)
    assert {k: o.due for k, o in obs.items()} == {
        "charter.seis_notice": date(2026, 10, 10),
        "charter.ge_feedback_sent": date(2026, 10, 10),
        "charter.ge_feedback_received": date(2026, 11, 5),
        "charter.provider_report_sent": date(2026, 10, 10),
        "charter.provider_report_received": date(2026, 11, 5),
        "draft_iep_to_parent": date(2026, 11, 14),
        "meeting_agenda": date(2026, 11, 16),
    }
    assert (
        "by the 10th of the month before the meeting month: by Sat 2026-10-10"
        in obs["charter.seis_notice"].explanation
    )
    assert (
        "3 to 5 days in advance: from Sat 2026-11-14, by Mon 2026-11-16"
        in obs["meeting_agenda"].explanation
    )
    # an agenda sent Tue 11-10, 9 days ahead, does not count: still open on Thu 11-12
    early = prep(
        charter(tmp_path, "2026-11-12", start="2026-11-19T10:00:00", agenda_sent="2026-11-10")
    )
    assert early["meeting_agenda"].status == "open"
    assert any(
        "before the window opens Sat 2026-11-14: does not count" in s
        for s in early["meeting_agenda"].explanation
    )


def test_charter_notice_in_seis_begins_with_october_iep(tmp_path):
    # "beginning in September for October IEPs": a Thu 2026-09-24 meeting has no SEIS deadline
    # (it would have been Mon 2026-08-10), before or after it is held
    sept = {"start": "2026-09-24T10:00:00", "end": "2026-09-24T11:00:00"}
    assert "charter.seis_notice" not in prep(charter(tmp_path, "2026-08-01", **sept))
    held = charter(tmp_path, "2026-09-25", **sept)
    assert not [v for v in held.violations if v.rule == "charter.notice_in_seis"]
    # an October meeting, Thu 2026-10-22: by Thu 2026-09-10
    octo = prep(charter(tmp_path, "2026-09-01", start="2026-10-22T10:00:00"))
    assert octo["charter.seis_notice"].due == date(2026, 9, 10)
    late = charter(tmp_path, "2026-10-23", start="2026-10-22T10:00:00", notice_entered="2026-09-11")
    assert [v.rule for v in late.violations if v.rule == "charter.notice_in_seis"] == [
        "charter.notice_in_seis"
    ]


def wyandotte(tmp_path):
    text = (
        (DATA / "federal.toml")
        .read_text()
        .replace('stack = ["us-idea"]', 'stack = ["us-idea", "wyandotte-case-management"]')
    )
    (tmp_path / "w.toml").write_text(text)
    (tmp_path / "riverside-2026-28.yaml").write_text((DATA / "riverside-2026-28.yaml").read_text())
    return tmp_path / "w.toml"


def test_wyandotte_preparation_ahead(tmp_path):
    # Thu 2026-12-10 15:30: development a month before, Tue 2026-11-10; the IEP in Webkidss and
    # the parents contacted 2 weeks before, Thu 11-26; the draft 2 days (no unit) before, Tue 12-08
    case = {
        "student": {"id": "W", "birth_date": "2011-06-01"},
        "meetings": [{"id": "M-1", "type": "annual", "start": "2026-12-10T15:30:00"}],
    }
    obs = prep(spedrules.evaluate(wyandotte(tmp_path), case, "2026-11-12"))
    assert {k: (o.due, o.status) for k, o in obs.items()} == {
        "wyandotte.iep_development": (date(2026, 11, 10), "overdue"),
        "wyandotte.iep_in_system": (date(2026, 11, 26), "open"),
        "meeting_notice": (date(2026, 11, 26), "open"),
        "draft_iep_to_parent": (date(2026, 12, 8), "open"),
    }
    assert (
        "at least 1 month(s) in advance: by Tue 2026-11-10"
        in obs["wyandotte.iep_development"].explanation
    )
    assert all(o.responsible == "case manager" for o in obs.values())


def test_wyandotte_plan_meeting_means_held_two_weeks_before_the_due_date(tmp_path):
    # annual IEP Mon 2026-11-16: due again Tue 2027-11-16, held by Tue 2027-11-02
    def plan(*events, as_of="2027-11-20"):
        case = {
            "student": {"id": "W", "birth_date": "2011-06-01"},
            "events": [
                {"type": "iep_meeting_held", "date": "2026-11-16", "meeting_type": "annual"},
                *events,
            ],
        }
        obs = spedrules.evaluate(wyandotte(tmp_path), case, as_of).obligations
        (ob,) = [
            o
            for o in obs
            if o.rule == "wyandotte.plan_meeting" and o.trigger.date == date(2026, 11, 16)
        ]
        return ob

    scheduled = plan({"type": "iep_meeting_scheduled", "date": "2027-09-01"})
    assert (scheduled.due, scheduled.status) == (date(2027, 11, 2), "overdue")  # not enough
    assert any(
        "read as: the next annual IEP meeting is held by then" in s for s in scheduled.explanation
    )
    held = {"type": "iep_meeting_held", "date": "2027-10-28", "meeting_type": "annual"}
    assert plan(held).status == "met"
    late = {"type": "iep_meeting_held", "date": "2027-11-10", "meeting_type": "annual"}
    assert plan(late).status == "late"  # Wed 11-10 is 8 days after Tue 11-02


def test_california_recording_notice_ahead():
    # audio recording planned for Thu 2026-12-10 15:00: notice at least 24 hours before, by
    # Wed 2026-12-09 15:00 PST (EC 56341.1(g)(1))
    obs = prep(lahabra("2026-12-01", audio_recorded=True))
    notice = obs["ca.audio_recording_notice"]
    assert (notice.due, notice.status, notice.rule) == (
        datetime(2026, 12, 9, 15, 0, tzinfo=PST),
        "open",
        "ca.team.audio_recording_notice",
    )
    assert notice.citation == "EC 56341.1(g)(1); NW SELPA Handbook ch. 4 App. A"


def test_a_sent_field_that_is_neither_a_date_nor_a_moment_is_an_input_error():
    with pytest.raises(InputError) as err:
        lahabra("2026-11-25", agenda_sent="yesterday")
    assert "meetings[0].agenda_sent" in str(err.value)
    assert "a date YYYY-MM-DD or a date and time YYYY-MM-DDTHH:MM" in str(err.value)
