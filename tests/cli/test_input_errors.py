"""Bad input of every kind: exit code 2, one line naming the file and the field, no traceback."""

from __future__ import annotations

import json
import shutil
import textwrap

import pytest

GOOD_CASE = """\
student: {id: S-1, birth_date: 2016-04-02, disability: SLD}
events:
  - {type: referral_received, date: 2026-09-08}
"""

GOOD_CONFIG = """\
[district]
id = "t"
name = "Test USD"
state = "CA"
timezone = "America/Los_Angeles"
stack = ["us-idea", "california"]
calendar = "cal.yaml"
"""


@pytest.fixture
def district(tmp_path, examples):
    shutil.copy(examples / "mesa-verde-2026-27.yaml", tmp_path / "cal.yaml")
    (tmp_path / "d.toml").write_text(GOOD_CONFIG)
    (tmp_path / "case.yaml").write_text(GOOD_CASE)
    return tmp_path


def _write(folder, name, text):
    path = folder / name
    path.write_text(textwrap.dedent(text))
    return path


CASES = {
    "bad date": ("events:\n  - {type: referral_received, date: 2026-13-40}\n", "events[0].date"),
    "unknown event type": (
        "events:\n  - {type: absence, date: 2026-10-01}\n"
        "  - {type: referal_recieved, date: 2026-10-02}\n",
        "events[1].type",
    ),
    "event without date": ("events:\n  - {type: absence}\n", "events[0]"),
    "bad incident method": (
        "incidents:\n  - {id: I-1, type: restraint, method: rope,"
        " started_at: '2026-10-01T10:00:00'}\n",
        "incidents[0].method",
    ),
    "released before started": (
        "incidents:\n  - {id: I-1, type: restraint, started_at: '2026-10-01T10:00:00',"
        " released_at: '2026-10-01T09:00:00'}\n",
        "incidents[0].released_at",
    ),
    "bad attendee role": (
        "meetings:\n  - {id: M-1, type: annual, start: '2026-11-12T15:00:00',"
        " attendees: [{name: A, role: parent}, {name: B, role: janitor}]}\n",
        "meetings[0].attendees[1].role",
    ),
    # YAML reads an unquoted 5: as a number and yes: as true; such a key is named, not a crash
    "number as a field name": (
        "events:\n  - {type: absence, date: 2026-10-01, 5: x}\n",
        "events[0].5",
    ),
    "yes as a field name": ("events:\n  - {type: absence, date: 2026-10-01}\nyes: 1\n", "True"),
    "bad disability code": None,  # handled below: a student field
}


@pytest.mark.parametrize("name", [k for k, v in CASES.items() if v])
def test_bad_case_fields(district, run_cli, name):
    body, field = CASES[name]
    case = _write(district, "bad.yaml", "student: {id: S-1, birth_date: 2016-04-02}\n" + body)
    result = run_cli("evaluate", "--config", district / "d.toml", case, "--format", "json")
    assert result.exit_code == 2, result.output
    assert f"bad.yaml: {field}" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "student, field",
    [
        ("{name: No Id}", "student.id"),
        ("{id: S-1, birth_date: 2016-02-30}", "student.birth_date"),
        ("{id: S-1, disability: XYZ}", "student.disability"),
        ("{id: S-1, birthdate: 2016-02-03}", "student"),
        ("{id: S-1, has_bip: maybe}", "student.has_bip"),
        ("{id: S-1, 2017: x}", "student.2017"),
    ],
)
def test_bad_student(district, run_cli, student, field):
    case = _write(district, "bad.yaml", f"student: {student}\n")
    result = run_cli("evaluate", "--config", district / "d.toml", case)
    assert result.exit_code == 2
    assert f"bad.yaml: {field}:" in result.stderr


