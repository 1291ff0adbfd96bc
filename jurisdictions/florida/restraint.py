"""Restraint and seclusion of students with disabilities: s. 1003.573 F.S. in three versions.

* 2010-07-01 to 2011-06-30: s. 1003.573 as created by CS/CS/HB 1073, ch. 2010-224, Laws of Fla.
  Verified on 2026-12-01: the section's 2010 text on flsenate.gov ("2010 Florida Statutes",
  s. 1003.573(1)(a)-(b): the incident report within 24 hours after release, or by the end of the
  school day school reopens, and its contents, without the student's age, grade, ethnicity and
  disability and without FDOE terms for the type); the effective date 07/01/2010 from the
  Senate's page for SB 2616 (2010), whose companion CS/CS/HB 1073 passed as ch. 2010-224, and
  Disability Rights Florida's notice of 2010-06-08 ("to become law on July 1, 2010"; it also
  names the prohibitions: no mechanical restraint, no restraint restricting breathing, no
  unlit room short of the Fire Marshal's rule). The 2010 wording of the parent notice, the report
  to the parent and the acknowledgements, (1)(c)-(d), could not be read: those duties are
  shown as undetermined for an incident of that year, with a warning, not guessed.
* 2011-07-01 to 2021-06-30: s. 1003.573(1) F.S. (the text in force when the St. Lucie SP&P of
  2016-17 was written, Part I A.2-A.3): seclusion allowed in a room meeting State Fire
  Marshal Rule 69A-58.0084 F.A.C.; no mechanical restraint; no restraint restricting breathing.
* from 2021-07-01: s. 1003.573(7) F.S. as amended by CS/HB 149, ch. 2021-140, Laws of Fla.
  (effective 7/1/2021, verified on flsenate.gov): seclusion prohibited; no restraint obstructing
  or restricting breathing or blood flow; no face-down restraint with hands held behind the back;
  the report adds the date the staff member was last trained in positive behavior supports.
Before 2010-07-01 the section did not exist: an earlier incident has none of these duties.

Status comes from events (decided here, documented in docs/florida.md): ``parent_notified``
with ``method: written`` meets the written notice; ``parent_contact_attempted`` or
``parent_notified`` by phone/email meets the same-day efforts; ``incident_report_completed`` and
``incident_report_sent`` meet the report and the mailing; ``parent_acknowledgement_received``
with ``of: notice`` or ``of: report`` meets an acknowledgement, and so do two
``parent_contact_attempted`` events with ``purpose: notice_acknowledgement`` (or
``report_acknowledgement``) when the parent does not respond - the statute sets no deadline for
these, so they are shown without a due date. An event names its incident with ``incident: ID``;
without it, events on or after the incident day count.
"""

from __future__ import annotations

from datetime import date

from attrs import evolve

from spedrules.core.rules import EventMatch, IncidentRule, Period

from .report import restraint_type as fdoe_restraint_type

__all__ = ["fdoe_restraint_type", "restraint_rules"]

E = EventMatch
V0_FROM, V0_TO = date(2010, 7, 1), date(2011, 6, 30)
V1_FROM, V1_TO, V2_FROM = date(2011, 7, 1), date(2021, 6, 30), date(2021, 7, 1)
V0 = "s. 1003.573(1) F.S. (2010), ch. 2010-224, Laws of Fla."
V1 = "s. 1003.573(1) F.S. (2011-2021); SP&P Part I A.2-A.3"
VERIFIED = date(2026, 12, 1)  # the 2010 text and dates, checked as the module docstring says
UNREAD_2010 = (
    "the 2010 text of s. 1003.573(1)(c)-(d) (parent notice, report to the parent, "
    "acknowledgements) is not verified; the 2011 text, in force from 2011-07-01, requires it: "
    "check the 2010 statute for this incident"
)
V0_DATES = {"effective_from": V0_FROM, "effective_to": V0_TO, "verified_on": VERIFIED}
V2 = "s. 1003.573(7) F.S. (ch. 2021-140, Laws of Fla.)"

