"""The federal baseline: IDEA Part B (20 U.S.C. 1400 ff.; 34 CFR Part 300).

Every state plugin layers on this one. Its rules (rules/*.yaml) are the federal defaults a state
may replace (34 CFR 300.301(c)(1) lets a state set its own evaluation timeframe) or tighten.
"""

from __future__ import annotations

from pathlib import Path

from attrs import evolve

from spedrules.plugin import (
    Allowance,
    BirthdayTrigger,
    JurisdictionInfo,
    RuleFiles,
    SourceDocument,
    TimelineRule,
    hookimpl,
)

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


def age_of_majority(rule: TimelineRule, options: dict) -> TimelineRule:
    """The notice is due in the year before the State's age of majority (34 CFR 300.520)."""
    age = options["us-idea.age_of_majority"]
    return evolve(
        rule,
        title=f"Notice that rights transfer at {age} (one year before)",
        trigger=BirthdayTrigger(age - 2),
    )


RULES = RuleFiles(Path(__file__).parent / "rules", {"age_of_majority": age_of_majority})


@hookimpl
def spedrules_options():
    return RULES.options()


@hookimpl
def spedrules_timeline_rules(ctx):
    return RULES.timeline_rules(ctx)


@hookimpl
def spedrules_meeting_rules(ctx):
    return RULES.meeting_rules(ctx)


@hookimpl
def spedrules_edfi_descriptors():
    from .edfi import DESCRIPTORS

    return DESCRIPTORS
