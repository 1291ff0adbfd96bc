"""Files spedrules writes for a user: a bad --out is one line and exit 2 before any work, nothing
is half-written, and every file holding student data is 0600 whatever the umask (issue 13)."""

from __future__ import annotations

import json
import os
import stat
from contextlib import contextmanager

import pytest

from spedrules.core.errors import InputError
from spedrules.core.files import output_file, write_output

FORM = ("forms", "fill", "NC6A", "--meeting", "M-2026-12-02")


@contextmanager
def umask(mask: int):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def fill(run_cli, examples, out, *extra):
    return run_cli(
        *FORM[:3],
        "--config",
        examples / "mesa-verde.toml",
        examples / "case-forms-meeting.yaml",
        *FORM[3:],
        "--out",
        out,
        *extra,
    )


@pytest.mark.parametrize("suffix", [".html", ".pdf", ".json"])
def test_forms_fill_into_a_missing_folder(tmp_path, run_cli, examples, one_line_error, suffix):
    out = tmp_path / "no-such-folder" / f"form{suffix}"
    line = one_line_error(fill(run_cli, examples, out), "--out", "existing folder")
    assert "no-such-folder" in line
    assert not out.parent.exists()


def test_forms_fill_into_an_unwritable_place(run_cli, examples, one_line_error):
    one_line_error(fill(run_cli, examples, "/proc/x.html"), "--out", "/proc/x.html")
    assert not os.path.exists("/proc/x.html")


def test_forms_fill_onto_a_folder(tmp_path, run_cli, examples, one_line_error):
    (tmp_path / "x.html").mkdir()
    one_line_error(fill(run_cli, examples, tmp_path / "x.html"), "--out", "is a directory")


def test_export_ics_into_a_missing_folder(tmp_path, run_cli, swept_store, one_line_error):
    out = tmp_path / "nope" / "deadlines.ics"
    result = run_cli("export", "ics", "--as-of", "2026-12-10", "--db", swept_store, "--out", out)
    one_line_error(result, "--out", "existing folder")
    assert not out.parent.exists()


def test_restraint_chart_into_a_missing_folder(tmp_path, run_cli, examples, one_line_error):
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "r.yaml").write_text((examples / "case-restraint.yaml").read_text())
    out = tmp_path / "nope" / "chart.png"
    result = run_cli(
        "report", "restraint", "--config", examples / "mesa-verde.toml", "--year", "2026-27",
        "--from", cases, "--chart", out,
    )  # fmt: skip
    one_line_error(result, "--chart", "existing folder")
    bad_suffix = run_cli(
        "report", "restraint", "--config", examples / "mesa-verde.toml", "--year", "2026-27",
        "--from", cases, "--chart", tmp_path / "chart.gif",
    )  # fmt: skip
    one_line_error(bad_suffix, "--chart", ".png or .svg")


def test_outputs_are_private_whatever_the_umask(tmp_path, run_cli, examples, swept_store):
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "r.yaml").write_text((examples / "case-restraint.yaml").read_text())
    html, js, ics, png = (tmp_path / n for n in ("f.html", "f.json", "d.ics", "c.png"))
    html.write_text("an older, world-readable file")
    os.chmod(html, 0o644)
    with umask(0o022):
        assert fill(run_cli, examples, html).exit_code == 0
        assert fill(run_cli, examples, js).exit_code == 0
        exported = run_cli(
            "export", "ics", "--as-of", "2026-12-10", "--db", swept_store, "--out", ics
        )
        assert exported.exit_code == 0, exported.output
        charted = run_cli(
            "report", "restraint", "--config", examples / "mesa-verde.toml", "--year",
            "2026-27", "--from", cases, "--chart", png,
        )  # fmt: skip
        assert charted.exit_code == 0, charted.output
    for path in (html, js, ics, png):
        assert mode(path) == 0o600, (path, oct(mode(path)))
    assert "<html" in html.read_text().lower()  # replaced, not appended to
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".part")) == []


def test_sqlite_store_and_its_journals_are_private(tmp_path, run_cli, examples):
    import sqlite3

    db = tmp_path / "store.sqlite"
    with umask(0o022):
        assert run_cli("init", "--db", db).exit_code == 0
        assert mode(db) == 0o600
        con = sqlite3.connect(db)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("CREATE TABLE probe (x)")
        con.execute("INSERT INTO probe VALUES (1)")
        con.commit()
        wal = tmp_path / "store.sqlite-wal"
        assert wal.exists() and mode(wal) == 0o600  # SQLite copies the database file's mode
        con.close()


def test_a_failed_write_leaves_the_old_file_and_no_debris(tmp_path):
    target = tmp_path / "report.json"
    target.write_text("old")
    with pytest.raises(RuntimeError), output_file(target) as fh:
        fh.write(b"half of the new ")
        raise RuntimeError("the renderer crashed")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_write_output_names_the_option(tmp_path):
    with pytest.raises(InputError) as err:
        write_output(tmp_path / "missing" / "x.ics", b"x", option="--out")
    assert str(err.value).startswith("--out: expected a file in an existing folder")
    with umask(0o000):
        path = write_output(tmp_path / "x.txt", "é")
    assert mode(path) == 0o600 and path.read_text(encoding="utf-8") == "é"


def test_ics_carries_id_title_and_due_date_only(tmp_path, run_cli, swept_store):
    """S-77 (born 2011-03-04) has an open transition plan due on the 16th birthday, 2027-03-04;
    its explanation quotes the birth date, which must not travel into a third-party calendar."""
    result = run_cli("export", "ics", "--as-of", "2026-12-10", "--db", swept_store)
    assert result.exit_code == 0, result.output
    text = result.stdout.replace("\r\n ", "")  # unfold iCalendar lines
    events = text.count("BEGIN:VEVENT")
    assert events >= 2
    assert "SUMMARY:S-77: " in text and "DTSTART;VALUE=DATE:20270304" in text
    for private in ("2011-03-04", "20110304", "Zed", "Quill", "Ana Flores", "2016-04-02"):
        assert private not in text, private
    role = run_cli(
        "export", "ics", "--as-of", "2026-12-10", "--db", swept_store, "--student", "S-77"
    )
    assert role.exit_code == 0 and role.stdout.count("BEGIN:VEVENT") >= 1


def test_forms_fill_reports_without_the_students_name(tmp_path, run_cli, examples):
    result = fill(run_cli, examples, tmp_path / "f.json")
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "f.json").read_text())["student"] == "Sam Ortiz"  # the form's
    assert "Sam Ortiz" not in result.output and "Ortiz" not in result.output


def test_pdf_forms_are_private_and_whole(tmp_path, run_cli, examples):
    pytest.importorskip("weasyprint")
    out = tmp_path / "f.pdf"
    with umask(0o022):
        result = fill(run_cli, examples, out)
    assert result.exit_code == 0, result.output
    assert mode(out) == 0o600
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    assert [p.name for p in tmp_path.iterdir()] == ["f.pdf"]