@pytest.mark.parametrize(
    "name, text, expected",
    [
        ("bad.yaml", "events: []\n", ["bad.yaml: student: expected"]),
        # invalid YAML names the line
        ("bad.yaml", "student: {id: S-1\nevents: [\n", ["bad.yaml: line", "valid YAML"]),
        # a JSON case is validated too
        (
            "bad.json",
            '{"student": {"id": "S-1"}, "events": [{"type": 3}]}',
            ["bad.json: events[0]"],
        ),
    ],
    ids=["case_without_student", "invalid_yaml_names_the_line", "json_case_is_validated_too"],
)
def test_bad_case_file(district, run_cli, name, text, expected):
    case = _write(district, name, text)
    result = run_cli("evaluate", "--config", district / "d.toml", case)
    assert result.exit_code == 2
    assert all(e in result.stderr for e in expected), result.stderr


def test_missing_case_file(district, run_cli):
    result = run_cli("evaluate", "--config", district / "d.toml", district / "nope.yaml")
    assert result.exit_code == 2
    assert "nope.yaml: expected an existing file" in result.stderr


CONFIG_ERRORS = [
    ('stack = ["us-idea", "california", "oregon"]', "district.stack[2]", "installed plugin"),
    ('stack = ["us-idea", "lahabra-best-practices"]', "district.stack[1]", "parent 'california'"),
    ('stack = ["california", "us-idea"]', "district.stack[0]", "parent 'us-idea'"),
    ('stack = "us-idea"', "district.stack", "a non-empty list"),
    ('timezone = "Mars/Olympus"', "district.timezone", "IANA timezone"),
    ('calendar = "missing.yaml"', "district.calendar", "an existing file"),
    ('calendar = "cal.txt"', "district.calendar", ".yaml or .ics"),
    ('id = ""', "district.id", "a non-empty string"),
    ('colour = "blue"', "district.colour", "one of id, name"),
]


@pytest.mark.parametrize("line, field, expected", CONFIG_ERRORS)
def test_bad_config(district, run_cli, line, field, expected):
    key = line.split(" = ")[0]
    text = "\n".join(x for x in GOOD_CONFIG.splitlines() if not x.startswith(key + " "))
    text = text.replace("[district]", f"[district]\n{line}")
    config = _write(district, "bad.toml", text)
    result = run_cli("evaluate", "--config", config, district / "case.yaml")
    assert result.exit_code == 2, result.output
    assert f"bad.toml: {field}: expected" in result.stderr
    assert expected in result.stderr


@pytest.mark.parametrize(
    "options, field, expected",
    [
        ('"florida.no_such_option" = true', "options.'florida.no_such_option'", "declared"),
        (
            '"florida.fape_end_age_policy" = "forever"',
            "options.'florida.fape_end_age_policy'",
            "'end_of_semester'",
        ),
        ('"us-idea.age_of_majority" = 17', "options.'us-idea.age_of_majority'", "one of 18"),
    ],
)
def test_bad_options(district, run_cli, options, field, expected):
    text = GOOD_CONFIG.replace('"california"', '"florida"') + f"\n[options]\n{options}\n"
    config = _write(district, "bad.toml", text.replace('"CA"', '"FL"'))
    result = run_cli("rules", "--config", config)
    assert result.exit_code == 2, result.output
    assert f"bad.toml: {field}: expected" in result.stderr
    assert expected in result.stderr


def test_option_of_a_plugin_outside_the_stack(district, run_cli):
    config = _write(
        district, "bad.toml", GOOD_CONFIG + '\n[options]\n"florida.serves_prekindergarten" = true\n'
    )
    result = run_cli("rules", "--config", config)
    assert result.exit_code == 2
    assert "options.'florida.serves_prekindergarten'" in result.stderr


def test_invalid_toml(district, run_cli):
    config = _write(district, "bad.toml", "[district\nid = 1\n")
    result = run_cli("rules", "--config", config)
    assert result.exit_code == 2
    assert "bad.toml: expected valid TOML" in result.stderr


def test_bad_as_of(district, run_cli):
    result = run_cli(
        "evaluate", "--config", district / "d.toml", district / "case.yaml", "--as-of", "yesterday"
    )
    assert result.exit_code == 2
    assert "--as-of: expected a date YYYY-MM-DD" in result.stderr


