"""the store as a system of record: event identity, retractions, record versions, sweep runs,
a hash-chained audit, and append-only tables enforced by the database

Revision ID: 0004
Revises: 0003

Existing data is kept: events get their identity (an event imported twice before identities
existed keeps its row, retracted as a duplicate, so nothing is lost); incidents and meetings
become version 1; the audit rows are chained in their order. Obligations are derived data: the
old table (one row per as-of date, explanation inside) is dropped and the next sweep rebuilds
them as a run.
"""

import hashlib
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"

APPEND_ONLY = ("events", "event_retractions", "records", "audit")


def upgrade() -> None:
    from spedrules.core.model.case import event_digest, event_key
    from spedrules.core.store.database import audit_hash

    bind = op.get_bind()
    op.create_table(
        "event_retractions",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("event_pk", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("who", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["event_pk"], ["events.pk"]),
        sa.PrimaryKeyConstraint("pk"),
        sa.UniqueConstraint("event_pk"),
    )
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("key", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("digest", sa.String(length=40), nullable=True))
    rows = bind.execute(
        sa.text(
            "SELECT e.pk, s.student_id, e.data FROM events e JOIN students s "
            "ON s.pk = e.student_pk ORDER BY e.pk"
        )
    ).all()
    seen: set[tuple[str, str]] = set()
    now = datetime.now(UTC).replace(tzinfo=None)
    for pk, sid, data in rows:
        data = json.loads(data) if isinstance(data, str) else data
        key, digest = event_key(sid, data), event_digest(sid, data)
        student_pk = bind.execute(sa.text("SELECT student_pk FROM events WHERE pk=:p"), {"p": pk})
        marker = (student_pk.scalar(), key)
        if marker in seen:
            key = f"{key}#dup{pk}"
            bind.execute(
                sa.text(
                    "INSERT INTO event_retractions (event_pk, reason, who, at) "
                    "VALUES (:p, :r, 'migration 0004', :at)"
                ),
                {
                    "p": pk,
                    "r": "the same event imported again before events had an identity",
                    "at": now,
                },
            )
        seen.add(marker)
        bind.execute(
            sa.text("UPDATE events SET key=:k, digest=:d WHERE pk=:p"),
            {"k": key, "d": digest, "p": pk},
        )
    with op.batch_alter_table("events") as batch:
        batch.alter_column("key", existing_type=sa.String(length=100), nullable=False)
        batch.alter_column("digest", existing_type=sa.String(length=40), nullable=False)
        batch.create_unique_constraint("uq_events_student_pk_key", ["student_pk", "key"])

    with op.batch_alter_table("records") as batch:
        batch.add_column(sa.Column("record_id", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("version", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("digest", sa.String(length=40), nullable=True))
    versions: dict[tuple, int] = {}
    for pk, student_pk, kind, data in bind.execute(
        sa.text("SELECT pk, student_pk, kind, data FROM records ORDER BY pk")
    ).all():
        data = json.loads(data) if isinstance(data, str) else data
        record_id = str(data.get("id", pk))
        version = versions[(student_pk, kind, record_id)] = (
            versions.get((student_pk, kind, record_id), 0) + 1
        )
        digest = hashlib.sha256(
            json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest()[:40]
        bind.execute(
            sa.text("UPDATE records SET record_id=:r, version=:v, digest=:d WHERE pk=:p"),
            {"r": record_id, "v": version, "d": digest, "p": pk},
        )
    with op.batch_alter_table("records") as batch:
        batch.alter_column("record_id", existing_type=sa.String(length=64), nullable=False)
        batch.alter_column("version", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("digest", existing_type=sa.String(length=40), nullable=False)
        batch.create_unique_constraint(
            "uq_records_student_pk_kind_record_id_version",
            ["student_pk", "kind", "record_id", "version"],
        )

    op.create_table(
        "runs",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("district_id", sa.String(length=64), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("fingerprint", sa.JSON(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["district_id"], ["districts.id"]),
        sa.PrimaryKeyConstraint("pk"),
    )
    op.create_index("ix_runs_district_id", "runs", ["district_id"])
    op.create_table(
        "run_rules",
        sa.Column("run_pk", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("citation", sa.Text(), nullable=False),
        sa.Column("layer", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["run_pk"], ["runs.pk"]),
        sa.PrimaryKeyConstraint("run_pk", "rule", "kind"),
    )
    op.create_table(
        "run_errors",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_pk", sa.Integer(), nullable=False),
        sa.Column("student_pk", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.String(length=64), nullable=False),
        sa.Column("where", sa.String(length=300), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["run_pk"], ["runs.pk"]),
        sa.PrimaryKeyConstraint("pk"),
    )
    op.create_index("ix_run_errors_run_pk", "run_errors", ["run_pk"])

    op.drop_table("obligations")  # derived data, rebuilt by the next sweep as a run
    op.create_table(
        "obligations",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_pk", sa.Integer(), nullable=False),
        sa.Column("student_pk", sa.Integer(), nullable=True),
        sa.Column("rule", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("due", sa.String(length=40), nullable=True),
        sa.Column("due_day", sa.Date(), nullable=True),
        sa.Column("responsible", sa.String(length=200), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=True),
        sa.Column("trigger_day", sa.Date(), nullable=True),
        sa.Column("met_day", sa.Date(), nullable=True),
        sa.Column("delay_reason", sa.String(length=100), nullable=True),
        sa.Column("stopped_on", sa.Date(), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["run_pk"], ["runs.pk"]),
        sa.PrimaryKeyConstraint("pk"),
    )
    op.create_index("ix_obligations_run_student", "obligations", ["run_pk", "student_pk"])

    with op.batch_alter_table("audit") as batch:
        batch.add_column(sa.Column("hash", sa.String(length=64), nullable=False, server_default=""))
    prev = ""
    for pk, at, who, action, what, before, after in bind.execute(
        sa.text("SELECT pk, at, who, action, what, before, after FROM audit ORDER BY pk")
    ).all():
        at = datetime.fromisoformat(at) if isinstance(at, str) else at
        loads = lambda v: json.loads(v) if isinstance(v, str) else v  # noqa: E731
        row = {
            "at": at,
            "who": who,
            "action": action,
            "what": what,
            "before": loads(before),
            "after": loads(after),
        }
        prev = audit_hash(prev, row)
        bind.execute(sa.text("UPDATE audit SET hash=:h WHERE pk=:p"), {"h": prev, "p": pk})

    for table in APPEND_ONLY:
        create_append_only_triggers(bind, table)


def create_append_only_triggers(bind, table: str) -> None:
    """The database itself refuses UPDATE and DELETE on an append-only table."""
    message = f"{table} is append-only: rows are never updated or deleted"
    if bind.dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            bind.execute(
                sa.text(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
                )
            )
    elif bind.dialect.name == "postgresql":
        bind.execute(
            sa.text(
                "CREATE OR REPLACE FUNCTION spedrules_append_only() RETURNS trigger AS $$ "
                "BEGIN RAISE EXCEPTION '% is append-only: rows are never updated or deleted', "
                "TG_TABLE_NAME; END $$ LANGUAGE plpgsql"
            )
        )
        bind.execute(
            sa.text(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION spedrules_append_only()"
            )
        )


def downgrade() -> None:
    raise NotImplementedError("the system-of-record schema has no downgrade: restore a backup")
