"""Shared fixtures. The records store runs on SQLite and on a real PostgreSQL: `store_url` is
parametrised over both. PostgreSQL comes from SOHOA_TEST_DATABASE_URL, else `.ci/postgres.sh`
starts one; when neither works the tests FAIL (never skip)."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import socket
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = os.environ.get("SOHOA_TEST_DATABASE_URL")
    if url:
        return url
    done = subprocess.run(["bash", str(ROOT / ".ci" / "postgres.sh")], capture_output=True, text=True, timeout=600)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        pytest.fail(f"PostgreSQL for the records tests could not be started:\n{done.stderr[-2000:]}")
    return lines[-1]


_SEEDED = ("alembic_version", "meta", "org_unit", "org_alias")  # kept between tests: schema and seed
_POSTGRES = {"migrated": False}


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path) -> str:
    """An empty store of each kind. PostgreSQL: the first test drops and re-creates the schema
    (migrations from scratch); later ones only empty the data tables, which is much faster."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'records.db'}"
    url = request.getfixturevalue("postgres_url")
    import sqlalchemy
    engine = sqlalchemy.create_engine(url)
    with engine.begin() as conn:
        tables = [r[0] for r in conn.exec_driver_sql(
            "select tablename from pg_tables where schemaname = 'public'")]
        if not _POSTGRES["migrated"] or "alembic_version" not in tables:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
            _POSTGRES["migrated"] = True
        elif data := [t for t in tables if t not in _SEEDED]:
            conn.exec_driver_sql(f"TRUNCATE {', '.join(data)} RESTART IDENTITY CASCADE")
    engine.dispose()
    return url


@pytest.fixture
def build():
    """Builders for the pipeline values the store consumes (no OCR needed)."""
    from pipeline.model import Article, Event, Finding, Outcome, Person, Post, Salary, Structure

    def event(type_, name, effective, *, birth=None, pid=None, to=None, frm=None, salary=None,
              confidence=0.97, page=1, **more):
        return Event(type=type_, person=Person(name, birth, pid), to_post=Post(*to) if to else None,
                     from_post=Post(*frm) if frm else None, salary=Salary(*salary) if salary else None,
                     effective_date=effective, confidence=confidence, page=page, **more)

    def decision(number, issued, events, *, issuer="Sở Y tế tỉnh Đồng Nai", subject="Về việc nhân sự",
                 articles=(), errors=(), sha=None):
        structure = Structure(issuer=issuer, number=number, doc_type="Quyết định", issued_date=issued,
                              subject=subject, articles=tuple(Article(i + 1, t) for i, t in enumerate(articles)))
        findings = tuple(Finding(code, "error", "lỗi", "test") for code in errors)
        sha = sha or hashlib.sha256(f"{number}|{issued}|{len(events)}".encode()).hexdigest()
        return Outcome(source=f"{number}.pdf", sha256=sha, structure=structure, findings=findings,
                       events=tuple(events))

    return SimpleNamespace(event=event, decision=decision, date=dt.date)


# -- the search cluster (tests/test_index*.py) ---------------------------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def cluster_url(tmp_path_factory):
    """The test cluster's URL (opensearch://host:port): SOHOA_TEST_SEARCH_URL, or else a node of
    this session's own, started by .ci/opensearch.sh on free ports (test runs never share one)."""
    url = os.environ.get("SOHOA_TEST_SEARCH_URL")
    if url:
        yield url.rstrip("/")
        return
    script = str(ROOT / ".ci" / "opensearch.sh")
    env = dict(os.environ, OPENSEARCH_PORT=str(_free_port()), OPENSEARCH_TRANSPORT_PORT=str(_free_port()),
               OPENSEARCH_DIR=str(tmp_path_factory.mktemp("opensearch")))
    done = subprocess.run(["bash", script], capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 0, f"the OpenSearch node did not start:\n{done.stderr[-3000:]}"
    yield done.stdout.strip().splitlines()[-1]
    subprocess.run(["bash", script, "stop"], capture_output=True, timeout=120, env=env)
