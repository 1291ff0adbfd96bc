"""IEP procedures of a California independent-study charter (SEIS, DocuSign), layered on
California. Citations name the document ("IEP: Process, Procedures, and Meetings") and its
section (rules/*.yaml).

Before the meeting (prep deadlines while the meeting is on the calendar, violations once it is
held): the notice entered in SEIS by the 10th of the month before the meeting month, "beginning
in September for October IEPs" - so an August or September meeting is not covered; the
general-education feedback form and provider reports sent by that 10th and due back 2 weeks
before the meeting; the draft at least 5 days before when the parents asked for one; the agenda
3 to 5 days before, too early being flagged as well. After each meeting, the IEP at a Glance to
each general education teacher and the SIS: "following each IEP meeting" states no deadline, so
it is shown without a due date until done (a district may set a local target by tightening
``charter.iep_at_a_glance``).
"""

from __future__ import annotations

from pathlib import Path

from spedrules.plugin import RuleFiles

RULES = RuleFiles(Path(__file__).parent / "rules")
(
    spedrules_jurisdiction,
    spedrules_meeting_rules,
    spedrules_timeline_rules,
) = RULES.hooks("jurisdiction", "meeting_rules", "timeline_rules")
