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
from spedrules.core.hookspecs import hookimpl
from spedrules.core.rules import (
    EventMatch,
    JurisdictionInfo,
    LeadTime,
    MeetingRule,
    Period,
    ProgramRule,
    SourceDocument,
    TimelineRule,
    Trigger,
)

SOURCE = "Special Education Best Practices (negotiated, 2019-20)"
SEED = "shared/seeds/000_3c030d13ce65e17a.txt"


def cite(section: str) -> str:
    return f"{SOURCE}, {section}"


def ref(lines: str) -> str:
    return f"{SEED} {lines}"


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
def spedrules_meeting_rules():
    return [
        MeetingRule(
            id="lahabra.team",
            kind="team_composition",
            title="IEP team of the negotiated practices",
            citation=cite("IEP Meetings (the IEP team)"),
            source_ref=ref("L28-31"),
            required_roles=(
                "general_education_teacher",
                "special_education_teacher",
                "parent",
                "lea_representative",
            ),
        ),
        MeetingRule(
            id="lahabra.meeting_start",
            kind="meeting_time",
            title="IEP meeting begins no later than 15 minutes after the school day ends",
            citation=cite("IEP Meetings"),
            source_ref=ref("L36"),
            latest_start_after_school_end=15,
        ),
        MeetingRule(
            id="lahabra.meeting_length",
            kind="meeting_duration",
            title="IEP meeting ends no later than 1 hour after it starts unless the team agrees",
            citation=cite("IEP Meetings"),
            source_ref=ref("L36-37"),
            max_minutes=60,
        ),
        MeetingRule(
            id="lahabra.school_day_coverage",
            kind="meeting_time",
            title="Meetings in the school day coordinated through site and district administrators",
            citation=cite("IEP Meetings"),
            source_ref=ref("L39-42"),
            flag_during_school_day=True,
        ),
        MeetingRule(
            id="lahabra.notice",
            kind="meeting_lead_time",
            title="Meeting notification at least 10 days in advance",
            citation=cite("IEP Meetings"),
            source_ref=ref("L44-45"),
            lead_times=(
                LeadTime(
                    "notice_sent",
                    10,
                    unit_stated=False,
                    kind="meeting_notice",
                    title="IEP meeting notification with the proposed date to all team members",
                ),
            ),
            responsible="case manager",  # "sent out electronically by the case manager"
        ),
        MeetingRule(
            id="lahabra.agenda_and_draft",
            kind="meeting_lead_time",
            title="Agenda and draft IEP at least 24 hours in advance",
            citation=cite("IEP Meetings"),
            source_ref=ref("L47-49"),
            lead_times=(
                LeadTime(
                    "agenda_sent",
                    24,
                    "hours",
                    kind="meeting_agenda",
                    title="Agenda with a firm start and end time sent",
                ),
                LeadTime(
                    "draft_sent",
                    24,
                    "hours",
                    kind="draft_iep_to_parent",
                    title="Draft IEP (proposed goals and accommodations) sent",
                ),
            ),
            responsible="case manager",  # "will be sent by the case manager"
        ),
    ]


@hookimpl
def spedrules_timeline_rules():
    return [
        TimelineRule(
            id="lahabra.roundtable",
            kind="lahabra.roundtable",
            title="Roundtable: case manager and general education teachers review the students "
            "on IEPs",
            citation=cite('IEP "Roundtables"'),
            source_ref=ref("L12-16"),
            trigger=Trigger(school_year_start=True),
            period=Period(14, "calendar_days"),
            met_by=(EventMatch("lahabra.roundtable_held"),),
            requires_iep=True,
            notes="'Within two weeks of the beginning of the school year': 14 calendar days.",
        ),
        TimelineRule(
            id="lahabra.iep_at_a_glance",
            kind="iep_at_a_glance",
            title="IEP at a Glance distributed to the team",
            citation=cite("IEP Implementation"),
            source_ref=ref("L53-54"),
            trigger=Trigger(events=(EventMatch("iep_meeting_held"),)),
            period=Period(5, "calendar_days", unit_stated=False),
            met_by=(EventMatch("lahabra.iep_at_a_glance_sent"),),
        ),
    ]


@hookimpl
def spedrules_program_rules():
    return [
        ProgramRule(
            id="lahabra.inclusion_staffing_review",
            kind="lahabra.inclusion_staffing_review",
            title='IEP team evaluates the need for more staffing support in the "Inclusion" '
            "program",
            citation=cite('"Inclusion" Program Classes: Staffing and Class-size Considerations'),
            source_ref=ref("L74-76"),
            program="inclusion",
            more_than=5,  # "if the number of 'Inclusion' students exceed 5"
            met_by=(EventMatch("lahabra.inclusion_staffing_reviewed"),),
            responsible="IEP team",
            notes="Counted at the beginning of the school year, per school (the seed names the "
            "K and 1st grade inclusion classes of two schools). No deadline in the source.",
        )
    ]


@hookimpl
def spedrules_forms():
    return load_forms(Path(__file__).parent / "forms")
