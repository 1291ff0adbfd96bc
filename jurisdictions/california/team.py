"""IEP team and meeting rules: EC 56341, 56341.1; 34 CFR 300.321, 300.322; NW SELPA Handbook 7.2.B,
7.4 and ch. 4 App. A. Checked by the core meeting engine over the case file's ``meetings``."""

from __future__ import annotations

from spedrules.core.rules import LeadTime, MeetingRule
from spedrules.core.vocabulary import IEP_MEETING_TYPES

SEED = "shared/seeds/001_911b07c5e4e92852.txt"  # source_ref: lines in the handbook text


def meeting_rules() -> list[MeetingRule]:
    return [
        MeetingRule(
            id="ca.team.required_members",
            kind="team_composition",
            title="Required IEP team members",
            citation="EC 56341(b); 34 CFR 300.321(a); NW SELPA Handbook 7.2.B",
            source_ref=f"{SEED} L6215-6259",
            replaces="idea.team.required_members",
            meeting_types=IEP_MEETING_TYPES,
            required_roles=(
                "parent",
                "general_education_teacher",
                "special_education_teacher",
                "lea_representative",
            ),
            notes="A member may be excused only with the parent's and LEA's written agreement, "
            "and with written input when the member's area is discussed (EC 56341(f)-(g); "
            "34 CFR 300.321(e); handbook 7.4). The general education teacher is required when "
            "the pupil is or may be in regular education: record the teacher as excused in "
            "writing otherwise.",
        ),
        MeetingRule(
            id="ca.team.sld_members",
            kind="team_composition",
            title="Suspected learning disability: a person qualified to conduct individual "
            "diagnostic examinations",
            citation="EC 56341(c); 34 CFR 300.308; NW SELPA Handbook 7.2.B",
            meeting_types=("initial", "triennial"),
            student_when={"disability": ("SLD",)},
            required_roles=("general_education_teacher",),
            required_one_of=("school_psychologist", "speech_language_pathologist", "other"),
        ),
        MeetingRule(
            id="ca.team.audio_recording_notice",
            kind="meeting_lead_time",
            title="At least 24 hours' notice of the intent to audio-record",
            citation="EC 56341.1(g)(1); NW SELPA Handbook ch. 4 App. A",
            source_ref=f"{SEED} L3561-3568",
            when={"audio_recorded": (True,)},
            lead_times=(
                LeadTime(
                    "recording_notice_sent",
                    24,
                    "hours",
                    kind="ca.audio_recording_notice",
                    title="Notice of the intent to audio-record the meeting",
                ),
            ),
        ),
        MeetingRule(
            id="ca.team.student_invited_for_transition",
            kind="student_invitation",
            title="Student invited when postsecondary goals and transition are discussed",
            citation="34 CFR 300.321(b)(1); EC 56341(b)(7); NW SELPA Handbook 7.13",
            when={"transition_discussed": (True,)},
            invite_student_at=0,
        ),
    ]
