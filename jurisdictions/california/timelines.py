"""California timelines (Education Code part 30; NW SELPA Handbook), layered on us-idea.

Seed: shared/seeds/001_911b07c5e4e92852.txt; line numbers (L...) point into it. Where the law
says "days ... not counting days between the pupil's regular school sessions or terms or days of
school vacation in excess of five schooldays", the rule counts ``tolled_days`` (DESIGN.md 5).
"""

from __future__ import annotations

from spedrules.core.rules import Condition, EventMatch, Period, TimelineRule, Trigger

E = EventMatch
REFERRAL = Trigger(events=(E("referral_received"),))
CONSENT = Trigger(events=(E("evaluation_consent_received"),))
INITIAL_IEP = (E("iep_meeting_held", {"meeting_type": ("initial",)}),)

# End-of-year cutoff for the assessment-plan exception: the handbook (1.5.B, L670-672) says
# "20 days or less", EC 56321(a) says "10 days or less". The date the statute changed is not
# verified, so the choice is a district option rather than an invented effective date.
CUTOFFS = {"ec_56321_10_days": 10, "handbook_20_days": 20}

SEED = "shared/seeds/001_911b07c5e4e92852.txt"  # source_ref: lines in the handbook text


# IEP meetings that review the whole IEP, from which the next annual review is counted
FULL_REVIEWS = ("initial", "annual", "triennial")


