"""The law's exceptions, extensions, exits and delay reasons (DESIGN.md section 6; issue 14,
item 3), with dates worked by hand on the Mesa Verde calendar (examples/mesa-verde-2026-27.yaml:
first day Wed 2026-08-19, Veterans Day Wed 11-11, Thanksgiving Break Wed 11-25..Fri 11-27 (the
run Wed..Sun holds 3 school days: counted), Winter Break Fri 12-18..Mon 2027-01-04 (the run
holds 12: the clock stops), last day Thu 2027-06-10) and, for the federal stack alone, the
Riverside calendar of tests/jurisdictions/data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import spedrules
from spedrules.core.errors import InputError

ROOT = Path(__file__).parents[2]
MESA = ROOT / "examples" / "mesa-verde.toml"  # us-idea, california, lahabra-best-practices
FEDERAL = Path(__file__).parent / "data" / "federal.toml"  # us-idea alone


@pytest.fixture(scope="module")
def mesa():
    return spedrules.load_district(MESA)


@pytest.fixture(scope="module")
def federal():
    return spedrules.load_district(FEDERAL)


def run(district, as_of, *events, student=None):
    case = {
        "student": student or {"id": "EX-1", "birth_date": "2016-01-01"},
        "events": [dict(type=t, date=d, **(rest[0] if rest else {})) for t, d, *rest in events],
    }
    return spedrules.evaluate(district, case, as_of)


def one(result, rule):
    (ob,) = [o for o in result.obligations if o.rule == rule]
    return ob


REFERRAL = ("referral_received", "2026-10-05")  # Mon
CONSENT = ("evaluation_consent_received", "2026-11-02")  # Mon


def extension(kind, day, until):
    return ("timeline_extension_agreed", day, {"applies_to": kind, "until": until})


# ---- extensions ----------------------------------------------------------------------------


def test_the_parent_extends_the_assessment_plan_in_writing(mesa):
    # referral Mon 2026-10-05 + 15 tolled days (no vacation on the way): Tue 2026-10-20. The
    # parent agrees on Thu 10-15 to Fri 10-30: due 10-30; as of Mon 11-02 overdue by 3 days
    # (against the legal date it would be 13).
    result = run(
        mesa, "2026-11-02", REFERRAL, extension("assessment_plan", "2026-10-15", "2026-10-30")
    )
    ob = one(result, "ca.assessment_plan")
    assert (ob.due, ob.status) == (date(2026, 10, 30), "overdue")
    assert ob.explanation[-2:] == (
        "timeline extension agreed in writing on Thu 2026-10-15 (EC 56321(a); NW SELPA Handbook "
        "1.5.B): due Fri 2026-10-30 instead of the legal due date Tue 2026-10-20",
        "not met as of Mon 2026-11-02: overdue by 3 day(s)",
    )
    assert not result.violations and not result.warnings
    # the plan given Wed 10-28, after the legal date but before the agreed one: met on time
    result = run(
        mesa,
        "2026-11-02",
        REFERRAL,
        extension("assessment_plan", "2026-10-15", "2026-10-30"),
        ("assessment_plan_provided", "2026-10-28"),
    )
    assert one(result, "ca.assessment_plan").status == "met"


def test_the_sixty_days_extended_by_the_parent_ec_56344(mesa):
    # consent Mon 2026-11-02: Nov 3..30 are days 1-28, Dec 1..17 days 29-45; winter break (12
    # school days) stops the clock; it recommences Tue 2027-01-05 (day 46): day 60 Tue 01-19.
    # Agreed on Sun 01-10 to Mon 02-01; as of Wed 02-03 overdue by 2 days.
    result = run(
        mesa, "2027-02-03", CONSENT, extension("initial_evaluation", "2027-01-10", "2027-02-01")
    )
    ob = one(result, "ca.initial_evaluation")
    assert (ob.due, ob.status) == (date(2027, 2, 1), "overdue")
    assert (
        "timeline extension agreed in writing on Sun 2027-01-10 (EC 56344(a)): due Mon "
        "2027-02-01 instead of the legal due date Tue 2027-01-19" in ob.explanation
    )


def test_an_extension_the_law_does_not_allow_is_a_violation_and_the_date_stands(mesa):
    # the end-of-year plan is due "in any event" 10 days after the next year starts (EC
    # 56321(a)): referral Tue 2027-05-04 is 37 days before the last day, so the 15-day rule
    # applies: May 5..31 with Memorial Day counted, day 15 is Wed 05-19; an extension of the
    # records request (EC 56504) is allowed by nothing in the stack.
    result = run(
        mesa,
        "2027-05-25",
        ("records_request_received", "2027-05-03"),
        extension("records_access", "2027-05-04", "2027-06-01"),
    )
    ob = one(result, "ca.records_access")
    # Mon 2027-05-03 + 5 business days: Tue 4, Wed 5, Thu 6, Fri 7, Mon 10
    assert (ob.due, ob.status) == (date(2027, 5, 10), "overdue")
    (v,) = result.violations
    assert (v.rule, v.kind) == ("ca.records_access", "records_access")
    assert v.message == (
        "timeline extension agreed on Tue 2027-05-04: the law of this stack allows no such "
        "change to ca.records_access (EC 56504, 49069, 56043(n); NW SELPA Handbook 5.2); "
        "the due date stands"
    )
    assert v.message in ob.explanation


def test_the_end_of_year_plan_may_not_be_extended(mesa):
    # referral Tue 2027-06-01, 9 days before the last day: the end-of-year rule applies (its
    # date is undetermined: the calendar lacks 2027-28); the extension is refused, naming why
    result = run(
        mesa,
        "2027-06-05",
        ("referral_received", "2027-06-01"),
        extension("assessment_plan", "2027-06-02", "2027-06-30"),
    )
    ob = one(result, "ca.assessment_plan.end_of_year")
    assert (ob.due, ob.status) == (None, "undetermined")
    (v,) = result.violations
    assert v.rule == "ca.assessment_plan.end_of_year"
    assert "the law allows it only for the 15-day assessment plan" in v.message


def test_federal_extensions_need_a_transfer_or_sld(federal):
    # consent Tue 2026-09-01 + 60 calendar days: Sat 2026-10-31 (34 CFR 300.301(c)(1)(i))
    agreed = extension("initial_evaluation", "2026-09-25", "2026-11-15")
    consent = ("evaluation_consent_received", "2026-09-01")
    refused = run(federal, "2026-11-05", consent, agreed)
    ob = one(refused, "idea.initial_evaluation")
    assert (ob.due, ob.status) == (date(2026, 10, 31), "overdue")
    (v,) = refused.violations
    assert v.rule == "idea.initial_evaluation"
    assert "34 CFR 300.301(d)(2), (e)" in v.message and "34 CFR 300.309(c)" in v.message
    # the child enrolled from another agency on Sun 09-20, after the timeline began: allowed
    moved_in = run(federal, "2026-11-05", consent, ("transfer_enrolled", "2026-09-20"), agreed)
    ob = one(moved_in, "idea.initial_evaluation")
    assert (ob.due, ob.status, moved_in.violations) == (date(2026, 11, 15), "open", ())
    assert "(34 CFR 300.301(d)(2), (e))" in ob.explanation[-2]
    # a child evaluated for SLD: mutual written agreement (300.309(c))
    sld = run(federal, "2026-11-05", consent, agreed, student={"id": "S", "disability": "SLD"})
    ob = one(sld, "idea.initial_evaluation")
    assert (ob.due, sld.violations) == (date(2026, 11, 15), ())
    assert "(34 CFR 300.309(c))" in ob.explanation[-2]


def test_an_extension_with_nothing_open_is_a_warning(federal):
    result = run(federal, "2026-11-05", extension("initial_evaluation", "2026-09-25", "2026-11-15"))
    assert result.warnings == (
        "case EX-1: timeline extension agreed on 2026-09-25 applies to initial_evaluation, but "
        "no open initial_evaluation obligation was triggered on or before that day: nothing "
        "changed",
    )


# ---- child not produced --------------------------------------------------------------------


def test_a_child_not_produced_ends_the_evaluation_timeline(mesa):
    # consent Mon 2026-11-02 (legal due Tue 2027-01-19, as above); the parent repeatedly failed
    # to bring the child, recorded Tue 12-01: from then on, not applicable, with the reason
    result = run(
        mesa,
        "2027-02-03",
        CONSENT,
        ("child_not_produced", "2026-12-01", {"applies_to": "initial_evaluation"}),
    )
    ob = one(result, "ca.initial_evaluation")
    assert ob.status == "not_applicable"
    assert ob.explanation[-1] == (
        "not applicable from Tue 2026-12-01: the parent repeatedly failed or refused to produce "
        "the child for the evaluation, so the timeline does not apply (34 CFR 300.301(d)(1); NW "
        "SELPA Handbook 1.4.A(2)(b), 1.5.A(2)); the legal due date was Tue 2027-01-19"
    )
    assert not result.violations


def test_a_child_not_produced_does_not_excuse_the_assessment_plan(mesa):
    # the plan (referral Mon 10-05, due Tue 10-20) has no such exception: a violation, and as
    # of Mon 11-02 it is overdue by 13 days
    result = run(
        mesa,
        "2026-11-02",
        REFERRAL,
        ("child_not_produced", "2026-10-12", {"applies_to": "assessment_plan"}),
    )
    ob = one(result, "ca.assessment_plan")
    assert (ob.due, ob.status) == (date(2026, 10, 20), "overdue")
    assert [v.rule for v in result.violations] == ["ca.assessment_plan"]


# ---- exits ---------------------------------------------------------------------------------

SERVED = [
    ("iep_meeting_held", "2025-09-15", {"meeting_type": "annual"}),  # review due Tue 2026-09-15
    ("eligibility_determined", "2024-05-01", {"eligible": True}),  # triennial due 2027-05-01
    ("iep_consent_received", "2025-09-15"),
]
TEEN = {"id": "EX-2", "birth_date": "2011-01-20"}  # 15 on Tue 2026-01-20: transition plan


def test_a_student_who_moves_away(mesa):
    # exited Thu 2026-10-01 (moved). The annual review, due Tue 09-15, was already overdue:
    # it stays overdue by 16 days (Sep 15 -> Oct 1) however late the as-of date. The
    # triennial (Sat 2027-05-01) and the transition plan (15th birthday + 1 year: Wed
    # 2027-01-20) fall due after the exit: not applicable. A records request of Mon 10-05
    # still runs (5 business days: Mon 10-12).
    result = run(
        mesa,
        "2027-06-01",
        *SERVED,
        ("student_exited", "2026-10-01", {"reason": "moved"}),
        ("records_request_received", "2026-10-05"),
        student=TEEN,
    )
    review = one(result, "ca.annual_review")
    assert (review.due, review.status) == (date(2026, 9, 15), "overdue")
    assert review.stopped_on == date(2026, 10, 1)  # a work list counts days overdue to it
    assert review.explanation[-1] == (
        "not met by Thu 2026-10-01: overdue by 16 day(s) when the student exited on Thu "
        "2026-10-01 (moved); the breach stands, and it no longer grows"
    )
    tri = one(result, "ca.triennial_reassessment")
    assert tri.status == "not_applicable"
    assert tri.explanation[-1] == (
        "not applicable: the student exited on Thu 2026-10-01 (moved), before it fell due "
        "(Sat 2027-05-01)"
    )
    assert one(result, "ca.transition_plan").status == "not_applicable"
    records = one(result, "ca.records_access")
    assert (records.due, records.status) == (date(2026, 10, 12), "overdue")


def test_a_birthday_while_the_student_is_gone_triggers_nothing_until_they_return(mesa):
    # exited Wed 2025-10-01 (graduated is not it: moved); the 15th birthday Tue 2026-01-20 falls
    # while the student is gone: the transition plan does not arise
    gone = run(
        mesa,
        "2026-12-01",
        *SERVED,
        ("student_exited", "2025-10-01", {"reason": "moved"}),
        student=TEEN,
    )
    plan = one(gone, "ca.transition_plan")
    assert plan.status == "not_applicable"
    assert "before birthday Tue 2026-01-20" in plan.explanation[-1]
    # back on Mon 2025-12-01 (enrolled again): the birthday after it counts, due Wed 2027-01-20
    back = run(
        mesa,
        "2026-12-01",
        *SERVED,
        ("student_exited", "2025-10-01", {"reason": "moved"}),
        ("transfer_enrolled", "2025-12-01"),
        student=TEEN,
    )
    plan = one(back, "ca.transition_plan")
    assert (plan.due, plan.status) == (date(2027, 1, 20), "open")


def test_consent_revoked_ends_the_iep_duties(mesa):
    # annual meeting Tue 2026-03-10: review due Wed 2027-03-10; the parent revokes consent for
    # services on Mon 2026-11-02 (34 CFR 300.300(b)(4)): not applicable as of 2027-04-01
    result = run(
        mesa,
        "2027-04-01",
        ("iep_meeting_held", "2026-03-10", {"meeting_type": "annual"}),
        ("consent_revoked", "2026-11-02"),
    )
    ob = one(result, "ca.annual_review")
    assert ob.status == "not_applicable"
    assert ob.explanation[-1] == (
        "not applicable: on Mon 2026-11-02 the parent revoked consent for special education and "
        "related services (34 CFR 300.300(b)(4)): the district need not convene an IEP meeting "
        "or develop an IEP, before it fell due (Wed 2027-03-10)"
    )


# ---- delay reasons -------------------------------------------------------------------------


def test_a_delay_reason_changes_nothing_but_is_carried(mesa):
    # consent Mon 2026-11-02, due Tue 2027-01-19; as of Wed 02-03 overdue by 15 days, with the
    # reason the district recorded
    result = run(
        mesa,
        "2027-02-03",
        CONSENT,
        (
            "delay_reason_recorded",
            "2027-01-25",
            {"applies_to": "initial_evaluation", "reason": "parent_unavailable", "note": "abroad"},
        ),
    )
    ob = one(result, "ca.initial_evaluation")
    assert (ob.due, ob.status, ob.delay_reason) == (
        date(2027, 1, 19),
        "overdue",
        "parent_unavailable",
    )
    assert ob.explanation[-2:] == (
        "delay reason recorded on Mon 2027-01-25: parent_unavailable (abroad)",
        "not met as of Wed 2027-02-03: overdue by 15 day(s)",
    )
    data = result.to_dict()["obligations"]
    assert [o["delay_reason"] for o in data if o["rule"] == "ca.initial_evaluation"] == [
        "parent_unavailable"
    ]
    assert {"rule", "kind", "due", "status", "citation", "layer", "source", "explanation"} <= set(
        data[0]
    )


# ---- input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "event, field, expected",
    [
        (
            {"type": "student_exited", "date": "2026-10-01", "reason": "left"},
            "reason",
            "one of aged_out",
        ),
        ({"type": "student_exited", "date": "2026-10-01"}, "reason", "one of aged_out"),
        (
            {
                "type": "timeline_extension_agreed",
                "date": "2026-10-01",
                "applies_to": "assessment_plan",
            },
            "until",
            "the agreed date",
        ),
        (
            {
                "type": "timeline_extension_agreed",
                "date": "2026-10-01",
                "applies_to": "assessment_plan",
                "until": "2026-09-01",
            },
            "until",
            "a date on or after the agreement",
        ),
        (
            {"type": "child_not_produced", "date": "2026-10-01", "applies_to": "evaluation"},
            "applies_to",
            "an obligation kind",
        ),
        (
            {"type": "delay_reason_recorded", "date": "2026-10-01", "applies_to": "records_access"},
            "reason",
            "a delay reason code",
        ),
    ],
)
def test_bad_exception_events_name_the_field(mesa, event, field, expected):
    with pytest.raises(InputError, match=rf"events\[0\]\.{field}: expected {expected}"):
        spedrules.evaluate(mesa, {"student": {"id": "E"}, "events": [event]}, "2026-11-01")


def test_an_exit_leaves_incident_duties_alone(tmp_path):
    # a Florida restraint Fri 2026-10-16 (examples/case-restraint.yaml); the student moves away
    # the next Monday: the incident's reports stay due exactly as without the exit
    import yaml

    case = yaml.safe_load((ROOT / "examples" / "case-restraint.yaml").read_text())
    gulf = spedrules.load_district(ROOT / "examples" / "gulf-shore.toml")
    before = spedrules.evaluate(gulf, case, "2026-11-30")
    case["events"].append({"type": "student_exited", "date": "2026-10-19", "reason": "moved"})
    after = spedrules.evaluate(gulf, case, "2026-11-30")
    incident = [o for o in before.obligations if o.subject == "R-2026-014"]
    assert incident  # the restraint gives duties
    assert [o for o in after.obligations if o.subject == "R-2026-014"] == incident
