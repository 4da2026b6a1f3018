"""Opening the stores the pipeline writes to: the CBCCVC records and the search index.

Both come from plain values (the data folder and optional server URLs) that `app.settings` reads;
this is where the records store gets the salary grids of `validators` (raise intervals and top
steps), since `records` and `validators` may not import each other.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from index.backend import SearchBackend, index_folder, open_backend
from records import RecordsStore, StoreConfig, default_url, open_store
from validators import salary_grid


def _raise_months(scale_code: str | None) -> int | None:
    group = salary_grid.group_of(scale_code)
    return group.months if group else None


def _top_step(scale_code: str | None) -> int | None:
    group = salary_grid.group_of(scale_code)
    return len(group.coefficients) if group else None


def records_config(**overrides: Any) -> StoreConfig:
    """The store's config with the salary grids wired in (next-raise due dates)."""
    return StoreConfig(raise_months=_raise_months, top_step=_top_step, **overrides)


def open_records(home: Path, database_url: str | None = None, **overrides: Any) -> RecordsStore:
    """Embedded SQLite in the data folder unless a database URL is given."""
    home.mkdir(parents=True, exist_ok=True)
    return open_store(database_url or default_url(home), records_config(**overrides))


def existing_records(home: Path, database_url: str | None = None, **overrides: Any) -> RecordsStore | None:
    """The records to check a dry run against (a person's earlier raises and terms), or None when
    there are none yet: an embedded store is opened only if its file exists — a dry run must not
    leave a new database behind. Nothing is written through it (compose.keep skips a dry run)."""
    if database_url:
        return open_records(home, database_url, **overrides)
    if not Path(default_url(home).removeprefix("sqlite:///")).is_file():
        return None
    return open_records(home, None, **overrides)


def open_search(home: Path, search_url: str | None = None) -> SearchBackend:
    """Embedded tantivy in the data folder unless a cluster URL is given."""
    return open_backend(search_url, index_folder(home))
