"""Federal timelines, each citing 34 CFR Part 300 (text checked against the CFR as restated in the
NW SELPA handbook where it quotes it: 300.530(e) at seed line 7908, 300.530(g) at 9.7)."""

from __future__ import annotations

from spedrules.core.rules import EventMatch, Period, TimelineRule, Trigger

E = EventMatch
# IEP meetings that review the whole IEP: the next annual review counts from the latest one (a
# triennial IEP meeting, held after the reevaluation, reviews the IEP too)
ANNUAL_MEETING = E("iep_meeting_held", {"meeting_type": ("initial", "annual", "triennial")})


def timeline_rules(age_of_majority: int = 18) -> list[TimelineRule]:
    return [
        TimelineRule(
            id="idea.initial_evaluation",
            kind="initial_evaluation",
            title="Initial evaluation completed",
            citation="34 CFR 300.301(c)(1)(i)",
            trigger=Trigger(events=(E("evaluation_consent_received"),)),
            period=Period(60, "calendar_days"),
            met_by=(E("evaluation_completed"), E("eligibility_determined")),
            notes="Within 60 days of receiving parental consent, or within a State's own "
            "timeframe (300.301(c)(1)(ii)): state plugins replace this rule.",
        ),
        TimelineRule(
            id="idea.initial_iep_meeting",
            kind="initial_iep_meeting",
            title="Meeting to develop the initial IEP",
            citation="34 CFR 300.323(c)(1)",
            trigger=Trigger(events=(E("eligibility_determined", {"eligible": (True,)}),)),
            period=Period(30, "calendar_days"),
            met_by=(E("iep_meeting_held"),),
        ),
        TimelineRule(
            id="idea.annual_review",
            kind="annual_iep_review",
            title="IEP reviewed at least annually",
            citation="34 CFR 300.324(b)(1)(i)",
            trigger=Trigger(events=(ANNUAL_MEETING,)),
            period=Period(1, "years"),
            met_by=(E("iep_meeting_held", {"meeting_type": ("annual", "triennial")}),),
        ),
        TimelineRule(
            id="idea.triennial_reevaluation",
            kind="triennial_reevaluation",
            title="Reevaluation at least once every 3 years",
            citation="34 CFR 300.303(b)(2)",
            trigger=Trigger(
                events=(
                    E("eligibility_determined", {"eligible": (True,)}),
                    E("reevaluation_completed"),
                )
            ),
            period=Period(3, "years"),
            met_by=(E("reevaluation_completed"),),
            notes="Unless the parent and the public agency agree a reevaluation is unnecessary.",
        ),
        TimelineRule(
            id="idea.records_access",
            kind="records_access",
            title="Parent's request to inspect education records complied with",
            citation="34 CFR 300.613(a)",
            trigger=Trigger(events=(E("records_request_received"),)),
            period=Period(45, "calendar_days"),
            met_by=(E("records_provided"),),
            notes="Without unnecessary delay and before any IEP meeting or hearing; in no case "
            "more than 45 days after the request.",
        ),
        TimelineRule(
            id="idea.manifestation_determination",
            kind="manifestation_determination",
            title="Manifestation determination review",
            citation="34 CFR 300.530(e)(1)",
            trigger=Trigger(events=(E("placement_change_decision"),)),
            period=Period(10, "school_days"),
            met_by=(E("iep_meeting_held", {"meeting_type": ("manifestation_determination",)}),),
        ),
        TimelineRule(
            id="idea.removals_change_of_placement",
            kind="manifestation_determination",
            title="Manifestation determination after removals exceeding 10 school days",
            citation="34 CFR 300.536(a); 34 CFR 300.530(e)(1)",
            trigger=Trigger(removals_over=10),
            period=Period(10, "school_days"),
            met_by=(E("iep_meeting_held", {"meeting_type": ("manifestation_determination",)}),),
            notes="More than 10 consecutive school days is a change of placement; a series "
            "totalling more than 10 in a school year is one if it forms a pattern, which the "
            "public agency determines case by case (300.536(a)(2), (b)).",
        ),
        TimelineRule(
            id="idea.iaes_limit",
            kind="interim_placement_review",
            title="Interim alternative educational setting ends (45 school days at most)",
            citation="34 CFR 300.530(g)",
            trigger=Trigger(events=(E("disciplinary_removal", {"iaes": (True,)}),)),
            period=Period(45, "school_days"),
            met_by=(E("placement_change_decision"), E("iep_meeting_held")),
            notes="Weapons, drugs or serious bodily injury: removal for not more than 45 school "
            "days without regard to manifestation.",
        ),
        TimelineRule(
            id="idea.transition_services",
            kind="transition_plan",
            title="Transition goals and services in the IEP in effect when the child turns 16",
            citation="34 CFR 300.320(b)",
            trigger=Trigger(birthday=15),
            period=Period(1, "years"),
            met_by=(E("iep_meeting_held", {"transition_plan": (True,)}),),
            requires_iep=True,
            notes="Counted from the 15th birthday: the IEP meeting held between the 15th and "
            "16th birthday writes the IEP in effect at 16.",
        ),
        TimelineRule(
            id="idea.age_of_majority_notice",
            kind="age_of_majority_notice",
            title=f"Notice that rights transfer at {age_of_majority} (one year before)",
            citation="34 CFR 300.320(c); 34 CFR 300.520",
            trigger=Trigger(birthday=age_of_majority - 2),
            period=Period(1, "years"),
            met_by=(E("iep_meeting_held", {"age_of_majority_notice": (True,)}),),
            requires_iep=True,
            notes="The IEP in effect one year before the age of majority states that the student "
            "was told of the rights that transfer (option us-idea.age_of_majority).",
        ),
    ]
