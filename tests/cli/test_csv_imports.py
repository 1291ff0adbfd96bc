"""Students and events CSVs as spreadsheets really write them (issue 13 item 5): a UTF-8 BOM is
accepted, other encodings are named, every error names its line, a wrong header is reported once,
a duplicate id names both lines, and a refused import writes nothing."""

from __future__ import annotations

import pytest

from spedrules.core.store.database import Store


@pytest.fixture
def store(tmp_path, run_cli, examples):
    db = tmp_path / "csv.sqlite"
    assert run_cli("district", "add", examples / "mesa-verde.toml", "--db", db).exit_code == 0
    return db


def _import(run_cli, db, kind, path, *extra):
    return run_cli("import", kind, path, "--district", "mesa-verde", "--db", db, *extra)


def _snapshot(db):
    store = Store(str(db))
    return (
        [c for _, c in store.cases("mesa-verde", 0, 10**9)],
        len(store.audit_rows()),
    )


def _bad_rows(result):
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("spedrules: error: ") and "nothing was written" in lines[-1]
    return lines[:-1]


def test_a_byte_order_mark_is_accepted(tmp_path, run_cli, store):
    path = tmp_path / "excel.csv"
    path.write_bytes("id,name,school\r\nS-1,José,Walnut Elementary\r\n".encode("utf-8-sig"))
    result = _import(run_cli, store, "students", path)
    assert result.exit_code == 0, result.output
    cases, _ = _snapshot(store)
    assert [c["student"]["id"] for c in cases] == ["S-1"]  # not "\ufeffid" -> a column error
    assert cases[0]["student"]["name"] == "José"


def test_latin1_names_the_encoding_and_the_line(tmp_path, run_cli, store, one_line_error):
    path = tmp_path / "latin1.csv"
    path.write_bytes("id,name\nS-1,Ana\nS-2,José\n".encode("latin-1"))
    before = _snapshot(store)
    one_line_error(_import(run_cli, store, "students", path), "latin1.csv: line 3", "UTF-8 text")
    assert _snapshot(store) == before


def test_ragged_rows_name_their_lines_never_none(tmp_path, run_cli, store):
    path = tmp_path / "ragged.csv"
    path.write_text("id,name,grade\nS-1,Ana,4\nS-2,Ben,5,extra\nS-3,Cy\n\nS-4,Di,6\n")
    before = _snapshot(store)
    lines = _bad_rows(_import(run_cli, store, "students", path))
    assert len(lines) == 2
    assert "ragged.csv: line 3: expected 3 fields" in lines[0] and "4 fields" in lines[0]
    assert "ragged.csv: line 4: expected 3 fields" in lines[1] and "2 fields" in lines[1]
    assert not any("None" in line for line in lines)
    assert _snapshot(store) == before
    skipped = _import(run_cli, store, "students", path, "--skip-bad")
    assert skipped.exit_code == 0 and "imported 2 student(s)" in skipped.stdout


def test_a_quoted_line_break_keeps_later_line_numbers_true(tmp_path, run_cli, store):
    path = tmp_path / "quoted.csv"
    path.write_text('id,name,grade\nS-1,"Ana\nMaria",4\nS-2,Ben,4,x\n')
    lines = _bad_rows(_import(run_cli, store, "students", path))
    assert len(lines) == 1 and "quoted.csv: line 4:" in lines[0]  # the row after the 2-line one


def test_a_wrong_header_is_one_error(tmp_path, run_cli, store, one_line_error):
    path = tmp_path / "header.csv"
    path.write_text("idd,name\n" + "".join(f"S-{i},N\n" for i in range(50)))
    one_line_error(_import(run_cli, store, "students", path), "header.csv: line 1: idd")
    events = tmp_path / "events.csv"
    events.write_text("student,type,date\nS-1,absence,2026-10-01\nS-1,absence,2026-10-02\n")
    one_line_error(_import(run_cli, store, "events", events), "line 1", "'student_id'")
    no_day = tmp_path / "noday.csv"
    no_day.write_text("student_id,type\nS-1,absence\n")
    one_line_error(_import(run_cli, store, "events", no_day), "line 1", "'date' or 'at'")
    twice = tmp_path / "twice.csv"
    twice.write_text("id,name,name\nS-1,A,B\n")
    one_line_error(_import(run_cli, store, "students", twice), "line 1", "each column name once")


def test_a_duplicate_student_id_names_both_lines(tmp_path, run_cli, store):
    path = tmp_path / "dup.csv"
    path.write_text("id,name\nS-5,First\nS-6,Other\nS-5,Second\n")
    before = _snapshot(store)
    lines = _bad_rows(_import(run_cli, store, "students", path))
    assert lines == [
        f"spedrules: bad row: {path}: line 4: id: expected an id not already on line 2, got 'S-5'"
    ]
    assert _snapshot(store) == before  # not "last row wins"


@pytest.mark.parametrize("text", ["", "\n\n", "id,name\n", "id,name\n\n"])
def test_an_empty_csv_is_an_error(tmp_path, run_cli, store, one_line_error, text):
    path = tmp_path / "empty.csv"
    path.write_text(text)
    one_line_error(_import(run_cli, store, "students", path), "empty.csv", "no rows")
    one_line_error(_import(run_cli, store, "events", path), "empty.csv", "no rows")


def test_ids_longer_than_the_store_column(tmp_path, run_cli, store):
    path = tmp_path / "long.csv"
    path.write_text(f"id,school\n{'x' * 65},A\nS-1,{'s' * 201}\n{'y' * 64},B\n")
    lines = _bad_rows(_import(run_cli, store, "students", path))
    assert "line 2: id: expected at most 64 characters, got '65 characters'" in lines[0]
    assert "line 3: school: expected at most 200 characters" in lines[1]
    assert len(lines) == 2  # 64 characters fit


def test_events_csv_errors_name_lines(tmp_path, run_cli, store):
    path = tmp_path / "ev.csv"
    path.write_text(
        "student_id,type,date\nMV-1,absence,2026-10-01\n,absence,2026-10-02\n"
        "MV-1,absence,2026-13-01\nMV-1,absence\n"
    )
    lines = _bad_rows(_import(run_cli, store, "events", path))
    assert [line.split(": ")[3] for line in lines] == ["line 3", "line 4", "line 5"]
