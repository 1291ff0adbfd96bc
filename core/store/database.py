"""The store, a system of record (README, "Running it every morning"): districts, students,
append-only case events, versioned incidents and meetings, sweep runs with the obligations they
derived, and a hash-chained audit trail, in SQLAlchemy 2 (SQLite by default; PostgreSQL in
production).

- Imports are idempotent: an event has an identity (the source's ``id``, else a digest of its
  content, :func:`spedrules.core.model.case.event_key`); a known event is skipped and counted, a
  known
  id with other content is an error naming both, nothing is deleted by an import. A wrong event
  is retracted by appending a retraction with a reason.
- Incidents and meetings keep every version: a changed record is a new version, the old one
  stays, and the audit row says what changed.
- A sweep is a run: its obligations belong to it, readers read the district's latest completed
  run, and a failed or killed run is never read. Stale rows cannot exist by construction.
- Every write is one transaction with an audit row naming its actor; each audit row carries the
  hash of the previous one (:meth:`Store.verify_audit`), and the database itself rejects UPDATE
  and DELETE on events, retractions, records and the audit (triggers, migration 0004).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime
from itertools import chain, groupby, repeat
from operator import itemgetter
from pathlib import Path
from typing import Any

import yaml
from attrs import frozen
from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    cast,
    create_engine,
    delete,
    func,
    literal,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy import (
    case as sql_case,
)
from sqlalchemy import event as sa_event
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    sessionmaker,
)

from spedrules.core.calendar import SchoolCalendar
from spedrules.core.errors import InputError, SpedrulesError
from spedrules.core.model.case import canonical, event_digest, event_key
from spedrules.core.model.convert import converter
from spedrules.core.store import collector

DEFAULT_DB = "spedrules.sqlite"
IMPORT_BATCH = 1_000  # cases written per group of statements


class SweepBusy(SpedrulesError):
    """Another sweep of the same district holds its lock: refused, never interleaved."""


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
    # the district's own add-ons: name, path, SHA-256 and text (a sweep runs the stored text)
    local_plugins: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)


class StudentRow(Base):
    __tablename__ = "students"
    __table_args__ = (UniqueConstraint("district_id", "student_id"),)
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    district_id: Mapped[str] = mapped_column(ForeignKey("districts.id"), index=True)
    student_id: Mapped[str] = mapped_column(String(64))
    school: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)  # the student mapping of the case file
    evaluation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # bumped with every change of what an evaluation reads (the student, a new event, a
    # retraction, a new record version): an incremental sweep re-evaluates a changed student
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class EventRow(Base):
    """Append-only: an event is recorded once (by its key) and never updated or deleted."""

    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("student_pk", "key"),)
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    student_pk: Mapped[int] = mapped_column(ForeignKey("students.pk"), index=True)
    key: Mapped[str] = mapped_column(String(100))  # event_key: the source id, else a digest
    digest: Mapped[str] = mapped_column(String(40))  # what the event says (its id left out)
    type: Mapped[str] = mapped_column(String(100))
    day: Mapped[date] = mapped_column(Date)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)  # the event mapping of the case file
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


class RetractionRow(Base):
    """A wrong event is taken back by appending this, with a reason; the event stays."""

    __tablename__ = "event_retractions"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_pk: Mapped[int] = mapped_column(ForeignKey("events.pk"), unique=True)
    reason: Mapped[str] = mapped_column(Text)
    who: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime)


class RecordRow(Base):
    """Incidents and meetings as the case file gives them, every version kept: the newest
    version of a (student, kind, id) is the current one."""

    __tablename__ = "records"
    __table_args__ = (UniqueConstraint("student_pk", "kind", "record_id", "version"),)
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    student_pk: Mapped[int] = mapped_column(ForeignKey("students.pk"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # incident | meeting
    record_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class RunRow(Base):
    """One sweep of one district as of a date: readers see its obligations once it completed."""

    __tablename__ = "runs"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    district_id: Mapped[str] = mapped_column(ForeignKey("districts.id"), index=True)
    as_of: Mapped[date] = mapped_column(Date)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(20))  # running | completed | failed | pruned
    actor: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[dict[str, Any]] = mapped_column(JSON)  # plugins, versions, calendar
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)  # e.g. an add-on changed
    note: Mapped[str | None] = mapped_column(Text)  # why a run failed


class RunRuleRow(Base):
    """The provenance of each rule a run used, once per run instead of once per obligation."""

    __tablename__ = "run_rules"
    run_pk: Mapped[int] = mapped_column(ForeignKey("runs.pk"), primary_key=True)
    rule: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(100), primary_key=True)  # a rule may give several
    title: Mapped[str] = mapped_column(String(300))
    citation: Mapped[str] = mapped_column(Text)
    layer: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(100))


class RunErrorRow(Base):
    """A student the run could not evaluate: recorded, counted, and the sweep went on."""

    __tablename__ = "run_errors"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_pk: Mapped[int] = mapped_column(ForeignKey("runs.pk"), index=True)
    student_pk: Mapped[int] = mapped_column(Integer)
    student_id: Mapped[str] = mapped_column(String(64))
    where: Mapped[str] = mapped_column(String(300))  # the plugin and function that raised
    message: Mapped[str] = mapped_column(Text)


class ObligationRow(Base):
    """Derived by the run that evaluated the student (``run_pk``), and published by every later
    run that carried him forward (``RunStudentRow.evaluated_in``); a program rule's duty
    (no student) belongs to its run alone. Explanations are computed on demand from the
    stored case."""

    __tablename__ = "obligations"
    __table_args__ = (Index("ix_obligations_run_student", "run_pk", "student_pk"),)
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_pk: Mapped[int] = mapped_column(ForeignKey("runs.pk"))
    student_pk: Mapped[int | None] = mapped_column(Integer)  # None: a program rule's duty
    rule: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))
    due: Mapped[str | None] = mapped_column(String(40))  # ISO date, or datetime with offset
    due_day: Mapped[date | None] = mapped_column(Date)
    responsible: Mapped[str | None] = mapped_column(String(200))
    subject: Mapped[str | None] = mapped_column(String(300))  # incident, meeting or group
    trigger_day: Mapped[date | None] = mapped_column(Date)
    met_day: Mapped[date | None] = mapped_column(Date)
    delay_reason: Mapped[str | None] = mapped_column(String(100))
    stopped_on: Mapped[date | None] = mapped_column(Date)  # an exit stopped it (days count to it)
    # rises each time the due date of the same obligation (student, rule, trigger, subject)
    # moves from one run to the next: calendar clients update an event only when it rises
    sequence: Mapped[int] = mapped_column(Integer, default=0)


class RunStudentRow(Base):
    """What a run knew of each student it covered: the revision it evaluated, the first as-of
    date on which that evaluation may change (NULL: evaluate again, e.g. it raised), its
    future events, and what the program duties need of a flagged student. The next sweep
    carries an unchanged, still valid student forward instead of evaluating: his state names
    the run that evaluated him (``evaluated_in``), whose obligation rows the new run publishes
    as they are. Rows are shared between runs, never copied, and never change once written."""

    __tablename__ = "run_students"
    run_pk: Mapped[int] = mapped_column(ForeignKey("runs.pk"), primary_key=True)
    student_pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    evaluated_in: Mapped[int] = mapped_column(Integer)  # the run holding his obligation rows
    revision: Mapped[int] = mapped_column(Integer)
    stable_until: Mapped[date | None] = mapped_column(Date)
    future_events: Mapped[int] = mapped_column(Integer, default=0)
    roster: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))


class AuditRow(Base):
    """Who changed what, when, before and after; ``hash`` chains each row to the previous."""

    __tablename__ = "audit"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    who: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(50))
    what: Mapped[str] = mapped_column(String(300))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    hash: Mapped[str] = mapped_column(String(64), default="")


@frozen
class ImportSummary:
    """What an import changed, and what it found already stored (re-running changes nothing)."""

    students_new: int = 0
    students_updated: int = 0
    students_unchanged: int = 0
    events_new: int = 0
    events_known: int = 0
    events_repeated: int = 0  # the same fact twice in the input: stored once
    records_new: int = 0
    records_changed: int = 0
    records_known: int = 0

    @property
    def cases(self) -> int:
        return self.students_new + self.students_updated + self.students_unchanged

    @property
    def changed(self) -> bool:
        return bool(self.students_new or self.students_updated or self.events_new) or bool(
            self.records_new or self.records_changed
        )

    def __add__(self, other: ImportSummary) -> ImportSummary:
        a, b = converter.unstructure(self), converter.unstructure(other)
        return ImportSummary(**{k: a[k] + b[k] for k in a})

    def repeated(self) -> str:
        """The input's repeated facts, said where they are (a first import stores none twice)."""
        if not self.events_repeated:
            return ""
        return f", {self.events_repeated:,} repeated within the input (stored once)"

    def describe(self) -> str:
        parts = [
            f"{self.events_new:,} new event(s), {self.events_known:,} already stored"
            + self.repeated(),
            f"students: {self.students_new:,} new, {self.students_updated:,} updated, "
            f"{self.students_unchanged:,} unchanged",
        ]
        if self.records_new or self.records_changed or self.records_known:
            parts.append(
                f"incidents/meetings: {self.records_new:,} new, {self.records_changed:,} "
                f"changed (new version kept beside the old), {self.records_known:,} unchanged"
            )
        return "; ".join(parts)


