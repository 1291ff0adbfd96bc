"""California timelines, emergency interventions and team rules, with dates worked by hand on
the Riverside calendar (tests/jurisdictions/data/riverside-2026-28.yaml): Veterans Day Wed
2026-11-11; Thanksgiving Break Mon 11-23..Fri 11-27 (exactly 5 school days: counted); Winter
Break Mon 12-21..Fri 2027-01-01 (the run Sat 12-19..Sun 01-03 holds 10: not counted); Memorial
Day Mon 2027-05-31; last day Thu 2027-06-10; 2027-28 starts Wed 2027-08-18. School day ends 14:45.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import spedrules

from .team import TEAM

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def ca():
    return spedrules.load_district(DATA / "california.toml")


def evaluate(district, as_of, *events, student=None, incidents=(), meetings=()):
    case = {
        "student": student or {"id": "CA-1", "name": "Ana Ruiz", "birth_date": "2016-05-02"},
        "events": [
            dict(type=t, date=d, **extra)
            for t, d, *rest in events
            for extra in [rest[0] if rest else {}]
        ],
        "incidents": list(incidents),
        "meetings": list(meetings),
    }
    result = spedrules.evaluate(district, case, as_of)
    assert not result.warnings
    return result


def due(result, rule):
    (ob,) = [o for o in result.obligations if o.rule == rule]
    return ob


def test_sixty_days_of_consent_the_handbook_example(ca):
    # consent Fri 2026-10-30 (day 0); Thanksgiving counts; winter break stops the clock after
    # Fri 12-18 (day 49); it recommences Mon 2027-01-04 (day 50); day 60 is Thu 2027-01-14.
    ob = due(
        evaluate(ca, "2026-11-02", ("evaluation_consent_received", "2026-10-30")),
        "ca.initial_evaluation",
    )
    assert ob.due == date(2027, 1, 14)
    assert ob.replaces == "idea.initial_evaluation"
    assert ob.citation.startswith("EC 56043(f)(1)")
    text = "\n".join(ob.explanation)
    assert "Thanksgiving Break 2026-11-21 to 2026-11-29 has 5 school days, not more than 5" in text
    assert (
        "clock stops after Fri 2026-12-18 (day 49) and recommences Mon 2027-01-04 (day 50)" in text
    )


def test_assessment_plan_around_thanksgiving_and_winter(ca):
    # referral Tue 2026-11-17: Nov 18 is day 1, Nov 30 day 13 (Thanksgiving week counts),
    # Dec 2 day 15 -> Wed 2026-12-02
    r = evaluate(ca, "2026-11-18", ("referral_received", "2026-11-17"))
    assert due(r, "ca.assessment_plan").due == date(2026, 12, 2)
    # referral Mon 2026-12-14: Dec 15-18 days 1-4, winter break not counted, Mon Jan 4 day 5,
    # Thu 2027-01-14 day 15
    r = evaluate(ca, "2026-12-15", ("referral_received", "2026-12-14"))
    assert due(r, "ca.assessment_plan").due == date(2027, 1, 14)


def test_end_of_year_referral_statute_and_handbook_cutoffs(ca):
    # referral Tue 2027-06-01 is 9 days before the last day (Thu 06-10): 10 or less, so the plan
    # is due 10 days after the next year starts: Wed 2027-08-18 + 10 = Sat 2027-08-28
    r = evaluate(ca, "2027-06-02", ("referral_received", "2027-06-01"))
    assert due(r, "ca.assessment_plan.end_of_year").due == date(2027, 8, 28)
    assert due(r, "ca.assessment_plan").status == "not_applicable"
    # referral Fri 2027-05-28 is 13 days before: under EC 56321(a) (10) the ordinary rule holds:
    # May 29 day 1 ... Jun 10 day 13 (Memorial Day weekend counts), summer does not count,
    # Wed 08-18 day 14, Thu 2027-08-19 day 15
    r = evaluate(ca, "2027-05-29", ("referral_received", "2027-05-28"))
    assert due(r, "ca.assessment_plan").due == date(2027, 8, 19)
    assert not [o for o in r.obligations if o.rule == "ca.assessment_plan.end_of_year"]
    # under the handbook's 20 days the same referral takes the end-of-year rule: Sat 2027-08-28
    handbook = spedrules.load_district(DATA / "california-handbook-cutoff.toml")
    r = evaluate(handbook, "2027-05-29", ("referral_received", "2027-05-28"))
    ob = due(r, "ca.assessment_plan.end_of_year")
    assert ob.due == date(2027, 8, 28)
    assert "13 days before the last day" in "\n".join(ob.explanation)
    assert "without a unit: counted as calendar days" in "\n".join(ob.explanation)


def test_end_of_year_referral_moves_the_initial_iep(ca):
    # referral Mon 2027-05-17 is 24 days before the last day: 30 or less, so the IEP is due 30
    # days after Wed 2027-08-18: Fri 2027-09-17; the 60-day clock from the consent of Thu 05-20
    # is displaced.
    r = evaluate(
        ca,
        "2027-05-21",
        ("referral_received", "2027-05-17"),
        ("evaluation_consent_received", "2027-05-20"),
    )
    assert due(r, "ca.initial_iep.end_of_year").due == date(2027, 9, 17)
    base = due(r, "ca.initial_evaluation")
    assert base.status == "not_applicable"
    assert "the exception ca.initial_iep.end_of_year applies" in base.explanation[-1]


def test_a_referral_before_the_calendar_is_undetermined_not_counted_from_august(ca):
    # the calendar covers 2026-27 only (first day 2026-08-19): a 2021 referral's 15 tolled days
    # depend on the 2021-22 calendar, which the district has not loaded. It used to be counted
    # from the first day of 2026-27 (due 2026-09-02); now it says why it cannot be computed.
    ob = due(evaluate(ca, "2026-11-20", ("referral_received", "2021-09-13")), "ca.assessment_plan")
    assert ob.status == "undetermined" and ob.due is None
    assert "a school year covering 2021-09-13 (the calendar starts 2026-08-19)" in "".join(
        ob.explanation
    )


def test_a_triennial_iep_meeting_is_the_annual_review(ca):
    # annual IEP Wed 2023-11-15 -> review due 2024-11-15; the triennial IEP meeting of
    # 2024-11-14 reviews the whole IEP (handbook 7.7): met on time, and the next year counts from
    # it -> due 2025-11-14
    result = evaluate(
        ca,
        "2025-01-10",
        ("iep_meeting_held", "2023-11-15", {"meeting_type": "annual"}),
        ("reevaluation_completed", "2024-11-14"),
        ("iep_meeting_held", "2024-11-14", {"meeting_type": "triennial"}),
    )
    reviews = sorted(
        (o for o in result.obligations if o.rule == "ca.annual_review"), key=lambda o: o.due
    )
    assert [(o.due.isoformat(), o.status) for o in reviews] == [
        ("2024-11-15", "met"),
        ("2025-11-14", "open"),
    ]


def test_records_in_five_business_days(ca):
    # request Fri 2026-11-20; Thanksgiving week closed: Nov 30 (1) ... Fri 2026-12-04 (5)
    r = evaluate(
        ca,
        "2026-12-07",
        ("records_request_received", "2026-11-20"),
        ("records_provided", "2026-12-03"),
    )
    ob = due(r, "ca.records_access")
    assert (ob.due, ob.status, ob.replaces) == (date(2026, 12, 4), "met", "idea.records_access")


def test_parent_requested_meeting_is_tolled(ca):
    # request Mon 2026-12-07: Dec 8-18 days 1-11, winter break, Jan 4 day 12, Fri 2027-01-22 day 30
    r = evaluate(ca, "2026-12-08", ("parent_meeting_request_received", "2026-12-07"))
    assert due(r, "ca.parent_requested_meeting").due == date(2027, 1, 22)


def test_transfer_from_another_selpa(ca):
    # enrolled Mon 2026-09-14 + 30 days (unit not stated: calendar) = Wed 2026-10-14
    r = evaluate(ca, "2026-09-15", ("transfer_enrolled", "2026-09-14", {"from": "other_selpa"}))
    assert due(r, "ca.transfer.other_selpa").due == date(2026, 10, 14)
    same = evaluate(ca, "2026-09-15", ("transfer_enrolled", "2026-09-14", {"from": "same_selpa"}))
    assert not [o for o in same.obligations if o.rule == "ca.transfer.other_selpa"]


RESTRAINT = {
    "id": "BER-1",
    "type": "restraint",
    "method": "physical",
    "position": "standing",
    "started_at": "2026-11-20T13:10:00",
    "released_at": "2026-11-20T13:18:00",
    "location": "Room 12",
    "staff": [{"name": "J. Lee", "role": "special_education_teacher"}],
    "injuries": "none",
    "description": "student struck peers; standing restraint 8 minutes",
    "monitor_present": True,
}


def test_emergency_intervention_on_the_friday_before_thanksgiving(ca):
    r = evaluate(ca, "2026-11-20", incidents=[RESTRAINT])
    # within one school day of Fri 11-20: Thanksgiving week is closed, so the end of Mon 11-30
    assert due(r, "ca.ei.parent_notice").due.isoformat() == "2026-11-30T14:45:00-08:00"
    # the report immediately: by the end of that school day
    assert due(r, "ca.ei.behavioral_emergency_report").due.isoformat() == (
        "2026-11-20T14:45:00-08:00"
    )
    # no BIP: IEP meeting scheduled within two days (no unit: calendar) -> Sun 2026-11-22
    ob = due(r, "ca.ei.iep_meeting_without_bip")
    assert ob.due == date(2026, 11, 22) and ob.subject == "BER-1"
    assert "without a unit" in "\n".join(ob.explanation)
    assert r.violations == ()


def test_emergency_intervention_before_a_holiday(ca):
    tuesday = dict(RESTRAINT, started_at="2026-11-10T09:00:00", released_at="2026-11-10T09:05:00")
    r = evaluate(ca, "2026-11-10", incidents=[tuesday])
    # Veterans Day Wed 11-11: the next school day is Thu 2026-11-12
    assert due(r, "ca.ei.parent_notice").due.isoformat() == "2026-11-12T14:45:00-08:00"


def test_student_with_a_bip_is_referred_only_for_new_behavior(ca):
    student = {"id": "CA-2", "birth_date": "2015-01-01", "has_bip": True}
    r = evaluate(ca, "2026-11-20", student=student, incidents=[RESTRAINT])
    assert not [o for o in r.obligations if o.kind == "incident_iep_review"]
    new = dict(RESTRAINT, unseen_behavior_or_ineffective_plan=True)
    r = evaluate(ca, "2026-11-20", student=student, incidents=[new])
    assert due(r, "ca.ei.referral_with_bip").status == "open"


def test_prohibited_techniques_and_missing_report_contents(ca):
    bad = dict(
        RESTRAINT, techniques=["prone_hands_behind_back"], description=None, monitor_present=False
    )
    r = evaluate(ca, "2026-11-20", ("incident_report_completed", "2026-11-20"), incidents=[bad])
    messages = {v.rule: v for v in r.violations}
    prone = messages["ca.ei.prohibited.prone_hands_behind_back"]
    assert "prohibited item 5" in prone.citation and prone.subject == "BER-1"
    assert "(4) a description" in messages["ca.ei.report_contents"].message
    assert "ca.ei.restraint_monitor" in messages
    seclusion = dict(RESTRAINT, id="S-1", type="seclusion", observation="camera")
    r = evaluate(ca, "2026-11-20", incidents=[seclusion])
    assert [v.rule for v in r.violations] == ["ca.ei.seclusion_observation"]


MEETING = {
    "id": "M-1",
    "type": "annual",
    "start": "2026-12-02T15:10:00",
    "end": "2026-12-02T16:05:00",
    "attendees": TEAM[:3],  # parent, special education teacher, LEA representative
}


def test_team_without_a_general_education_teacher(ca):
    r = evaluate(ca, "2026-12-03", meetings=[MEETING])
    (v,) = r.violations
    assert v.rule == "ca.team.required_members" and "no general education teacher" in v.message
    assert v.citation.startswith("EC 56341(b)")
    excused = dict(
        MEETING,
        attendees=[
            *MEETING["attendees"],
            {
                "name": "G",
                "role": "general_education_teacher",
                "excused": True,
                "written_agreement": True,
                "area_discussed": True,
            },
        ],
    )
    (v,) = evaluate(ca, "2026-12-03", meetings=[excused]).violations
    assert "excused while their area was discussed without written input" in v.message


def test_recording_notice_and_student_invitation(ca):
    full = [*MEETING["attendees"], {"name": "G", "role": "general_education_teacher"}]
    m = dict(
        MEETING,
        attendees=full,
        audio_recorded=True,
        recording_notice_sent="2026-12-02",
        transition_discussed=True,
    )
    rules = sorted(v.rule for v in evaluate(ca, "2026-12-03", meetings=[m]).violations)
    assert rules == ["ca.team.audio_recording_notice", "ca.team.student_invited_for_transition"]
    # the meeting starts Wed 2026-12-02 15:10: 24 hours before is Tue 2026-12-01 15:10. A date
    # alone is counted as the end of that day, so Tue 12-01 is not shown to be on time; Mon
    # 11-30 is, and so is Tue 12-01 at 15:00 (10 minutes early), but not at 15:30
    for sent, ok in [
        ("2026-12-01", False),
        ("2026-11-30", True),
        ("2026-12-01T15:00:00", True),
        ("2026-12-01T15:30:00", False),
    ]:
        m = dict(m, recording_notice_sent=sent, student_invited=True)
        found = evaluate(ca, "2026-12-03", meetings=[m]).violations
        assert (found == ()) is ok, (sent, found)
    (v,) = evaluate(
        ca, "2026-12-03", meetings=[dict(m, recording_notice_sent="2026-12-01")]
    ).violations
    assert "no time recorded, so counted conservatively as sent at the end of that day" in v.message


@pytest.mark.parametrize(
    "born, exit_day",
    [
        # 22nd birthday Mon 2027-03-15 (January-June): end of the fiscal year, Wed 2027-06-30
        ("2005-03-15", date(2027, 6, 30)),
        # 22nd birthday Sun 2027-08-01 (July-September): may not start the new fiscal year, so
        # services end Wed 2027-06-30, before the birthday
        ("2005-08-01", date(2027, 6, 30)),
        # 22nd birthday Wed 2027-11-10 (October-December): Fri 2027-12-31
        ("2005-11-10", date(2027, 12, 31)),
    ],
)
def test_age_22_exit_by_birthday_month(ca, born, exit_day):
    student = {"id": "A", "birth_date": born}
    r = evaluate(
        ca,
        "2027-01-01",
        ("iep_meeting_held", "2026-10-01", {"meeting_type": "annual"}),
        student=student,
    )
    ob = due(r, "ca.age_22_exit")
    assert ob.due == exit_day and ob.citation.startswith("EC 56026(c)(4)")
    if exit_day.month == 12:  # 7.18 C's exception: the end of the fiscal year, Fri 2028-06-30
        assert any("or on Fri 2028-06-30, at its end, if the IEP" in s for s in ob.explanation)


def test_california_restates_the_federal_cycle_with_its_own_citations(ca):
    # annual IEP Wed 2025-10-15 -> Thu 2026-10-15; born 2011-01-20: transition window opened
    # on the 15th birthday (Tue 2026-01-20), due at the 16th (Wed 2027-01-20)
    r = evaluate(
        ca,
        "2026-11-01",
        ("iep_meeting_held", "2025-10-15", {"meeting_type": "annual"}),
        student={"id": "T", "birth_date": "2011-01-20"},
    )
    annual = due(r, "ca.annual_review")
    assert (annual.due, annual.replaces) == (date(2026, 10, 15), "idea.annual_review")
    assert annual.citation.startswith("EC 56343(d)")
    assert due(r, "ca.transition_plan").due == date(2027, 1, 20)
    assert not [o for o in r.obligations if o.source == "us-idea"]
