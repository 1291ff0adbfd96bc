"""Case-manager expectations of the Wyandotte Comprehensive Special Education Cooperative
(Kansas), layered directly on the federal baseline. Citations name the document and its section;
each rule's ``source_ref`` keeps the lines of shared/seeds/002_3f674b55049ea3c1.txt.

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

from spedrules.core.counting import Count, anniversary, day_name
from spedrules.core.hookspecs import hookimpl
from spedrules.core.rules import (
    EventMatch,
    JurisdictionInfo,
    LeadTime,
    MeetingRule,
    Option,
    Period,
    SourceDocument,
    TimelineRule,
    Trigger,
)
from spedrules.core.vocabulary import IEP_MEETING_TYPES

SOURCE = "Wyandotte Comprehensive Special Education Cooperative, case manager expectations"
PLUGIN = "wyandotte-case-management"
E = EventMatch


SEED = "shared/seeds/002_3f674b55049ea3c1.txt"
# the document's sections, as its headings name them
PAPERWORK = f"{SOURCE}, Timely, Accurate and Quality Paperwork"
DATA = f"{SOURCE}, Data Based Decision Making"
INSTRUCTION = f"{SOURCE}, Instructional Services"
PLANNING = f"{SOURCE}, Planning and Drafting IEP"
SUBMISSION = f"{SOURCE}, IEP Submission"


def ref(lines: str) -> str:
    return f"{SEED} {lines}"


@hookimpl
def spedrules_jurisdiction():
    return JurisdictionInfo(
        id=PLUGIN,
        name="Wyandotte Comprehensive Special Education Cooperative case management (Kansas)",
        level="region",
        parent="us-idea",
        sources=(SourceDocument(SOURCE, SEED),),
        event_types=(
            "wyandotte.paperwork_submitted",
            "wyandotte.progress_monitored",
            "wyandotte.progress_report_sent",
        ),
        obligation_kinds=(
            "wyandotte.progress_monitoring",
            "wyandotte.plan_meeting",
            "wyandotte.progress_report",
            "wyandotte.iep_development",
            "wyandotte.iep_in_system",
        ),
    )


@hookimpl
def spedrules_options():
    return [
        Option(
            id=f"{PLUGIN}.grade_report_weeks",
            title="How often general education students receive grade reports (weeks); progress "
            "reports go home at least as often",
            choices=(4, 6, 9, 12, 18),
            default=9,
            citation=f"{PAPERWORK}; {INSTRUCTION}",
        ),
        Option(
            id=f"{PLUGIN}.progress_monitoring",
            title="How often progress on IEP goals is monitored",
            choices=("every_two_weeks", "weekly"),
            default="every_two_weeks",
            citation=f"{DATA} (weekly); {INSTRUCTION} (at least every two weeks)",
        ),
    ]


@hookimpl
def spedrules_meeting_rules():
    return [
        MeetingRule(
            id="wyandotte.preparation",
            kind="meeting_lead_time",
            title="IEP development and drafting ahead of the meeting",
            citation=f"{PAPERWORK}; {PLANNING}",
            source_ref=ref("L23, L50, L57"),
            meeting_types=IEP_MEETING_TYPES,
            lead_times=(
                LeadTime(
                    "development_started",
                    1,
                    "months",
                    kind="wyandotte.iep_development",
                    title="Begin developing the IEP (at least a month before the meeting)",
                ),
                LeadTime(
                    "draft_in_system",
                    14,
                    kind="wyandotte.iep_in_system",
                    title="IEP created in Webkidss (2 weeks before the meeting)",
                ),
                LeadTime(
                    "draft_sent",
                    2,
                    unit_stated=False,
                    kind="draft_iep_to_parent",
                    title="Draft IEP to the LEA and the parents (at least 2 days before)",
                ),
            ),
            responsible="case manager",
        ),
        MeetingRule(
            id="wyandotte.parent_contact",
            kind="meeting_lead_time",
            title="Parents contacted two weeks ahead, written notice to both, two contacts in two "
            "different ways",
            citation=PLANNING,
            source_ref=ref("L51, L53"),
            meeting_types=IEP_MEETING_TYPES,
            lead_times=(
                LeadTime(
                    "notice_sent",
                    14,
                    kind="meeting_notice",
                    title="Parents contacted and written notice sent to both parents (2 weeks "
                    "in advance)",
                ),
            ),
            responsible="case manager",
            min_parent_contact_methods=2,
        ),
        MeetingRule(
            id="wyandotte.student_invitation",
            kind="student_invitation",
            title="Student invited from age 14",
            citation=PLANNING,
            source_ref=ref("L52"),
            meeting_types=IEP_MEETING_TYPES,
            invite_student_at=14,
        ),
    ]


def _two_weeks_before_anniversary(day: date, _born, _calendar) -> Count:
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


@hookimpl
def spedrules_timeline_rules(ctx):
    weekly = ctx.options.get(f"{PLUGIN}.progress_monitoring") == "weekly"
    return [
        TimelineRule(
            id="wyandotte.paperwork",
            kind="iep_paperwork_submission",
            title="Error-free IEP paperwork turned in",
            citation=f"{PAPERWORK}; {SUBMISSION}",
            source_ref=ref("L26, L64"),
            trigger=Trigger(events=(E("iep_meeting_held"),)),
            period=Period(10, "school_days"),
            met_by=(E("wyandotte.paperwork_submitted"),),
            responsible="case manager",
        ),
        TimelineRule(
            id="wyandotte.plan_meeting",
            kind="wyandotte.plan_meeting",
            title="Next annual IEP meeting held at least 2 weeks before the IEP is due",
            citation=PLANNING,
            source_ref=ref("L49"),
            trigger=Trigger(
                events=(E("iep_meeting_held", {"meeting_type": ("initial", "annual")}),)
            ),
            period=Period(0, "custom"),
            compute=_two_weeks_before_anniversary,
            met_by=(E("iep_meeting_held", {"meeting_type": ("annual", "triennial")}),),
            notes="'Plan IEP meetings for at least 2 weeks prior to IEP due date' read as: the "
            "meeting is held by then (scheduling alone does not meet it).",
            responsible="case manager",
        ),
        TimelineRule(
            id="wyandotte.progress_report",
            kind="wyandotte.progress_report",
            title="Progress report home (as often as general education grade reports)",
            citation=f"{PAPERWORK}; {INSTRUCTION}",
            source_ref=ref("L25, L45"),
            trigger=Trigger(events=(E("iep_meeting_held"), E("wyandotte.progress_report_sent"))),
            period=Period(7 * ctx.options.get(f"{PLUGIN}.grade_report_weeks", 9), "calendar_days"),
            met_by=(E("wyandotte.progress_report_sent"),),
            responsible="case manager",
        ),
        TimelineRule(
            id="wyandotte.progress_monitoring",
            kind="wyandotte.progress_monitoring",
            title="Progress on all IEP goals monitored",
            citation=DATA if weekly else INSTRUCTION,
            source_ref=ref("L18" if weekly else "L45"),
            trigger=Trigger(events=(E("iep_meeting_held"), E("wyandotte.progress_monitored"))),
            period=Period(7 if weekly else 14, "calendar_days"),
            met_by=(E("wyandotte.progress_monitored"),),
            responsible="case manager",
        ),
    ]
