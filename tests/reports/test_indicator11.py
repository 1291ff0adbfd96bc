"""Indicator 11 on the hand-counted district of conftest.py (every child's 60 days are worked out
there): (a) = P1, P2, P5, P9; (b) = P1, P9; 50%; P3 and P4 apart as 300.301(d) exceptions."""

from __future__ import annotations

import json
import os
import stat
from datetime import date

import pytest
from click.testing import CliRunner

from spedrules.cli.main import cli
from spedrules.core.errors import InputError
from spedrules.core.store.indicator11 import chart, explain, indicator11, reporting_period


def test_counts_percent_and_the_children_not_in_b(district_store):
    found = indicator11(district_store, "pinecrest", "2026-27")
    assert found.period == (date(2026, 7, 1), date(2027, 6, 30))
    assert (found.a, found.b, found.percent) == (4, 2, 50.0)
    late = {
        c.student: (c.consent, c.due, c.completed, c.days_beyond, c.delay_reason)
        for c in found.of("late", "not_completed")
    }
    assert late == {
        "P2": (
            date(2026, 9, 15),
            date(2026, 11, 14),
            date(2026, 11, 24),
            10,
            "evaluator_unavailable",
        ),
        "P5": (date(2026, 11, 2), date(2027, 1, 1), None, 59, None),
    }
    assert found.days_beyond_range == (10, 59)
    assert found.delay_reasons == {"evaluator_unavailable": 1, "none recorded": 1}
    assert [c.student for c in found.of("on_time")] == ["P1", "P9"]
    # P9's timeline is the agreed date the law allows for SLD (34 CFR 300.309(c))
    p9 = next(c for c in found.children if c.student == "P9")
    assert (p9.due, p9.extended) == (date(2026, 12, 15), True)
    assert found.timelines == (("idea.initial_evaluation", "34 CFR 300.301(c)(1)(i)"),)


def test_exceptions_exits_and_pending_are_apart(district_store):
    found = indicator11(district_store, "pinecrest", "2026-27")
    exceptions = {c.student: c.exception for c in found.of("exception")}
    assert set(exceptions) == {"P3", "P4"}
    assert exceptions["P3"].startswith("34 CFR 300.301(d)(1)")
    assert exceptions["P4"].startswith("34 CFR 300.301(d)(2), (e)")
    assert [(c.student, c.exception) for c in found.of("exited")] == [
        ("P8", "student exited (moved) on 2026-09-30")
    ]
    assert [(c.student, c.due) for c in found.of("pending")] == [("P6", date(2027, 4, 16))]
    # P7's consent (2026-06-20) belongs to 2025-26
    assert "P7" not in {c.student for c in found.children}
    earlier = indicator11(district_store, "pinecrest", "2025-26")
    assert [(c.student, c.group) for c in earlier.children] == [("P7", "on_time")]


def test_each_row_is_explained_like_any_obligation(district_store):
    obligations, _ = explain(district_store, "pinecrest", "P2")
    (ob,) = obligations
    assert ob.due == date(2026, 11, 14) and ob.status == "late"
    text = " ".join(ob.explanation)
    assert "evaluator_unavailable" in text and "psychologist on leave" in text


@pytest.mark.parametrize("bad", ["2026", "2026-28", "26-27", "2026/27"])
def test_a_bad_year_is_an_input_error(bad):
    with pytest.raises(InputError, match="--year"):
        reporting_period(bad)


