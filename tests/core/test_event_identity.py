"""An event never meets the obligation it triggered; the same fact recorded twice is one event
with a warning; events after the as-of date are named (issue 12, item 2). Federal stack on the
Riverside calendar; annual reviews are anniversaries (34 CFR 300.324(b)(1)(i))."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import spedrules
from spedrules.cli.main import cli
from spedrules.core.errors import InputError

FEDERAL = Path(__file__).parents[1] / "jurisdictions" / "data" / "federal.toml"
STUDENT = {"id": "DUP-1", "birth_date": "2015-03-02"}


@pytest.fixture(scope="module")
def district():
    return spedrules.load_district(FEDERAL)


def annual(result, triggered="2025-10-06"):
    (ob,) = [
        o
        for o in result.obligations
        if o.rule == "idea.annual_review" and o.trigger.date.isoformat() == triggered
    ]
    return ob


def student_case(*events: dict) -> dict:
    return {"student": STUDENT, "events": list(events)}


def write(tmp_path, events) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump({"student": STUDENT, "events": events}, sort_keys=False))
    return path


def test_a_repeated_meeting_is_one_event_and_leaves_the_review_overdue(district, tmp_path):
    # annual meeting Mon 2025-10-06 (imported twice): the next review is due Tue 2026-10-06;
    # as of Sun 2026-11-01 it is 26 days overdue (Oct 6 -> Nov 1). Before the fix the copy met it.
    meeting = {"type": "iep_meeting_held", "date": "2025-10-06", "meeting_type": "annual"}
    path = write(tmp_path, [meeting, dict(meeting)])
    result = spedrules.evaluate(district, path, "2026-11-01")
    ob = annual(result)
    assert (ob.due.isoformat(), ob.status, ob.met_by) == ("2026-10-06", "overdue", None)
    assert "overdue by 26 day(s)" in ob.explanation[-1]
    assert result.warnings == (
        f"{path}: events[1] repeats events[0] (iep_meeting_held on 2025-10-06): the same fact, "
        "counted once",
    )


def test_two_different_meetings_on_one_day_are_one_trigger_and_do_not_review_each_other(district):
    # an initial and an annual IEP meeting both Mon 2025-10-06 (different facts: both kept):
    # one occurrence of the trigger, due Tue 2026-10-06; the annual one held that same day is
    # not a review of the other, so as of 2026-11-01 the review is overdue by 26 days
    case = student_case(
        {"type": "iep_meeting_held", "date": "2025-10-06", "meeting_type": "initial"},
        {"type": "iep_meeting_held", "date": "2025-10-06", "meeting_type": "annual"},
    )
    result = spedrules.evaluate(district, case, "2026-11-01")
    assert not result.warnings
    ob = annual(result)
    assert (ob.due.isoformat(), ob.status) == ("2026-10-06", "overdue")
    assert (
        "another iep meeting held on Mon 2025-10-06, the day this is counted from, does not meet "
        "it: it is the same occurrence of the trigger (a review on the day of the meeting it "
        "reviews is not a review)" in ob.explanation
    )
    # the annual meeting a year later, Tue 2026-10-06, meets it on its due day
    case["events"].append(
        {"type": "iep_meeting_held", "date": "2026-10-06", "meeting_type": "annual"}
    )
    ob = annual(spedrules.evaluate(district, case, "2026-11-01"))
    assert (ob.status, ob.met_by.date.isoformat()) == ("met", "2026-10-06")


def test_an_event_of_another_type_may_meet_on_the_trigger_day(district):
    # eligible Mon 2026-10-26 and the IEP meeting held that same day: the initial IEP meeting
    # (34 CFR 300.323(c)(1), 30 days) is met on day 0
    case = student_case(
        {"type": "eligibility_determined", "date": "2026-10-26", "eligible": True},
        {"type": "iep_meeting_held", "date": "2026-10-26", "meeting_type": "initial"},
    )
    result = spedrules.evaluate(district, case, "2026-11-01")
    (ob,) = [o for o in result.obligations if o.rule == "idea.initial_iep_meeting"]
    assert (ob.due.isoformat(), ob.status) == ("2026-11-25", "met")


def test_one_id_for_two_different_facts_is_an_error_naming_both(district):
    case = student_case(
        {"id": "E-7", "type": "referral_received", "date": "2026-10-01"},
        {"id": "E-7", "type": "referral_received", "date": "2026-10-02"},
    )
    with pytest.raises(
        InputError,
        match=r"events\[1\].id: expected an id not used by another "
        r"event \(events\[0\] has id 'E-7' and different content\), got 'E-7'",
    ):
        spedrules.evaluate(district, case, "2026-11-01")
    # the same id with the same content is the same fact: one event
    case["events"][1]["date"] = "2026-10-01"
    result = spedrules.evaluate(district, case, "2026-11-01")
    assert (
        len(result.warnings) == 1
        and "case DUP-1: events[1] repeats events[0]" in result.warnings[0]
    )


def test_events_after_the_as_of_date_are_named_and_counted(district, tmp_path):
    # a wrong-year typo: the referral is dated 2027-10-01, after the as-of date 2026-11-01
    path = write(
        tmp_path,
        [
            {"type": "records_request_received", "date": "2026-10-20"},
            {"type": "records_request_received", "date": "2027-10-01"},
        ],
    )
    result = spedrules.evaluate(district, path, "2026-11-01")
    assert result.future_events == 1
    assert result.warnings == (
        f"{path}: records_request_received on 2027-10-01 is dated after the as-of date "
        "2026-11-01: not counted",
    )
    assert [o.trigger.date.isoformat() for o in result.obligations] == ["2026-10-20"]
    assert result.to_dict()["future_events"] == 1

    runner = CliRunner()
    args = ["evaluate", "--config", str(FEDERAL), str(path), "--as-of", "2026-11-01"]
    table = runner.invoke(cli, args)
    assert table.exit_code == 0
    assert "dated after the as-of date" not in table.stdout  # the table stays clean ...
    assert "warning: " in table.stderr and "2027-10-01" in table.stderr  # ... stderr says it
    data = json.loads(runner.invoke(cli, [*args, "--format", "json"]).stdout)
    assert data["future_events"] == 1 and "2027-10-01" in data["warnings"][0]


def test_an_incident_after_the_as_of_date_is_named_too(district):
    case = {
        "student": STUDENT,
        "incidents": [
            {"id": "I-9", "type": "restraint", "started_at": "2027-10-16T13:40:00"},
        ],
    }
    result = spedrules.evaluate(district, case, "2026-11-01")
    assert result.future_events == 1
    assert result.warnings == (
        "case DUP-1: incident I-9 on 2027-10-16 is dated after the as-of date 2026-11-01: not "
        "counted",
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    days=st.lists(st.integers(0, 900), min_size=1, max_size=6),
    copies=st.integers(1, 3),
    types=st.lists(st.sampled_from(["initial", "annual", "triennial"]), min_size=6, max_size=6),
)
def test_a_review_is_met_only_by_a_meeting_on_a_later_day(district, days, copies, types):
    # any meetings, some repeated: each review counted from day D is met, if at all, by the
    # first annual/triennial meeting dated after D, never by one on D itself
    start = date(2024, 1, 1)
    meetings = [
        {
            "type": "iep_meeting_held",
            "date": (start + timedelta(days=d)).isoformat(),
            "meeting_type": t,
        }
        for d, t in zip(days, types, strict=False)
    ]
    case = student_case(*(m for m in meetings for _ in range(copies)))
    result = spedrules.evaluate(district, case, "2027-06-01")
    for ob in (o for o in result.obligations if o.rule == "idea.annual_review"):
        later = sorted(
            date.fromisoformat(m["date"])
            for m in meetings
            if m["meeting_type"] in ("annual", "triennial")
            and date.fromisoformat(m["date"]) > ob.trigger.date
        )
        if later:
            assert ob.met_by is not None and ob.met_by.date == later[0]
        else:
            assert ob.met_by is None and ob.status in ("open", "overdue")
