"""Imports from CSV: students and events, every row checked before anything is written.

students.csv columns: ``id`` (required), ``birth_date``, ``name``, ``grade``, ``disability``,
``secondary_disability``, ``school``, ``ethnicity``, ``home_language``, ``english_learner``,
``has_bip`` (true/false). events.csv columns: ``student_id``, ``type``, and ``date`` or ``at``;
any other non-empty column becomes an attribute of the event (``meeting_type``, ``eligible``,
``days``...). Values true/false become booleans and whole numbers become numbers. Samples:
``examples/import-students.csv`` and ``examples/import-events.csv``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from attrs import frozen

from spedrules.core.errors import InputError
from spedrules.core.files import read_text
from spedrules.core.model.case import case_from_dict

STUDENT_COLUMNS = (
    "id",
    "birth_date",
    "name",
    "grade",
    "disability",
    "secondary_disability",
    "school",
    "ethnicity",
    "home_language",
    "english_learner",
    "has_bip",
)


EVENT_COLUMNS = ("student_id", "type")  # and ``date`` or ``at``; other columns are attributes


@frozen
class RowError:
    row: int  # the line of the file where the row starts (line 1 is the header)
    message: str


def _value(text: str) -> Any:
    low = text.strip().lower()
    if low in ("true", "false"):
        return low == "true"
    if text.strip().isdigit():
        return int(text.strip())
    return text.strip()


@frozen
class _Table:
    header: tuple[str, ...]
    rows: list[tuple[int, list[str]]]  # (line where the row starts, its fields)


def _table(path: Path) -> _Table:
    """A CSV file's header and rows with their line numbers. UTF-8 (an Excel byte-order mark is
    accepted); a file without rows, a blank or repeated column name, or bytes that are not CSV
    are one error for the whole file."""
    text = read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    records: list[tuple[int, list[str]]] = []
    line = 1
    try:
        for fields in reader:
            if fields:  # a blank line is no row
                records.append((line, fields))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(path, f"line {reader.line_num}", "valid CSV", str(exc)) from None
    if not records:
        raise InputError(path, None, "a header line and at least one row", "no rows")
    (first, header), rows = records[0], records[1:]
    names = tuple(h.strip() for h in header)
    for i, name in enumerate(names):
        if not name:
            raise InputError(path, f"line {first}", f"a name for column {i + 1}", header[i])
        if name in names[:i]:
            raise InputError(path, f"line {first}", "each column name once", name)
    if not rows:
        raise InputError(path, None, "at least one row after the header line", "no rows")
    return _Table(names, rows)


def _mapping(path: Path, table: _Table, line: int, fields: list[str]) -> dict[str, str]:
    """One row as column -> text; a row with more or fewer fields than the header is an error
    (a missing or extra comma shifts every later value into the wrong column)."""
    if len(fields) != len(table.header):
        raise InputError(
            path,
            f"line {line}",
            f"{len(table.header)} fields, as many as the header has",
            f"{len(fields)} field" + ("" if len(fields) == 1 else "s"),
        )
    return dict(zip(table.header, fields, strict=True))


def _check_header(path: Path, table: _Table, allowed, required) -> None:
    unknown = [h for h in table.header if allowed is not None and h not in allowed]
    if unknown:
        raise InputError(path, f"line 1: {unknown[0]}", "one of the columns " + ", ".join(allowed))
    missing = [c for c in required if c not in table.header]
    if missing:
        raise InputError(path, "line 1", f"a column {missing[0]!r} (required)")


def read_students(path: Path, event_types: frozenset[str]):
    """(good student mappings, bad rows) from a students CSV."""
    table = _table(path)
    _check_header(path, table, STUDENT_COLUMNS, ("id",))
    good, bad = [], []
    first_line: dict[str, int] = {}
    for n, fields in table.rows:
        try:
            row = _mapping(path, table, n, fields)
            student = {k: _value(v) for k, v in row.items() if v.strip()}
            for key in ("id", "grade", "name", "school"):
                if key in student:
                    student[key] = str(student[key])
            case_from_dict({"student": student}, None, event_types)
            sid = student["id"]
            if sid in first_line:
                raise InputError(
                    path, f"line {n}: id", f"an id not already on line {first_line[sid]}", sid
                )
            first_line[sid] = n
        except InputError as exc:
            bad.append(RowError(n, _row_message(path, n, exc)))
            continue
        good.append(student)
    return good, bad


def read_events(path: Path, event_types: frozenset[str]):
    """(good {student_id: [events]}, bad rows) from an events CSV."""
    table = _table(path)
    _check_header(path, table, None, EVENT_COLUMNS)
    if "date" not in table.header and "at" not in table.header:
        raise InputError(path, "line 1", "a column 'date' or 'at'")
    good: dict[str, list[dict[str, Any]]] = {}
    bad = []
    for n, fields in table.rows:
        try:
            row = _mapping(path, table, n, fields)
            sid = row["student_id"].strip()
            event = {k: _value(v) for k, v in row.items() if k != "student_id" and v.strip()}
            if "date" in event:
                event["date"] = str(event["date"])
            if not sid:
                raise InputError(path, f"line {n}: student_id", "a student id")
            case_from_dict({"student": {"id": sid}, "events": [event]}, None, event_types)
        except InputError as exc:
            bad.append(RowError(n, _row_message(path, n, exc)))
            continue
        good.setdefault(sid, []).append(event)
    return good, bad


def _row_message(path: Path, row: int, exc: InputError) -> str:
    field = (exc.field or "").replace("events[0].", "").replace("student.", "")
    if field.startswith("line "):
        return str(exc)
    got = "" if exc.got is ... else f", got {exc.got!r}"
    return f"{path}: line {row}: {field}: expected {exc.expected}{got}"
