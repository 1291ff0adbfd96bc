"""California: Education Code part 30 and 5 CCR, as practised in the NW SELPA handbook.

Layered on ``us-idea``: replaces the federal 60-day evaluation and 45-day records rules with the
state's (tolled) 60 days and 5 business days, adds the assessment-plan, parent-request and transfer
timelines, the emergency-intervention rules of EC 56521.1 and handbook 14.24, and the IEP team
rules of EC 56341, and the eligibility criteria of the 13 categories (5 CCR 3030).
"""

from __future__ import annotations

from pathlib import Path

from attrs import evolve

from spedrules.plugin import (
    Condition,
    RuleFiles,
    TimelineRule,
    hookimpl,
)

from .age import age_22_exit
from .eligibility import CHECKS, early_childhood, eligibility_categories

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
    {"end_of_year_cutoff": end_of_year_cutoff, "age_22_exit": age_22_exit, **CHECKS},
)


(
    spedrules_jurisdiction,
    spedrules_options,
    spedrules_timeline_rules,
    spedrules_incident_rules,
    spedrules_meeting_rules,
    spedrules_forms,
) = RULES.hooks(
    "jurisdiction", "options", "timeline_rules", "incident_rules", "meeting_rules", "forms"
)


@hookimpl
def spedrules_eligibility_categories():
    return [*eligibility_categories(), *early_childhood()]
