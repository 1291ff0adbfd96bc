"""The store: districts, students, append-only case events, incidents, meetings, derived
obligations and an audit trail, in SQLAlchemy 2 (SQLite by default; any SQLAlchemy URL works).

Every write happens in one transaction: an import that fails half-way leaves nothing behind.
Obligations are derived: a sweep replaces a student's obligations for one as-of date, so running
it again gives the same rows (idempotent) and an interrupted sweep is simply run again.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    insert,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from spedrules.core.calendar import SchoolCalendar
from spedrules.core.convert import converter
from spedrules.core.errors import InputError

DEFAULT_DB = "spedrules.sqlite"
IMPORT_BATCH = 1_000  # cases written per group of statements


def database_url(db: str | None = None) -> str:
    """``--db`` or ``SPEDRULES_DATABASE_URL``, else a SQLite file in the current folder."""
    url = db or os.environ.get("SPEDRULES_DATABASE_URL") or DEFAULT_DB
    return url if "://" in url else f"sqlite:///{Path(url).resolve()}"


class Base(DeclarativeBase):
    pass


class DistrictRow(Base):
    __tablename__ = "districts"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    config_toml: Mapped[str] = mapped_column(Text)  # the config as given, calendar path dropped
    calendar_yaml: Mapped[str] = mapped_column(Text)  # the calendar, so the store is complete
    # the district's own add-on files (absolute paths): a sweep from the store loads them too
    local_plugins: Mapped[list[str]] = mapped_column(JSON, default=list)


class StudentRow(Base):
    __tablename__ = "students"
    __table_args__ = (UniqueConstraint("district_id", "student_id"),)
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    district_id: Mapped[str] = mapped_column(ForeignKey("districts.id"), index=True)
    student_id: Mapped[str] = mapped_column(String(64))
    school: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)  # the student mapping of the case file
    evaluation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class EventRow(Base):
    """Append-only: events are recorded, never updated."""

    __tablename__ = "events"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    student_pk: Mapped[int] = mapped_column(ForeignKey("students.pk"), index=True)
    type: Mapped[str] = mapped_column(String(100))
    day: Mapped[date] = mapped_column(Date)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)  # the event mapping of the case file
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


class RecordRow(Base):
    """Incidents and meetings, kept as the case file gives them."""

    __tablename__ = "records"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    student_pk: Mapped[int] = mapped_column(ForeignKey("students.pk"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # incident | meeting
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class ObligationRow(Base):
    """Derived by a sweep; rebuilt at will."""

    __tablename__ = "obligations"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    student_pk: Mapped[int] = mapped_column(ForeignKey("students.pk"), index=True)
    as_of: Mapped[date] = mapped_column(Date, index=True)
    rule: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))
    due_day: Mapped[date | None] = mapped_column(Date)
    responsible: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)  # the obligation as in the JSON contract


class AuditRow(Base):
    __tablename__ = "audit"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    who: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(50))
    what: Mapped[str] = mapped_column(String(300))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Store:
    def __init__(self, url: str | None = None):
        from spedrules.core import dberrors

        self.url = database_url(url)
        from_env = not url and os.environ.get("SPEDRULES_DATABASE_URL")
        option = "SPEDRULES_DATABASE_URL" if from_env else "--db"
        try:
            self.engine = create_engine(self.url)
        except Exception as exc:  # a URL SQLAlchemy cannot parse, or a driver not installed
            error = dberrors.engine_error(self.url, option, exc)
            if error is None:
                raise
            raise error from None
        dberrors.mark_url(self.engine)
        self.sqlite_file = _sqlite_file(self.engine)
        if self.sqlite_file is not None:  # only `init` creates the file, so a typo creates none
            event.listen(self.engine, "do_connect", self._require_file)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def _require_file(self, *_args: Any) -> None:
        if not self.sqlite_file.exists():
            raise InputError(
                None,
                "--db",
                "an initialised spedrules database (run `spedrules init`)",
                f"no file {self.sqlite_file}",
            )

    def init(self) -> None:
        """Create or upgrade the schema with the Alembic migrations shipped in the package."""
        from alembic import command

        if self.sqlite_file is not None:
            _create_private(self.sqlite_file)
        with self.engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self.sessions.begin() as session:
            yield session

    # ---- writes (each one transaction, each one audited) ---------------------------------
    def add_district(self, config_path: Path, who: str) -> str:
        from spedrules.core.config import load_config
        from spedrules.core.files import read_toml

        data = read_toml(config_path)
        district = data["district"]
        local = [str(p.resolve()) for p in load_config(config_path).local_plugins]
        # kept in the YAML format whatever the source (.yaml or .ics), so the store is complete
        loaded = SchoolCalendar.load(config_path.parent / district["calendar"])
        calendar = yaml.safe_dump(loaded.to_dict(), sort_keys=False)
        config_text = config_path.read_text(encoding="utf-8")
        with self.transaction() as s:
            row = s.get(DistrictRow, district["id"])
            before = {"name": row.name} if row else None
            if row is None:
                row = DistrictRow(id=district["id"])
                s.add(row)
            row.name, row.config_toml, row.calendar_yaml = district["name"], config_text, calendar
            row.local_plugins = local
            audit(s, who, "district", district["id"], before, {"name": row.name, "local": local})
        return district["id"]

    def add_cases(
        self,
        district_id: str,
        cases: Iterable[dict[str, Any]],
        who: str,
        fail_after: int | None = None,
    ) -> int:
        """Add (or extend) students' cases; events are appended, never replaced. All or nothing.

        ``fail_after`` injects a failure after that many cases (to test that nothing is kept).
        """
        count = 0
        with self.transaction() as s:
            batch: list[dict[str, Any]] = []
            for case in cases:
                if fail_after is not None and count >= fail_after:
                    raise RuntimeError(f"injected failure after {count} cases")
                batch.append(case)
                count += 1
                if len(batch) == IMPORT_BATCH:
                    self._add_batch(s, district_id, batch, who)
                    batch = []
            self._add_batch(s, district_id, batch, who)
        return count

    def add_events(
        self, district_id: str, events: dict[str, list[dict[str, Any]]], who: str
    ) -> int:
        """Append events to existing students, all or nothing; an unknown student is an error."""
        now = _now()
        with self.transaction() as s:
            rows = self._students(s, district_id, list(events))
            for sid in events:
                if sid not in rows:
                    raise InputError(
                        None,
                        f"student_id {sid}",
                        f"a student of {district_id} (import students first)",
                    )
            added = [
                _event_row(rows[sid].pk, e, now) for sid, items in events.items() for e in items
            ]
            _insert(s, EventRow, added)
            _insert(
                s,
                AuditRow,
                [
                    _audit_row(who, "events", f"{district_id}/{sid}", None, {"added": len(items)})
                    for sid, items in events.items()
                ],
            )
        return len(added)

    def _students(self, s: Session, district_id: str, ids: list[str]) -> dict[str, StudentRow]:
        found: dict[str, StudentRow] = {}
        for i in range(0, len(ids), IMPORT_BATCH):  # bounded IN lists
            chunk = ids[i : i + IMPORT_BATCH]
            query = select(StudentRow).where(
                StudentRow.district_id == district_id, StudentRow.student_id.in_(chunk)
            )
            found.update((row.student_id, row) for row in s.scalars(query))
        return found

    def _add_batch(
        self, s: Session, district_id: str, cases: list[dict[str, Any]], who: str
    ) -> None:
        """Cases written with a few statements per batch (one lookup, one insert per table), not
        a round trip per case: the same rows as case by case, events in order, one audit row each.
        A student twice in one batch is written case by case, in order."""
        if not cases:
            return
        ids = [str(c["student"]["id"]) for c in cases]
        if len(set(ids)) < len(ids):
            for case in cases:
                self._add_batch(s, district_id, [case], who)
            return
        rows = self._students(s, district_id, ids)
        before = {sid: dict(row.data) for sid, row in rows.items()}
        for sid, case in zip(ids, cases, strict=True):
            row = rows.get(sid)
            if row is None:
                row = rows[sid] = StudentRow(district_id=district_id, student_id=sid, data={})
                s.add(row)
            student = case["student"]
            row.data, row.school = student, student.get("school")
            row.evaluation = case.get("evaluation") or {}
        s.flush()  # new students get their keys (one multi-row insert)
        now = _now()
        existing = [rows[sid].pk for sid in before]
        if existing:
            s.execute(delete(RecordRow).where(RecordRow.student_pk.in_(existing)))
        _insert(
            s,
            EventRow,
            [
                _event_row(rows[sid].pk, e, now)
                for sid, c in zip(ids, cases, strict=True)
                for e in c.get("events", [])
            ],
        )
        _insert(
            s,
            RecordRow,
            [
                {"student_pk": rows[sid].pk, "kind": kind[:-1], "data": item}
                for sid, c in zip(ids, cases, strict=True)
                for kind in ("incidents", "meetings")
                for item in c.get(kind, [])
            ],
        )
        _insert(
            s,
            AuditRow,
            [
                _audit_row(who, "case", f"{district_id}/{sid}", before.get(sid), c["student"])
                for sid, c in zip(ids, cases, strict=True)
            ],
        )

    # ---- reads ----------------------------------------------------------------------------
    def district(self, district_id: str) -> DistrictRow | None:
        with self.sessions() as s:
            return s.get(DistrictRow, district_id)

    def districts(self) -> list[str]:
        with self.sessions() as s:
            return list(s.scalars(select(DistrictRow.id).order_by(DistrictRow.id)))

    def student_keys(self, district_id: str) -> list[int]:
        with self.sessions() as s:
            return list(
                s.scalars(
                    select(StudentRow.pk)
                    .where(StudentRow.district_id == district_id)
                    .order_by(StudentRow.pk)
                )
            )

    def cases(self, district_id: str, lo: int, hi: int) -> Iterator[tuple[int, dict[str, Any]]]:
        """The case mappings of students ``lo <= pk < hi`` in one district, as in a case file."""
        with self.sessions() as s:
            students = s.scalars(
                select(StudentRow)
                .where(
                    StudentRow.district_id == district_id, StudentRow.pk >= lo, StudentRow.pk < hi
                )
                .order_by(StudentRow.pk)
            ).all()
            pks = [st.pk for st in students]
            events: dict[int, list] = {pk: [] for pk in pks}
            for ev in s.scalars(
                select(EventRow).where(EventRow.student_pk.in_(pks)).order_by(EventRow.pk)
            ):
                events[ev.student_pk].append(ev.data)
            records: dict[int, dict[str, list]] = {
                pk: {"incidents": [], "meetings": []} for pk in pks
            }
            for rec in s.scalars(select(RecordRow).where(RecordRow.student_pk.in_(pks))):
                records[rec.student_pk][rec.kind + "s"].append(rec.data)
            for st in students:
                yield (
                    st.pk,
                    {
                        "student": st.data,
                        "events": events[st.pk],
                        "evaluation": st.evaluation,
                        **records[st.pk],
                    },
                )

    def replace_obligations(self, rows: list[dict[str, Any]], as_of: date) -> None:
        """Store a partition's obligations, replacing what an earlier sweep stored (idempotent)."""
        pks = sorted({r["student_pk"] for r in rows})
        with self.transaction() as s:
            if pks:
                s.execute(
                    delete(ObligationRow).where(
                        ObligationRow.as_of == as_of, ObligationRow.student_pk.in_(pks)
                    )
                )
            if rows:  # one executemany, not an ORM object per obligation (they are derived data)
                s.execute(insert(ObligationRow), rows)

    def obligations(self, as_of: date, district_id: str | None = None) -> list[dict[str, Any]]:
        with self.sessions() as s:
            query = (
                select(ObligationRow, StudentRow)
                .join(StudentRow, StudentRow.pk == ObligationRow.student_pk)
                .where(ObligationRow.as_of == as_of)
            )
            if district_id:
                query = query.where(StudentRow.district_id == district_id)
            return [
                {
                    **o.data,
                    "student": st.student_id,
                    "district": st.district_id,
                    "school": st.school,
                    "due_day": o.due_day,
                    "responsible": o.responsible,
                }
                for o, st in s.execute(query.order_by(ObligationRow.pk))
            ]

    def audit_rows(self) -> list[AuditRow]:
        with self.sessions() as s:
            return list(s.scalars(select(AuditRow).order_by(AuditRow.pk)))


