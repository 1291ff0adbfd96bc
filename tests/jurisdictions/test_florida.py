"""Florida restraint and seclusion (s. 1003.573 F.S.) on the Gulf Shore calendar
(America/New_York, school day 07:45-14:45; Fall Break Mon 2026-10-19..Tue 10-20; Thanksgiving
Break Mon 2026-11-23..Fri 11-27)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

import spedrules
from spedrules.jurisdictions.florida.restraint import fdoe_restraint_type

DATA = Path(__file__).parent / "data"
STUDENT = {
    "id": "GS-1",
    "name": "Riley Stone",
    "birth_date": "2016-07-08",
    "grade": "4",
    "disability": "ED",
    "ethnicity": "white",
}


@pytest.fixture(scope="module")
def fl():
    return spedrules.load_district(DATA / "florida.toml")


def restraint(start, end, **extra):
    return {
        "id": "R-1",
        "type": "restraint",
        "method": "physical",
        "position": "standing",
        "started_at": start,
        "released_at": end,
        "location": "Classroom 7",
        "staff": [{"name": "T. Nguyen"}],
        "witnesses": [{"name": "M. Diaz"}],
        "injuries": "none",
        **extra,
    }


def run(fl, as_of, incident, *events):
    case = {
        "student": STUDENT,
        "incidents": [incident],
        "events": [
            dict(type=t, at=a, **x) for t, a, *rest in events for x in [rest[0] if rest else {}]
        ],
    }
    result = spedrules.evaluate(fl, case, as_of)
    return result, {o.rule: o for o in result.obligations}


def test_friday_afternoon_restraint(fl):
    # Fri 2026-10-09, released 13:20. Written notice and phone efforts: by 14:45 that day.
    # Report: 24 h -> Sat 10-10 13:20, school closed, so the end of the school day on the day
    # school reopens, Mon 2026-10-12 14:45 EDT. Mailing: 3 school days after Fri: Mon 12 (1),
    # Tue 13 (2), Wed 2026-10-14 (3).
    _, obs = run(
        fl,
        "2026-10-09",
        restraint("2026-10-09T13:05:00", "2026-10-09T13:20:00"),
        ("parent_notified", "2026-10-09T13:40:00", {"method": "phone"}),
    )
    assert obs["fl.rs.parent_written_notice"].due.isoformat() == "2026-10-09T14:45:00-04:00"
    assert obs["fl.rs.parent_contact"].status == "met"
    report = obs["fl.rs.incident_report"]
    assert report.due.isoformat() == "2026-10-12T14:45:00-04:00"
    assert any("the day school reopens, Mon 2026-10-12" in s for s in report.explanation)
    assert obs["fl.rs.report_to_parent"].due == date(2026, 10, 14)
    assert report.citation.startswith("s. 1003.573(7) F.S.")


def test_friday_before_thanksgiving_week(fl):
    # Fri 2026-11-20 released 13:00: 24 h is Sat; Thanksgiving Break closes Mon 23 - Fri 27, so
    # the report is due Mon 2026-11-30 14:45 EST; mailing Mon 30 (1), Tue 12-01 (2), Wed 12-02 (3)
    _, obs = run(fl, "2026-11-20", restraint("2026-11-20T12:50:00", "2026-11-20T13:00:00"))
    assert obs["fl.rs.incident_report"].due.isoformat() == "2026-11-30T14:45:00-05:00"
    assert obs["fl.rs.report_to_parent"].due == date(2026, 12, 2)


def test_seclusion_after_the_2021_prohibition_is_a_violation(fl):
    seclusion = {
        "id": "S-1",
        "type": "seclusion",
        "started_at": "2026-10-14T10:00:00",
        "released_at": "2026-10-14T10:10:00",
        "room_meets_69A_58_0084": True,
    }
    result, _ = run(fl, "2026-10-14", seclusion)
    rules = {v.rule: v for v in result.violations}
    assert "fl.rs.no_seclusion" in rules
    assert "ch. 2021-140" in rules["fl.rs.no_seclusion"].citation
    # in 2019 the same seclusion in a compliant room broke no prohibition
    older = dict(seclusion, started_at="2019-10-14T10:00:00", released_at="2019-10-14T10:10:00")
    result, _ = run(fl, "2019-10-14", older)
    assert [v.rule for v in result.violations if v.kind == "prohibition"] == []
    bad_room = dict(older, room_meets_69A_58_0084=False)
    result, _ = run(fl, "2019-10-14", bad_room)
    assert [v.rule for v in result.violations] == ["fl.rs.seclusion_room"]


@pytest.mark.parametrize("day", ["2019-03-05", "2026-10-14"])
def test_mechanical_restraint_is_a_violation_under_every_version(fl, day):
    incident = restraint(f"{day}T09:00:00", f"{day}T09:10:00", method="mechanical")
    result, _ = run(fl, day, incident)
    assert "fl.rs.no_mechanical" in {v.rule for v in result.violations}


def test_district_option_prohibits_prone(fl):
    incident = restraint("2026-10-14T09:00:00", "2026-10-14T09:05:00", position="prone")
    result, _ = run(fl, "2026-10-14", incident)
    (v,) = [v for v in result.violations if v.rule == "fl.district.prohibits_prone_restraint"]
    assert v.layer == "local" and "florida.prohibits_prone_restraint" in v.citation


def test_report_contents_checked_once_completed(fl):
    incident = restraint(
        "2026-10-14T09:00:00",
        "2026-10-14T09:05:00",
        context="math class",
        behavior_leading_up="hit peers",
        de_escalation="verbal redirection",
        after="calmed",
        parent_notification_evidence="call log",
        staff_last_pbis_training="2026-08-01",
    )
    done = ("incident_report_completed", "2026-10-14T12:00:00", {"incident": "R-1"})
    result, _ = run(fl, "2026-10-14", incident, done)
    assert [v for v in result.violations if v.kind == "incident_report_contents"] == []
    missing = {k: v for k, v in incident.items() if k not in ("witnesses", "de_escalation")}
    result, _ = run(fl, "2026-10-14", missing, done)
    messages = sorted(v.message for v in result.violations)
    assert messages == [
        "R-1: the report lacks (g) the name of any nonstudent witness",
        "R-1: the report lacks (h)(3) the positive behavioral strategies used to prevent and "
        "de-escalate",
    ]


def test_fdoe_restraint_types():
    from spedrules.core.model import Incident

    def kind(method, position):
        return fdoe_restraint_type(
            Incident("I", "restraint", datetime(2026, 10, 1, 9), method=method, position=position)
        )

    assert kind("physical", "standing") == "standing"
    assert kind("mechanical", "seated") == "mechanical"
    assert kind("physical", "supine") == "immobilization"


def initial_evaluation(fl, case, as_of):
    """The one initial-evaluation obligation of a Florida case."""
    (ob,) = [
        o for o in spedrules.evaluate(fl, case, as_of).obligations if o.kind == "initial_evaluation"
    ]
    return ob


def consent(date_: str) -> dict:
    return {"student": STUDENT, "events": [{"type": "evaluation_consent_received", "date": date_}]}


def test_initial_evaluation_current_rule(fl):
    # consent Mon 2026-11-02: Nov 3-22 are days 1-20, Thanksgiving Break (23-27) does not count,
    # Nov 28 day 21 ... Dec 20 day 43, Winter Break (Dec 21 - Jan 5) does not count, Jan 6 day 44
    # ... Jan 17 day 55, MLK Day Jan 18 does not count, Jan 19 day 56 ... Sat 2027-01-23 day 60.
    case = consent("2026-11-02")
    ob = initial_evaluation(fl, case, "2026-11-03")
    assert (ob.rule, ob.due, ob.replaces) == (
        "fl.initial_evaluation",
        date(2027, 1, 23),
        "idea.initial_evaluation",
    )
    assert "6A-6.0331(3)(g)" in ob.citation
    # ten school days absent in November: 8 are allowed, 2 extend the count -> Mon 2027-01-25
    absent = [
        "2026-11-03",
        "2026-11-04",
        "2026-11-05",
        "2026-11-06",
        "2026-11-09",
        "2026-11-10",
        "2026-11-12",
        "2026-11-13",
        "2026-11-16",
        "2026-11-17",
    ]
    case["events"] += [{"type": "absence", "date": d} for d in absent]
    ob = initial_evaluation(fl, case, "2026-11-20")
    assert ob.due == date(2027, 1, 25)
    assert any("absent 10 school day(s)" in s for s in ob.explanation)


def test_a_consent_between_known_versions_is_undetermined(fl):
    case = consent("2015-03-02")
    ob = initial_evaluation(fl, case, "2015-03-03")
    assert ob.status == "undetermined" and ob.due is None
    assert "no version of fl.initial_evaluation is known to be in force" in ob.explanation[-1]


def test_ages_served_option_changes_the_exit_date(fl, examples):
    # born Wed 2004-12-01: 22nd birthday Tue 2026-12-01, 21 on Gulf Shore's first day
    # (Tue 2026-08-11)
    case = {
        "student": dict(STUDENT, birth_date="2004-12-01"),
        "events": [{"type": "iep_meeting_held", "date": "2026-09-01", "meeting_type": "annual"}],
    }

    def exit_day(district):
        (ob,) = [
            o
            for o in spedrules.evaluate(district, case, "2026-09-02").obligations
            if o.rule == "fl.fape_end"
        ]
        return ob.due

    assert exit_day(fl) == date(2026, 12, 1)  # default: the day the student turns 22
    # gulf-shore.toml chooses end_of_school_year: the last instructional day, Fri 2027-05-28
    assert exit_day(spedrules.load_district(examples / "gulf-shore.toml")) == date(2027, 5, 28)


def test_st_lucie_add_on(examples):
    district = spedrules.load_district(examples / "gulf-shore.toml")
    case = {
        "student": STUDENT,
        "incidents": [restraint("2026-10-09T13:05:00", "2026-10-09T13:20:00")],
        "events": [
            {"type": "stlucie.followup_call", "date": "2026-10-12", "call": 1},
            {"type": "parent_acknowledgement_received", "date": "2026-10-14"},
        ],
    }
    obs = {o.rule: o for o in spedrules.evaluate(district, case, "2026-10-13").obligations}
    # PostVention: 48 hours after the start, Fri 13:05 -> Sun 2026-10-11 13:05 EDT
    assert obs["stlucie.postvention_meeting"].due.isoformat() == "2026-10-11T13:05:00-04:00"
    # IEP meeting within 10 days (no unit: calendar) -> Mon 2026-10-19
    iep = obs["stlucie.iep_meeting_after_restraint"]
    assert iep.due == date(2026, 10, 19) and iep.responsible == "ESE Specialist - School Based"
    # the principal "will be notified ... when an incident of restraint occurs": no deadline
    principal = obs["stlucie.principal_notice"]
    assert (principal.status, principal.due) == ("open", None)
    assert "the source states no deadline" in " ".join(principal.explanation)
    # first call Mon 10-12 (day 0): the acknowledgement may come within 5 days, by Sat 10-17, so
    # on the 13th no second call is due yet
    assert "stlucie.second_followup_call" not in obs
    later = {o.rule: o for o in spedrules.evaluate(district, case, "2026-10-15").obligations}
    assert later["stlucie.second_followup_call"].status == "not_applicable"  # acknowledged
    assert {o.layer for o in later.values() if o.source == "st-lucie"} == {"local"}


def test_st_lucie_second_call_is_triggered_not_due(examples):
    """'If the signed acknowledgement is not received within 5 days of the first follow-up phone
    call, a second follow-up call will be made' (SP&P Part I A.4): first call Mon 2026-10-12 is
    day 0; 5 days (no unit: calendar) end Sat 2026-10-17. Without the acknowledgement by then the
    second call is due from Sun 10-18 on, with no due date of its own (never overdue)."""
    district = spedrules.load_district(examples / "gulf-shore.toml")

    def second_call(as_of, *events):
        case = {
            "student": STUDENT,
            "incidents": [restraint("2026-10-09T13:05:00", "2026-10-09T13:20:00")],
            "events": [{"type": "stlucie.followup_call", "date": "2026-10-12", "call": 1}]
            + [dict(type=t, date=d, **x) for t, d, x in events],
        }
        obs = spedrules.evaluate(district, case, as_of).obligations
        found = [o for o in obs if o.rule == "stlucie.second_followup_call"]
        return found[0] if found else None

    assert second_call("2026-10-17") is None  # the 5 days have not passed
    ob = second_call("2026-10-18")
    assert (ob.status, ob.due) == ("open", None)
    assert "nothing cancelled it by Sat 2026-10-17: the duty arises" in ob.explanation
    assert "the source says 5 days without a unit: counted as calendar days" in ob.explanation
    assert second_call("2026-12-31").status == "open"  # still open, never overdue
    call = ("stlucie.followup_call", "2026-10-19", {"call": 2})
    assert second_call("2026-10-20", call).status == "met"
    # the acknowledgement after the 5 days but before the call: the call is no longer needed
    ack = ("parent_acknowledgement_received", "2026-10-19", {})
    assert second_call("2026-10-20", ack).status == "not_applicable"


def test_statute_versions_by_incident_date(fl):
    """s. 1003.573 F.S.: 2010-07-01..2011-06-30 (ch. 2010-224), 2011-07-01..2021-06-30 and from
    2021-07-01; nothing before the section existed."""

    def duties(start, end):
        _, obs = run(fl, end[:10], restraint(start, end))
        return obs

    report = duties("2026-10-09T13:05:00", "2026-10-09T13:20:00")["fl.rs.incident_report"]
    assert any("2021-07-01 .. open-ended" in s for s in report.explanation)
    assert not any("always" in s for s in report.explanation)
    old = duties("2016-03-01T10:00:00", "2016-03-01T10:10:00")["fl.rs.incident_report"]
    assert any(
        "version in force on Tue 2016-03-01: 2011-07-01 .. 2021-06-30" in s for s in old.explanation
    )
    # Tue 2011-03-01: the 2010 version; its 24-hour report is verified (the Gulf Shore calendar
    # of 2026-27 cannot count it, so it is undetermined for that reason), its parent notice is
    # not: undetermined with a warning, never silently nothing
    first = duties("2011-03-01T10:00:00", "2011-03-01T10:10:00")
    report = first["fl.rs.incident_report"]
    assert any(
        "2010-07-01 .. 2011-06-30 (s. 1003.573(1) F.S. (2010)" in s for s in report.explanation
    )
    notice = first["fl.rs.parent_written_notice"]
    assert (notice.status, notice.due) == ("undetermined", None)
    assert any(
        s.startswith("warning: the 2010 text of s. 1003.573(1)(c)-(d)") for s in notice.explanation
    )
    assert {o.status for r, o in first.items() if r.startswith("fl.rs.")} == {"undetermined"}
    # the result's warnings say so too: once for the incident, though five duties share it
    result, _ = run(fl, "2011-03-01", restraint("2011-03-01T10:00:00", "2011-03-01T10:10:00"))
    said = [w for w in result.warnings if "1003.573(1)(c)-(d)" in w]
    assert len(said) == 1 and said[0].startswith("incident R-1 on 2011-03-01: the 2010 text")
    assert said[0].endswith("its duties under that version are undetermined")
    current, _ = run(fl, "2026-10-09", restraint("2026-10-09T13:05:00", "2026-10-09T13:20:00"))
    assert not [w for w in current.warnings if "1003.573" in w]
    # before 2010-07-01 the section did not exist
    assert not [
        r for r in duties("2010-03-01T10:00:00", "2010-03-01T10:10:00") if r.startswith("fl.rs.")
    ]


def test_2010_report_contents_are_the_2010_list(fl):
    # a report completed for an incident of Tue 2011-03-01 lacking the grade is fine under the
    # 2010 list (no age, grade, ethnicity or disability) but lacking the location is not
    incident = restraint("2011-03-01T10:00:00", "2011-03-01T10:10:00", location=None)
    case = {
        "student": {**STUDENT, "grade": None},
        "incidents": [incident],
        "events": [{"type": "incident_report_completed", "date": "2011-03-01", "incident": "R-1"}],
    }
    messages = [v.message for v in spedrules.evaluate(fl, case, "2011-03-02").violations]
    assert any("lacks 3. the location" in m for m in messages)
    assert not any("grade" in m for m in messages)


def test_exceptionality_codes_map_to_idea():
    from spedrules.core.model.vocabulary import DISABILITY_CODES
    from spedrules.jurisdictions.florida.codes import EXCEPTIONALITIES, IDEA_TO_FLORIDA, to_idea

    assert to_idea("EBD") == "ED" and to_idea("ASD") == "AUT" and to_idea("InD") == "ID"
    assert {idea for idea, _, _ in EXCEPTIONALITIES.values()} <= set(DISABILITY_CODES)
    assert all(to_idea(IDEA_TO_FLORIDA[code]) in (code, "HI", "SLI") for code in IDEA_TO_FLORIDA)


def test_acknowledgements_signed_or_two_attempts(fl):
    def attempt(day: str):
        return ("parent_contact_attempted", day, {"purpose": "report_acknowledgement"})

    incident = restraint("2026-10-14T09:00:00", "2026-10-14T09:05:00")
    signed = ("parent_acknowledgement_received", "2026-10-15T08:00:00", {"of": "notice"})
    _, obs = run(fl, "2026-10-20", incident, signed, attempt("2026-10-16T10:00:00"))
    notice, report = obs["fl.rs.notice_acknowledgement"], obs["fl.rs.report_acknowledgement"]
    assert (notice.status, notice.due) == ("met", None)
    assert (report.status, report.due) == ("open", None)  # one attempt: two are needed
    assert "the source states no deadline" in report.explanation[1]
    _, obs = run(
        fl, "2026-10-22", incident, attempt("2026-10-16T10:00:00"), attempt("2026-10-21T10:00:00")
    )
    report = obs["fl.rs.report_acknowledgement"]
    assert report.status == "met" and "2 attempts documented" in report.explanation[-1]
