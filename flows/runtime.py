"""What every flow needs before it starts: a pipeline `Context` from plain parameters, the input list.

Flows are started by Prefect deployments with JSON parameters (`home`, `workers`, the optional
`database_url` and `search_url`), so they build their configuration from those instead of reading
the environment (only `app.settings` does). Python callers that already hold a `Context` — the
CLI, built from `Settings` — pass it instead.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from flows.compose import Context, default_stages
from pipeline.config import OcrConfig, Paths, PipelineConfig

if TYPE_CHECKING:
    from index.backend import SearchBackend
    from records import RecordsStore

_HIDDEN = (".", "~$")  # dot files, and Office's "~$name.docx" owner files of an open document


def build_context(
    home: str | Path,
    *,
    workers: int | None = None,
    dry_run: bool = False,
    today: dt.date | None = None,
    ocr_timeout_s: float | None = None,
    records: RecordsStore | None = None,
    search: SearchBackend | None = None,
) -> Context:
    """A Context over the data folder `home` with every default stage (records/search: opened stores)."""
    ocr = OcrConfig(workers=workers or os.cpu_count() or 1)
    if ocr_timeout_s is not None:
        ocr = replace(ocr, page_timeout_s=ocr_timeout_s)
    config = PipelineConfig(paths=Paths(Path(home).expanduser()), ocr=ocr)
    return Context(config=config, stages=default_stages(today or dt.date.today()), dry_run=dry_run,
                   records=records, search=search)


@contextmanager
def opened_context(
    home: str | Path,
    *,
    workers: int | None = None,
    dry_run: bool = False,
    database_url: str | None = None,
    search_url: str | None = None,
) -> Iterator[Context]:
    """A full Context: the records store and the search index opened (embedded in `home` unless
    URLs are given; neither in a dry run), and closed when the flow is done."""
    from flows import stores

    records = search = None
    try:
        if not dry_run:
            records = stores.open_records(Path(home), configured("database_url", database_url))
            search = stores.open_search(Path(home), configured("search_url", search_url))
        yield build_context(home, workers=workers, dry_run=dry_run, records=records, search=search)
    finally:
        for opened in (search, records):
            if opened is not None:
                opened.close()


def configured(name: str, value: str | None) -> str | None:
    """Empty means embedded. A `{{ $VAR }}` left over means prefect.yaml was deployed without VAR."""
    if value and "{{" in value:
        raise ValueError(f"Tham số {name} chưa được điền ({value}): đặt biến môi trường tương ứng "
                         "(để trống nếu dùng kho nhúng) rồi chạy lại 'prefect deploy'.")
    return value or None


def expand_paths(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files as given; folders recursed in a stable order, hidden entries skipped."""
    for given in paths:
        path = Path(given)
        if not path.is_dir():
            yield path
            continue
        for child in sorted(path.rglob("*")):
            rel = child.relative_to(path)
            if child.is_file() and not any(part.startswith(_HIDDEN) for part in rel.parts):
                yield child


def run_logger(fallback: logging.Logger) -> logging.Logger | logging.LoggerAdapter:
    """Prefect's logger of the current flow or task run (its lines reach the UI), else `fallback`."""
    from prefect import get_run_logger
    from prefect.exceptions import MissingContextError

    try:
        return get_run_logger()
    except MissingContextError:  # called as .fn() or outside any run
        return fallback
