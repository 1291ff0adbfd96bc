"""The independent-study charter's meeting procedures on California (Mesa Verde calendar)."""

from __future__ import annotations

import spedrules
from tests.districts import mesa_with

from .team import TEAM

# a meeting on Thu 2026-11-19: the 10th of the month before is Sat 2026-10-10; two weeks
# before is Thu 11-05; the agenda window is Sat 11-14 (5 days) to Mon 11-16 (3 days)
MEETING = {
    "id": "M-1",
    "type": "annual",
    "start": "2026-11-19T10:00:00",
    "end": "2026-11-19T11:00:00",
    "notice_entered": "2026-10-09",
    "ge_feedback_sent": "2026-10-08",
    "ge_feedback_received": "2026-11-04",
    "provider_report_sent": "2026-10-10",
    "provider_report_received": "2026-11-05",
    "draft_requested": True,
    "draft_sent": "2026-11-13",
    "agenda_sent": "2026-11-15",
    "attendees": TEAM,
}


def violations(tmp_path, meeting):
    config = mesa_with(tmp_path, '"charter-independent-study"')
    case = {"student": {"id": "C-1", "birth_date": "2014-02-02"}, "meetings": [meeting]}
    return list(spedrules.evaluate(config, case, "2026-11-20").violations)


def test_on_time_meeting_passes(tmp_path):
    assert violations(tmp_path, MEETING) == []


def test_late_notice_and_agenda_outside_the_window(tmp_path):
    late = dict(
        MEETING, notice_entered="2026-10-12", agenda_sent="2026-11-10", draft_sent="2026-11-16"
    )
    found = sorted((v.rule, v.message) for v in violations(tmp_path, late))
    assert [r for r, _ in found] == [
        "charter.agenda_window",
        "charter.draft_on_request",
        "charter.notice_in_seis",
    ]
    assert "no earlier than 5 days before" in found[0][1]  # 9 days early is flagged too
    assert "after Sat 2026-10-10, the 10th of the month before" in found[2][1]


def test_draft_only_when_requested(tmp_path):
    assert violations(tmp_path, dict(MEETING, draft_requested=False, draft_sent=None)) == []
