"""Alembic environment: run by :meth:`spedrules.core.store.database.Store.init` with a live
connection."""

from alembic import context

from spedrules.core.store.database import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