class Store:
    def __init__(self, url: str | None = None):
        from spedrules.core.store import dberrors

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
            sa_event.listen(self.engine, "do_connect", self._require_file)
            sa_event.listen(self.engine, "connect", _sqlite_settings)
            _bind_none_directly()
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

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

    # ---- districts -------------------------------------------------------------------------
    def add_district(self, config_path: Path, who: str, replace: bool = False) -> str:
        """Store a checked district config with its calendar and the text of its local
        add-ons. An id already stored is refused unless ``replace``; a replacement is audited
        with what was before and what is after."""
        from spedrules.core.model.config import load_config

        config = load_config(config_path)
        if config.calendar is None:
            raise InputError(
                config_path,
                "district.calendar",
                "a calendar file (a district in the store keeps its school calendar)",
            )
        local = [
            {"name": a.name, "path": str(a.path.resolve()), "sha256": a.sha256, "source": a.source}
            for a in config.local_plugins
        ]
        # kept in the YAML format whatever the source (.yaml or .ics), so the store is complete
        loaded = SchoolCalendar.load(config.calendar)
        calendar = yaml.safe_dump(loaded.to_dict(), sort_keys=False)
        config_text = config_path.read_text(encoding="utf-8")
        with self.transaction() as s:
            row = s.get(DistrictRow, config.id)
            before = None
            if row is not None:
                if not replace:
                    raise InputError(
                        config_path,
                        "district.id",
                        "an id not yet in the store (this one is: `district add --replace` "
                        "replaces its config, audited)",
                        config.id,
                    )
                before = _district_summary(
                    row.name, row.config_toml, row.calendar_yaml, row.local_plugins
                )
            else:
                row = DistrictRow(id=config.id)
                s.add(row)
            row.name, row.config_toml, row.calendar_yaml = config.name, config_text, calendar
            row.local_plugins = local
            after = _district_summary(config.name, config_text, calendar, local)
            self._audit(s, [(who, "district", config.id, before, after)])
        return config.id

    def district(self, district_id: str) -> DistrictRow | None:
        with self.sessions() as s:
            return s.get(DistrictRow, district_id)

    def districts(self) -> list[str]:
        with self.sessions() as s:
            return list(s.scalars(select(DistrictRow.id).order_by(DistrictRow.id)))

    # ---- imports (idempotent, append-only) -----------------------------------------------
    def add_cases(
        self,
        district_id: str,
        cases: Iterable[dict[str, Any]],
        who: str,
        fail_after: int | None = None,
    ) -> ImportSummary:
        """Upsert students, append their new events and new record versions. All or nothing.

        ``fail_after`` injects a failure after that many cases (to test that nothing is kept).
        """
        summary = ImportSummary()
        count = 0
        with collector.frozen(), self.transaction() as s:
            batch: list[dict[str, Any]] = []
            for case in cases:
                if fail_after is not None and count >= fail_after:
                    raise RuntimeError(f"injected failure after {count} cases")
                batch.append(case)
                count += 1
                if len(batch) == IMPORT_BATCH:
                    summary += self._add_batch(s, district_id, batch, who)
                    batch = []
            summary += self._add_batch(s, district_id, batch, who)
        return summary

    def add_events(
        self, district_id: str, events: dict[str, list[dict[str, Any]]], who: str
    ) -> ImportSummary:
        """Append events to existing students, all or nothing; an unknown student is an error."""
        with collector.frozen(), self.transaction() as s:
            rows = self._students(s, district_id, list(events))
            for sid in events:
                if sid not in rows:
                    raise InputError(
                        None,
                        f"student_id {sid}",
                        f"a student of {district_id} (import students first)",
                    )
            pks = {sid: rows[sid].pk for sid in events}
            new, known, repeated, audits = self._new_events(s, district_id, pks, events, who)
            _insert(s, EventRow, new)
            _touch(s, {r["student_pk"] for r in new})
            self._audit(s, audits)
        return ImportSummary(events_new=len(new), events_known=known, events_repeated=repeated)

    def _students(self, s: Session, district_id: str, ids: list[str]) -> dict[str, StudentRow]:
        found: dict[str, StudentRow] = {}
        for i in range(0, len(ids), IMPORT_BATCH):  # bounded IN lists
            chunk = ids[i : i + IMPORT_BATCH]
            query = select(StudentRow).where(
                StudentRow.district_id == district_id, StudentRow.student_id.in_(chunk)
            )
            found.update((row.student_id, row) for row in s.scalars(query))
        return found

    def _new_events(
        self,
        s: Session,
        district_id: str,
        pks: dict[str, int],
        events: dict[str, list[dict[str, Any]]],
        who: str,
    ) -> tuple[list[dict[str, Any]], int, int, list[tuple]]:
        """The event rows not yet stored (by key), how many were stored before, how many repeat
        an event earlier in this input (stored once: "already stored" would be untrue on a
        first import), and the audit rows. A known source id whose content differs is
        refused, naming both."""
        stored: dict[tuple[int, str], str] = {}
        ids = sorted(set(pks.values()))
        for i in range(0, len(ids), IMPORT_BATCH):
            query = select(EventRow.student_pk, EventRow.key, EventRow.digest).where(
                EventRow.student_pk.in_(ids[i : i + IMPORT_BATCH])
            )
            stored.update(((pk, key), digest) for pk, key, digest in s.execute(query))
        now = _now()
        new: list[dict[str, Any]] = []
        known = repeated = 0
        this_input: set[tuple[int, str]] = set()
        audits = []
        for sid, items in events.items():
            pk = pks[sid]
            added = 0
            for event in items:
                key, digest = event_key(sid, event), event_digest(sid, event)
                if (pk, key) in stored:
                    if stored[(pk, key)] != digest:
                        raise InputError(
                            None,
                            f"student {sid}: event {key[3:]}",
                            "the same content as the event stored under this id (a recorded "
                            "fact is never rewritten: retract it with `spedrules events "
                            "retract` and import the correction under a new id)",
                            _brief(event),
                        )
                    if (pk, key) in this_input:
                        repeated += 1
                    else:
                        known += 1
                    continue
                stored[(pk, key)] = digest
                this_input.add((pk, key))
                new.append(_event_row(pk, key, digest, event, now))
                added += 1
            if added:
                audits.append((who, "events", f"{district_id}/{sid}", None, {"added": added}))
        return new, known, repeated, audits

    def _add_batch(
        self, s: Session, district_id: str, cases: list[dict[str, Any]], who: str
    ) -> ImportSummary:
        """Cases written with a few statements per batch (one lookup, one insert per table), not
        a round trip per case. A student twice in one batch is written case by case, in order."""
        if not cases:
            return ImportSummary()
        ids = [str(c["student"]["id"]) for c in cases]
        if len(set(ids)) < len(ids):
            total = ImportSummary()
            for case in cases:
                total += self._add_batch(s, district_id, [case], who)
            return total
        rows = self._students(s, district_id, ids)
        counts: Counter[str] = Counter()
        audits: list[tuple] = []
        changed: set[str] = set()
        for sid, case in zip(ids, cases, strict=True):
            row = rows.get(sid)
            student, evaluation = case["student"], case.get("evaluation") or {}
            if row is None:
                row = rows[sid] = StudentRow(district_id=district_id, student_id=sid, data={})
                s.add(row)
                counts["students_new"] += 1
                audits.append((who, "case", f"{district_id}/{sid}", None, student))
            elif _plain(row.data) != _plain(student) or _plain(row.evaluation) != _plain(
                evaluation
            ):
                counts["students_updated"] += 1
                changed.add(sid)
                audits.append((who, "case", f"{district_id}/{sid}", dict(row.data), student))
            else:
                counts["students_unchanged"] += 1
                continue
            row.data, row.school, row.evaluation = student, student.get("school"), evaluation
        s.flush()  # new students get their keys (one multi-row insert)
        pks = {sid: rows[sid].pk for sid in ids}
        events = {sid: list(c.get("events", [])) for sid, c in zip(ids, cases, strict=True)}
        new, known, repeated, event_audits = self._new_events(s, district_id, pks, events, who)
        _insert(s, EventRow, new)
        records, record_counts, record_audits = self._new_records(s, district_id, pks, cases, who)
        _insert(s, RecordRow, records)
        touched = {pks[sid] for sid in changed} | {r["student_pk"] for r in new + records}
        _touch(s, touched)
        self._audit(s, [*audits, *event_audits, *record_audits])
        return ImportSummary(
            **counts,
            events_new=len(new),
            events_known=known,
            events_repeated=repeated,
            **record_counts,
        )

    def _new_records(self, s: Session, district_id: str, pks: dict[str, int], cases, who):
        """New incidents/meetings, and a new version of a changed one; nothing is deleted (an
        incident missing from a re-imported case stays)."""
        latest: dict[tuple[int, str, str], tuple[int, str, dict]] = {}
        query = select(RecordRow).where(RecordRow.student_pk.in_(sorted(pks.values())))
        for rec in s.scalars(query):
            key = (rec.student_pk, rec.kind, rec.record_id)
            if key not in latest or latest[key][0] < rec.version:
                latest[key] = (rec.version, rec.digest, rec.data)
        rows, audits = [], []
        counts = Counter({"records_new": 0, "records_changed": 0, "records_known": 0})
        for case in cases:
            sid = str(case["student"]["id"])
            for plural in ("incidents", "meetings"):
                kind = plural[:-1]
                for item in case.get(plural, []):
                    key = (pks[sid], kind, str(item["id"]))
                    digest = _digest(item)
                    version, old_digest, old = latest.get(key, (0, None, None))
                    if old_digest == digest:
                        counts["records_known"] += 1
                        continue
                    counts["records_new" if version == 0 else "records_changed"] += 1
                    latest[key] = (version + 1, digest, item)
                    rows.append(
                        {
                            "student_pk": key[0],
                            "kind": kind,
                            "record_id": key[2],
                            "version": version + 1,
                            "digest": digest,
                            "data": item,
                        }
                    )
                    what = f"{district_id}/{sid}/{kind} {key[2]}"
                    audits.append((who, kind, what, old, item))
        return rows, dict(counts), audits

    def retract_event(
        self, district_id: str, student_id: str, key: str, reason: str, who: str
    ) -> dict[str, Any]:
        """Take back one stored event (by its key), with a reason; the event itself stays."""
        if not reason.strip():
            raise InputError(None, "--reason", "why the event is wrong (required)")
        with self.transaction() as s:
            student = self._students(s, district_id, [student_id]).get(student_id)
            if student is None:
                raise InputError(None, "STUDENT", f"a student of {district_id}", student_id)
            event = s.scalar(
                select(EventRow).where(EventRow.student_pk == student.pk, EventRow.key == key)
            )
            if event is None:
                raise InputError(
                    None,
                    "KEY",
                    f"the key of a stored event of {student_id} (see `spedrules events list`)",
                    key,
                )
            if s.scalar(select(RetractionRow.pk).where(RetractionRow.event_pk == event.pk)):
                raise InputError(None, "KEY", "an event not yet retracted", key)
            s.add(RetractionRow(event_pk=event.pk, reason=reason, who=who, at=_now()))
            _touch(s, {student.pk})
            what = f"{district_id}/{student_id}/event {key}"
            self._audit(s, [(who, "retract", what, event.data, {"reason": reason})])
            return dict(event.data)

    def events(self, district_id: str, student_id: str) -> list[dict[str, Any]]:
        """A student's stored events with their keys, recording times and retractions."""
        with self.sessions() as s:
            query = (
                select(EventRow, RetractionRow)
                .join(StudentRow, StudentRow.pk == EventRow.student_pk)
                .outerjoin(RetractionRow, RetractionRow.event_pk == EventRow.pk)
                .where(StudentRow.district_id == district_id, StudentRow.student_id == student_id)
                .order_by(EventRow.day, EventRow.pk)
            )
            return [
                {
                    "key": ev.key,
                    "event": ev.data,
                    "recorded_at": ev.recorded_at.isoformat(),
                    "retracted": None
                    if rt is None
                    else {"reason": rt.reason, "who": rt.who, "at": rt.at.isoformat()},
                }
                for ev, rt in s.execute(query)
            ]

    # ---- reading cases ---------------------------------------------------------------------
    def student_keys(self, district_id: str, without_state_in: int | None = None) -> list[int]:
        """The district's student keys, in order; ``without_state_in``: only those that run
        has no state of yet (not carried forward: the students an incremental sweep evaluates)."""
        query = select(StudentRow.pk).where(StudentRow.district_id == district_id)
        if without_state_in is not None:
            known = select(RunStudentRow.student_pk).where(RunStudentRow.run_pk == without_state_in)
            query = query.where(StudentRow.pk.not_in(known))
        with self.sessions() as s:
            return list(s.scalars(query.order_by(StudentRow.pk)))

    def student_pk(self, district_id: str, student_id: str) -> int | None:
        with self.sessions() as s:
            return s.scalar(
                select(StudentRow.pk).where(
                    StudentRow.district_id == district_id, StudentRow.student_id == student_id
                )
            )

    def cases(self, district_id: str, lo: int, hi: int) -> Iterator[tuple[int, dict[str, Any]]]:
        """The case mappings of students ``lo <= pk < hi`` in one district, as in a case file:
        retracted events left out, the newest version of each incident and meeting."""
        within = (StudentRow.pk >= lo) & (StudentRow.pk < hi)
        for pk, _, case in self._cases(district_id, within):
            yield pk, case

    def revised_cases(
        self, district_id: str, keys: list[int]
    ) -> Iterator[tuple[int, int, dict[str, Any]]]:
        """(key, revision, case mapping) of the students ``keys`` (a sweep's partition). The
        revision is read with (before) the rest of the case, so it never claims more."""
        yield from self._cases(district_id, StudentRow.pk.in_(keys))

    def _cases(self, district_id: str, which) -> Iterator[tuple[int, int, dict[str, Any]]]:
        with self.sessions() as s:
            read = s.connection().execute  # Core rows: the ORM's row handling cost a third
            query = select(  # columns, not ORM objects: a sweep reads every student
                StudentRow.pk,
                StudentRow.revision,
                cast(StudentRow.data, Text),
                cast(StudentRow.evaluation, Text),
            ).where(StudentRow.district_id == district_id, which)
            students = _driver_rows(read(query.order_by(StudentRow.pk)))
            pks = [pk for pk, *_ in students]
            if not pks:
                return
            lo, hi = pks[0], pks[-1] + 1  # a range scan, filtered to the students read
            retracted = select(RetractionRow.event_pk).scalar_subquery()
            query = (  # the JSON text: one json.loads for all the students read
                select(EventRow.student_pk, cast(EventRow.data, Text))
                .where(EventRow.student_pk >= lo, EventRow.student_pk < hi)
                .where(EventRow.pk.not_in(retracted))
                # each student's events together, in the order recorded: the student index's
                # own order (no sort), joined a student at a time by C code, not row by row
                .order_by(EventRow.student_pk, EventRow.pk)
            )
            if len(pks) < hi - lo:  # not every key of the range: read only theirs
                query = query.where(EventRow.student_pk.in_(pks))
            texts = dict.fromkeys(pks, "")
            for student_pk, rows in groupby(_driver_rows(read(query)), itemgetter(0)):
                if student_pk in texts:
                    texts[student_pk] = ",".join(map(itemgetter(1), rows))
            joined = ",".join(
                f"[{data or 'null'},{evaluation or 'null'},[{texts[pk]}]]"
                for pk, _, data, evaluation in students
            )
            cases = json.loads(f"[{joined}]")
            records: dict[int, dict[str, dict]] = {
                pk: {"incidents": {}, "meetings": {}} for pk in pks
            }
            query = (
                select(RecordRow.student_pk, RecordRow.kind, RecordRow.record_id, RecordRow.data)
                .where(RecordRow.student_pk >= lo, RecordRow.student_pk < hi)
                .order_by(RecordRow.version)
            )
            if len(pks) < hi - lo:
                query = query.where(RecordRow.student_pk.in_(pks))
            for rec in read(query):
                if rec.student_pk in records:  # newer versions overwrite older ones
                    records[rec.student_pk][rec.kind + "s"][rec.record_id] = rec.data
            for (pk, revision, *_), (student, evaluation, events) in zip(
                students, cases, strict=True
            ):
                yield (
                    pk,
                    revision,
                    {
                        "student": student,
                        "events": events,
                        "evaluation": evaluation,
                        **{k: list(v.values()) for k, v in records[pk].items()},
                    },
                )

    def case(self, district_id: str, student_id: str) -> dict[str, Any] | None:
        pk = self.student_pk(district_id, student_id)
        if pk is None:
            return None
        return next(iter(self.cases(district_id, pk, pk + 1)))[1]

    # ---- runs ------------------------------------------------------------------------------
    @contextmanager
    def district_lock(self, district_id: str) -> Iterator[None]:
        """One sweep of a district at a time: a PostgreSQL advisory lock (released by the server
        when the process dies), or an exclusive lock on a file beside the SQLite database."""
        if self.dialect == "postgresql":
            key = int.from_bytes(hashlib.sha256(district_id.encode()).digest()[:8], "big") >> 1
            with self.engine.connect() as connection:
                got = connection.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": key})
                if not got:
                    raise SweepBusy(_busy(district_id))
                try:
                    yield
                finally:
                    connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                    connection.commit()
            return
        if self.dialect == "sqlite" and self.engine.url.database not in (None, "", ":memory:"):
            import fcntl

            path = Path(f"{self.engine.url.database}.{district_id}.sweep-lock")
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    raise SweepBusy(_busy(district_id)) from None
                yield
            finally:
                os.close(fd)  # closing releases the lock; so does the process dying
            return
        yield

    def begin_run(
        self,
        district_id: str,
        as_of: date,
        fingerprint: dict[str, Any],
        who: str,
        warnings: list[str] = (),
    ) -> int:
        """A new run (status running). Called under :meth:`district_lock`, so a run of this
        district still marked running was killed: it is marked failed and its rows dropped."""
        with self.transaction() as s:
            stale = list(
                s.scalars(
                    select(RunRow.pk).where(
                        RunRow.district_id == district_id, RunRow.status == "running"
                    )
                )
            )
            if stale:
                s.execute(
                    update(RunRow)
                    .where(RunRow.pk.in_(stale))
                    .values(status="failed", note="the process ended before the run completed")
                )
                s.execute(delete(ObligationRow).where(ObligationRow.run_pk.in_(stale)))
                s.execute(delete(RunStudentRow).where(RunStudentRow.run_pk.in_(stale)))
            run = RunRow(
                district_id=district_id,
                as_of=as_of,
                started_at=_now(),
                status="running",
                actor=who,
                fingerprint=fingerprint,
                counts={},
                warnings=list(warnings),
            )
            s.add(run)
            s.flush()
            return run.pk

    def add_run_rules(
        self, run_pk: int, rules: list[dict[str, Any]], previous: int | None = None
    ) -> None:
        """The provenance of the rules a run's obligations name; those only in rows carried
        forward from ``previous`` (an incremental sweep) are taken from that run."""
        with self.transaction() as s:
            _insert(s, RunRuleRow, [{"run_pk": run_pk, **r} for r in rules])
            if previous is None:
                return
            # a carried row is one ``previous`` published, so its rule is among previous's:
            # of those this run's partitions did not name, keep each some carried row names
            have = {(r["rule"], r["kind"]) for r in rules}
            old = select(RunRuleRow).where(RunRuleRow.run_pk == previous)
            _insert(
                s,
                RunRuleRow,
                [
                    {**_columns(r, RunRuleRow), "run_pk": run_pk}
                    for r in s.scalars(old).all()
                    if (r.rule, r.kind) not in have and self._names_rule(s, run_pk, r)
                ],
            )

    @staticmethod
    def _names_rule(s: Session, run_pk: int, rule: RunRuleRow) -> bool:
        named = _published(select(ObligationRow.pk), run_pk).where(
            ObligationRow.rule == rule.rule, ObligationRow.kind == rule.kind
        )
        return s.scalar(select(named.exists())) is True

    def write_partition(
        self,
        run_pk: int,
        keys: list[int],
        obligations: list[dict[str, Any]],
        errors: list[dict[str, Any]],
        states: list[dict[str, Any]],
    ) -> None:
        """A partition's obligations, errors and student states, replacing what an earlier
        attempt of the same partition of this run wrote (a retried partition is idempotent)."""
        dialect = self.engine.dialect
        inserts = [  # made ready first: SQLite has one writer at a time
            _prepared(dialect, ObligationRow, obligations, run_pk=run_pk),
            _prepared(dialect, RunErrorRow, errors, run_pk=run_pk),
            _prepared(dialect, RunStudentRow, states, run_pk=run_pk, evaluated_in=run_pk),
        ]
        with self.transaction() as s:
            for table in (ObligationRow, RunErrorRow, RunStudentRow):
                s.execute(delete(table).where(table.run_pk == run_pk, table.student_pk.in_(keys)))
            for insert in inserts:
                _run(s, insert)

    def carry_forward(self, previous: int, run_pk: int, district_id: str, as_of: date) -> None:
        """Carry into ``run_pk`` the students of ``previous`` whose evaluation there still
        holds on ``as_of`` (same revision now, ``as_of`` before the first day it may change):
        one statement copies their states, which keep naming the run that evaluated them, so
        the new run publishes those rows as they are. Nothing is copied per obligation."""
        states = RunStudentRow.__table__
        columns = [c for c in states.c if c.name != "run_pk"]
        still = (
            select(literal(run_pk), *columns)
            .join(StudentRow.__table__, StudentRow.pk == states.c.student_pk)
            .where(
                states.c.run_pk == previous,
                StudentRow.district_id == district_id,
                StudentRow.revision == states.c.revision,
                states.c.stable_until > as_of,
            )
        )
        with self.transaction() as s:
            s.execute(states.insert().from_select(["run_pk", *_names(columns)], still))

    def run_states(self, run_pk: int) -> dict[str, Any]:
        """A run's students, their obligations and future events, and the program roster
        (what the program duties read), counted from its stored states."""
        with self.sessions() as s:
            students, future = s.execute(
                select(func.count(), func.coalesce(func.sum(RunStudentRow.future_events), 0)).where(
                    RunStudentRow.run_pk == run_pk
                )
            ).one()
            obligations = s.scalar(_published(select(func.count()), run_pk))
            roster = list(
                s.scalars(
                    select(RunStudentRow.roster)
                    .where(RunStudentRow.run_pk == run_pk, RunStudentRow.roster.is_not(None))
                    .order_by(RunStudentRow.student_pk)
                )
            )
        return {
            "students": students,
            "obligations": obligations,
            "future_events": int(future),
            "roster": roster,
        }

    def previous_dues(self, run_pk: int, keys: list[int]) -> dict[tuple, tuple[str | None, int]]:
        """(due, sequence) of each obligation of a run for the students ``keys``, by its
        :func:`identities`: what the next run compares with."""
        fields = ("student_pk", "rule", "kind", "trigger_day", "subject", "due", "sequence")
        with self.sessions() as s:
            query = select(*(getattr(ObligationRow, f) for f in fields))
            # the keys on the state, not the row: SQLite then seeks each (a filter on the row's
            # column made it test the whole list against every row of the run, 60x slower)
            query = _published(query, run_pk).where(RunStudentRow.student_pk.in_(keys))
            # Core rows, fetched at once: the ORM's row handling cost most of this
            rows = s.connection().execute(query).all()
        if not rows:
            return {}
        columns = dict(zip(fields, map(list, zip(*rows, strict=True)), strict=True))
        dues = zip(columns["due"], columns["sequence"], strict=True)
        return dict(zip(identities(columns), dues, strict=True))

    def finish_run(
        self,
        run_pk: int,
        status: str,
        counts: dict[str, Any],
        program_rows: list[dict[str, Any]] = (),
        note: str | None = None,
    ) -> None:
        with self.transaction() as s:
            _insert(s, ObligationRow, [{"run_pk": run_pk, **o} for o in program_rows])
            s.execute(
                update(RunRow)
                .where(RunRow.pk == run_pk)
                .values(status=status, finished_at=_now(), counts=counts, note=note)
            )
            run = s.get(RunRow, run_pk)
            what = f"{run.district_id}/run {run_pk}"
            self._audit(s, [(run.actor, "sweep", what, None, {"status": status, **counts})])

    def runs(self, district_id: str) -> list[dict[str, Any]]:
        """Every run of a district, newest first (its compliance history)."""
        with self.sessions() as s:
            query = select(RunRow).where(RunRow.district_id == district_id)
            return [_run_dict(r) for r in s.scalars(query.order_by(RunRow.pk.desc()))]

    def latest_run(self, district_id: str, as_of: date | None = None) -> dict[str, Any] | None:
        """The district's latest completed run (of that as-of date, when given)."""
        with self.sessions() as s:
            query = select(RunRow).where(
                RunRow.district_id == district_id, RunRow.status == "completed"
            )
            if as_of is not None:
                query = query.where(RunRow.as_of == as_of)
            run = s.scalars(query.order_by(RunRow.pk.desc()).limit(1)).first()
            return _run_dict(run) if run else None

    def published_run(self, district_id: str, as_of: date | None = None) -> dict[str, Any]:
        """The run readers read: the latest completed one (of that date), or an error that
        says how to publish one."""
        run = self.latest_run(district_id, as_of)
        if run is None:
            when = f" as of {as_of}" if as_of else ""
            raise InputError(
                None,
                "--district",
                f"a district with a completed sweep{when} (run `spedrules sweep --district "
                f"{district_id}`)",
                district_id,
            )
        return run

    def run_errors(self, run_pk: int) -> list[dict[str, Any]]:
        with self.sessions() as s:
            query = select(RunErrorRow).where(RunErrorRow.run_pk == run_pk)
            return [
                {"student": e.student_id, "where": e.where, "message": e.message}
                for e in s.scalars(query.order_by(RunErrorRow.student_pk))
            ]

    def prune_runs(self, district_id: str, keep: int, who: str) -> int:
        """Drop the obligations of all but the ``keep`` newest completed runs (the run rows
        stay, marked pruned, with their counts); failed runs' rows go too. Rows a kept run
        still publishes (it carried their student forward) stay. Under the district's lock:
        a sweep carrying students forward meanwhile could name rows being dropped."""
        with self.district_lock(district_id):
            return self._prune_runs(district_id, keep, who)

    def _prune_runs(self, district_id: str, keep: int, who: str) -> int:
        if keep < 1:
            raise InputError(None, "--keep", "a number of completed runs to keep, at least 1", keep)
        with self.transaction() as s:
            completed = list(
                s.scalars(
                    select(RunRow.pk)
                    .where(RunRow.district_id == district_id, RunRow.status == "completed")
                    .order_by(RunRow.pk.desc())
                )
            )
            old = completed[keep:]
            failed = list(
                s.scalars(
                    select(RunRow.pk).where(
                        RunRow.district_id == district_id, RunRow.status == "failed"
                    )
                )
            )
            drop = old + failed
            if drop:
                still = select(RunStudentRow.evaluated_in, RunStudentRow.student_pk).where(
                    RunStudentRow.evaluated_in.in_(drop), RunStudentRow.run_pk.not_in(drop)
                )  # the rows of dropped runs that a kept run publishes
                published = tuple_(ObligationRow.run_pk, ObligationRow.student_pk).in_(still)
                unpublished = ObligationRow.student_pk.is_(None) | ~published  # NULL: a duty
                s.execute(delete(ObligationRow).where(ObligationRow.run_pk.in_(drop), unpublished))
                s.execute(delete(RunStudentRow).where(RunStudentRow.run_pk.in_(drop)))
                s.execute(delete(RunRuleRow).where(RunRuleRow.run_pk.in_(old)))
                s.execute(update(RunRow).where(RunRow.pk.in_(old)).values(status="pruned"))
                self._audit(
                    s, [(who, "prune", f"{district_id}/runs", None, {"pruned": old, "keep": keep})]
                )
            return len(old)

    # ---- reading a run's obligations --------------------------------------------------------
    def obligation_rows(
        self,
        district_id: str,
        run_pk: int,
        student_id: str | None = None,
        programs: bool = False,
    ) -> list[dict[str, Any]]:
        """The obligations of one run with the rule's provenance and the student's school and
        case manager (program duties instead, with ``programs=True``)."""
        query = select(*_ROW_COLUMNS)  # columns, unpacked by position: no ORM object per row
        if programs:
            query = _duties(query, run_pk).where(
                ObligationRow.run_pk.in_(select(RunRow.pk).where(RunRow.district_id == district_id))
            )
        else:
            query = _published(query, run_pk).join(
                StudentRow, StudentRow.pk == ObligationRow.student_pk
            )
            query = query.where(StudentRow.district_id == district_id)
            if student_id is not None:
                query = query.where(StudentRow.student_id == student_id)
        query = query.join(
            RunRuleRow,
            (RunRuleRow.run_pk == run_pk)
            & (RunRuleRow.rule == ObligationRow.rule)
            & (RunRuleRow.kind == ObligationRow.kind),
        )
        with self.sessions() as s:
            rows = s.execute(query.order_by(ObligationRow.pk)).all()
            students = {} if programs else self._students_of(s, district_id, student_id)
        return [
            _obligation_dict(district_id, run_pk, row, students.get(row.student_pk)) for row in rows
        ]

    @staticmethod
    def _students_of(s: Session, district_id: str, student_id: str | None) -> dict[int, tuple]:
        """(id, school, record) of the district's students (or one), each record decoded once
        rather than once per obligation row."""
        query = select(StudentRow.pk, StudentRow.student_id, StudentRow.school, StudentRow.data)
        query = query.where(StudentRow.district_id == district_id)
        if student_id is not None:
            query = query.where(StudentRow.student_id == student_id)
        return {pk: (sid, school, data) for pk, sid, school, data in s.execute(query)}

    def stored_obligations(self, run_pk: int) -> list[ObligationRow]:
        """Every obligation row a run publishes, its students' (evaluated by it or carried
        forward) and its program duties, as stored: what tests compare with a fresh evaluation."""
        with self.sessions() as s:
            students = s.scalars(_published(select(ObligationRow), run_pk))
            programs = s.scalars(_duties(select(ObligationRow), run_pk))
            return [*students, *programs]

    def status_counts(self, run_pk: int, by: str | None = None) -> dict[str, Counter]:
        """Obligations of a run counted by status, grouped by school, role or kind (in SQL)."""
        group = {
            None: None,
            "school": StudentRow.school,
            "responsible": ObligationRow.responsible,
            "rule": ObligationRow.rule,
            "delay_reason": ObligationRow.delay_reason,
        }[by]
        with self.sessions() as s:
            columns = [ObligationRow.status, func.count()]
            if group is not None:
                columns.insert(0, group)
            query = _published(select(*columns), run_pk).join(
                StudentRow, StudentRow.pk == ObligationRow.student_pk
            )
            query = query.group_by(*([group] if group is not None else []), ObligationRow.status)
            found: dict[str, Counter] = {}
            for row in s.execute(query):
                key = (row[0] if group is not None else "all") or "unassigned"
                found.setdefault(key, Counter())[row[-2]] += row[-1]
            return found

    def run_counts(self, run_pk: int, as_of: date, within: tuple[int, ...]) -> list[tuple]:
        """One pass over a run's obligations (in SQL): (school, responsible role, delay reason,
        status, count, and how many are open and due within each of ``within`` days)."""
        from datetime import timedelta

        due_soon = [
            func.sum(
                sql_case(
                    (
                        (ObligationRow.status == "open")
                        & (ObligationRow.due_day <= as_of + timedelta(days=n)),
                        1,
                    ),
                    else_=0,
                )
            )
            for n in within
        ]
        keys = (StudentRow.school, ObligationRow.responsible, ObligationRow.delay_reason)
        query = (
            _published(select(*keys, ObligationRow.status, func.count(), *due_soon), run_pk)
            .join(StudentRow, StudentRow.pk == ObligationRow.student_pk)
            .group_by(*keys, ObligationRow.status)
        )
        with self.sessions() as s:
            return [tuple(row) for row in s.execute(query)]

    # ---- audit -------------------------------------------------------------------------------
    def _audit(self, s: Session, rows: list[tuple]) -> None:
        """Append audit rows, each chained to the previous by its hash. On PostgreSQL a
        transaction-scoped advisory lock orders concurrent writers; SQLite writes one at a time."""
        if not rows:
            return
        if self.dialect == "postgresql":
            s.execute(text("SELECT pg_advisory_xact_lock(7431)"))
        prev = s.scalar(select(AuditRow.hash).order_by(AuditRow.pk.desc()).limit(1)) or ""
        built = []
        for who, action, what, before, after in rows:
            row = _audit_row(who, action, what, before, after)
            row["hash"] = prev = audit_hash(prev, row)
            built.append(row)
        _insert(s, AuditRow, built)

    def audit_rows(self) -> list[AuditRow]:
        with self.sessions() as s:
            return list(s.scalars(select(AuditRow).order_by(AuditRow.pk)))

    def verify_audit(self) -> tuple[int, int | None]:
        """(rows checked, the pk of the first row that does not chain, or None)."""
        prev = ""
        checked = 0
        with self.sessions() as s:
            for row in s.scalars(select(AuditRow).order_by(AuditRow.pk)).yield_per(5_000):
                values = {c: getattr(row, c) for c in ("at", "who", "action", "what")}
                values.update(before=row.before, after=row.after)
                if audit_hash(prev, values) != row.hash:
                    return checked, row.pk
                prev = row.hash
                checked += 1
        return checked, None


