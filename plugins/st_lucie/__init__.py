"""St. Lucie County School District's local restraint procedures, layered on Florida
(SP&P 2016-17 to 2018-19, Part I A.4-A.6; seed shared/seeds/004_8a2533d47235dded.txt).

Encoded: the PostVention Restraint Report meeting within 48 hours, the IEP meeting within 10 days
of a restraint (the SP&P gives no unit: counted as calendar days and said so), the principal told
the same day, and the second follow-up call 5 days (no unit) after the first when the parent's
signed acknowledgement has not come back. The responsible role throughout is the SP&P's
"ESE Specialist - School Based". Record the calls as ``stlucie.followup_call`` events with
``call: 1`` or ``call: 2``.
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
ROLE = "ESE Specialist - School Based"
E = EventMatch


@hookimpl
def spedrules_jurisdiction():
    return JurisdictionInfo(
        id="st-lucie",
        name="St. Lucie County (Florida) SP&P local procedures",
        level="district",
        parent="florida",
        sources=(SourceDocument(SPP, "shared/seeds/004_8a2533d47235dded.txt"),),
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
            citation=f"{SPP}, Part I A.4-A.6",
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
            citation=f"{SPP}, Part I A.4-A.6",
            applies_to=("restraint",),
            counted_from="started_at",
            period=Period(10, "calendar_days", unit_stated=False),
            met_by=(E("iep_meeting_held"),),
            responsible=ROLE,
        ),
        IncidentRule(
            id="stlucie.principal_notice",
            kind="stlucie.principal_notice",
            title="Principal/designee notified of the restraint (by the end of that school day)",
            citation=f"{SPP}, Part I A.4-A.6",
            applies_to=("restraint",),
            counted_from="started_at",
            period=Period(0, "end_of_school_day"),
            met_by=(E("stlucie.principal_notified"),),
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
            citation=f"{SPP}, Part I A.4-A.6",
            trigger=Trigger(events=(E("stlucie.followup_call", {"call": (1,)}),)),
            period=Period(5, "calendar_days", unit_stated=False),
            met_by=(E("stlucie.followup_call", {"call": (2,)}),),
            cancelled_by=(E("parent_acknowledgement_received"),),
            responsible=ROLE,
        )
    ]
