"""IEP procedures of a California independent-study charter (SEIS, DocuSign), layered on
California. Citations name the document ("IEP: Process, Procedures, and Meetings") and its
section; each rule's ``source_ref`` keeps the lines of shared/seeds/003_b692dd508e664a0f.txt.

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

from spedrules.core.hookspecs import hookimpl
from spedrules.core.rules import (
    EventMatch,
    JurisdictionInfo,
    LeadTime,
    MeetingRule,
    SourceDocument,
    TimelineRule,
    Trigger,
)
from spedrules.core.vocabulary import IEP_MEETING_TYPES

SOURCE = "Independent-study charter, IEP: Process, Procedures, and Meetings"
SEED = "shared/seeds/003_b692dd508e664a0f.txt"
BEFORE = f"{SOURCE}, Before the Meeting"
# "Meeting notice information must be entered by the 10th of each month for IEPs beginning in
# September for October IEPs an[d] all subsequent month[s]": the first entry month is September,
# so meetings in August and September (the school year's first months) have no such deadline.
NOT_BEFORE_OCTOBER = (8, 9)


def ref(lines: str) -> str:
    return f"{SEED} {lines}"


@hookimpl
def spedrules_jurisdiction():
    return JurisdictionInfo(
        id="charter-independent-study",
        name="Independent-study charter IEP procedures (California)",
        level="local",
        parent="california",
        sources=(SourceDocument(SOURCE, SEED),),
        event_types=("charter.iep_at_a_glance_shared",),
        obligation_kinds=(
            "charter.seis_notice",
            "charter.ge_feedback_sent",
            "charter.ge_feedback_received",
            "charter.provider_report_sent",
            "charter.provider_report_received",
        ),
    )


@hookimpl
def spedrules_meeting_rules():
    return [
        MeetingRule(
            id="charter.notice_in_seis",
            kind="meeting_lead_time",
            title="Meeting notice entered in SEIS by the 10th of the month before",
            citation=BEFORE,
            source_ref=ref("L18-22"),
            meeting_types=IEP_MEETING_TYPES,
            lead_times=(
                LeadTime(
                    "notice_entered",
                    10,
                    "day_of_prior_month",
                    kind="charter.seis_notice",
                    title="Meeting notice information entered in SEIS",
                    skip_months=NOT_BEFORE_OCTOBER,
                ),
            ),
            notes="From October IEPs on ('beginning in September for October IEPs'): "
            "no August or September meeting is covered.",
        ),
        MeetingRule(
            id="charter.feedback_and_reports",
            kind="meeting_lead_time",
            title="GE feedback form and provider reports out by the 10th, back 2 weeks before",
            citation=BEFORE,
            source_ref=ref("L26-32"),
            meeting_types=IEP_MEETING_TYPES,
            lead_times=(
                LeadTime(
                    "ge_feedback_sent",
                    10,
                    "day_of_prior_month",
                    kind="charter.ge_feedback_sent",
                    title="GE Feedback Form sent to the general education teacher of record",
                ),
                LeadTime(
                    "ge_feedback_received",
                    14,
                    kind="charter.ge_feedback_received",
                    title="GE Feedback Form back (due 2 weeks before the IEP)",
                ),
                LeadTime(
                    "provider_report_sent",
                    10,
                    "day_of_prior_month",
                    kind="charter.provider_report_sent",
                    title="Provider Report form sent to the contracted providers",
                ),
                LeadTime(
                    "provider_report_received",
                    14,
                    kind="charter.provider_report_received",
                    title="Provider reports back (due 2 weeks before the IEP)",
                ),
            ),
        ),
        MeetingRule(
            id="charter.draft_on_request",
            kind="meeting_lead_time",
            title="Draft to the parents at least 5 days before, when they asked for one",
            citation=BEFORE,
            source_ref=ref("L36-40"),
            meeting_types=IEP_MEETING_TYPES,
            lead_times=(
                LeadTime(
                    "draft_sent",
                    5,
                    only_if="draft_requested",
                    unit_stated=False,
                    kind="draft_iep_to_parent",
                    title="Draft present levels or proposed goals (watermarked DRAFT) to the "
                    "parents who asked for one",
                ),
            ),
        ),
        MeetingRule(
            id="charter.agenda_window",
            kind="meeting_lead_time",
            title="Agenda to the parents 3 to 5 days before the meeting",
            citation=BEFORE,
            source_ref=ref("L42"),
            meeting_types=IEP_MEETING_TYPES,
            lead_times=(
                LeadTime(
                    "agenda_sent",
                    3,
                    at_most=5,
                    unit_stated=False,
                    kind="meeting_agenda",
                    title="Meeting agenda to the parents, asking for their input",
                ),
            ),
        ),
    ]


@hookimpl
def spedrules_timeline_rules():
    return [
        TimelineRule(
            id="charter.iep_at_a_glance",
            kind="iep_at_a_glance",
            title="IEP at a Glance to each general education teacher and uploaded to the SIS",
            citation=f"{SOURCE}, Ending the Meeting",
            source_ref=ref("L203-211"),
            trigger=Trigger(events=(EventMatch("iep_meeting_held"),)),
            met_by=(EventMatch("charter.iep_at_a_glance_shared"),),
            notes="'Following each IEP meeting': the source states no deadline (no due date; a "
            "district may tighten it with a local target).",
        )
    ]