def _published(query, run_pk: int):
    """``query`` over the student obligations run ``run_pk`` publishes: each of its students'
    rows in the run that evaluated him (this one, or the one it carried him forward from)."""
    return (
        query.select_from(ObligationRow)
        .join(
            RunStudentRow,
            (RunStudentRow.student_pk == ObligationRow.student_pk)
            & (RunStudentRow.evaluated_in == ObligationRow.run_pk),
        )
        .where(RunStudentRow.run_pk == run_pk)
    )


def _duties(query, run_pk: int):
    """``query`` over the program rules' duties of run ``run_pk`` (no student: its own rows)."""
    return query.select_from(ObligationRow).where(
        ObligationRow.run_pk == run_pk, ObligationRow.student_pk.is_(None)
    )


def _bind_none_directly() -> None:
    """An adapter for None that returns None, registered once: ``sqlite3`` adapts every
    parameter that is not an int, float or text, and for None, which has no adapter, it asked
    the protocol for ``__adapt__`` and None for ``__conform__``, each raising and clearing an
    AttributeError. A third of the cost of inserting an obligation row (most have several
    empty columns) went to that: 8.2 -> 5.3 us per row in a micro-benchmark. None still binds
    as NULL (the adapter is ``{}.get``: C code, no Python frame); an adapter someone else
    registered for None is kept."""
    key = (type(None), sqlite3.PrepareProtocol)
    if key not in sqlite3.adapters:
        sqlite3.register_adapter(type(None), {}.get)


