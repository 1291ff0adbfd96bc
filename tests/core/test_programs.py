"""The program-rule engine on its own: a duty with a deadline, groups by school, streaming."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from spedrules.core.calendar import SchoolCalendar
from spedrules.core.engine.layering import RuleEntry, RuleSet
from spedrules.core.engine.programs import evaluate_programs
from spedrules.core.model import Case, Event, Student
from spedrules.core.model.rules import EventMatch, Period, ProgramRule

RULE = ProgramRule(
    id="xx.review",
    kind="xx.review",
    title="Program review",
    citation="XX 1",
    layer="local",
    source="xx",
    program="coteach",
    more_than=1,
    period=Period(10, "school_days"),
    met_by=(EventMatch("xx.reviewed"),),
)


def run(cases, as_of, examples):
    ruleset = RuleSet(entries={RULE.id: RuleEntry(RULE.id, (RULE,))})
    cal = SchoolCalendar.load(examples / "mesa-verde-2026-27.yaml")
    return evaluate_programs(ruleset, iter(cases), cal, ZoneInfo(cal.timezone), as_of)


def student(sid, school, *flags):
    return Student(id=sid, school=school, flags=flags)


def test_a_duty_with_a_deadline_counts_school_days_from_the_first_day(examples):
    # first day Wed 2026-08-19 (day 0); 10 school days: Aug 20, 21, 24-28, 31, Sep 1, 2 -> Sep 2
    cases = [Case(student=student(f"A{i}", "Oak", "coteach")) for i in range(2)]
    (ob,) = run(cases, date(2026, 9, 10), examples)
    assert ob.due == date(2026, 9, 2) and ob.status == "overdue"
    assert ob.subject == "coteach program, Oak"
    # recorded on the second student's case on Sep 1: met in time
    cases[1] = Case(student=cases[1].student, events=(Event("xx.reviewed", date=date(2026, 9, 1)),))
    (ob,) = run(cases, date(2026, 9, 10), examples)
    assert ob.status == "met"


def test_groups_are_per_school_and_the_ids_shown_are_capped(examples):
    cases = (Case(student=student(f"B{i}", "Elm", "coteach")) for i in range(40))
    lone = [Case(student=student("C1", "Ash", "coteach")), Case(student=student("C2", "Ash"))]
    found = {o.subject: o for o in run([*cases, *lone], date(2026, 8, 25), examples)}
    assert found["coteach program, Ash"].status == "not_applicable"  # 1 is not more than 1
    elm = "\n".join(found["coteach program, Elm"].explanation)
    assert "40 student(s) of Elm" in elm and "and 28 more" in elm  # 12 ids named