# SP&P A.3 item 5 (a)-(h), the statute's list; a field or a ``details`` key of the incident
CONTENTS = {
    "student.name": "(a) the student's name",
    "student.grade": "(b) the student's grade",
    "student.ethnicity": "(b) the student's ethnicity",
    "student.disability": "(b) the student's disability",
    "released_at": "(c) the duration (time of release)",
    "location": "(d) the location",
    "method": "(e) the type of restraint in FDOE terms (method)",
    "staff": "(f) the name of the person using or assisting in the restraint",
    "witnesses": "(g) the name of any nonstudent witness",
    "context": "(h)(1) the context in which it occurred",
    "behavior_leading_up": "(h)(2) the behavior leading up to it and why there was an imminent "
    "risk of serious injury",
    "de_escalation": "(h)(3) the positive behavioral strategies used to prevent and de-escalate",
    "after": "(h)(4) what happened immediately after it ended",
    "injuries": "(h)(5) injuries, visible marks or possible medical emergencies",
    "parent_notification_evidence": "(h)(6) evidence of steps taken to notify the parent",
}


# the 2010 text's list, (1)(b)1.-7. (verified): no age, grade, ethnicity or disability yet
CONTENTS_2010 = {
    "student.name": "1. the name of the student",
    "released_at": "2. the duration of the restraint or seclusion (time of release)",
    "location": "3. the location",
    "method": "4. the type of restraint used",
    "staff": "5. the name of the person using or assisting in the restraint",
    "witnesses": "6. the name of any nonstudent witness",
    "context": "7.a. the context in which it occurred",
    "behavior_leading_up": "7.b. the behavior leading up to it and why there was an imminent "
    "risk of serious injury or death",
    "de_escalation": "7.c. the positive behavioral strategies used to prevent and de-escalate",
    "after": "7.d. what happened immediately after it ended",
    "injuries": "7.e. injuries, visible marks or possible medical emergencies",
    "parent_notification_evidence": "7.f. evidence of steps taken to notify the parent",
}


def _versions(make, verified_2010: bool = False) -> list[IncidentRule]:
    """The same duty in each version of the statute, each with its own citation and dates; a
    2010 version whose text was not verified is marked so (its duties are undetermined)."""
    first = make(V0, V0_DATES)
    if not verified_2010:
        first = evolve(first, unverified=UNREAD_2010)
    return [
        first,
        make(V1, {"effective_from": V1_FROM, "effective_to": V1_TO}),
        make(V2, {"effective_from": V2_FROM}),
    ]


def restraint_rules(options: dict) -> list[IncidentRule]:
    rules: list[IncidentRule] = []
    rules += _versions(
        lambda cite, dates: IncidentRule(
            id="fl.rs.parent_written_notice",
            kind="incident_parent_notice",
            title="Written notice to the parent before the end of the school day",
            citation=cite,
            counted_from="started_at",
            period=Period(0, "end_of_school_day"),
            met_by=(E("parent_notified", {"method": ("written", "letter", "in_person_written")}),),
            **dates,
        )
    )
    rules += _versions(
        lambda cite, dates: IncidentRule(
            id="fl.rs.parent_contact",
            kind="incident_parent_contact",
            title="Same-day reasonable efforts to reach the parent by telephone or e-mail",
            citation=cite,
            counted_from="started_at",
            period=Period(0, "end_of_school_day"),
            met_by=(
                E("parent_contact_attempted"),
                E("parent_notified", {"method": ("phone", "email", "telephone")}),
            ),
            **dates,
        )
    )
    rules += _versions(
        lambda cite, dates: IncidentRule(
            id="fl.rs.incident_report",
            kind="incident_report",
            title="Incident report within 24 hours after release (or by the end of the school day "
            "school reopens)",
            citation=cite,
            counted_from="released_at",
            period=Period(24, "hours", reopen_rule=True),
            met_by=(E("incident_report_completed"),),
            **dates,
        ),
        verified_2010=True,
    )
    rules += _versions(
        lambda cite, dates: IncidentRule(
            id="fl.rs.report_to_parent",
            kind="incident_report_to_parent",
            title="Completed incident report to the parent in writing by mail within 3 school days",
            citation=cite,
            counted_from="started_at",
            period=Period(3, "school_days"),
            met_by=(E("incident_report_sent"),),
            **dates,
        )
    )
    for what, purpose in (("notice", "notice"), ("incident report", "report")):
        rules += _versions(
            lambda cite, dates, what=what, purpose=purpose: IncidentRule(
                id=f"fl.rs.{purpose}_acknowledgement",
                kind="incident_acknowledgement_followup",
                title=f"Parent's signed acknowledgement of the {what} (at least two attempts)",
                citation=cite,
                met_by=(E("parent_acknowledgement_received", {"of": (purpose,)}),),
                attempts_required=2,
                attempt=E("parent_contact_attempted", {"purpose": (f"{purpose}_acknowledgement",)}),
                **dates,
            )
        )
    rules.append(
        IncidentRule(
            id="fl.rs.report_contents",
            kind="incident_report_contents",
            title="Incident report contents",
            citation=V0,
            required=CONTENTS_2010,
            **V0_DATES,
        )
    )
    rules.append(
        IncidentRule(
            id="fl.rs.report_contents",
            kind="incident_report_contents",
            title="Incident report contents",
            citation=V1,
            required=CONTENTS,
            effective_from=V1_FROM,
            effective_to=V1_TO,
        )
    )
    rules.append(
        IncidentRule(
            id="fl.rs.report_contents",
            kind="incident_report_contents",
            title="Incident report contents",
            citation=V2,
            effective_from=V2_FROM,
            required={
                **CONTENTS,
                "staff_last_pbis_training": "(f) the date the person was last trained in "
                "positive behavior supports",
            },
        )
    )
    rules += _prohibitions()
    rules += _district_options(options)
    return rules


