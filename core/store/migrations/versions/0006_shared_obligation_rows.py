"""shared obligation rows: a carried student's state names the run that evaluated him

Revision ID: 0006
Revises: 0005

An incremental sweep copied every unchanged student's obligation rows into the new run (two
microseconds a row, a quarter of a full sweep at 100,000 students). Now the new run's state of
a carried student names the run that evaluated him (``run_students.evaluated_in``), and readers
read that run's rows. Every state written before this migration lives in the run whose rows it
copied, so ``evaluated_in`` is its own run.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    with op.batch_alter_table("run_students") as batch:
        batch.add_column(sa.Column("evaluated_in", sa.Integer(), nullable=True))
    op.execute("UPDATE run_students SET evaluated_in = run_pk")
    with op.batch_alter_table("run_students") as batch:
        batch.alter_column("evaluated_in", existing_type=sa.Integer(), nullable=False)


def downgrade() -> None:
    """Back to copies: every run's carried rows are copied into it again, then the column goes."""
    op.execute(
        "INSERT INTO obligations (run_pk, student_pk, rule, kind, status, due, due_day, "
        "responsible, subject, trigger_day, met_day, delay_reason, stopped_on, sequence) "
        "SELECT s.run_pk, o.student_pk, o.rule, o.kind, o.status, o.due, o.due_day, "
        "o.responsible, o.subject, o.trigger_day, o.met_day, o.delay_reason, o.stopped_on, "
        "o.sequence FROM run_students s JOIN obligations o ON o.run_pk = s.evaluated_in "
        "AND o.student_pk = s.student_pk WHERE s.evaluated_in <> s.run_pk ORDER BY s.run_pk, o.pk"
    )
    with op.batch_alter_table("run_students") as batch:
        batch.drop_column("evaluated_in")
