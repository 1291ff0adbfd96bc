"""The widths checked at input time (core/limits.py) are the widths of the store's columns, and
every String(n) column is either checked or filled by spedrules itself."""

from __future__ import annotations

from sqlalchemy import String

from spedrules.core import limits
from spedrules.core.store import Base

CHECKED = {
    "districts.id": limits.DISTRICT_ID,
    "students.district_id": limits.DISTRICT_ID,
    "districts.name": limits.DISTRICT_NAME,
    "students.student_id": limits.STUDENT_ID,
    "students.school": limits.SCHOOL,
    "events.type": limits.EVENT_TYPE,
    "obligations.responsible": limits.ROLE,
}
# filled by spedrules, not by a user's file: fixed words, rule ids and kinds of installed plugins,
# "district/student" (at most 64 + 1 + 64 characters), the operating-system user
NOT_FROM_INPUT = {
    "records.kind",
    "obligations.rule",
    "obligations.kind",
    "obligations.status",
    "audit.who",
    "audit.action",
    "audit.what",
}


def _string_columns() -> dict[str, int]:
    found = {}
    for table in Base.metadata.tables.values():
        for column in table.columns:
            length = getattr(column.type, "length", None)
            if isinstance(column.type, String) and length:
                found[f"{table.name}.{column.name}"] = length
            elif column.foreign_keys and column.name == "district_id":
                found[f"{table.name}.{column.name}"] = next(
                    iter(column.foreign_keys)
                ).column.type.length
    return found


def test_checked_widths_are_the_store_columns():
    columns = _string_columns()
    for name, width in CHECKED.items():
        assert columns.get(name) == width, name


def test_every_string_column_is_accounted_for():
    columns = set(_string_columns())
    assert columns - set(CHECKED) - NOT_FROM_INPUT == set()
    assert 2 * limits.STUDENT_ID + 1 <= _string_columns()["audit.what"]
