"""The federal baseline: IDEA Part B (20 U.S.C. 1400 ff.; 34 CFR Part 300).

Every state plugin layers on this one. Its rules (rules/*.yaml) are the federal defaults a state
may replace (34 CFR 300.301(c)(1) lets a state set its own evaluation timeframe) or tighten.
"""

from __future__ import annotations

from pathlib import Path

from attrs import evolve

from spedrules.plugin import (
    BirthdayTrigger,
    RuleFiles,
    TimelineRule,
    hookimpl,
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


(
    spedrules_jurisdiction,
    spedrules_options,
    spedrules_timeline_rules,
    spedrules_meeting_rules,
) = RULES.hooks("jurisdiction", "options", "timeline_rules", "meeting_rules")


@hookimpl
def spedrules_edfi_descriptors():
    from .edfi import DESCRIPTORS

    return DESCRIPTORS