def test_chart_by_month_of_consent_is_private(district_store, tmp_path):
    found = indicator11(district_store, "pinecrest", "2026-27")
    months = {m: (a, b) for m, a, b in found.by_month()}
    assert len(months) == 12 and months["2026-07"] == (0, 0)
    # September: P1 (on time) and P2 (late); October: P9 (on time); November: P5 (not done)
    assert months["2026-09"] == (2, 1) and months["2026-10"] == (1, 1)
    assert months["2026-11"] == (1, 0)
    out = chart(found, tmp_path / "i11.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600


def test_cli_table_json_csv_and_explain(district_store):
    db = ["--db", district_store.url]
    runner = CliRunner()
    base = ["report", "indicator-11", "--year", "2026-27", *db]
    table = runner.invoke(cli, base)
    assert table.exit_code == 0, table.output
    assert "(a) parental consents received: 4" in table.output
    assert "percent b/a: 50%" in table.output
    assert "not verified:" in table.output
    data = json.loads(runner.invoke(cli, [*base, "--format", "json"]).output)
    assert (data["a_consents"], data["b_within_timeline"]) == (4, 2)
    assert [c["student"] for c in data["exceptions"]] == ["P3", "P4"]
    csv_text = runner.invoke(cli, [*base, "--format", "csv"]).output
    assert csv_text.splitlines()[0].startswith("list,student,")
    assert sum(line.startswith("not_in_b,") for line in csv_text.splitlines()) == 2
    explained = runner.invoke(cli, [*base, "--explain", "P5"])
    assert explained.exit_code == 0 and "overdue" in explained.output
    bad = runner.invoke(cli, [*base, "--year", "2026"])
    assert bad.exit_code == 2 and "--year" in bad.output


def test_californias_tolled_timeline_and_a_state_exemption_apart(tmp_path):
    """Mesa Verde (CA): the timeline is ca.initial_evaluation, 60 days to the initial IEP not
    counting a vacation of more than five school days (EC 56043(f)(1), 56344(a))."""
    from pathlib import Path

    from spedrules.core.store.database import Store
    from spedrules.core.store.sweep import sweep

    examples = Path(__file__).resolve().parents[2] / "examples"
    store = Store(str(tmp_path / "ca.sqlite"))
    store.init()
    store.add_district(examples / "mesa-verde.toml", who="t")
    consent = {"type": "evaluation_consent_received", "date": "2026-11-03"}
    store.add_cases(
        "mesa-verde",
        [
            # CA1: consent Tue 2026-11-03. Nov 4-30 = 27 days, Dec 1-17 = 17: day 44 on Thu
            # Dec 17, the last school day before Winter Break (Fri Dec 18 - Mon Jan 4: 12
            # weekdays, more than five, so not counted; Thanksgiving's 3 weekdays count). School
            # reconvenes Tue Jan 5 = day 45; day 60 = Wed 2027-01-20. Initial IEP Tue Jan 19.
            {
                "student": {"id": "CA1", "birth_date": "2017-01-23"},
                "events": [
                    consent,
                    {"type": "iep_meeting_held", "date": "2027-01-19", "meeting_type": "initial"},
                ],
            },
            # CA2: the same consent, then exempt under state law (EC 56302.1(b)): set aside
            {
                "student": {"id": "CA2", "birth_date": "2017-01-23"},
                "events": [consent, {"type": "ca.assessment_exempt", "date": "2026-11-20"}],
            },
        ],
        who="t",
    )
    sweep(store, date(2027, 2, 1))
    found = indicator11(store, "mesa-verde", "2026-27")
    assert [r for r, _ in found.timelines] == ["ca.initial_evaluation"]
    ca1 = next(c for c in found.children if c.student == "CA1")
    assert (ca1.due, ca1.completed, ca1.group) == (date(2027, 1, 20), date(2027, 1, 19), "on_time")
    assert [(c.student, c.group) for c in found.of("set_aside")] == [("CA2", "set_aside")]
    assert (found.a, found.b) == (1, 1)


def test_cli_errors_are_one_line_exit_2(district_store, tmp_path):
    runner = CliRunner()
    base = ["report", "indicator-11", "--year", "2026-27", "--db", district_store.url]
    chart_txt = runner.invoke(cli, [*base, "--chart", str(tmp_path / "c.txt")])
    assert chart_txt.exit_code == 2 and "--chart" in chart_txt.output
    unknown = runner.invoke(cli, [*base, "--explain", "NOPE"])
    assert unknown.exit_code == 2 and "NOPE" in unknown.output


def test_an_extension_the_law_refuses_changes_nothing(pinecrest):
    """A parent's agreement to extend the federal 60 days without a transfer and without SLD:
    34 CFR 300.301 allows no such extension, so the due date stands and the child is late."""
    extend = {"applies_to": "initial_evaluation", "until": "2026-11-30"}
    # consent Tue 2026-09-01 -> due Sat Oct 31 (as P1); "extended" to Nov 30, done Fri Nov 20
    store = pinecrest(
        [
            {
                "student": {"id": "R1", "birth_date": "2016-05-01"},
                "events": [
                    {"type": "evaluation_consent_received", "date": "2026-09-01"},
                    {"type": "timeline_extension_agreed", "date": "2026-10-15", **extend},
                    {"type": "evaluation_completed", "date": "2026-11-20"},
                ],
            }
        ],
        "x.sqlite",
    )
    (child,) = indicator11(store, "pinecrest", "2026-27").children
    # Oct 31 -> Nov 20 is 20 days beyond
    assert (child.group, child.due, child.days_beyond, child.extended) == (
        "late",
        date(2026, 10, 31),
        20,
        False,
    )
