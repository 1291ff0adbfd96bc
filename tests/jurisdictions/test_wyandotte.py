"""Wyandotte case-management expectations on the federal baseline (Riverside calendar)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import spedrules

DATA = Path(__file__).parent / "data"


def district(tmp_path, monitoring=None):
    text = (
        (DATA / "federal.toml")
        .read_text()
        .replace('stack = ["us-idea"]', 'stack = ["us-idea", "wyandotte-case-management"]')
    )
    if monitoring:
        text += f'\n[options]\n"wyandotte-case-management.progress_monitoring" = "{monitoring}"\n'
    (tmp_path / "w.toml").write_text(text)
    (tmp_path / "riverside-2026-28.yaml").write_text((DATA / "riverside-2026-28.yaml").read_text())
    return spedrules.load_district(tmp_path / "w.toml")


MEETING = {
    "id": "M-1",
    "type": "annual",
    "start": "2026-12-10T15:30:00",
    "end": "2026-12-10T16:30:00",
    "notice_sent": "2026-11-20",
    "draft_sent": "2026-12-07",
    "development_started": "2026-11-05",
    "draft_in_system": "2026-11-25",
    "parent_contacts": [
        {"method": "phone", "date": "2026-11-20"},
        {"method": "email", "date": "2026-11-21"},
    ],
    "attendees": [
        {"name": "P", "role": "parent"},
        {"name": "S", "role": "student"},
        {"name": "G", "role": "general_education_teacher"},
        {"name": "T", "role": "special_education_teacher"},
        {"name": "L", "role": "lea_representative"},
    ],
}


def test_a_well_prepared_meeting_passes(tmp_path):
    case = {"student": {"id": "W", "birth_date": "2011-06-01"}, "meetings": [MEETING]}
    assert spedrules.evaluate(district(tmp_path), case, "2026-12-11").violations == ()


def test_each_expectation_is_checked(tmp_path):
    # development started Wed 11-18 is less than a month before Thu 12-10 (Tue 11-10 at the
    # latest); drafted in the system 12-01 (9 days, 14 needed); draft sent 12-09 (1 day, 2
    # needed); one contact way; the student, 15, not invited
    late = dict(
        MEETING,
        development_started="2026-11-18",
        draft_in_system="2026-12-01",
        draft_sent="2026-12-09",
        parent_contacts=[{"method": "phone"}, {"method": "phone"}],
        attendees=MEETING["attendees"][:1] + MEETING["attendees"][2:],
    )
    case = {"student": {"id": "W", "birth_date": "2011-06-01"}, "meetings": [late]}
    messages = sorted(
        v.message for v in spedrules.evaluate(district(tmp_path), case, "2026-12-11").violations
    )
    assert len(messages) == 5
    assert any("development started Wed 2026-11-18 is 22 day(s)" in m for m in messages)
    assert any("2 parent contact(s) in 1 way(s)" in m for m in messages)
    assert any("the student is 15 (invite from 14)" in m for m in messages)


def annual_meeting_obligations(config) -> dict:
    """By rule id, the duties on Tue 2026-11-17 of an annual IEP meeting held Mon 2026-11-16."""
    case = {
        "student": {"id": "W", "birth_date": "2011-06-01"},
        "events": [{"type": "iep_meeting_held", "date": "2026-11-16", "meeting_type": "annual"}],
    }
    return {o.rule: o for o in spedrules.evaluate(config, case, "2026-11-17").obligations}


def test_paperwork_and_progress_monitoring(tmp_path):
    obs = annual_meeting_obligations(district(tmp_path))
    # Mon 11-16 + 10 school days: Nov 17-20 (4), Thanksgiving week closed, Nov 30 (5),
    # Dec 1-4 (9), Mon 2026-12-07 (10)
    assert obs["wyandotte.paperwork"].due == date(2026, 12, 7)
    assert obs["wyandotte.progress_monitoring"].due == date(2026, 11, 30)  # every two weeks
    weekly = annual_meeting_obligations(district(tmp_path, "weekly"))
    assert weekly["wyandotte.progress_monitoring"].due == date(2026, 11, 23)


def test_planning_and_progress_reports(tmp_path):
    obs = annual_meeting_obligations(district(tmp_path))
    # IEP due again Tue 2027-11-16: planned by Tue 2027-11-02; progress report every 9 weeks
    # (the default): Mon 2026-11-16 + 63 days = Mon 2027-01-18
    assert obs["wyandotte.plan_meeting"].due == date(2027, 11, 2)
    assert obs["wyandotte.progress_report"].due == date(2027, 1, 18)
