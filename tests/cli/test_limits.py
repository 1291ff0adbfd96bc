"""The widths checked at input time (core/model/limits.py) are the widths of the store's
columns, and
every String(n) column is either checked or filled by spedrules itself."""

from __future__ import annotations

from sqlalchemy import String

from spedrules.core.model import limits
from spedrules.core.store.database import Base

CHECKED = {
    "districts.id": limits.DISTRICT_ID,
    "students.district_id": limits.DISTRICT_ID,
    "runs.district_id": limits.DISTRICT_ID,
    "districts.name": limits.DISTRICT_NAME,
    "students.student_id": limits.STUDENT_ID,
    "students.school": limits.SCHOOL,
    "events.type": limits.EVENT_TYPE,
    "obligations.responsible": limits.ROLE,
    "records.record_id": limits.RECORD_ID,
    "obligations.delay_reason": limits.DELAY_REASON,
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
    "audit.hash",
    # an event's key is "id:" + its id (at most RECORD_ID, checked) or a digest
    "events.key",
    "events.digest",
    "records.digest",
    # runs: the actor is checked by the CLI (at most 200), the rest are spedrules' own words,
    # the installed plugins' rule provenance, stored student ids and truncated messages
    "runs.status",
    "runs.actor",
    "event_retractions.who",
    "run_rules.rule",
    "run_rules.kind",
    "run_rules.title",
    "run_rules.layer",
    "run_rules.source",
    "run_errors.student_id",
    "run_errors.where",
    # a due date in ISO 8601; a subject is an incident/meeting id or "program, school"
    "obligations.due",
    "obligations.subject",
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
