"""A small federal-only district (us-idea: 60 calendar days from consent, 34 CFR
300.301(c)(1)(i)) swept as of Mon 2027-03-01, where every child's timeline is counted by hand."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from spedrules.core.store.database import Store
from spedrules.core.store.sweep import sweep

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
AS_OF = date(2027, 3, 1)

CONFIG = """\
[district]
id = "pinecrest"
name = "Pinecrest School District"
state = "XX"
timezone = "America/Los_Angeles"
stack = ["us-idea"]
calendar = "calendar.yaml"

[edfi]
education_organization_id = 255901
program_name = "Special Education"
program_type_descriptor = "uri://ed-fi.org/ProgramTypeDescriptor#Special Education"
descriptor_namespace = "uri://ed-fi.org"


[edfi.schools]
"Cedar Elementary" = 255901001
"Birch Middle" = 255901044
"""


def case(sid, *events, school="Cedar Elementary", disability=None, incidents=()):
    student = {"id": sid, "birth_date": "2016-05-01", "school": school}
    if disability:
        student["disability"] = disability
    return {
        "student": student,
        "events": [
            {"type": t, "date": d, **attrs}
            for t, d, *rest in events
            for attrs in [rest[0] if rest else {}]
        ],
        "incidents": list(incidents),
    }


EVAL = {"applies_to": "initial_evaluation"}

# Each child's 60 calendar days, day 0 the day of consent (DESIGN.md section 5):
CASES = [
    # P1: consent Tue 2026-09-01; Sep 1 + 29 = Sep 30 (29), + 31 = Sat Oct 31 (60).
    # Completed Tue Oct 20: on time -> in (a) and (b).
    # Eligible the same day; initial IEP meeting Tue Nov 10 (its annual review is due Wed
    # 2027-11-10).
    case(
        "P1",
        ("evaluation_consent_received", "2026-09-01"),
        ("evaluation_completed", "2026-10-20"),
        ("eligibility_determined", "2026-10-20", {"eligible": True}),
        ("iep_meeting_held", "2026-11-10", {"meeting_type": "initial"}),
        disability="AUT",
    ),
    # P2: consent Tue 2026-09-15; Sep 30 (15), Oct 31 (46), Sat Nov 14 (60). Completed Tue
    # Nov 24: 10 days beyond; reason recorded Fri Nov 20 -> in (a), not (b).
    case(
        "P2",
        ("evaluation_consent_received", "2026-09-15"),
        (
            "delay_reason_recorded",
            "2026-11-20",
            {**EVAL, "reason": "evaluator_unavailable", "note": "psychologist on leave"},
        ),
        ("evaluation_completed", "2026-11-24"),
        school="Birch Middle",
    ),
    # P3: consent Thu 2026-10-01; the parent repeatedly failed to produce the child (Tue Oct 20):
    # 34 CFR 300.301(d)(1) -> listed apart, in neither (a) nor (b).
    case(
        "P3",
        ("evaluation_consent_received", "2026-10-01"),
        ("child_not_produced", "2026-10-20", EVAL),
    ),
    # P4: consent Mon 2026-10-05 in another agency's timeline; enrolled here Sat Oct 10, date
    # agreed Mon Oct 12 (until 2027-01-15): 34 CFR 300.301(d)(2), (e) -> apart, in neither.
    case(
        "P4",
        ("evaluation_consent_received", "2026-10-05"),
        ("transfer_enrolled", "2026-10-10"),
        ("timeline_extension_agreed", "2026-10-12", {**EVAL, "until": "2027-01-15"}),
    ),
    # P5: consent Mon 2026-11-02; Nov 30 (28), Dec 31 (59), Fri 2027-01-01 (60). Not completed
    # by Mon 2027-03-01: Jan 1 -> Feb 1 is 31, -> Mar 1 is 59 days beyond -> in (a), not (b).
    case("P5", ("evaluation_consent_received", "2026-11-02")),
    # P6: consent Mon 2027-02-15; Feb 28 (13), Mar 31 (44), Fri Apr 16 (60): not yet due on
    # Mar 1 -> pending, in neither (counted when its timeline ends).
    case("P6", ("evaluation_consent_received", "2027-02-15")),
    # P7: consent Sat 2026-06-20 is in 2025-26 (July 1 - June 30): not in this year's report.
    case(
        "P7", ("evaluation_consent_received", "2026-06-20"), ("evaluation_completed", "2026-08-10")
    ),
    # P8: consent Thu 2026-09-10 (due Mon Nov 9); moved away Wed Sep 30, before it fell due ->
    # not_applicable, listed apart as exited, in neither.
    case(
        "P8",
        ("evaluation_consent_received", "2026-09-10"),
        ("student_exited", "2026-09-30", {"reason": "moved"}),
    ),
    # P9 (SLD): consent Thu 2026-10-01; Oct 31 (30), Mon Nov 30 (60). Extended by mutual written
    # agreement (34 CFR 300.309(c)) on Tue Nov 10 until Tue Dec 15; completed Thu Dec 10: within
    # the timeline as the law allows it -> in (a) and (b).
    case(
        "P9",
        ("evaluation_consent_received", "2026-10-01"),
        ("timeline_extension_agreed", "2026-11-10", {**EVAL, "until": "2026-12-15"}),
        ("evaluation_completed", "2026-12-10"),
        disability="SLD",
    ),
    # P10 (not evaluated this year): annual IEP meeting Tue 2026-10-06, so the next review is
    # due Wed 2027-10-06 (34 CFR 300.324(b)(1)(i), same calendar date); one restraint (physical,
    # standing, 15 minutes) and one seclusion, at Birch Middle.
    case(
        "P10",
        ("reevaluation_completed", "2025-09-30"),
        ("iep_meeting_held", "2026-10-06", {"meeting_type": "annual"}),
        school="Birch Middle",
        disability="SLI",
        incidents=[
            {
                "id": "I-1",
                "type": "restraint",
                "method": "physical",
                "position": "standing",
                "started_at": "2026-10-16T13:40:00",
                "released_at": "2026-10-16T13:55:00",
                "location": "Room 4",
                "reasons": ["harm_to_others"],
            },
            {
                "id": "I-2",
                "type": "seclusion",
                "started_at": "2026-11-03T10:00:00",
                "released_at": "2026-11-03T10:20:00",
                "location": "Room 9",
            },
        ],
    ),
]


@pytest.fixture
def pinecrest(tmp_path):
    """A store holding the Pinecrest district and the cases given, swept as of AS_OF."""

    def build(cases, name="r.sqlite"):
        shutil.copy(EXAMPLES / "mesa-verde-2026-27.yaml", tmp_path / "calendar.yaml")
        (tmp_path / "pinecrest.toml").write_text(CONFIG, encoding="utf-8")
        store = Store(str(tmp_path / name))
        store.init()
        store.add_district(tmp_path / "pinecrest.toml", who="t")
        store.add_cases("pinecrest", cases, who="t")
        sweep(store, AS_OF)
        return store

    return build


@pytest.fixture
def district_store(pinecrest):
    return pinecrest(CASES)
