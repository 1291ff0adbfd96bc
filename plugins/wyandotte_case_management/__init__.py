"""Case-manager expectations of the Wyandotte Comprehensive Special Education Cooperative
(Kansas), layered directly on the federal baseline. Citations name the document and its section
(rules/*.yaml).

The document states progress monitoring twice: "weekly" (Data Based Decision Making) and "at
least every two weeks" (Instructional Services); the district picks with the option
``wyandotte-case-management.progress_monitoring``. Progress reports go home "as often as general
education peers receive a grade report": the district says how often that is with
``wyandotte-case-management.grade_report_weeks``. The preparation lead times (development a
month ahead, the IEP in the system and the parents contacted 2 weeks ahead, the draft 2 days
ahead) are prep deadlines of a meeting on the calendar and violations once it is held.
"Plan IEP meetings for at least 2 weeks prior to IEP due date" is read as the meeting being held
by then (scheduling alone would make the line say nothing a calendar entry does not).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from attrs import evolve

from spedrules.plugin import (
    Count,
    RuleFiles,
    TimelineRule,
    anniversary,
    day_name,
)

SOURCE = "Wyandotte Comprehensive Special Education Cooperative, case manager expectations"
PLUGIN = "wyandotte-case-management"


def two_weeks_before_anniversary(day: date, _born, _calendar) -> Count:
    """'Plan IEP meetings for at least 2 weeks prior to IEP due date': held by then."""
    due = anniversary(day, years=1).due - timedelta(days=14)
    return Count(
        due,
        (
            f"the IEP is due again {day_name(anniversary(day, years=1).due)}",
            f"planned at least 2 weeks before: {day_name(due)}",
            "read as: the next annual IEP meeting is held by then (the likelier reading of "
            "'plan IEP meetings for at least 2 weeks prior to IEP due date'; scheduling it "
            "alone does not meet it)",
        ),
    )


def grade_report_period(rule: TimelineRule, options: dict) -> TimelineRule:
    """Progress reports go home as often as the district's grade reports (in weeks)."""
    weeks = options[f"{PLUGIN}.grade_report_weeks"]
    return evolve(rule, period=evolve(rule.period, amount=7 * weeks))


def monitoring_frequency(rule: TimelineRule, options: dict) -> TimelineRule:
    """The document says "weekly" in one section, "every two weeks" in another: the district
    picks (rules/timeline_rules.yaml states the every-two-weeks reading)."""
    if options[f"{PLUGIN}.progress_monitoring"] != "weekly":
        return rule
    return evolve(
        rule,
        citation=f"{SOURCE}, Data Based Decision Making",
        source_ref=f"{SOURCE}, Data Based Decision Making",
        period=evolve(rule.period, amount=7),
    )


RULES = RuleFiles(
    Path(__file__).parent / "rules",
    {
        "two_weeks_before_anniversary": two_weeks_before_anniversary,
        "grade_report_period": grade_report_period,
        "monitoring_frequency": monitoring_frequency,
    },
)


(
    spedrules_jurisdiction,
    spedrules_options,
    spedrules_meeting_rules,
    spedrules_timeline_rules,
) = RULES.hooks("jurisdiction", "options", "meeting_rules", "timeline_rules")