def test_malformed_calendar_names_the_calendar_file(district, run_cli):
    _write(district, "cal.yaml", "name: X\ntimezone: America/Los_Angeles\nyears: nope\n")
    result = run_cli("evaluate", "--config", district / "d.toml", district / "case.yaml")
    assert result.exit_code == 2
    assert "cal.yaml: years" in result.stderr


def test_empty_case_via_console_script(examples, run_console):
    """The conformance check: /dev/null as a case exits 2 with a clear message, no traceback."""
    proc = run_console(
        "evaluate", "--config", examples / "mesa-verde.toml", "/dev/null", "--format", "json"
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0  # one line
    assert "/dev/null: expected a case" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


# ---- issue 13 item 5: every bad input one line, exit 2; suspect input a warning ---------------


def test_binary_toml_names_the_encoding(district, run_cli, one_line_error):
    (district / "bin.toml").write_bytes(b'[district]\nid = "t"\n\x88\xff\x00binary')
    one_line_error(run_cli("rules", "--config", district / "bin.toml"), "bin.toml: line 3", "UTF-8")


@pytest.mark.parametrize(
    "name, text",
    [
        ("deep.json", "[" * 100_000 + "]" * 100_000),
        ("deep.yaml", "student: " + "[" * 100_000 + "]" * 100_000),
        ("deeper.yaml", "student: {id: S-1}\nevents:\n  - {type: absence, date: 2026-10-01, x: "
         + "[" * 60 + "]" * 60 + "}\n"),
    ],
)  # fmt: skip
def test_deeply_nested_data(district, run_cli, one_line_error, name, text):
    (district / name).write_text(text)
    result = run_cli("evaluate", "--config", district / "d.toml", district / name)
    one_line_error(result, name, "nested at most 50 levels")


def test_deeply_nested_toml(district, run_cli, one_line_error):
    (district / "deep.toml").write_text("x = " + "[" * 5000 + "]" * 5000 + "\n")
    one_line_error(run_cli("rules", "--config", district / "deep.toml"), "deep.toml", "nested")


def test_district_add_without_a_calendar(district, run_cli, one_line_error):
    text = "\n".join(x for x in GOOD_CONFIG.splitlines() if not x.startswith("calendar"))
    config = _write(district, "nocal.toml", text)
    db = district / "s.sqlite"
    result = run_cli("district", "add", config, "--db", db)
    one_line_error(result, "nocal.toml: district.calendar: expected a calendar file")
    assert not db.exists()


@pytest.mark.parametrize(
    "key, value, field",
    [("id", "d" * 65, "district.id"), ("name", "N" * 201, "district.name")],
)
def test_config_values_longer_than_the_store_columns(
    district, run_cli, one_line_error, key, value, field
):
    text = "\n".join(x for x in GOOD_CONFIG.splitlines() if not x.startswith(key + " "))
    config = _write(
        district, "long.toml", text.replace("[district]", f'[district]\n{key} = "{value}"')
    )
    one_line_error(run_cli("rules", "--config", config), f"long.toml: {field}", "at most")


def test_a_long_student_id_in_a_case_file(district, run_cli, one_line_error):
    case = _write(district, "long.yaml", f"student: {{id: {'S' * 65}}}\n")
    result = run_cli("evaluate", "--config", district / "d.toml", case)
    one_line_error(result, "long.yaml: student.id: expected at most 64 characters")


def test_two_states_in_one_stack(district, run_cli, one_line_error):
    text = GOOD_CONFIG.replace('"california"]', '"california", "florida"]')
    config = _write(district, "two.toml", text)
    one_line_error(
        run_cli("rules", "--config", config),
        "two.toml: district.stack[2]",
        "at most one plugin of level 'state'",
        "'california'",
    )


def test_a_kind_that_matches_nothing_lists_the_kinds(district, run_cli, one_line_error):
    result = run_cli("rules", "--config", district / "d.toml", "--kind", "asessment_plan")
    line = one_line_error(result, "--kind", "assessment_plan", "got 'asessment_plan'")
    assert "initial_evaluation" in line
    ok = run_cli("rules", "--config", district / "d.toml", "--kind", "assessment_plan")
    assert ok.exit_code == 0 and "assessment_plan" in ok.stdout


def test_export_filters_that_match_nothing(run_cli, swept_store, one_line_error):
    base = ("export", "ics", "--as-of", "2026-12-10", "--db", swept_store)
    line = one_line_error(run_cli(*base, "--role", "Janitor"), "--role", "got 'Janitor'")
    assert "Case manager" in line or "School psychologist" in line
    one_line_error(run_cli(*base, "--student", "S-404"), "--student", "S-77", "got 'S-404'")
    unswept = ("export", "ics", "--as-of", "2030-01-01", "--db", swept_store, "--role", "X")
    one_line_error(run_cli(*unswept), "--district", "a completed sweep as of 2030-01-01")


def test_sweep_of_a_district_not_in_the_store(run_cli, swept_store, one_line_error):
    result = run_cli("sweep", "--as-of", "2026-12-10", "--db", swept_store, "--district", "nope")
    one_line_error(result, "--district", "mesa-verde", "got 'nope'")


@pytest.mark.parametrize(
    "args",
    [
        ("sweep", "--workers", "0"),
        ("sweep", "--workers", "-1"),
        ("demo", "--students", "0"),
        ("demo", "--workers", "0"),
    ],
)
def test_counts_below_one(run_cli, one_line_error, args):
    one_line_error(run_cli(*args), f"'{args[1]}'", "x>=1")


def test_a_goal_outside_0_to_100(district, run_cli, one_line_error, examples):
    cases = district / "cases"
    cases.mkdir()
    shutil.copy(examples / "case-restraint.yaml", cases)
    args = ("report", "restraint", "--config", examples / "mesa-verde.toml", "--year", "2026-27")
    one_line_error(run_cli(*args, "--from", cases, "--goal", "150"), "'--goal'", "0<=x<=100")
    one_line_error(run_cli(*args, "--from", cases, "--next-goal", "-5"), "'--next-goal'")


def test_a_birth_date_after_an_event_is_a_warning(district, run_cli):
    case = _write(
        district,
        "born.yaml",
        "student: {id: S-1, name: Ana Flores, birth_date: 2026-10-01}\n"
        "events:\n  - {type: referral_received, date: 2026-09-08}\n"
        "  - {type: referral_received, date: 2026-09-08}\n",
    )
    result = run_cli("evaluate", "--config", district / "d.toml", case, "--format", "json")
    assert result.exit_code == 0, result.output
    warnings = json.loads(result.stdout)["warnings"]
    assert warnings == [
        f"{case}: events[1] repeats events[0] (referral_received on 2026-09-08): the same fact, "
        "counted once",
        f"{case}: student.birth_date: after events[0] (referral_received on 2026-09-08); "
        "check the birth date",
    ]
    assert "Ana" not in result.output and "2026-10-01" not in " ".join(warnings)
    fine = run_cli(
        "evaluate", "--config", district / "d.toml", district / "case.yaml", "--format", "json"
    )
    assert json.loads(fine.stdout)["warnings"] == []


@pytest.mark.parametrize("year", ["2026-28", "2026-26", "2099-01", "26-27", "2026/27"])
def test_a_school_year_that_is_not_one(district, run_cli, one_line_error, examples, year):
    cases = district / "cases"
    cases.mkdir()
    shutil.copy(examples / "case-restraint.yaml", cases)
    args = ("report", "restraint", "--config", examples / "mesa-verde.toml", "--from", cases)
    one_line_error(run_cli(*args, "--year", year), "--year", "2015-16", repr(year))
    assert run_cli(*args, "--year", "2099-00").exit_code == 0


def test_a_binary_ics_calendar_names_the_encoding(district, run_cli, one_line_error):
    (district / "cal.ics").write_bytes(b"BEGIN:VCALENDAR\r\n\x88\xff\x00\x9a\r\n")
    config = _write(district, "ics.toml", GOOD_CONFIG.replace("cal.yaml", "cal.ics"))
    result = run_cli("evaluate", "--config", config, district / "case.yaml")
    one_line_error(result, "cal.ics: line 2: expected UTF-8 text")
