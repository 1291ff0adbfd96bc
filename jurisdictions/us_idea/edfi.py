"""Ed-Fi descriptor code values for the federal vocabulary (Ed-Fi Data Standard 5.2 default
descriptor sets, Descriptors/*.xml of the Ed-Fi-Data-Standard repository, tag v5.2.0).

Disability: the IDEA categories of 34 CFR 300.8(c) as spedrules codes them (docs/file-formats.md,
case files). Ed-Fi 5.2 has no developmental-delay value (300.8(b)), so DD is left unmapped:
exporting a DD student is an error naming it until a state or district maps it to a code of
its own set.
"""

from __future__ import annotations

DESCRIPTORS = {
    "IDEAPart": {"part_b": "IDEA Part B", "part_c": "IDEA Part C"},
    "Disability": {
        "AUT": "Autism Spectrum Disorders",
        "DB": "Deaf-Blindness",
        "DEAF": "Hearing Impairment, including Deafness",
        "HI": "Hearing Impairment, including Deafness",
        "ED": "Serious Emotional Disability",
        "ID": "Intellectual Disability",
        "MD": "Multiple Disabilities",
        "OI": "Orthopedic Impairment",
        "OHI": "Other Health Impairment",
        "SLD": "Specific Learning Disability",
        "SLI": "Speech or Language Impairment",
        "TBI": "Traumatic Brain Injury",
        "VI": "Visual Impairment, including Blindness",
    },
    # delay_reason_recorded codes (docs/edfi.md lists them)
    "EligibilityDelayReason": {
        "parent_delay": "Parent/Guardian Delay - Detailed Records",
        "parent_unavailable": "Parent/Guardian Delay - Detailed Records",
        "evaluator_unavailable": "Lack of Available Assessment Personnel",
        "contractor_report_late": "Late Report from Contracted Personnel",
        "scheduling": "Scheduling",
        "other": "Other",
    },
    # student_exited reasons (core/model/vocabulary.py EXIT_REASONS)
    "SpecialEducationExitReason": {
        "moved": "Transferred out",
        "graduated": "Graduated with Diploma",
        "aged_out": "Reached the age limit",
        "dropped_out": "Dropped out",
        "no_longer_eligible": "No longer eligible for Special Education",
        "other": "Other",
    },
    "RestraintEventReason": {
        "harm_to_others": "Imminent Serious Physical Harm To Others",
        "harm_to_self": "Imminent Serious Physical Harm To Themselves",
        "property_destruction": "Imminent Serious Property Destruction",
    },
}