def _sqlite_settings(connection, _record) -> None:
    """A write-ahead log, so that a sweep's workers read while another one writes (with the
    default rollback journal each commit waited for every reader: two workers used less than
    one core), and 64 MiB of page cache per connection (a district's store is gigabytes). The
    log is durable as the journal was (synchronous stays FULL) and private as the database file
    is (SQLite gives it the file's mode)."""
    cursor = connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
    except sqlite3.DatabaseError:  # a read-only database keeps the journal it has
        pass
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


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


def audit_hash(prev: str, row: dict[str, Any]) -> str:
    """sha256 over the previous row's hash and this row's content, in a canonical form."""
    at = row["at"]
    content = [
        prev,
        at.isoformat() if hasattr(at, "isoformat") else str(at),
        row["who"],
        row["action"],
        row["what"],
        row["before"],
        row["after"],
    ]
    text_ = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text_.encode()).hexdigest()


def _district_summary(name, config_toml, calendar_yaml, local) -> dict[str, Any]:
    """What an audit row keeps of a district: its config text and the digests of the rest."""
    return {
        "name": name,
        "config_toml": config_toml,
        "calendar_sha256": hashlib.sha256(calendar_yaml.encode()).hexdigest(),
        "local_plugins": [
            {"name": a.get("name"), "sha256": a.get("sha256")} if isinstance(a, dict) else a
            for a in local or []
        ],
    }


