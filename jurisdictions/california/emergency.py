"""Emergency interventions: notices, the Behavioral Emergency Report and prohibited techniques.

EC 56521.1 (verified text: subdivisions (e)-(h)), EC 49005.8, NW SELPA Handbook 14.24
(``source_ref``: shared/seeds/001 L12469-12569). An incident's ``techniques`` (a list in the
case file) names what was done; the prohibited ones are the handbook's numbered list. That list
does not ban prone restraint outright (only prone with hands held behind the back, weight on
the back, or four-limb containment); a later text of EC 56521.1(d) lists "prone restraint"
itself, but the date it took effect is not verified here, so it is not encoded.
"""

from __future__ import annotations

from spedrules.core.rules import EventMatch, IncidentRule, Period

E = EventMatch
EI = "EC 56521.1"
HB = "NW SELPA Handbook 14.24"
BOTH = ("restraint", "seclusion")

# (technique key used in case files, what the handbook forbids, citation)
PROHIBITED = (  # the handbook's numbered list, in order; EC 49005.8 and 56521.2 carry it in law
    ("non_standard_drug", "a drug that is not standard treatment, to control behavior", ""),
    (
        "locked_seclusion",
        "locked seclusion outside a facility licensed to use a locked room",
        "EC 56521.1(d)(1)",
    ),
    (
        "airway_obstruction",
        "a physical restraint that obstructs the airway or impairs breathing, "
        "including weight on the back or torso",
        "",
    ),
    (
        "breathing_restricted_by_object",
        "a restraint that restricts breathing by covering the face",
        "",
    ),
    (
        "prone_hands_behind_back",
        "placing the student face down with hands held behind the back",
        "",
    ),
    (
        "held_longer_than_necessary",
        "a behavioral restraint held longer than necessary",
        "EC 56521.1(c)",
    ),
    (
        "pain_or_shock",
        "an intervention designed or likely to cause pain, electric shock included",
        "",
    ),
    ("noxious_spray", "noxious, toxic or unpleasant sprays, mists or substances near the face", ""),
    (
        "deprivation",
        "denial of adequate sleep, food, water, shelter, bedding, comfort or bathroom",
        "",
    ),
    (
        "verbal_abuse_humiliation",
        "verbal abuse, ridicule or humiliation, or excessive emotional trauma",
        "",
    ),
    (
        "four_limb_immobilization",
        "a device or object immobilizing all four extremities at once, including prone containment",
        "EC 56521.1(d)(2)",
    ),
    ("inadequate_supervision", "an intervention that precludes adequate supervision", ""),
    ("sensory_deprivation", "an intervention that deprives the student of one or more senses", ""),
)

SEED = "shared/seeds/001_911b07c5e4e92852.txt"  # source_ref: lines in the handbook text


def incident_rules() -> list[IncidentRule]:
    rules = [
        IncidentRule(
            id="ca.ei.parent_notice",
            kind="incident_parent_notice",
            title="Parent, guardian (and residential care provider) notified",
            citation=f"{EI}(e); {HB}",
            source_ref=f"{SEED} L12533-12536",
            applies_to=BOTH,
            period=Period(1, "within_school_days"),
            counted_from="started_at",
            met_by=(E("parent_notified"),),
        ),
        IncidentRule(
            id="ca.ei.behavioral_emergency_report",
            kind="incident_report",
            title="Behavioral Emergency Report completed (immediately)",
            citation=f"{EI}(e); {HB}",
            source_ref=f"{SEED} L12536-12548",
            applies_to=BOTH,
            period=Period(0, "end_of_school_day"),
            counted_from="started_at",
            met_by=(E("incident_report_completed"),),
            notes="'Immediately': counted at the latest as the end of the school day.",
        ),
        IncidentRule(
            id="ca.ei.report_contents",
            kind="incident_report_contents",
            title="Behavioral Emergency Report contents",
            citation=f"{EI}(e)(1)-(5); {HB}",
            applies_to=BOTH,
            required={
                "student.name": "(1) the name and age of the student",
                "student.birth_date": "(1) the name and age of the student (birth date)",
                "location": "(2) the setting and location of the incident",
                "staff": "(3) the names of the staff or other persons involved",
                "description": "(4) a description of the incident and the intervention used",
                "injuries": "(5) details of any injuries to the student or others",
            },
        ),
        IncidentRule(
            id="ca.ei.report_to_administrator",
            kind="ca.ber_review",
            title="Report forwarded to the designated responsible administrator (immediately)",
            citation=f"{EI}(f); {HB}",
            source_ref=f"{SEED} L12549-12550",
            applies_to=BOTH,
            period=Period(0, "end_of_school_day"),
            counted_from="started_at",
            met_by=(E("ca.ber_forwarded"),),
        ),
        IncidentRule(
            id="ca.ei.iep_meeting_without_bip",
            kind="incident_iep_review",
            title="IEP team meeting scheduled (student without a behavioral intervention plan)",
            citation=f"{EI}(g); {HB}",
            source_ref=f"{SEED} L12551-12555",
            applies_to=BOTH,
            student_when={"has_bip": (False,)},
            period=Period(2, "calendar_days", unit_stated=False),
            counted_from="started_at",
            met_by=(E("iep_meeting_scheduled"),),
            notes="'Within two days' without a unit: counted as calendar days.",
        ),
        IncidentRule(
            id="ca.ei.referral_with_bip",
            kind="incident_iep_review",
            title="Referral to the IEP team (student with a behavioral intervention plan)",
            citation=f"{EI}(h); {HB}",
            source_ref=f"{SEED} L12556-12559",
            applies_to=BOTH,
            student_when={"has_bip": (True,)},
            when={"unseen_behavior_or_ineffective_plan": (True,)},
            met_by=(E("iep_meeting_scheduled"),),
            notes="'Shall be referred to the IEP team': the law states no deadline, so the duty "
            "has no due date and stays open until the referral (iep_meeting_scheduled) is "
            "recorded; a district may set a local target.",
        ),
        IncidentRule(
            id="ca.ei.seclusion_observation",
            kind="prohibition",
            title="seclusion without constant, direct observation",
            citation=f"EC 49005.8; {HB}",
            source_ref=f"{SEED} L12524-12527",
            applies_to=("seclusion",),
            prohibits={"observation": ("camera", "none", "indirect")},
        ),
        IncidentRule(
            id="ca.ei.restraint_monitor",
            kind="prohibition",
            title="restraint without another staff member monitoring the student",
            citation=f"EC 49005.8; {HB}",
            source_ref=f"{SEED} L12530-12531",
            applies_to=("restraint",),
            prohibits={"monitor_present": (False,)},
        ),
    ]
    for number, (key, title, extra) in enumerate(PROHIBITED, 1):
        law = f"{extra}; EC 49005.8, 56521.2" if extra else "EC 49005.8, 56521.2"
        rules.append(
            IncidentRule(
                id=f"ca.ei.prohibited.{key}",
                kind="prohibition",
                title=title,
                citation=f"{law}; {HB} prohibited item {number}",
                source_ref=f"{SEED} L12488-12518",
                applies_to=BOTH,
                prohibits={"techniques": (key,)},
            )
        )
    return rules
