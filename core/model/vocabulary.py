"""The core vocabulary: stable keys shared by every jurisdiction (docs/file-formats.md).

Plugins may add event types and obligation kinds of their own, but only namespaced
(``stlucie.postvention_review``), so that a typo in a case file is an error and not a new type.
"""

from __future__ import annotations

EVENT_TYPES: frozenset[str] = frozenset(
    """
    referral_received assessment_plan_provided evaluation_consent_received
    evaluation_consent_refused evaluation_completed eligibility_determined iep_meeting_held
    iep_consent_received reevaluation_completed parent_meeting_request_received
    records_request_received records_provided transfer_enrolled disciplinary_removal
    placement_change_decision parent_notified parent_contact_attempted incident_report_completed
    incident_report_sent parent_acknowledgement_received iep_meeting_scheduled absence
    timeline_extension_agreed child_not_produced student_exited consent_revoked
    delay_reason_recorded
    """.split()
)

# The law's own escape hatches (docs/exceptions-and-exits.md); core/engine/adjustments.py gives
# them meaning.
EXCEPTION_EVENTS = ("timeline_extension_agreed", "child_not_produced")
EXIT_EVENTS = ("student_exited", "consent_revoked")
EXIT_REASONS = ("moved", "graduated", "aged_out", "dropped_out", "no_longer_eligible", "other")
# Kinds an exit does not end: a parent's right to inspect the records the agency keeps is not a
# duty to an enrolled student (34 CFR 300.613 applies to records it collects, maintains or uses).
SURVIVES_EXIT = frozenset({"records_access"})
# ``records_provided`` was added to the first list of events: without it the records-access
# obligation could never be met.

OBLIGATION_KINDS: frozenset[str] = frozenset(
    """
    assessment_plan initial_evaluation initial_iep_meeting annual_iep_review
    triennial_reevaluation records_access parent_requested_meeting interim_placement_review
    manifestation_determination transition_plan age_of_majority_notice incident_parent_notice
    incident_parent_contact incident_report incident_report_to_parent
    incident_acknowledgement_followup incident_iep_review meeting_notice meeting_agenda
    draft_iep_to_parent iep_at_a_glance iep_paperwork_submission
    """.split()
)

# IDEA disability categories (34 CFR 300.8); jurisdictions map their own codes onto these.
DISABILITY_CODES: dict[str, str] = {
    "AUT": "Autism",
    "DB": "Deaf-blindness",
    "DD": "Developmental delay",
    "ED": "Emotional disturbance",
    "HI": "Hearing impairment",
    "DEAF": "Deafness",
    "ID": "Intellectual disability",
    "MD": "Multiple disabilities",
    "OI": "Orthopedic impairment",
    "OHI": "Other health impairment",
    "SLD": "Specific learning disability",
    "SLI": "Speech or language impairment",
    "TBI": "Traumatic brain injury",
    "VI": "Visual impairment including blindness",
}

ATTENDEE_ROLES: frozenset[str] = frozenset(
    """
    parent student general_education_teacher special_education_teacher lea_representative
    school_psychologist speech_language_pathologist related_service_provider interpreter other
    """.split()
)

# How forms print a role, in English and Spanish (the ``role`` column type of a form table).
ROLE_TITLES: dict[str, dict[str, str]] = {
    "parent": {"en": "Parent/Guardian", "es": "Padre/madre o tutor"},
    "student": {"en": "Student", "es": "Alumno/a"},
    "general_education_teacher": {
        "en": "General Education Teacher",
        "es": "Maestro/a de educación general",
    },
    "special_education_teacher": {
        "en": "Special Education Teacher",
        "es": "Maestro/a de educación especial",
    },
    "lea_representative": {"en": "LEA Representative", "es": "Representante del distrito"},
    "school_psychologist": {"en": "School Psychologist", "es": "Psicólogo/a escolar"},
    "speech_language_pathologist": {
        "en": "Speech-Language Pathologist",
        "es": "Especialista del habla y lenguaje",
    },
    "related_service_provider": {
        "en": "Related Service Provider",
        "es": "Proveedor/a de servicios relacionados",
    },
    "interpreter": {"en": "Interpreter", "es": "Intérprete"},
    "other": {"en": "Other", "es": "Otro/a"},
}

# Meeting types that are IEP team meetings (a case file's ``meetings[].type``).
IEP_MEETING_TYPES = ("initial", "annual", "amendment", "triennial", "transition", "other")

INCIDENT_TYPES = ("restraint", "seclusion")
RESTRAINT_METHODS = ("physical", "mechanical", "chemical")
RESTRAINT_POSITIONS = ("standing", "seated", "prone", "supine")

RULE_LAYERS = ("statutory", "regional", "local")
PLUGIN_LEVELS = ("federal", "state", "region", "district", "local")


def is_namespaced(key: str) -> bool:
    """True for plugin-added keys such as ``stlucie.postvention_review``."""
    head, dot, tail = key.partition(".")
    return bool(dot and head and tail)


# Kinds of rules that check rather than set a deadline (eligibility, prohibitions, meeting checks).
CHECK_KINDS: frozenset[str] = frozenset(
    """
    eligibility prohibition incident_report_contents team_composition meeting_time
    meeting_duration meeting_lead_time student_invitation form discipline_limit
    """.split()
)