def _busy(district_id: str) -> str:
    return (
        f"another sweep of district {district_id} is running; sweeps of one district never "
        "interleave: wait for it to finish (its run shows in `spedrules sweep --history`)"
    )


def _run_dict(run: RunRow) -> dict[str, Any]:
    return {
        "run": run.pk,
        "district": run.district_id,
        "as_of": run.as_of.isoformat(),
        "started": run.started_at.isoformat(),
        "finished": run.finished_at.isoformat() if run.finished_at else None,
        "status": run.status,
        "actor": run.actor,
        "counts": dict(run.counts or {}),
        "fingerprint": dict(run.fingerprint or {}),
        "warnings": list(run.warnings or []),
        "note": run.note,
    }


_ROW_COLUMNS = (
    ObligationRow.student_pk,
    ObligationRow.rule,
    ObligationRow.kind,
    RunRuleRow.title,
    ObligationRow.due,
    ObligationRow.due_day,
    ObligationRow.status,
    RunRuleRow.citation,
    RunRuleRow.layer,
    RunRuleRow.source,
    ObligationRow.responsible,
    ObligationRow.subject,
    ObligationRow.trigger_day,
    ObligationRow.met_day,
    ObligationRow.delay_reason,
    ObligationRow.stopped_on,
    ObligationRow.sequence,
)


