"""IEP procedures of a California independent-study charter (SEIS, DocuSign), layered on
California (seed shared/seeds/003_b692dd508e664a0f.txt; line numbers L...).

Encoded as checks of each meeting in the case file: the notice entered in SEIS by the 10th of the
month before the meeting month (L18-22), the general-education feedback form and provider reports
sent by that 10th and due back 2 weeks before the meeting (L26-32), the draft at least 5 days
before when the parents asked for one (L36-40), the agenda 3 to 5 days before, too early being
flagged as well (L42); and the IEP at a Glance after each meeting (L203-206), which has no day
count in the source: it is shown as due the day of the meeting so it is not lost.
"""

from __future__ import annotations

from spedrules.core.hookspecs import hookimpl
from spedrules.core.rules import (
    EventMatch,
    JurisdictionInfo,
    LeadTime,
    MeetingRule,
    Period,
    SourceDocument,
    TimelineRule,
    Trigger,
)
from spedrules.core.vocabulary import IEP_MEETING_TYPES

SOURCE = "Independent-study charter, IEP process, procedures and meetings"


def cite(lines: str) -> str:
    return f"{SOURCE} ({lines})"


@hookimpl
def spedrules_jurisdiction():
    return JurisdictionInfo(
        id="charter-independent-study",
        name="Independent-study charter IEP procedures (California)",
        level="local",
        parent="california",
        sources=(SourceDocument(SOURCE, "shared/seeds/003_b692dd508e664a0f.txt"),),
        event_types=("charter.iep_at_a_glance_shared",),
    )


@hookimpl
def spedrules_meeting_rules():
    return [
        MeetingRule(
            id="charter.notice_in_seis",
            kind="meeting_lead_time",
            title="Meeting notice entered in SEIS by the 10th of the month before",
            citation=cite("L18-22"),
            meeting_types=IEP_MEETING_TYPES,
            lead_times=(LeadTime("notice_entered", 10, "day_of_prior_month"),),
        ),
        MeetingRule(
            id="charter.feedback_and_reports",
            kind="meeting_lead_time",
            title="GE feedback form and provider reports out by the 10th, back 2 weeks before",
            citation=cite("L26-32"),
            meeting_types=IEP_MEETING_TYPES,
            lead_times=(
                LeadTime("ge_feedback_sent", 10, "day_of_prior_month"),
                LeadTime("ge_feedback_received", 14),
                LeadTime("provider_report_sent", 10, "day_of_prior_month"),
                LeadTime("provider_report_received", 14),
            ),
        ),
        MeetingRule(
            id="charter.draft_on_request",
            kind="meeting_lead_time",
            title="Draft to the parents at least 5 days before, when they asked for one",
            citation=cite("L36-40"),
            meeting_types=IEP_MEETING_TYPES,
            lead_times=(LeadTime("draft_sent", 5, only_if="draft_requested"),),
        ),
        MeetingRule(
            id="charter.agenda_window",
            kind="meeting_lead_time",
            title="Agenda to the parents 3 to 5 days before the meeting",
            citation=cite("L42"),
            meeting_types=IEP_MEETING_TYPES,
            lead_times=(LeadTime("agenda_sent", 3, at_most=5),),
        ),
    ]


@hookimpl
def spedrules_timeline_rules():
    return [
        TimelineRule(
            id="charter.iep_at_a_glance",
            kind="iep_at_a_glance",
            title="IEP at a Glance to each general education teacher and uploaded to the SIS",
            citation=cite("L203-206"),
            trigger=Trigger(events=(EventMatch("iep_meeting_held"),)),
            period=Period(0, "calendar_days"),
            met_by=(EventMatch("charter.iep_at_a_glance_shared"),),
            notes="The source gives no day count ('following each IEP meeting').",
        )
    ]
