"""Checks shared by the bad-input tests: one line on stderr, exit 2, no traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from spedrules.cli.main import cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def one_line_error(result, *needles: str) -> str:
    """Assert the standard for bad input and return the line."""
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    assert lines[0].startswith("spedrules: error: "), lines[0]
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


@pytest.fixture(name="one_line_error")
def one_line_error_fixture():
    return one_line_error


def invoke(*args) -> object:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def swept_store(tmp_path_factory):
    """A SQLite store with Mesa Verde, the example CSVs and an older student (whose transition
    plan's explanation quotes the birth date), swept as of 2026-12-10."""
    folder = tmp_path_factory.mktemp("store")
    db = folder / "s.sqlite"
    shutil.copy(EXAMPLES / "mesa-verde.toml", folder)
    shutil.copy(EXAMPLES / "mesa-verde-2026-27.yaml", folder)
    (folder / "cases").mkdir()
    (folder / "cases" / "older.yaml").write_text(
        "student: {id: S-77, name: Zed Quill, birth_date: 2011-03-04, disability: SLD}\n"
        "events:\n  - {type: iep_meeting_held, date: 2026-10-01, meeting_type: annual}\n"
    )
    steps = [
        ("init", "--db", db),
        ("district", "add", folder / "mesa-verde.toml", "--db", db),
        ("import", "students", EXAMPLES / "import-students.csv", "--district", "mesa-verde"),
        ("import", "events", EXAMPLES / "import-events.csv", "--district", "mesa-verde"),
        ("import", "cases", folder / "cases", "--district", "mesa-verde"),
        ("sweep", "--as-of", "2026-12-10", "--format", "json"),
    ]
    for step in steps:
        args = [*step, "--db", db] if "--db" not in step else list(step)
        result = invoke(*args)
        assert result.exit_code == 0, (step, result.output)
    return db
