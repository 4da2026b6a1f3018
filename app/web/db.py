"""The web app's own small database (accounts, kept outcomes): stdlib sqlite3 in the data folder.

Only `records` talks to the records database through SQLAlchemy (an import contract); the web
app's two tables are tiny and local, so plain sqlite3 with one lock (one connection shared by
the request threads and the upload pool) is enough.
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
"""


class WebDB:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(path), check_same_thread=False)
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.Lock()
        with self._lock:
            self._conn.executescript(SCHEMA)
            self._conn.execute("PRAGMA journal_mode=WAL")

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