def _prohibitions() -> list[IncidentRule]:
    both = {"effective_from": V0_FROM, "verified_on": VERIFIED}
    return [
        IncidentRule(
            id="fl.rs.no_mechanical",
            kind="prohibition",
            title="mechanical restraint",
            citation=f"{V0}; {V1}; {V2}",
            applies_to=("restraint",),
            prohibits={"method": ("mechanical",)},
            **both,
        ),
        IncidentRule(
            id="fl.rs.no_restricted_breathing",
            kind="prohibition",
            title="restraint that restricts breathing",
            citation=f"{V0}; {V1}; {V2}",
            applies_to=("restraint",),
            prohibits={"restricts_breathing": (True,)},
            **both,
        ),
        IncidentRule(
            id="fl.rs.seclusion_room",
            kind="prohibition",
            title="seclusion in a room that does not meet Rule 69A-58.0084 F.A.C.",
            citation=f"{V0}; {V1}; Rule 69A-58.0084 F.A.C.",
            applies_to=("seclusion",),
            prohibits={"room_meets_69A_58_0084": (False, None)},
            effective_from=V0_FROM,
            effective_to=V1_TO,
        ),
        IncidentRule(
            id="fl.rs.no_seclusion",
            kind="prohibition",
            title="seclusion (prohibited since 2021-07-01)",
            citation=V2,
            applies_to=("seclusion",),
            prohibits={"type": ("seclusion",)},
            effective_from=V2_FROM,
        ),
        IncidentRule(
            id="fl.rs.no_restricted_blood_flow",
            kind="prohibition",
            title="restraint that restricts blood flow",
            citation=V2,
            applies_to=("restraint",),
            prohibits={"restricts_blood_flow": (True,)},
            effective_from=V2_FROM,
        ),
        IncidentRule(
            id="fl.rs.no_prone_hands_behind_back",
            kind="prohibition",
            title="face-down restraint with the hands held behind the back",
            citation=V2,
            applies_to=("restraint",),
            prohibits={"techniques": ("prone_hands_behind_back",)},
            effective_from=V2_FROM,
        ),
    ]


def _district_options(options: dict) -> list[IncidentRule]:
    """What the district prohibits beyond the law (SP&P A.6), as local rules."""
    cite = "district policy (SP&P Part I A.6)"
    chosen = [
        (
            "prohibits_restraint",
            "restraint (prohibited by district policy)",
            ("restraint",),
            {"type": ("restraint",)},
        ),
        (
            "prohibits_prone_restraint",
            "prone restraint (prohibited by district policy)",
            ("restraint",),
            {"position": ("prone",)},
        ),
        (
            "prohibits_seclusion",
            "seclusion (prohibited by district policy)",
            ("seclusion",),
            {"type": ("seclusion",)},
        ),
    ]
    return [
        IncidentRule(
            id=f"fl.district.{key}",
            kind="prohibition",
            title=title,
            citation=f"{cite}: option florida.{key}",
            layer="local",
            applies_to=applies_to,
            prohibits=prohibits,
        )
        for key, title, applies_to, prohibits in chosen
        if options.get(f"florida.{key}")
    ]
