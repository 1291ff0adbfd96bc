"""``spedrules test PATH...``: exit 0 when every law case passes, 1 naming the file, line, case
and rule with expected against got, 2 with one line for a bad file."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from spedrules.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
CALIFORNIA = ROOT / "jurisdictions" / "california" / "cases"


def invoke(*args):
    return CliRunner().invoke(cli, ["test", *map(str, args)], catch_exceptions=False)


def one_line_error(result, *needles: str) -> str:
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copytree(CALIFORNIA / "calendars", tmp_path / "calendars")
    return tmp_path


CASE = """\
    # referral Tue 9/8 + 15 days, no vacation: Wed 2026-09-23; nothing provided by 10/1
    - name: assessment plan
      stack: [us-idea, california]
      calendar: calendars/2026-28.yaml
      as_of: 2026-10-01
      case: {student: {id: S-1}, events: [{type: referral_received, date: 2026-09-08}]}
      expect:
        ca.assessment_plan: {due: DUE, status: STATUS}
"""


def write(folder: Path, due="2026-09-23", status="overdue", text=CASE) -> Path:
    path = folder / "plan.yaml"
    path.write_text(textwrap.dedent(text).replace("DUE", due).replace("STATUS", status))
    return path


def test_the_bundled_cases_pass():
    result = invoke(CALIFORNIA, ROOT / "plugins" / "st_lucie" / "cases")
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1].startswith("15 law case(s) passed")


def test_a_passing_file_and_verbose(folder):
    result = invoke("-v", write(folder))
    assert result.exit_code == 0, result.output
    assert f"PASS {folder / 'plan.yaml'}: line 2: assessment plan" in result.output
    assert "1 law case(s) passed (1 expectations)" in result.output


def test_a_wrong_date_fails_naming_file_line_case_rule(folder):
    result = invoke(write(folder, due="2026-09-22"))
    assert result.exit_code == 1
    assert (
        f"FAIL {folder / 'plan.yaml'}: line 8: assessment plan: ca.assessment_plan: "
        "expected due 2026-09-22 overdue, got due 2026-09-23 overdue"
    ) in result.output
    assert "1 of 1 law case(s) failed" in result.output


def test_a_wrong_status_fails(folder):
    result = invoke(write(folder, status="open"))
    assert result.exit_code == 1
    assert "expected due 2026-09-23 open, got due 2026-09-23 overdue" in result.output


def test_an_expected_obligation_that_is_not_there(folder):
    text = CASE.replace("ca.assessment_plan: {due", "ca.records_access: {due")
    result = invoke(write(folder, text=text))
    assert result.exit_code == 1
    assert "ca.records_access: expected due 2026-09-23 overdue: no obligation matched" in (
        result.output
    )


def test_no_obligation_expected_but_one_given(folder):
    text = CASE.replace("{due: DUE, status: STATUS}", "[]")
    result = invoke(write(folder, text=text))
    assert result.exit_code == 1
    assert "expected no obligation, got due 2026-09-23 overdue" in result.output


@pytest.mark.parametrize(
    "change, needles",
    [
        (("due: DUE", "due: 2026-09-31"), ["line 8: [0].expect.ca.assessment_plan.due", "a date"]),
        (("STATUS", "late!"), ["line 8: [0].expect.ca.assessment_plan.status", "one of met"]),
        (("as_of: 2026-10-01", "as_of: soon"), ["line 5: [0].as_of", "a date YYYY-MM-DD"]),
        (("california]", "californa]"), ["line 3: [0].stack[1]", "an installed plugin id"]),
        (("2026-28.yaml", "2099.yaml"), ["line 4: [0].calendar", "an existing calendar file"]),
        (("referral_received", "referal"), ["[0].case: events[0].type", "a core event type"]),
        (("  as_of:", "  colour: red\n  as_of:"), ["line 5: [0].colour", "only the fields"]),
        (("  stack: [us-idea, california]\n", ""), ["[0].stack", "a list of plugin ids"]),
        (
            ("calendars/2026-28.yaml", "{timezone: Mars/Olympus, years: []}"),
            ["line 4: [0].calendar.years", "a non-empty list of school years"],
        ),
    ],
)
def test_bad_input_is_one_line_naming_file_line_and_field(folder, change, needles):
    text = textwrap.dedent(CASE).replace(*change)
    result = invoke(write(folder, text=text))
    one_line_error(result, str(folder / "plan.yaml"), *needles)


def test_bad_yaml_and_not_a_list(folder):
    path = folder / "plan.yaml"
    path.write_text("- name: [unclosed\n")
    one_line_error(invoke(path), "plan.yaml: line 2", "valid YAML")
    path.write_text("name: x\n")
    one_line_error(invoke(path), "plan.yaml", "a list of law-test cases")


def test_missing_path_and_empty_folder(tmp_path):
    one_line_error(invoke(tmp_path / "nope.yaml"), "nope.yaml", "an existing law-test file")
    one_line_error(invoke(tmp_path), "a folder holding law-test files")


def test_a_path_or_plugin_is_required():
    one_line_error(invoke(), "PATH", "a law-test file or folder, or --plugin ID")


TWO = CASE.replace(
    "events: [{type: referral_received, date: 2026-09-08}]",
    "events: [{type: referral_received, date: 2026-09-08},\n"
    "                                  {type: referral_received, date: 2026-09-14}]",
)


def test_two_obligations_of_a_rule_need_a_trigger(folder):
    result = invoke(write(folder, text=TWO))
    assert result.exit_code == 1
    assert "2 obligations matched; say which with trigger, kind or subject" in result.output
    # the second referral Mon 9/14 + 15 = Tue 2026-09-29, overdue on 10/1
    text = TWO.replace(
        "ca.assessment_plan: {due: DUE, status: STATUS}",
        "ca.assessment_plan:\n"
        "          - {trigger: 2026-09-08, due: 2026-09-23, status: overdue}\n"
        "          - {trigger: 2026-09-14, due: 2026-09-29, status: overdue}",
    )
    result = invoke(write(folder, text=text))
    assert result.exit_code == 0, result.output


def test_an_installed_plugins_law_tests_run_from_anywhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("--plugin", "florida", "--plugin", "wyandotte-case-management")
    assert result.exit_code == 0, result.output
    assert "13 law case(s) passed" in result.output
    one_line_error(invoke("--plugin", "atlantis"), "--plugin", "an installed plugin id")


def test_a_config_and_a_case_file_instead_of_inline(folder):
    (folder / "district.toml").write_text(
        '[district]\nid = "d"\nname = "D"\nstate = "CA"\ntimezone = "America/Los_Angeles"\n'
        'stack = ["us-idea", "california"]\ncalendar = "calendars/2026-28.yaml"\n'
    )
    (folder / "case.yaml").write_text(
        "student: {id: S-1}\nevents: [{type: referral_received, date: 2026-09-08}]\n"
    )
    text = (
        textwrap.dedent(CASE)
        .replace("stack: [us-idea, california]", "config: district.toml")
        .replace("  calendar: calendars/2026-28.yaml\n", "")
    )
    text = text[: text.index("  case:")] + "  case: case.yaml\n" + text[text.index("  expect:") :]
    result = invoke(write(folder, text=text))
    assert result.exit_code == 0, result.output
    one_line_error(
        invoke(write(folder, text=text.replace("case.yaml", "gone.yaml"))),
        "line 5: [0].case",
        "an existing case file",
    )
    one_line_error(
        invoke(write(folder, text=text.replace("district.toml", "gone.toml"))),
        "line 3: [0].config",
        "an existing config file",
    )


@pytest.mark.parametrize(
    "change, needles",
    [
        (("{due: DUE, status: STATUS}", "5"), ["line 8: [0].expect.ca.assessment_plan", "{due"]),
        (("ca.assessment_plan: {due: DUE, status: STATUS}", "[]"), ["[0].expect", "a mapping"]),
    ],
)
def test_expectations_must_be_mappings(folder, change, needles):
    text = textwrap.dedent(CASE).replace(*change)
    if change[1] == "[]":
        text = text.replace("  expect:\n    []", "  expect: []")
    one_line_error(invoke(write(folder, text=text)), *needles)
