"""The federal baseline: IDEA Part B (20 U.S.C. 1400 ff.; 34 CFR Part 300).

Every state plugin layers on this one. Its timelines are the federal defaults a state may replace
(34 CFR 300.301(c)(1) lets a state set its own evaluation timeframe) or tighten.
"""

from __future__ import annotations

from spedrules.core.hookspecs import hookimpl
from spedrules.core.rules import (
    Allowance,
    JurisdictionInfo,
    MeetingRule,
    Option,
    SourceDocument,
)
from spedrules.core.vocabulary import IEP_MEETING_TYPES

from .timelines import timeline_rules

PLUGIN_ID = "us-idea"


@hookimpl
def spedrules_jurisdiction():
    return JurisdictionInfo(
        id=PLUGIN_ID,
        name="Federal IDEA baseline (34 CFR Part 300)",
        level="federal",
        parent=None,
        sources=(
            SourceDocument("Individuals with Disabilities Education Act", "20 U.S.C. 1400 et seq."),
            SourceDocument(
                "Assistance to States for the Education of Children with Disabilities",
                "34 CFR Part 300",
            ),
        ),
        allowances=ALLOWANCES,
    )


# Where Part B lets a case set an evaluation timeline aside or move it. 300.301(d) covers the
# 60 days of (c)(1)(i) and a State's own timeframe of (c)(1)(ii) alike, so these hold under every
# state plugin's evaluation rule (kind initial_evaluation).
ALLOWANCES = (
    Allowance(
        event="child_not_produced",
        kinds=("initial_evaluation",),
        citation="34 CFR 300.301(d)(1)",
        description="when the parent repeatedly fails or refuses to produce the child for the "
        "evaluation",
    ),
    Allowance(
        event="timeline_extension_agreed",
        kinds=("initial_evaluation",),
        citation="34 CFR 300.301(d)(2), (e)",
        description="for a child who enrolled in a school of another public agency after the "
        "timeline began (a transfer_enrolled event between the consent and the agreement), the "
        "parent and the new agency agreeing a specific time",
        after="transfer_enrolled",
    ),
    Allowance(
        event="timeline_extension_agreed",
        kinds=("initial_evaluation",),
        citation="34 CFR 300.309(c)",
        description="for a child evaluated for a specific learning disability (student "
        "disability SLD), by mutual written agreement of the parent and the group of qualified "
        "professionals",
        student_when={"disability": ("SLD",)},
    ),
)


@hookimpl
def spedrules_options():
    return [
        Option(
            id="us-idea.age_of_majority",
            title="Age of majority under State law (rights transfer to the student)",
            choices=(18, 19, 21),
            default=18,
            citation="34 CFR 300.320(c), 300.520",
            description="The notice of rights transferring is due one year before this age.",
        )
    ]


@hookimpl
def spedrules_timeline_rules(ctx):
    return timeline_rules(ctx.options.get("us-idea.age_of_majority", 18))


@hookimpl
def spedrules_meeting_rules():
    return [
        MeetingRule(
            id="idea.team.required_members",
            kind="team_composition",
            title="Required IEP team members",
            citation="34 CFR 300.321(a), (e)",
            meeting_types=IEP_MEETING_TYPES,
            required_roles=(
                "parent",
                "general_education_teacher",
                "special_education_teacher",
                "lea_representative",
            ),
            notes="The regular education teacher when the child is, or may be, participating in "
            "the regular education environment; a member may be excused only with the parent's "
            "written agreement (and written input when their area is discussed), 300.321(e).",
        )
    ]
