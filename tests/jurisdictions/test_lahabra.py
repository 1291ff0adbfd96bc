"""The negotiated practices layered on California: meeting checks beside the law."""

from __future__ import annotations

import spedrules
from tests.districts import mesa_with

from .team import EXAMPLES
from .team import TEAM as ATTENDEES


def violations(config: str, meeting: dict) -> list:
    case = {"student": {"id": "MV-1", "birth_date": "2016-03-01"}, "meetings": [meeting]}
    return list(spedrules.evaluate(EXAMPLES / config, case, "2026-12-10").violations)


def meeting(**changes):
    # Mesa Verde's school day ends 15:00
    base = {
        "id": "M-1",
        "type": "annual",
        "start": "2026-12-02T15:10:00",
        "end": "2026-12-02T16:05:00",
        "notice_sent": "2026-11-20",
        "agenda_sent": "2026-12-01T14:30:00",  # 24 h 40 min ahead of the 15:10 start
        "draft_sent": "2026-12-01T14:30:00",
        "attendees": ATTENDEES,
    }
    return {**base, **changes}


def plain_california(tmp_path):
    return str(mesa_with(tmp_path, "", "plain.toml", old=', "lahabra-best-practices"'))


def test_late_and_long_meeting_flagged_twice_locally_not_under_the_law(tmp_path):
    # starts 15:45, 45 minutes after the 15:00 end of the school day; lasts 75 minutes
    late = meeting(start="2026-12-02T15:45:00", end="2026-12-02T17:00:00")
    local = violations("mesa-verde.toml", late)
    assert sorted(v.rule for v in local) == ["lahabra.meeting_length", "lahabra.meeting_start"]
    assert all(v.layer == "local" for v in local)
    assert "45 minutes after the school day ends (15:00)" in local[0].message + local[1].message
    assert violations(plain_california(tmp_path), late) == []
    # the same meeting with the team's recorded agreement to run long is flagged once
    agreed = violations("mesa-verde.toml", dict(late, agreed_extension=True))
    assert [v.rule for v in agreed] == ["lahabra.meeting_start"]


def test_missing_general_education_teacher_flagged_by_law_and_locally(tmp_path):
    no_gen_ed = meeting(attendees=ATTENDEES[:3])
    found = {v.rule: v for v in violations("mesa-verde.toml", no_gen_ed)}
    assert set(found) == {"ca.team.required_members", "lahabra.team"}
    assert found["ca.team.required_members"].citation.startswith("EC 56341(b)")
    assert found["lahabra.team"].citation.startswith("Special Education Best Practices")
    assert [v.rule for v in violations(plain_california(tmp_path), no_gen_ed)] == [
        "ca.team.required_members"
    ]


def test_lead_times():
    # notice Mon 11-30 is 2 days before Wed 12-02 (10 required); agenda the same morning
    late = meeting(notice_sent="2026-11-30", agenda_sent="2026-12-02")
    messages = sorted(v.message for v in violations("mesa-verde.toml", late))
    assert len(messages) == 2
    assert "agenda sent Wed 2026-12-02 (no time recorded" in messages[0]
    assert "by Tue 2026-12-01 15:10" in messages[0]
    assert "notice sent Mon 2026-11-30 is 2 day(s) before" in messages[1]


def after_annual_meeting(held: str, as_of: str, rule: str):
    """The one obligation `rule` of a Mesa Verde student whose annual IEP meeting was `held`."""
    case = {
        "student": {"id": "MV-1", "birth_date": "2016-03-01"},
        "events": [{"type": "iep_meeting_held", "date": held, "meeting_type": "annual"}],
    }
    result = spedrules.evaluate(EXAMPLES / "mesa-verde.toml", case, as_of)
    (ob,) = [o for o in result.obligations if o.rule == rule]
    return ob


def test_iep_at_a_glance_within_5_days():
    ob = after_annual_meeting("2026-12-02", "2026-12-08", "lahabra.iep_at_a_glance")
    # Wed 2026-12-02 + 5 (unit not stated: calendar days) = Mon 2026-12-07: overdue on the 8th
    assert (ob.due.isoformat(), ob.status, ob.layer) == ("2026-12-07", "overdue", "local")


def test_meeting_in_the_school_day_is_flagged_for_coverage():
    # Mesa Verde's school day runs 08:15-15:00: a 10:00 meeting needs coverage coordinated
    # (agenda and draft sent Mon 11-30, the whole day more than 24 hours before Wed 10:00)
    early = {"agenda_sent": "2026-11-30", "draft_sent": "2026-11-30"}
    (v,) = violations(
        "mesa-verde.toml",
        meeting(start="2026-12-02T10:00:00", end="2026-12-02T11:00:00", **early),
    )
    assert v.rule == "lahabra.school_day_coverage" and "(10:00)" in v.message
    assert (
        violations(
            "mesa-verde.toml",
            meeting(
                start="2026-12-02T10:00:00",
                end="2026-12-02T11:00:00",
                coverage_coordinated=True,
                **early,
            ),
        )
        == []
    )


def test_roundtable_within_two_weeks_of_the_first_day():
    ob = after_annual_meeting("2026-05-02", "2026-09-10", "lahabra.roundtable")
    # first day Wed 2026-08-19 + 14 = Wed 2026-09-02: overdue on the 10th
    assert (ob.due.isoformat(), ob.status) == ("2026-09-02", "overdue")
