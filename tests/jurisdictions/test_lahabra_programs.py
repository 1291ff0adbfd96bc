"""La Habra's inclusion staffing review: a rule over a school's roster, not one student.

Seed 000, "Inclusion" Program Classes (L74-76): "The IEP team will evaluate the need for more
staffing support in the 'Inclusion' Program if the number of 'Inclusion' students exceed 5 at the
beginning of the school year." The Mesa Verde calendar's 2026-27 year starts Wed 2026-08-19.
"""

from __future__ import annotations

import json

import pytest
import yaml

import spedrules.core.api as api
from spedrules.core.store.database import Store
from spedrules.core.store.sweep import dashboard, sweep


def roster(tmp_path, walnut: int, vista: int = 0, events=()):
    cases = []
    for i in range(walnut):
        cases.append(
            {
                "student": {
                    "id": f"W-{i}",
                    "grade": "K",
                    "school": "Walnut Elementary",
                    "flags": ["inclusion"],
                },
                "events": list(events) if i == 0 else [],
            }
        )
    for i in range(vista):
        cases.append(
            {
                "student": {
                    "id": f"V-{i}",
                    "grade": "1",
                    "school": "Vista Elementary",
                    "flags": ["inclusion"],
                }
            }
        )
    # students outside the program never count
    cases.append({"student": {"id": "X-1", "grade": "K", "school": "Walnut Elementary"}})
    path = tmp_path / "roster.yaml"
    path.write_text(yaml.safe_dump({"cases": cases}))
    return path


def duties(examples, path, as_of="2026-09-01"):
    return {
        o.subject: o for o in api.program_obligations(examples / "mesa-verde.toml", path, as_of)
    }


def test_six_inclusion_students_call_for_the_review_five_do_not(examples, tmp_path):
    found = duties(examples, roster(tmp_path, walnut=6, vista=5))
    walnut = found["inclusion program, Walnut Elementary"]
    assert walnut.status == "open" and walnut.due is None  # the source states no deadline
    assert walnut.responsible == "IEP team"
    assert walnut.citation.endswith("Staffing and Class-size Considerations")
    assert "L74" not in walnut.citation and walnut.layer == "local"
    text = "\n".join(walnut.explanation)
    assert "first day of the school year 2026-27: Wed 2026-08-19 (day 0)" in text
    assert "6 student(s) of Walnut Elementary carry the flag 'inclusion'" in text
    assert "more than 5: the duty arises" in text
    vista = found["inclusion program, Vista Elementary"]
    assert vista.status == "not_applicable"  # exactly 5 does not "exceed 5"


def test_the_review_recorded_on_any_case_of_the_school_meets_it(examples, tmp_path):
    reviewed = [{"type": "lahabra.inclusion_staffing_reviewed", "date": "2026-08-28"}]
    walnut = duties(examples, roster(tmp_path, walnut=7, events=reviewed))[
        "inclusion program, Walnut Elementary"
    ]
    assert walnut.status == "met" and walnut.met_by.date.isoformat() == "2026-08-28"
    # a review from the year before does not count for this year
    old = [{"type": "lahabra.inclusion_staffing_reviewed", "date": "2026-06-01"}]
    assert (
        duties(examples, roster(tmp_path, walnut=7, events=old))[
            "inclusion program, Walnut Elementary"
        ].status
        == "open"
    )


def test_before_the_first_day_there_is_nothing_to_count(examples, tmp_path):
    assert duties(examples, roster(tmp_path, walnut=9), as_of="2026-08-18") == {}


def test_plain_california_has_no_program_rule(examples, tmp_path):
    config = tmp_path / "ca.toml"
    text = (examples / "mesa-verde.toml").read_text().split("\n# Who acts")[0]  # no roles
    config.write_text(
        text.replace(', "lahabra-best-practices"', "").replace(
            'calendar = "', f'calendar = "{examples}/'
        )
    )
    assert api.program_obligations(config, roster(tmp_path, walnut=9), "2026-09-01") == []


def test_programs_command(run_cli, examples, tmp_path):
    def programs(source, *options):
        return run_cli(
            "programs", "--config", examples / "mesa-verde.toml", "--from", source, *options
        )

    path = roster(tmp_path, walnut=6)
    result = programs(path, "--as-of", "2026-09-01")
    assert result.exit_code == 0
    assert (
        "[lahabra.inclusion_staffing_review, local, from lahabra-best-practices]" in result.output
    )
    rows = json.loads(programs(path, "--as-of", "2026-09-01", "--format", "json").output)
    assert [r["subject"] for r in rows] == ["inclusion program, Walnut Elementary"]
    bad = programs(tmp_path / "none.yaml")
    assert bad.exit_code == 2 and "none.yaml: expected an existing file" in bad.stderr


@pytest.mark.parametrize("workers", [1, 2])
def test_the_sweep_dashboard_lists_program_duties(examples, tmp_path, workers):
    store = Store(f"sqlite:///{tmp_path / 's.sqlite'}")
    store.init()
    district = store.add_district(examples / "mesa-verde.toml", who="test")
    data = yaml.safe_load(roster(tmp_path, walnut=6).read_text())["cases"]
    store.add_cases(district, data, who="test")
    from datetime import date

    day = date(2026, 9, 1)
    sweep(store, day, workers=workers)
    board = dashboard(store, district)
    assert board["program_duties"] == [
        {
            "district": "mesa-verde",
            "subject": "inclusion program, Walnut Elementary",
            "rule": "lahabra.inclusion_staffing_review",
            "status": "open",
            "due": None,
            "citation": board["program_duties"][0]["citation"],
        }
    ]
