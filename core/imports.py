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
from pathlib import Path
from typing import Any

from attrs import frozen

from spedrules.core.case import case_from_dict
from spedrules.core.errors import InputError

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


@frozen
class RowError:
    row: int
    message: str


def _value(text: str) -> Any:
    low = text.strip().lower()
    if low in ("true", "false"):
        return low == "true"
    if text.strip().isdigit():
        return int(text.strip())
    return text.strip()


def _rows(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            return list(csv.DictReader(fh))
    except FileNotFoundError:
        raise InputError(path, None, "an existing file", "no such file") from None


def read_students(path: Path, event_types: frozenset[str]):
    """(good student mappings, bad rows) from a students CSV."""
    good, bad = [], []
    for n, row in enumerate(_rows(path), start=2):  # row 1 is the header
        unknown = sorted(k for k in row if k not in STUDENT_COLUMNS)
        student = {k: _value(v) for k, v in row.items() if k in STUDENT_COLUMNS and v.strip()}
        for key in ("id", "grade", "name", "school"):
            if key in student:
                student[key] = str(student[key])
        try:
            if unknown:
                raise InputError(
                    path,
                    f"row {n}: {unknown[0]}",
                    "one of the columns " + ", ".join(STUDENT_COLUMNS),
                )
            case_from_dict({"student": student}, None, event_types)
        except InputError as exc:
            bad.append(RowError(n, _row_message(path, n, exc)))
            continue
        good.append(student)
    return good, bad


def read_events(path: Path, event_types: frozenset[str]):
    """(good {student_id: [events]}, bad rows) from an events CSV."""
    good: dict[str, list[dict[str, Any]]] = {}
    bad = []
    for n, row in enumerate(_rows(path), start=2):
        sid = (row.get("student_id") or "").strip()
        event = {k: _value(v) for k, v in row.items() if k != "student_id" and v and v.strip()}
        if "date" in event:
            event["date"] = str(event["date"])
        try:
            if not sid:
                raise InputError(path, f"row {n}: student_id", "a student id")
            case_from_dict({"student": {"id": sid}, "events": [event]}, None, event_types)
        except InputError as exc:
            bad.append(RowError(n, _row_message(path, n, exc)))
            continue
        good.setdefault(sid, []).append(event)
    return good, bad


def _row_message(path: Path, row: int, exc: InputError) -> str:
    field = (exc.field or "").replace("events[0].", "").replace("student.", "")
    if field.startswith("row "):
        return str(exc)
    got = "" if exc.got is ... else f", got {exc.got!r}"
    return f"{path}: row {row}: {field}: expected {exc.expected}{got}"