def _obligation_dict(district_id, run_pk, row, student: tuple | None) -> dict[str, Any]:
    """One row of :data:`_ROW_COLUMNS` as readers see it (a whole district's rows are millions:
    unpacked by position, which costs a third of reading each column by name)."""
    (_, rule, kind, title, due, due_day, status, citation, layer, source, responsible, subject,
     trigger_day, met_day, delay_reason, stopped_on, sequence) = row  # fmt: skip
    sid, school, data = student or (None, None, {})
    return {
        "district": district_id,
        "run": run_pk,
        "student": sid,
        "school": school,
        "case_manager": data.get("case_manager"),
        "rule": rule,
        "kind": kind,
        "title": title,
        "due": due,
        "due_day": due_day,
        "status": status,
        "citation": citation,
        "layer": layer,
        "source": source,
        "responsible": responsible,
        "subject": subject,
        "trigger": {"date": trigger_day.isoformat()} if trigger_day else None,
        "met_day": met_day,
        "delay_reason": delay_reason,
        "stopped_on": stopped_on,
        "sequence": sequence,
    }


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


def _event_row(
    student_pk: int, key: str, digest: str, event: dict[str, Any], now: datetime
) -> dict[str, Any]:
    day = str(event.get("date") or event.get("at"))[:10]
    return {
        "student_pk": student_pk,
        "key": key,
        "digest": digest,
        "type": event["type"],
        "day": date.fromisoformat(day),
        "data": canonical(event),
        "recorded_at": now,
    }