def timeline_rules(end_of_year_cutoff: str = "ec_56321_10_days") -> list[TimelineRule]:
    cutoff = CUTOFFS[end_of_year_cutoff]
    cutoff_source = (
        "EC 56321(a)" if cutoff == 10 else "NW SELPA Handbook 1.5.B (the statute says 10)"
    )
    return [
        TimelineRule(
            id="ca.assessment_plan",
            kind="assessment_plan",
            title="Proposed assessment plan to the parent",
            citation="EC 56321(a), 56043(a); 5 CCR 3022; NW SELPA Handbook 1.5.B",
            trigger=REFERRAL,
            period=Period(15, "tolled_days"),
            met_by=(E("assessment_plan_provided"),),
            notes="15 calendar days not counting days between sessions or vacations of more than "
            "five school days (L665-669); an extension only if the parent agrees in writing.",
        ),
        TimelineRule(
            id="ca.assessment_plan.end_of_year",
            kind="assessment_plan",
            title="Assessment plan after a referral at the end of the school year",
            citation=f"{cutoff_source}; EC 56043(a); NW SELPA Handbook 1.5.B",
            exception_to="ca.assessment_plan",
            applies_when=Condition(days_before_year_end_at_most=cutoff),
            trigger=REFERRAL,
            period=Period(10, "after_next_year_start", unit_stated=False),
            met_by=(E("assessment_plan_provided"),),
            notes="Within 10 days after the next regular school year starts (option "
            "california.end_of_year_referral_cutoff chooses 10 or 20 days before year end).",
        ),
        TimelineRule(
            id="ca.parent_consent_window",
            kind="ca.parent_decision_window",
            title="Parent's at least 15 days to decide on the assessment plan",
            citation="EC 56321(c), 56043(b); NW SELPA Handbook 1.5.B",
            source_ref=f"{SEED} L725-728",
            trigger=Trigger(events=(E("assessment_plan_provided"),)),
            period=Period(15, "calendar_days", unit_stated=False),
            met_by=(E("evaluation_consent_received"), E("evaluation_consent_refused")),
            notes="A window the district must allow, not a district deadline: the assessment may "
            "begin as soon as written consent is received.",
        ),
        TimelineRule(
            id="ca.initial_evaluation",
            kind="initial_evaluation",
            title="Assessment completed and initial IEP meeting held",
            citation="EC 56043(f)(1), 56302.1(a), 56344(a); NW SELPA Handbook 1.4.A, 1.5.A",
            replaces="idea.initial_evaluation",
            trigger=CONSENT,
            period=Period(60, "tolled_days"),
            met_by=INITIAL_IEP,
            cancelled_by=(E("ca.assessment_exempt"),),
            notes="60 days of consent not counting days between sessions or vacations of more "
            "than five school days (L634-639), as 34 CFR 300.301(c)(1)(ii) allows a State. "
            "Exempt (56302.1(b)): a transfer with an agreed completion date, or a child "
            "repeatedly not produced for assessment - record timeline_extension_agreed or "
            "child_not_produced (the allowances in __init__.py); ca.assessment_exempt still "
            "cancels it.",
        ),
        TimelineRule(
            id="ca.initial_iep.end_of_year",
            kind="initial_evaluation",
            title="Initial IEP after a referral 30 days or less before the end of the school year",
            citation="EC 56344(a), 56043(f)(2); NW SELPA Handbook 1.5.A",
            source_ref=f"{SEED} L642-646",
            exception_to="ca.initial_evaluation",
            applies_when=Condition(days_before_year_end_at_most=30),
            trigger=REFERRAL,
            period=Period(30, "after_next_year_start", unit_stated=False),
            met_by=INITIAL_IEP,
            cancelled_by=(E("evaluation_consent_refused"),),
            notes="The clock runs from the referral, not the consent (handbook L645-646).",
        ),
        TimelineRule(
            id="ca.annual_review",
            kind="annual_iep_review",
            title="IEP reviewed at least annually",
            citation="EC 56343(d), 56043(j); 34 CFR 300.324(b)(1); NW SELPA Handbook 7.7",
            source_ref=f"{SEED} L6381-6384",
            replaces="idea.annual_review",
            trigger=Trigger(events=(E("iep_meeting_held", {"meeting_type": FULL_REVIEWS}),)),
            period=Period(1, "years"),
            met_by=(E("iep_meeting_held", {"meeting_type": ("annual", "triennial")}),),
            notes="A triennial IEP meeting reviews the whole IEP: it meets the annual review and "
            "restarts its year (handbook 7.7: 'not less than annually').",
        ),
        TimelineRule(
            id="ca.triennial_reassessment",
            kind="triennial_reevaluation",
            title="Reassessment at least once every three years",
            citation="EC 56381(a)(2), 56043(k); 34 CFR 300.303(b)(2); NW SELPA Handbook 1.7",
            source_ref=f"{SEED} L936-937",
            replaces="idea.triennial_reevaluation",
            trigger=Trigger(
                events=(
                    E("eligibility_determined", {"eligible": (True,)}),
                    E("reevaluation_completed"),
                )
            ),
            period=Period(3, "years"),
            met_by=(E("reevaluation_completed"),),
            notes="Unless the parent and the LEA agree in writing that it is unnecessary.",
        ),
        TimelineRule(
            id="ca.transition_plan",
            kind="transition_plan",
            title="Postsecondary goals and transition services in the IEP in effect at 16",
            citation="EC 56043(g)(1), 56345(a)(8); 34 CFR 300.320(b); NW SELPA Handbook 7.13",
            source_ref=f"{SEED} L6675-6686",
            replaces="idea.transition_services",
            trigger=Trigger(birthday=15),
            period=Period(1, "years"),
            met_by=(E("iep_meeting_held", {"transition_plan": (True,)}),),
            requires_iep=True,
        ),
        TimelineRule(
            id="ca.rights_transfer_notice",
            kind="age_of_majority_notice",
            title="Student and parents told of the rights that transfer at 18 (one year before)",
            citation="EC 56041.5, 56043(g)(3); 34 CFR 300.320(c); NW SELPA Handbook 4.4, 7.16",
            replaces="idea.age_of_majority_notice",
            trigger=Trigger(birthday=16),
            period=Period(1, "years"),
            met_by=(E("iep_meeting_held", {"age_of_majority_notice": (True,)}),),
            requires_iep=True,
        ),
        TimelineRule(
            id="ca.parent_requested_meeting",
            kind="parent_requested_meeting",
            title="IEP meeting after a parent's written request",
            citation="EC 56343.5, 56043(l); NW SELPA Handbook 7.7",
            source_ref=f"{SEED} L6385-6387",
            trigger=Trigger(events=(E("parent_meeting_request_received"),)),
            period=Period(30, "tolled_days"),
            met_by=(E("iep_meeting_held"),),
            notes="30 days not counting days between sessions or vacations of more than five "
            "school days (EC 56343.5); the handbook states only '30 days'.",
        ),
        TimelineRule(
            id="ca.records_access",
            kind="records_access",
            title="Parent's access to education records",
            citation="EC 56504, 49069, 56043(n); NW SELPA Handbook 5.2",
            source_ref=f"{SEED} L4059-4060",
            replaces="idea.records_access",
            trigger=Trigger(events=(E("records_request_received"),)),
            period=Period(5, "business_days"),
            met_by=(E("records_provided"),),
            notes="Without unnecessary delay and no more than five business days after an oral "
            "or written request.",
        ),
        TimelineRule(
            id="ca.reassessment_request_response",
            kind="ca.reassessment_response",
            title="Response to a parent's request for reassessment",
            citation="EC 56381(a); NW SELPA Handbook ch. 14 adopted policy",
            source_ref=f"{SEED} L11011-11014",
            trigger=Trigger(events=(E("ca.reassessment_requested"),)),
            period=Period(15, "calendar_days", unit_stated=False),
            met_by=(E("assessment_plan_provided"), E("ca.reassessment_request_declined")),
        ),
        TimelineRule(
            id="ca.transfer.other_selpa",
            kind="ca.transfer_iep",
            title="Adopt the previous IEP or a new one after a transfer from another SELPA",
            citation="EC 56325(a)(1); NW SELPA Handbook 7.12.A",
            source_ref=f"{SEED} L6627-6635",
            trigger=Trigger(events=(E("transfer_enrolled", {"from": ("other_selpa",)}),)),
            period=Period(30, "calendar_days", unit_stated=False),
            met_by=(E("iep_meeting_held"),),
            notes="Comparable services meanwhile, for a period not to exceed 30 days. A transfer "
            "within the SELPA continues the IEP (7.12.B); from out of state, comparable services "
            "until the LEA assesses (7.12.C): neither has a day count.",
        ),
        TimelineRule(
            id="ca.expedited_hearing",
            kind="ca.expedited_hearing",
            title="Expedited due process hearing on a discipline appeal",
            citation="20 USC 1415(k)(4)(B); 34 CFR 300.532(c)(2); NW SELPA Handbook 9 and "
            "ch. 4 App. A",
            source_ref=f"{SEED} L3902-3904",
            trigger=Trigger(events=(E("ca.expedited_hearing_requested"),)),
            period=Period(20, "school_days"),
            met_by=(E("ca.expedited_hearing_held"),),
        ),
    ]
