"""The synthetic population (core/synthetic.py): deterministic, valid case files, realistic
enough that the benchmark's students have the histories and volumes the issue asks for."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from functools import cache
from pathlib import Path

import pytest

import spedrules
from spedrules.cli.demo import DISTRICTS, district_population
from spedrules.core.engine.programs import evaluate_programs
from spedrules.core.model.case import case_from_dict
from spedrules.core.model.vocabulary import is_namespaced
from spedrules.core.synthetic import DISABILITY_COUNTS, FollowUp, population

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
AS_OF = date(2027, 1, 15)
CONFIGS = [d[0] for d in DISTRICTS]
SAMPLE = 500


@cache
def district(config: str):
    return spedrules.load_district(EXAMPLES / config)


@cache
def sample(config: str, n: int = SAMPLE) -> tuple:
    """The demo's students of one district, as mappings and as validated cases."""
    raw = list(district_population(district(config), config, "T", n, AS_OF))
    return raw, [
        case_from_dict(c, f"{config}#{i}", district(config).event_types) for i, c in enumerate(raw)
    ]


@cache
def obligations_per_student(config: str) -> list[int]:
    return [
        len(spedrules.evaluate(district(config), c, AS_OF).obligations) for c in sample(config)[1]
    ]


def test_same_seed_same_students_and_a_prefix_is_stable():
    first = list(population("D", 300, None, AS_OF))
    assert first == list(population("D", 300, None, AS_OF))
    assert first[:120] == list(population("D", 120, None, AS_OF))  # the first k of n
    assert first != list(population("D", 300, None, AS_OF, seed=8))
    assert first != list(population("E", 300, None, AS_OF))


@pytest.mark.parametrize("config", CONFIGS)
def test_every_case_validates_with_the_stack_and_nothing_is_after_the_as_of_date(config):
    raw, cases = sample(config)  # case_from_dict raised if any case were invalid
    assert len(cases) == SAMPLE and len({c.student.id for c in cases}) == SAMPLE
    assert all(e.day <= AS_OF for c in cases for e in c.events)
    assert all(m.start.date() <= AS_OF for c in cases for m in c.meetings)
    assert all(i.started_at.date() <= AS_OF for c in cases for i in c.incidents)
    declared = district(config).event_types
    namespaced = {e.type for c in cases for e in c.events if is_namespaced(e.type)}
    assert namespaced and namespaced <= declared  # the add-ons' follow-ups, and only theirs


@pytest.mark.parametrize("config", CONFIGS)
def test_no_case_records_the_same_fact_twice(config):
    """The store keeps one of two identical events (an event's identity is its content), so a
    duplicate would be a fact the district recorded twice: two notices of two incidents on one
    day name their incident."""
    raw, _ = sample(config)
    for case in raw:
        keys = [json.dumps(e, sort_keys=True) for e in case["events"]]
        assert len(keys) == len(set(keys)), case["student"]["id"]
    notices = [e for c in raw for e in c["events"] if e["type"] == "incident_report_completed"]
    assert notices and all(e["incident"].startswith("I-") for e in notices)


@pytest.mark.parametrize("config", CONFIGS)
def test_averages_hold_on_a_sample(config):
    """At least 12 events per student in both districts; 12 obligations per student with the
    California stack. Florida's stack has fewer per-student duties (no IEP at a Glance,
    roundtable, parent-request or transfer rules): the two together average 12 or more."""
    _, cases = sample(config)
    assert sum(len(c.events) for c in cases) / SAMPLE >= 12
    per_student = sum(obligations_per_student(config)) / SAMPLE
    if config == "mesa-verde.toml":
        assert per_student >= 12
    else:
        assert 7 <= per_student < 12
        assert sum(map(sum, (obligations_per_student(c) for c in CONFIGS))) / (2 * SAMPLE) >= 12


def test_histories_span_years_with_the_kinds_of_facts_the_rules_read():
    _, cases = sample("mesa-verde.toml")
    types = Counter(e.type for c in cases for e in c.events)
    for needed in (
        "referral_received", "assessment_plan_provided", "evaluation_consent_received",
        "evaluation_completed", "eligibility_determined", "iep_consent_received",
        "reevaluation_completed", "absence", "disciplinary_removal", "records_request_received",
        "parent_meeting_request_received", "transfer_enrolled", "parent_notified",
    ):  # fmt: skip
        assert types[needed] > 0, needed
    kinds = Counter(e.get("meeting_type") for c in cases for e in c.events_of("iep_meeting_held"))
    assert {"initial", "annual", "triennial", "amendment"} <= set(kinds)
    assert kinds["annual"] > 2 * SAMPLE  # years of annual reviews, not one
    first_iep = [
        min(e.day for e in c.events_of("iep_meeting_held"))
        for c in cases
        if c.events_of("iep_meeting_held")
    ]
    assert sum(d.year <= 2022 for d in first_iep) > len(first_iep) / 3  # entered years ago
    removed = [e.get("days") for c in cases for e in c.events_of("disciplinary_removal")]
    assert any(days > 10 for days in removed) and any(days <= 10 for days in removed)
    with_incidents = [c for c in cases if c.incidents]
    assert 0 < len(with_incidents) < SAMPLE * 0.06  # a few percent
    incidents = [i for c in with_incidents for i in c.incidents]
    assert all(i.released_at > i.started_at and i.staff and i.location for i in incidents)
    assert all(i.position for i in incidents if i.type == "restraint")
    assert all(c.student.case_manager and c.student.school for c in cases)
    assert len({c.student.school for c in cases}) == len(DISTRICTS[0][2])