def _digest(item: dict[str, Any]) -> str:
    text_ = json.dumps(_plain(item), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text_.encode()).hexdigest()[:40]


def _brief(event: dict[str, Any]) -> str:
    return json.dumps(_plain(event), sort_keys=True, ensure_ascii=False)[:200]


def _names(columns) -> list[str]:
    return [c.name for c in columns]


def _columns(row: Base, table: type) -> dict[str, Any]:
    return {c.name: getattr(row, c.key) for c in table.__table__.c}


def _touch(s: Session, pks: set[int]) -> None:
    """A new revision of each student whose evaluation input changed (see RunStudentRow)."""
    ids = sorted(pks)
    for i in range(0, len(ids), IMPORT_BATCH):
        s.execute(
            update(StudentRow)
            .where(StudentRow.pk.in_(ids[i : i + IMPORT_BATCH]))
            .values(revision=StudentRow.revision + 1)
            .execution_options(synchronize_session=False)
        )


def identities(columns: dict[str, list]) -> Iterator[tuple]:
    """The same obligation from one run to the next, for obligation rows given as columns:
    (student, rule, kind, subject) for one about a meeting or incident (a rescheduled meeting
    moves its deadlines), else (student, rule, kind, trigger day); a rule may give several
    kinds (La Habra's agenda and draft)."""
    subject = columns["subject"]
    days = zip(subject, columns["trigger_day"], strict=True)
    day = [None if about else day for about, day in days]
    return zip(columns["student_pk"], columns["rule"], columns["kind"], day, subject, strict=True)


