"""St. Lucie County School District's local restraint procedures, layered on Florida
(SP&P 2016-17 to 2018-19, Part I A.4-A.6; ``source_ref`` points into
shared/seeds/004_8a2533d47235dded.txt).

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

from spedrules.core.hookspecs import hookimpl
from spedrules.core.rules import (
    EventMatch,
    IncidentRule,
    JurisdictionInfo,
    Period,
    SourceDocument,
    TimelineRule,
    Trigger,
)

SPP = "St. Lucie ESE Policies and Procedures (SP&P) 2016-17 to 2018-19"
SEED = "shared/seeds/004_8a2533d47235dded.txt"
ROLE = "ESE Specialist - School Based"
E = EventMatch


@hookimpl
def spedrules_jurisdiction():
    return JurisdictionInfo(
        id="st-lucie",
        name="St. Lucie County (Florida) SP&P local procedures",
        level="district",
        parent="florida",
        sources=(SourceDocument(SPP, SEED),),
        event_types=(
            "stlucie.postvention_meeting_held",
            "stlucie.principal_notified",
            "stlucie.followup_call",
        ),
        obligation_kinds=("stlucie.postvention_review", "stlucie.principal_notice"),
    )


@hookimpl
def spedrules_incident_rules():
    return [
        IncidentRule(
            id="stlucie.postvention_meeting",
            kind="stlucie.postvention_review",
            title="PostVention Restraint Report meeting",
            citation=f"{SPP}, Part I A.6",
            source_ref=f"{SEED} L238, L244",
            applies_to=("restraint",),
            counted_from="started_at",
            period=Period(48, "hours"),
            met_by=(E("stlucie.postvention_meeting_held"),),
            responsible=ROLE,
        ),
        IncidentRule(
            id="stlucie.iep_meeting_after_restraint",
            kind="incident_iep_review",
            title="IEP meeting after a restraint (supports, BIP, FBA, reevaluation)",
            citation=f"{SPP}, Part I A.6",
            source_ref=f"{SEED} L238, L244",
            applies_to=("restraint",),
            counted_from="started_at",
            period=Period(10, "calendar_days", unit_stated=False),
            met_by=(E("iep_meeting_held"),),
            responsible=ROLE,
        ),
        IncidentRule(
            id="stlucie.principal_notice",
            kind="stlucie.principal_notice",
            title="Principal/designee notified of the restraint",
            citation=f"{SPP}, Part I A.5",
            source_ref=f"{SEED} L230",
            applies_to=("restraint",),
            met_by=(E("stlucie.principal_notified"),),
            notes="'Will be notified by the ESE Specialist - School Based when an incident of "
            "restraint occurs': no deadline stated.",
            responsible=ROLE,
        ),
    ]


@hookimpl
def spedrules_timeline_rules():
    return [
        TimelineRule(
            id="stlucie.second_followup_call",
            kind="incident_acknowledgement_followup",
            title="Second follow-up call for the signed acknowledgement",
            citation=f"{SPP}, Part I A.4",
            source_ref=f"{SEED} L226",
            trigger=Trigger(events=(E("stlucie.followup_call", {"call": (1,)}),)),
            arises_after=Period(5, "calendar_days", unit_stated=False),
            met_by=(E("stlucie.followup_call", {"call": (2,)}),),
            cancelled_by=(E("parent_acknowledgement_received"),),
            responsible=ROLE,
        )
    ]
