"""The web app's own small database (accounts, upload jobs, kept outcomes, failed logins):
stdlib sqlite3 in the data folder.

Only `records` talks to the records database through SQLAlchemy (an import contract); the web
app's tables are tiny and local, so plain sqlite3 with one lock (one connection shared by the
request threads and the upload pool) is enough. Jobs and failed logins live here rather than in
memory so that a page reload, a restart or a second server process sees the same state.
Columns added after the first release are added to an older file on open (`_ADDED`).
"""
from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS web_user (
    name TEXT PRIMARY KEY, unit TEXT NOT NULL, role TEXT NOT NULL, password_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS web_document (
    sha256 TEXT PRIMARY KEY, name TEXT NOT NULL, uploader TEXT NOT NULL, uploader_unit TEXT NOT NULL,
    unit_path TEXT NOT NULL, outcome TEXT NOT NULL, at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS web_document_at ON web_document (at);
CREATE TABLE IF NOT EXISTS web_document_unit (
    sha256 TEXT NOT NULL, unit TEXT NOT NULL, PRIMARY KEY (sha256, unit));
CREATE TABLE IF NOT EXISTS web_job (
    id TEXT PRIMARY KEY, user TEXT NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL, sha256 TEXT,
    error_code TEXT, message TEXT, events INTEGER NOT NULL DEFAULT 0, review INTEGER NOT NULL DEFAULT 0,
    path TEXT, created_at REAL NOT NULL, updated_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS web_job_user ON web_job (user, created_at);
CREATE INDEX IF NOT EXISTS web_job_status ON web_job (status);
CREATE TABLE IF NOT EXISTS web_login_failure (name TEXT NOT NULL, ip TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS web_login_failure_key ON web_login_failure (name, ip, at);
"""

# (table, column, declaration) of columns added since the table was first created.
_ADDED = (
    ("web_user", "must_change", "INTEGER NOT NULL DEFAULT 0"),  # a reset password: change at next login
    ("web_user", "created_by", "TEXT"),
    ("web_user", "revoked_at", "TEXT"),
    ("web_user", "revoked_by", "TEXT"),
    ("web_user", "last_login", "TEXT"),
    ("web_user", "epoch", "INTEGER NOT NULL DEFAULT 0"),  # bumped on a password change: older sessions end
    ("web_user", "holder", "TEXT"),  # the staff member the account was issued to (R7.1)
)


class WebDB:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(path), check_same_thread=False)
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.Lock()
        with self._lock:
            self._conn.executescript(SCHEMA)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA busy_timeout=10000")  # a second server process may be writing
            for table, column, declaration in _ADDED:
                have = {r["name"] for r in self._conn.execute(f"PRAGMA table_info({table})")}
                if column not in have:
                    self._conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")

    def write(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        with self._lock, self._conn:
            return self._conn.execute(sql, params).rowcount

    def one(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Row | None:
        with self._lock:
            return self._conn.execute(sql, params).fetchone()

    def all(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def open_db(home: Path) -> WebDB:
    return WebDB(home / "web.db")
