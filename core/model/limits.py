"""Longest values the store's columns hold, checked when input is read.

SQLite stores a 70-character student id in a ``VARCHAR(64)`` column; PostgreSQL refuses it. So the
limits are checked at input time (case files, CSV imports, district configs) and both databases
agree: a value that is too long is one error naming the file, the field and the limit.
``tests/cli/test_limits.py`` keeps these numbers equal to the columns of ``core/store/database.py``.
"""

from __future__ import annotations

from spedrules.core.errors import InputError

DISTRICT_ID = 64  # districts.id, students.district_id
DISTRICT_NAME = 200  # districts.name
STUDENT_ID = 64  # students.student_id
SCHOOL = 200  # students.school
EVENT_TYPE = 100  # events.type
ROLE = 200  # obligations.responsible (a district's [responsible] roles)
RECORD_ID = 64  # records.record_id (incident and meeting ids); events.key holds "id:" + an event id
DELAY_REASON = 100  # obligations.delay_reason (the reason code of delay_reason_recorded)
CASE_MANAGER = 200  # the case manager named on work lists


def check_length(value: object, limit: int, file: object, field: str) -> None:
    if isinstance(value, str) and len(value) > limit:
        raise InputError(file, field, f"at most {limit} characters", f"{len(value)} characters")