def _driver_rows(result) -> list[tuple]:
    """A Core result's rows as the driver's tuples, all fetched at once, for columns that
    need no result processing (integers and text): SQLAlchemy's rows cost as much again as
    the driver's fetch on a sweep's 20,000 events per partition."""
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def _insert(s: Session, table: type, rows: list[dict[str, Any]], **same: Any) -> None:
    """One executemany for many rows (``same``: columns with one value for all of them)."""
    _run(s, _prepared(s.get_bind().dialect, table, rows, **same))


@frozen
class _Insert:
    """An insert made ready before its transaction: a Core statement with its parameters, or
    (SQLite, ``sql`` given) the driver's statements: ``sql`` naming ``ROWS_PER_STATEMENT``
    rows for each group of ``batches`` (their values in one flat tuple), then ``rest`` (rows
    as tuples) by one row's statement."""

    table: type
    params: list  # the Core insert's mappings
    sql: str | None = None  # None: the Core insert of ``table``
    one: str | None = None  # one row's statement
    batches: tuple[tuple, ...] = ()
    rest: tuple[tuple, ...] = ()


# rows per SQLite INSERT: one statement for many rows binds the same values for a third less
# CPU than a statement per row (the driver's executemany steps and resets it for every row);
# 64 rows of a 15-column table stay within the 999 variables older SQLite builds allow
ROWS_PER_STATEMENT = 64


def _prepared(dialect, table: type, rows, **same: Any) -> _Insert | None:
    """The insert of ``rows`` (mappings, or one list per column as a sweep's obligations
    come), its values converted outside any transaction (a sweep worker prepares a partition's
    rows before it takes SQLite's single write lock). A Core insert, not the ORM's bulk insert,
    which splits the rows into one statement per pattern of None values (a row each, here). On
    SQLite, rows that all name the same columns go to the driver as tuples, each column through
    its type's bind processor (what the Core insert sends; a day's text made once per distinct
    day), converted a column at a time: a sweep writes every obligation of a district."""
    columns = rows if isinstance(rows, Mapping) else _by_column(rows)
    if columns is None:  # mappings naming different columns
        return _Insert(table, [{**same, **r} for r in rows])
    count = len(next(iter(columns.values()), ()))
    if not count:
        return None
    if dialect.name != "sqlite":
        names = list(columns)
        together = zip(*columns.values(), strict=True)
        return _Insert(table, [{**same, **dict(zip(names, v, strict=True))} for v in together])
    names = [*columns, *same]
    process = [_sqlite_bind(table.__table__.c[n], dialect) for n in names]
    given = [
        list(map(f, values)) if f else values
        for f, values in zip(process[: len(columns)], columns.values(), strict=True)
    ]
    constant = [
        repeat(f(v) if f else v, count)
        for f, v in zip(process[len(columns) :], same.values(), strict=True)
    ]
    quote = dialect.identifier_preparer.quote  # a column may be named "where"
    listed = ", ".join(quote(n) for n in names)
    marks = f"({', '.join('?' for _ in names)})"
    into = f"INSERT INTO {quote(table.__table__.name)} ({listed}) VALUES "
    values = list(zip(*given, *constant, strict=True))
    per = max(1, min(ROWS_PER_STATEMENT, 999 // len(names)))
    whole = len(values) // per * per
    batches = (tuple(chain.from_iterable(values[i : i + per])) for i in range(0, whole, per))
    sql = into + ", ".join([marks] * per)
    return _Insert(table, [], sql, into + marks, tuple(batches), tuple(values[whole:]))


def _by_column(rows: list[dict[str, Any]]) -> dict[str, list] | None:
    """Mappings as one list per column, or None when they do not all name the same columns."""
    if not rows:
        return {}
    names = list(rows[0])
    if any(len(r) != len(names) for r in rows):
        return None
    return {n: [r[n] for r in rows] for n in names}  # KeyError: other names (none do)


def _run(s: Session, insert: _Insert | None) -> None:
    if insert is None:
        return
    if insert.sql is None:
        s.execute(insert.table.__table__.insert(), insert.params)
        return
    cursor = s.connection().connection.cursor()  # the driver's, in the session's transaction
    try:
        for values in insert.batches:
            cursor.execute(insert.sql, values)
        if insert.rest:
            cursor.executemany(insert.one, insert.rest)
    finally:
        cursor.close()


def _sqlite_bind(column, dialect):
    """The column type's bind processor; for a plain Date, a day's ``isoformat`` made once per
    distinct day and process (SQLite stores dates as YYYY-MM-DD text, which is what its
    processor formats, five times slower). The days are shared by every partition a worker
    writes: a memo per partition and column still formatted 1,700 distinct days per column of
    each partition (9 us per student of a sweep, measured on 5,000 realistic students)."""
    if type(column.type) is Date:
        if len(_ISO_DAYS) > _ISO_DAYS_LIMIT:  # moments as well as days can come: stay bounded
            _ISO_DAYS.clear()
        return _ISO_DAYS.__getitem__
    return column.type.dialect_impl(dialect).bind_processor(dialect)


class _IsoDays(dict):
    """Day -> its ISO text, made on first asking; None stays None."""

    def __missing__(self, value: date | None) -> str | None:
        self[value] = text = _iso_day(value)
        return text


_ISO_DAYS = _IsoDays()
_ISO_DAYS_LIMIT = 200_000


def _iso_day(value: date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):  # what SQLAlchemy's SQLite Date keeps of a moment: its day
        value = value.date()
    return value.isoformat()


def _plain(value: Any) -> Any:
    return (
        None if value is None else json.loads(json.dumps(converter.unstructure(value), default=str))
    )
