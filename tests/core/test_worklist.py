"""The work list and the calendar feed, read from the latest completed run of one district of a
store that holds two (issue 14 items 1 and 2)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import icalendar
import pytest

from spedrules.core.errors import InputError
from spedrules.core.store.database import Store
from spedrules.core.store.sweep import sweep
from spedrules.core.store.worklist import worklist

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def student(sid, school, manager, *events):
    return {
        "student": {
            "id": sid,
            "birth_date": "2016-05-01",
            "school": school,
            "case_manager": manager,
        },
        "events": [{"type": t, "date": d} for t, d in events],
    }


@pytest.fixture
def store(tmp_path):
    store = Store(str(tmp_path / "w.sqlite"))
    store.init()
    store.add_district(EXAMPLES / "mesa-verde.toml", who="t")
    store.add_district(EXAMPLES / "gulf-shore.toml", who="t")
    store.add_cases(
        "mesa-verde",
        [
            # referral Mon 2026-11-30 + 15 days (assessment plan, EC 56321(a); no break of more
            # than five school days before Dec 15) = Tue 2026-12-15: overdue by 31 on 2027-01-15
            student("A", "Walnut Elementary", "B. Lowe", ("referral_received", "2026-11-30")),
            # referral Mon 2027-01-11 + 15 counted days = Tue 2027-01-26 (MLK Day counts): open
            student("B", "Vista Middle", "C. Diaz", ("referral_received", "2027-01-11")),
            # a plan provided on time: met, not on the work list
            student(
                "C",
                "Walnut Elementary",
                "B. Lowe",
                ("referral_received", "2027-01-04"),
                ("assessment_plan_provided", "2027-01-06"),
            ),
        ],
        who="t",
    )
    # the same id in the other district: never on mesa-verde's list
    store.add_cases(
        "gulf-shore",
        [
            student(
                "A", "Walnut Elementary", "B. Lowe", ("evaluation_consent_received", "2026-09-01")
            )
        ],
        who="t",
    )
    sweep(store, date(2027, 1, 15))
    return store


def test_most_urgent_first_and_one_district_only(store):
    found = worklist(store, "mesa-verde")
    rows = [(i.student, i.rule, i.due, i.status, i.days) for i in found.items]
    assert rows == [
        ("A", "ca.assessment_plan", "2026-12-15", "overdue", -31),
        # C's plan, provided Wed 2027-01-06, gives the parent at least 15 days (EC 56321(c)):
        # Thu 2027-01-21, 6 days after the as-of date
        ("C", "ca.parent_consent_window", "2027-01-21", "open", 6),
        ("B", "ca.assessment_plan", "2027-01-26", "open", 11),
    ]
    assert {i.district for i in found.items} == {"mesa-verde"}
    assert found.items[0].case_manager == "B. Lowe" and found.items[0].citation


def test_filters_and_a_filter_that_names_nothing(store):
    assert [i.student for i in worklist(store, "mesa-verde", person="C. Diaz").items] == ["B"]
    assert [i.student for i in worklist(store, "mesa-verde", school="Vista Middle").items] == ["B"]
    assert [i.student for i in worklist(store, "mesa-verde", status=("overdue",)).items] == ["A"]
    # due within 10 days of 2027-01-15: the overdue item (days -31) and C (6), not B (11)
    assert [i.student for i in worklist(store, "mesa-verde", due_within=10).items] == ["A", "C"]
    met = worklist(store, "mesa-verde", status=("met",)).items
    assert [(i.student, i.status) for i in met] == [("C", "met")]
    with pytest.raises(InputError, match="--person: expected a case manager of the district"):
        worklist(store, "mesa-verde", person="B Lowe")
    with pytest.raises(InputError, match="--status: expected one of"):
        worklist(store, "mesa-verde", status=("late-ish",))


def test_cli_json_follows_the_contract(store, run_cli):
    out = run_cli("worklist", "--district", "mesa-verde", "--db", store.url, "--format", "json")
    assert out.exit_code == 0, out.stderr
    rows = json.loads(out.stdout)
    need = {
        "district",
        "student",
        "school",
        "case_manager",
        "responsible",
        "kind",
        "rule",
        "due",
        "status",
        "days",
        "citation",
        "run",
    }
    assert rows and all(need <= set(r) for r in rows)
    table = run_cli("worklist", "--district", "mesa-verde", "--db", store.url).stdout
    assert "31 day(s) overdue" in table and "11 day(s) left" in table


def feed(store, run_cli, *extra):
    out = run_cli("export", "ics", "--district", "mesa-verde", "--db", store.url, *extra)
    assert out.exit_code == 0, out.stderr
    return {str(e["uid"]): e for e in icalendar.Calendar.from_ical(out.stdout).walk("VEVENT")}


def test_the_feed_has_overdue_items_a_real_stamp_and_a_sequence_that_rises(store, run_cli):
    events = feed(store, run_cli)
    a = events["mesa-verde-A-ca.assessment_plan-2026-11-30@spedrules"]
    assert str(a["summary"]).startswith("OVERDUE: A:")
    assert "days left" not in str(a["description"]) and "2016-05-01" not in str(a["description"])
    assert a["dtstamp"].dt.year == date.today().year and int(a["sequence"]) == 0
    b = events["mesa-verde-B-ca.assessment_plan-2027-01-11@spedrules"]
    assert b["dtstart"].dt == date(2027, 1, 26)
    assert [str(e["uid"]) for e in feed(store, run_cli, "--person", "C. Diaz").values()] == [
        str(b["uid"])
    ]
    # the referral date was wrong: retracted, and the right one imported; the plan now counts
    # from Wed 2027-01-13: + 15 days = Thu 2027-01-28, the same event (UID) with SEQUENCE 1
    (key,) = [e["key"] for e in store.events("mesa-verde", "B")]
    store.retract_event("mesa-verde", "B", key, "typo", who="t")
    store.add_cases(
        "mesa-verde",
        [student("B", "Vista Middle", "C. Diaz", ("referral_received", "2027-01-13"))],
        who="t",
    )
    sweep(store, date(2027, 1, 15), ["mesa-verde"])
    moved = feed(store, run_cli)
    assert "mesa-verde-B-ca.assessment_plan-2027-01-11@spedrules" not in moved
    new = moved["mesa-verde-B-ca.assessment_plan-2027-01-13@spedrules"]
    assert new["dtstart"].dt == date(2027, 1, 28) and int(new["sequence"]) == 0
    # the same obligation swept again without change keeps its sequence
    assert int(moved["mesa-verde-A-ca.assessment_plan-2026-11-30@spedrules"]["sequence"]) == 0


def test_a_due_date_that_moves_raises_the_sequence(store, run_cli, tmp_path):
    # the district adds a storm closure Mon 2026-12-07 - Mon 2026-12-14 to its calendar. A's
    # plan (referral Mon 2026-11-30) then counts Dec 1-4 (days 1-4); Sat Dec 5 - Mon Dec 14 holds
    # 6 school days (more than five): the clock stops and recommences Tue Dec 15 (day 5), Dec 17
    # is day 7; the winter break Fri Dec 18 - Mon Jan 4 stops it again; Tue 2027-01-05 is day 8,
    # Tue 2027-01-12 day 15. The same event (UID) moves, and its SEQUENCE rises to 1.
    cal = (EXAMPLES / "mesa-verde-2026-27.yaml").read_text()
    storm = "      - {name: Storm closure, start: 2026-12-07, end: 2026-12-14}\n"
    (tmp_path / "mesa-verde-2026-27.yaml").write_text(
        cal.replace("      - {name: Winter Break,", storm + "      - {name: Winter Break,")
    )
    (tmp_path / "mesa-verde.toml").write_text((EXAMPLES / "mesa-verde.toml").read_text())
    store.add_district(tmp_path / "mesa-verde.toml", who="t", replace=True)
    sweep(store, date(2027, 1, 15), ["mesa-verde"])
    a = feed(store, run_cli)["mesa-verde-A-ca.assessment_plan-2026-11-30@spedrules"]
    assert (a["dtstart"].dt, int(a["sequence"])) == (date(2027, 1, 12), 1)
    sweep(store, date(2027, 1, 15), ["mesa-verde"])  # unchanged since: the sequence stays
    a = feed(store, run_cli)["mesa-verde-A-ca.assessment_plan-2026-11-30@spedrules"]
    assert int(a["sequence"]) == 1


def test_a_due_date_on_a_closed_day_says_so(store):
    from spedrules.core.store.export import closed_note
    from spedrules.core.store.sweep import district_from_store

    calendar = district_from_store(store.url, "mesa-verde").calendar
    assert "Winter Break" in closed_note(calendar, date(2026, 12, 23))
    assert "Sat 2027-01-16" in closed_note(calendar, date(2027, 1, 16))
    assert closed_note(calendar, date(2027, 1, 15)) is None


def test_a_rescheduled_meeting_keeps_its_events_and_raises_their_sequence(tmp_path, run_cli):
    # La Habra's notice "at least 10 days in advance" of a meeting Thu 2027-02-11 15:00: by Mon
    # 2027-02-01; the meeting moves to Thu 2027-02-18: by Mon 2027-02-08. The same calendar
    # event (its UID names the meeting), SEQUENCE 0 -> 1.
    store = Store(str(tmp_path / "m.sqlite"))
    store.init()
    store.add_district(EXAMPLES / "mesa-verde.toml", who="t")

    def meeting(day):
        return {
            "student": {"id": "M", "birth_date": "2015-03-01", "case_manager": "B. Lowe"},
            "meetings": [
                {
                    "id": "M-1",
                    "type": "annual",
                    "start": f"{day}T15:00:00",
                    "end": f"{day}T15:55:00",
                }
            ],
        }

    def notice():
        out = run_cli("export", "ics", "--district", "mesa-verde", "--db", store.url).stdout
        events = icalendar.Calendar.from_ical(out).walk("VEVENT")
        (found,) = [
            e
            for e in events
            if str(e["uid"]) == "mesa-verde-M-lahabra.notice.meeting_notice-M-1@spedrules"
        ]
        return found["dtstart"].dt, int(found["sequence"])

    store.add_cases("mesa-verde", [meeting("2027-02-11")], who="t")
    sweep(store, date(2027, 1, 15))
    assert notice() == (date(2027, 2, 1), 0)
    store.add_cases("mesa-verde", [meeting("2027-02-18")], who="t")
    sweep(store, date(2027, 1, 15))
    assert notice() == (date(2027, 2, 8), 1)


def test_an_exit_stops_an_overdue_item_from_growing(tmp_path):
    # referral Mon 2026-11-30: the plan was due Tue 2026-12-15 and never provided; the student
    # moved away on Tue 2027-01-05. The breach stays on the list (overdue), counted to the exit:
    # Dec 15 -> Jan 5 is 21 days, not the 31 to the as-of date 2027-01-15.
    store = Store(str(tmp_path / "x.sqlite"))
    store.init()
    store.add_district(EXAMPLES / "mesa-verde.toml", who="t")
    case = student("X", "Walnut Elementary", "B. Lowe", ("referral_received", "2026-11-30"))
    case["events"].append({"type": "student_exited", "date": "2027-01-05", "reason": "moved"})
    store.add_cases("mesa-verde", [case], who="t")
    sweep(store, date(2027, 1, 15))
    (item,) = worklist(store, "mesa-verde").items
    assert (item.rule, item.status, item.days, item.stopped_on) == (
        "ca.assessment_plan",
        "overdue",
        -21,
        "2027-01-05",
    )


def test_one_rule_with_two_kinds_keeps_both_titles_and_events(tmp_path, run_cli):
    # La Habra's 24-hour rule gives two obligations for a meeting ahead: the agenda and the
    # draft IEP, each with its kind and title; the store, the work list and the feed keep both
    store = Store(str(tmp_path / "k.sqlite"))
    store.init()
    store.add_district(EXAMPLES / "mesa-verde.toml", who="t")
    meeting = {
        "id": "M-1",
        "type": "annual",
        "start": "2027-02-11T15:00:00",
        "end": "2027-02-11T15:55:00",
    }
    store.add_cases("mesa-verde", [{"student": {"id": "K"}, "meetings": [meeting]}], who="t")
    sweep(store, date(2027, 1, 15))
    items = {(i.kind, i.title) for i in worklist(store, "mesa-verde").items if i.subject == "M-1"}
    assert ("meeting_agenda", "Agenda with a firm start and end time sent") in items
    assert ("draft_iep_to_parent", "Draft IEP (proposed goals and accommodations) sent") in items
    out = run_cli("export", "ics", "--district", "mesa-verde", "--db", store.url).stdout
    uids = [str(e["uid"]) for e in icalendar.Calendar.from_ical(out).walk("VEVENT")]
    assert len(uids) == len(set(uids))
    assert "mesa-verde-K-lahabra.agenda_and_draft.meeting_agenda-M-1@spedrules" in uids
