"""St. Lucie County School District's local restraint procedures, layered on Florida
(SP&P 2016-17 to 2018-19, Part I A.4-A.6), in rules/*.yaml.

Encoded: the PostVention Restraint Report meeting within 48 hours and the IEP meeting within 10
days of a restraint (A.6; the SP&P gives no unit: counted as calendar days and said so); the
principal/designee "will be notified ... when an incident of restraint occurs" (A.5: no
deadline stated, so shown without a due date until done); and the second follow-up call (A.4):
"If the signed acknowledgement is not received within 5 days of the first follow-up phone call,
a second follow-up call will be made" - a trigger, not a deadline: the duty arises once 5 days
(no unit: calendar days) have passed without the acknowledgement, and then has no due date of
its own. The responsible role throughout is the SP&P's "ESE Specialist - School Based". Record
the calls as ``stlucie.followup_call`` events with ``call: 1`` or ``call: 2``.
"""

from __future__ import annotations

from pathlib import Path

from spedrules.plugin import RuleFiles

RULES = RuleFiles(Path(__file__).parent / "rules")
(
    spedrules_jurisdiction,
    spedrules_incident_rules,
    spedrules_timeline_rules,
) = RULES.hooks("jurisdiction", "incident_rules", "timeline_rules")