def test_absences_fall_on_school_days_of_the_calendar():
    _, cases = sample("gulf-shore.toml")
    calendar = district("gulf-shore.toml").calendar
    absences = [e.day for c in cases for e in c.events_of("absence")]
    assert len(absences) > 3 * SAMPLE
    assert all(calendar.is_instructional(day) for day in absences)


def test_meetings_have_attendees_and_some_miss_a_required_member():
    config = "mesa-verde.toml"
    _, cases = sample(config)
    meetings = [m for c in cases for m in c.meetings]
    assert len(meetings) > SAMPLE / 3
    assert all(m.attendees and m.end > m.start for m in meetings)
    roles = Counter(a.role for m in meetings for a in m.attendees)
    assert roles["special_education_teacher"] == len(meetings)
    violations = Counter(
        v.rule for c in cases for v in spedrules.evaluate(district(config), c, AS_OF).violations
    )
    missing = violations["ca.team.required_members"]
    assert 0 < missing < len(meetings) / 4  # some, not most


def test_disability_shares_are_near_the_national_ones():
    """NCES Digest 2023 Table 204.50: SLD 32.0%, SLI 19.0%, OHI 15.3%, AUT 13.0%, DD 6.9%."""
    cases = list(population("N", 6000, None, AS_OF, incidents=False))
    codes = Counter(c["student"]["disability"] for c in cases if "disability" in c["student"])
    total, national = sum(codes.values()), sum(DISABILITY_COUNTS.values())
    for code in ("SLD", "SLI", "OHI", "AUT", "DD", "ID", "ED"):
        assert abs(codes[code] / total - DISABILITY_COUNTS[code] / national) < 0.025, code
    ages = [
        (AS_OF - date.fromisoformat(c["student"]["birth_date"])).days / 365.25
        for c in cases
        if c["student"].get("disability") == "DD"
    ]
    assert max(ages) < 10.5  # developmental delay only to age 9 (34 CFR 300.8(b))


def test_the_inclusion_program_rule_fires_for_some_school():
    """La Habra's "more than 5 inclusion students" counts flagged students per school."""
    config = "mesa-verde.toml"
    _, cases = sample(config)
    d = district(config)
    found = evaluate_programs(d.ruleset, cases, d.calendar, d.tz, AS_OF)
    arisen = [o for o in found if o.status != "not_applicable"]
    assert arisen and all("more than 5: the duty arises" in o.explanation for o in arisen)
    flagged = Counter(c.student.school for c in cases if "inclusion" in c.student.flags)
    assert all("Elementary" in school for school in flagged)
    assert all(c.student.grade in ("K", "1") for c in cases if "inclusion" in c.student.flags)


def test_follow_ups_are_recorded_only_as_asked():
    plain = list(population("F", 200, ["North", "South"], AS_OF))
    assert not any(is_namespaced(e["type"]) for c in plain for e in c["events"])
    assert {c["student"]["school"] for c in plain} == {"North", "South"}
    rule = FollowUp("x.after_meeting", "iep_meeting", 1.0, (0, 0), (("n", 1),))
    flagged = FollowUp("x.flagged", "school_year", 1.0, flag="nobody")
    cases = list(population("F", 200, ["North", "South"], AS_OF, follow_ups=(rule, flagged)))
    for case in cases:
        meetings = [  # the previous agency's meetings are not this district's: no follow-up
            e["date"]
            for e in case["events"]
            if e["type"] == "iep_meeting_held" and not e.get("previous_agency")
        ]
        after = [e for e in case["events"] if e["type"] == "x.after_meeting"]
        assert sorted(e["date"] for e in after) == sorted(meetings)
        assert all(e["n"] == 1 for e in after)
        assert not any(e["type"] == "x.flagged" for e in case["events"])


def test_incident_facts_only_when_asked():
    """Keys only a jurisdiction reads (Florida's seclusion room rule) come from the caller."""
    plain = [i for c in population("G", 3000, None, AS_OF) for i in c.get("incidents", [])]
    assert plain and not any("room_meets_69A_58_0084" in i for i in plain)
    _, cases = sample("gulf-shore.toml", 3000)
    incidents = [i for c in cases for i in c.incidents]
    rooms = [i.details.get("room_meets_69A_58_0084") for i in incidents if i.type == "seclusion"]
    assert rooms and set(rooms) <= {True, False} and rooms.count(True) > len(rooms) / 2
    assert not any(
        "room_meets_69A_58_0084" in i.details for i in incidents if i.type == "restraint"
    )


def test_exits_only_when_asked_and_nothing_after_the_exit():
    plain = list(population("X", 1000, None, AS_OF))
    assert not any(e["type"] == "student_exited" for c in plain for e in c["events"])
    cases = list(population("X", 1000, None, AS_OF, exits=True))
    exited = [c for c in cases if any(e["type"] == "student_exited" for e in c["events"])]
    assert 0 < len(exited) < 60
    for case in exited:
        (exit_event,) = [e for e in case["events"] if e["type"] == "student_exited"]
        assert exit_event["reason"] in {
            "moved", "graduated", "aged_out", "dropped_out", "no_longer_eligible", "other",
        }  # fmt: skip
        last = max((e.get("date") or e["at"][:10]) for e in case["events"])
        assert last == exit_event["date"]