def _sqlite_file(engine) -> Path | None:
    """The file of a SQLite store (None for other databases and in-memory SQLite)."""
    name = engine.url.database
    if engine.url.get_backend_name() != "sqlite" or not name or name == ":memory:":
        return None
    return Path(name.removeprefix("file:"))  # sqlite:///file:PATH?mode=ro&uri=true


def _create_private(path: Path) -> None:
    """Create the SQLite file 0600 whatever the umask (it holds student records); SQLite gives
    its -journal and -wal files the database file's permissions."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    except OSError as exc:
        raise InputError(
            None, "--db", f"a SQLite file spedrules can create ({exc.strerror})", str(path)
        ) from None
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def alembic_config():
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    return config


def audit(s: Session, who: str, action: str, what: str, before, after) -> None:
    s.add(AuditRow(**_audit_row(who, action, what, before, after)))


def _audit_row(who: str, action: str, what: str, before, after) -> dict[str, Any]:
    return {
        "at": _now(),
        "who": who,
        "action": action,
        "what": what,
        "before": _plain(before),
        "after": _plain(after),
    }


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _event_row(student_pk: int, event: dict[str, Any], now: datetime) -> dict[str, Any]:
    day = str(event.get("date") or event.get("at"))[:10]
    return {
        "student_pk": student_pk,
        "type": event["type"],
        "day": date.fromisoformat(day),
        "data": event,
        "recorded_at": now,
    }


def _insert(s: Session, table: type, rows: list[dict[str, Any]]) -> None:
    """One executemany for many rows (Core insert: no ORM object per row)."""
    if rows:
        s.execute(insert(table), rows)


def _plain(value: Any) -> Any:
    return (
        None if value is None else json.loads(json.dumps(converter.unstructure(value), default=str))
    )
