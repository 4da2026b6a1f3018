"""Migration revisions (Alembic skips this file when it scans the folder)."""
