"""districts keep their local add-on files

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    with op.batch_alter_table("districts") as batch:
        batch.add_column(
            sa.Column("local_plugins", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )


def downgrade() -> None:
    with op.batch_alter_table("districts") as batch:
        batch.drop_column("local_plugins")
