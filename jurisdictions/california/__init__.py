"""California: Education Code part 30 and 5 CCR, as practised in the NW SELPA handbook.

Layered on ``us-idea``: replaces the federal 60-day evaluation and 45-day records rules with the
state's (tolled) 60 days and 5 business days, adds the assessment-plan, parent-request and transfer
timelines, the emergency-intervention rules of EC 56521.1 and handbook 14.24, and the IEP team
rules of EC 56341, and the eligibility criteria of the 13 categories (5 CCR 3030).
"""

from __future__ import annotations

from pathlib import Path

from attrs import evolve

from spedrules.core.forms import load_forms
from spedrules.plugin import (
    Allowance,
    Condition,
    JurisdictionInfo,
    RuleFiles,
    SourceDocument,
    TimelineRule,
    hookimpl,
)

from .age import age_22_exit
from .eligibility import early_childhood, eligibility_categories

SEED = "shared/seeds/001_911b07c5e4e92852.txt"


@hookimpl
def spedrules_jurisdiction():
    return JurisdictionInfo(
        id="california",
        name="California (Education Code, 5 CCR; NW SELPA Handbook)",
        level="state",
        parent="us-idea",
        sources=(
            SourceDocument("NW SELPA Special Education Procedural Handbook", SEED),
            SourceDocument("California Education Code, Part 30", "EC 56000 et seq."),
            SourceDocument("California Code of Regulations, Title 5", "5 CCR 3000 et seq."),
        ),
        event_types=(
            "ca.assessment_exempt",
            "ca.reassessment_requested",
            "ca.reassessment_request_declined",
            "ca.ber_forwarded",
            "ca.ber_filed",
            "ca.ber_to_director",
            "ca.expedited_hearing_requested",
            "ca.expedited_hearing_held",
            "ca.services_ended",
        ),
        obligation_kinds=(
            "ca.parent_decision_window",
            "ca.reassessment_response",
            "ca.transfer_iep",
            "ca.expedited_hearing",
            "ca.ber_review",
            "ca.age_22_exit",
            "ca.audio_recording_notice",
        ),
        allowances=ALLOWANCES,
    )


# Where the Education Code and the handbook let a case move or set aside a timeline (handbook
# 1.4.A(2), 1.5.A, 1.5.B). The federal ones of us-idea hold
# too; these restate them with the state's own text, and add the parent's written extensions.
ALLOWANCES = (
    Allowance(
        event="timeline_extension_agreed",
        kinds=("assessment_plan",),
        rules=("ca.assessment_plan",),
        citation="EC 56321(a); NW SELPA Handbook 1.5.B",
        description="for the 15-day assessment plan, when the parent or guardian agrees in "
        "writing (a plan after an end-of-year referral is due 'in any event' 10 days after the "
        "next school year starts)",
    ),
    Allowance(
        event="timeline_extension_agreed",
        kinds=("initial_evaluation",),
        rules=("ca.initial_evaluation",),
        citation="EC 56344(a)",
        description="for the 60-day assessment and initial IEP, when the parent or guardian "
        "agrees in writing",
    ),
    Allowance(
        event="timeline_extension_agreed",
        kinds=("initial_evaluation",),
        citation="34 CFR 300.301(d)(2), (e); NW SELPA Handbook 1.4.A(2)(a), 1.5.A(1)",
        description="for a child who enrolled in a school of the LEA after the timeline began "
        "and before the previous LEA determined eligibility (a transfer_enrolled event between "
        "the consent and the agreement), the parent and the LEA agreeing a specific date",
        after="transfer_enrolled",
    ),
    Allowance(
        event="child_not_produced",
        kinds=("initial_evaluation",),
        citation="34 CFR 300.301(d)(1); NW SELPA Handbook 1.4.A(2)(b), 1.5.A(2)",
        description="when the parent repeatedly fails or refuses to produce the child for "
        "assessment",
    ),
)


# End-of-year cutoff for the assessment-plan exception: the handbook (1.5.B) says "20 days or
# less", EC 56321(a) says "10 days or less". The date the statute changed is not verified, so the
# choice is a district option (rules/options.yaml) rather than an invented effective date.
CUTOFFS = {
    "ec_56321_10_days": (10, "EC 56321(a)"),
    "handbook_20_days": (20, "NW SELPA Handbook 1.5.B (the statute says 10)"),
}


def end_of_year_cutoff(rule: TimelineRule, options: dict) -> TimelineRule:
    """The exception applies to referrals the chosen number of days before the year ends."""
    days, source = CUTOFFS[options["california.end_of_year_referral_cutoff"]]
    return evolve(
        rule,
        citation=f"{source}; EC 56043(a); NW SELPA Handbook 1.5.B",
        applies_when=Condition(days_before_year_end_at_most=days),
    )


RULES = RuleFiles(
    Path(__file__).parent / "rules",
    {"end_of_year_cutoff": end_of_year_cutoff, "age_22_exit": age_22_exit},
)


@hookimpl
def spedrules_options():
    return RULES.options()


@hookimpl
def spedrules_timeline_rules(ctx):
    return RULES.timeline_rules(ctx)


@hookimpl
def spedrules_incident_rules(ctx):
    return RULES.incident_rules(ctx)


@hookimpl
def spedrules_meeting_rules(ctx):
    return RULES.meeting_rules(ctx)


@hookimpl
def spedrules_eligibility_categories():
    return [*eligibility_categories(), *early_childhood()]


@hookimpl
def spedrules_forms():
    return load_forms(Path(__file__).parent / "forms")
