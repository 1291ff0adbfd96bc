"""Locally negotiated Special Education Best Practices of a California elementary district
(2019-20), layered on California. Citations name the document and its section (rules/*.yaml).

Encoded: the roundtable within two weeks of the first day of school, the team, the meeting's
start and length, notice, agenda and draft lead times (prep deadlines of a meeting on the
calendar, violations once it is held), meetings in the school day flagged for coverage, and the
IEP at a Glance, and the inclusion staffing threshold (a program rule: a count of a program's
students at the start of the year, not a student's case).
"""

from __future__ import annotations

from pathlib import Path

from spedrules.plugin import RuleFiles

RULES = RuleFiles(Path(__file__).parent / "rules")
(
    spedrules_jurisdiction,
    spedrules_meeting_rules,
    spedrules_timeline_rules,
    spedrules_program_rules,
    spedrules_forms,
) = RULES.hooks("jurisdiction", "meeting_rules", "timeline_rules", "program_rules", "forms")
