"""The database connection: engine set-up per backend and Alembic migrations run on open.

The one place that creates SQLAlchemy engines and calls Alembic. SQLite (the embedded default)
runs in WAL mode with a busy timeout, so readers never block the writer and concurrent writers
wait instead of failing; PostgreSQL goes through psycopg 3 (`postgresql+psycopg://`). Driver
errors while opening become `RecordsUnavailable` with advice.
"""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from records.errors import RecordsUnavailable

MIGRATIONS = Path(__file__).with_name("migrations")


def default_url(home: Path) -> str:
    """The embedded database inside the data folder (SOHOA_HOME)."""
    return f"sqlite:///{Path(home) / 'records.db'}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    # WAL + NORMAL: commits do not fsync every time (still durable across application crashes);
    # foreign keys are off by default in SQLite.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def create(url: str, echo: bool = False) -> Engine:
    """An engine for `url`; the SQLite file's folder is created when missing."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # No pre-ping: it costs a round trip per transaction; a connection the server dropped fails
    # one operation with RecordsUnavailable (retryable), and recycling keeps them fresh.
    return create_engine(url, echo=echo, pool_recycle=1800)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (no-op when it is there already)."""
    # Imported here: Alembic costs ~0.3 s to import and only opening a store needs it.
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except SQLAlchemyError as exc:
        raise RecordsUnavailable(
            f"Không mở được cơ sở dữ liệu hồ sơ ({engine.url.render_as_string(hide_password=True)}): "
            f"{type(exc).__name__}. Hãy kiểm tra SOHOA_DATABASE_URL và máy chủ cơ sở dữ liệu."
        ) from exc


def is_sqlite(engine: Engine) -> bool:
    return engine.url.get_backend_name() == "sqlite"
