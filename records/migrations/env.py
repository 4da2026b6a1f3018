"""Alembic environment: runs on the connection `records.db.migrate` hands over (never from a URL).

`render_as_batch` lets later revisions alter SQLite tables (SQLite has almost no ALTER TABLE).
"""
from __future__ import annotations

from alembic import context

from records.schema import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("records migrations run through records.db.migrate(engine)")

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                  compare_type=True)
with context.begin_transaction():
    context.run_migrations()
