"""Locally negotiated Special Education Best Practices of a California elementary district
(2019-20), layered on California. Citations name the document and its section; each rule's
``source_ref`` keeps the line numbers in shared/seeds/000_3c030d13ce65e17a.txt for developers.

Encoded: the roundtable within two weeks of the first day of school, the team, the meeting's
start and length, notice, agenda and draft lead times (prep deadlines of a meeting on the
calendar, violations once it is held), meetings in the school day flagged for coverage, and the
IEP at a Glance. Not yet: the inclusion staffing threshold (a count of a
program's students at the start of the year, not a student's case).
"""

from __future__ import annotations

from pathlib import Path

from spedrules.core.forms import load_forms
from spedrules.plugin import JurisdictionInfo, RuleFiles, SourceDocument, hookimpl

SOURCE = "Special Education Best Practices (negotiated, 2019-20)"
SEED = "shared/seeds/000_3c030d13ce65e17a.txt"
RULES = RuleFiles(Path(__file__).parent / "rules")


@hookimpl
def spedrules_jurisdiction():
    return JurisdictionInfo(
        id="lahabra-best-practices",
        name="Negotiated Special Education Best Practices (California elementary district)",
        level="district",
        parent="california",
        sources=(SourceDocument(SOURCE, SEED),),
        event_types=(
            "lahabra.iep_at_a_glance_sent",
            "lahabra.roundtable_held",
            "lahabra.inclusion_staffing_reviewed",
        ),
        obligation_kinds=("lahabra.roundtable", "lahabra.inclusion_staffing_review"),
    )


@hookimpl
def spedrules_meeting_rules(ctx):
    return RULES.meeting_rules(ctx)


@hookimpl
def spedrules_timeline_rules(ctx):
    return RULES.timeline_rules(ctx)


@hookimpl
def spedrules_program_rules(ctx):
    return RULES.program_rules(ctx)


@hookimpl
def spedrules_forms():
    return load_forms(Path(__file__).parent / "forms")
