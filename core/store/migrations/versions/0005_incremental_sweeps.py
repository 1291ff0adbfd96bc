"""incremental sweeps: a revision per student and what each run knew of each student

Revision ID: 0005
Revises: 0004

``students.revision`` is bumped with every change of what an evaluation reads; ``run_students``
records, per run and student, the revision evaluated and the first as-of date on which that
evaluation may change. Runs published before this migration have no such rows, so the next
sweep evaluates every student (nothing is carried forward from them).
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    with op.batch_alter_table("students") as batch:
        batch.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "run_students",
        sa.Column("run_pk", sa.Integer(), nullable=False),
        sa.Column("student_pk", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("stable_until", sa.Date(), nullable=True),
        sa.Column("future_events", sa.Integer(), nullable=False),
        sa.Column("roster", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["run_pk"], ["runs.pk"]),
        sa.PrimaryKeyConstraint("run_pk", "student_pk"),
    )


def downgrade() -> None:
    op.drop_table("run_students")
    with op.batch_alter_table("students") as batch:
        batch.drop_column("revision")
