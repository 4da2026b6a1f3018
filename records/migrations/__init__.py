"""Alembic migrations of the records store, run programmatically by `records.db.migrate`."""
