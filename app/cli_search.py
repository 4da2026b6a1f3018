"""`sohoa search` and `sohoa index rebuild`: the search commands, registered on the main CLI.

    sohoa search QUERY [--json] [--type T] [--issuer X] [--from D] [--to D] [--unit U]
                       [--event E] [--year Y] [--limit N]
    sohoa index rebuild

`--json` prints JSON Lines, one hit per line, best first (CONTRACT.md: sha256, number, doc_type,
issued_date, subject, score, highlight); without it the hits are listed in Vietnamese. `--unit` is
the reader's unit id: only documents of that unit's subtree are searched. Dates are YYYY-MM-DD or
DD/MM/YYYY. Exit status: 0 (also when nothing is found), 2 for a bad search URL, 4 when the
index cannot be reached; `rebuild` exits 1 when a stored original no longer reads.

The index is derived data: `rebuild` reads every stored original again through the pipeline
(`flows.compose`) and replaces the index with what it reads.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import click

from app.settings import Settings
from flows.compose import Context, default_stages, process_file
from index.backend import SearchBackend, index_folder, open_backend
from index.errors import SearchConfigInvalid
from index.model import Hit, IndexedDocument, SearchQuery
from pipeline.errors import SohoaError
from pipeline.model import Outcome

EXIT_BAD_CONFIG, EXIT_UNAVAILABLE = 2, 4
_SHA256 = re.compile(r"[0-9a-f]{64}")
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")


def open_settings_backend(settings: Settings) -> SearchBackend:
    """The backend the settings name: the cluster at SOHOA_SEARCH_URL, else the embedded index."""
    return open_backend(settings.search_url, index_folder(settings.home))


def rebuild_index(
    backend: SearchBackend,
    outcomes: Iterable[Outcome],
    unit_path_of: Callable[[Outcome], Iterable[str]] = lambda outcome: (),
) -> tuple[int, list[Outcome]]:
    """Replace the index by the successfully read outcomes; returns (indexed, failed outcomes).

    `unit_path_of` gives each document's unit scope (ids of its unit and ancestors), from records.
    """
    failed: list[Outcome] = []

    def documents() -> Iterator[IndexedDocument]:
        for outcome in outcomes:
            if outcome.ok and outcome.document is not None:
                yield IndexedDocument.from_outcome(outcome, unit_path_of(outcome))
            else:
                failed.append(outcome)

    return backend.rebuild(documents()), failed


def stored_originals(settings: Settings) -> list[tuple[Path, str]]:
    """(path, first-seen name) of every kept original, in a stable order."""
    root = settings.pipeline_config().paths.originals
    found = []
    for path in sorted(root.glob("??/??/*")):
        if not _SHA256.fullmatch(path.name):
            continue
        name = path.name
        try:
            name = json.loads(path.with_name(path.name + ".json").read_text("utf-8"))["first_seen_name"]
        except (OSError, ValueError, KeyError):
            pass
        found.append((path, name))
    return found


def stored_outcomes(settings: Settings) -> Iterator[Outcome]:
    """Read every stored original again through the pipeline (nothing is stored twice)."""
    ctx = Context(config=settings.pipeline_config(), stages=default_stages(dt.date.today()), dry_run=True)
    originals = stored_originals(settings)
    # OCR runs in Tesseract subprocesses, so threads give real parallelism across documents.
    with ThreadPoolExecutor(max_workers=max(1, settings.workers)) as pool:
        yield from pool.map(lambda item: process_file(item[0], ctx, display_name=item[1]), originals)


def format_date(day: dt.date | None) -> str:
    return f"ngày {day.day:02d}/{day.month:02d}/{day.year}" if day else "không rõ ngày"


def human_hit(rank: int, hit: Hit) -> str:
    head = " · ".join([hit.number or "(không số)", hit.doc_type or "?", format_date(hit.issued_date)])
    lines = [f"{rank}. {head}", f"   {hit.subject or '(không có trích yếu)'}"]
    if hit.highlight:
        lines.append("   … " + hit.highlight.replace("<em>", "«").replace("</em>", "»") + " …")
    return "\n".join(lines)


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise click.BadParameter(f"'{value}' không phải ngày (dùng YYYY-MM-DD hoặc DD/MM/YYYY).")


def _fail(exc: SohoaError) -> None:
    click.echo(f"✗ [{exc.code}] {exc.message}", err=True)
    sys.exit(EXIT_BAD_CONFIG if isinstance(exc, SearchConfigInvalid) else EXIT_UNAVAILABLE)


def _warn_if_stale(backend: SearchBackend) -> None:
    if getattr(backend, "needs_rebuild", False):
        click.echo("! Chỉ mục đã đổi cấu trúc: chạy 'sohoa index rebuild' để tìm được mọi văn bản.", err=True)


@click.command()
@click.argument("text", metavar="QUERY", default="")
@click.option("--json", "as_json", is_flag=True, help="In JSON Lines theo hợp đồng (CONTRACT.md).")
@click.option("--type", "doc_type", help="Loại văn bản, ví dụ 'Quyết định'.")
@click.option("--issuer", help="Cơ quan ban hành (một phần tên cũng được).")
@click.option("--from", "date_from", callback=_date, metavar="DATE", help="Ban hành từ ngày (YYYY-MM-DD).")
@click.option("--to", "date_to", callback=_date, metavar="DATE", help="Ban hành đến ngày (YYYY-MM-DD).")
@click.option("--unit", help="Mã đơn vị của người tra cứu: chỉ tìm trong đơn vị đó và các đơn vị trực thuộc.")
@click.option("--event", "event_type", help="Loại biến động, ví dụ appointment.")
@click.option("--family", type=click.Choice(["personnel", "organisation", "local_government", "awards", "training"]),
              help="Sổ theo dõi: personnel, organisation, local_government, awards, training.")
@click.option("--year", type=int, help="Năm ban hành.")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True, help="Số kết quả tối đa.")
def search(text: str, as_json: bool, doc_type, issuer, date_from, date_to, unit, event_type, family, year,
           limit: int) -> None:
    """Tìm văn bản (gõ có dấu hoặc không dấu; "cụm từ" trong ngoặc kép; số như 3647/SNV-VP)."""
    query = SearchQuery(text=text, doc_type=doc_type, issuer=issuer, date_from=date_from, date_to=date_to,
                        event_type=event_type, family=family, year=year, scope=unit, limit=limit)
    try:
        backend = open_settings_backend(Settings.from_env())
        try:
            _warn_if_stale(backend)
            result = backend.search(query)
        finally:
            backend.close()
    except SohoaError as exc:
        _fail(exc)
        return
    if as_json:
        for hit in result.hits:
            click.echo(json.dumps(hit.to_json(), ensure_ascii=False))
        return
    if not result.hits:
        click.echo("Không tìm thấy văn bản nào.")
        return
    click.echo(f"Tìm thấy {result.total} văn bản; {len(result.hits)} văn bản phù hợp nhất:")
    for rank, hit in enumerate(result.hits, 1):
        click.echo(human_hit(rank, hit))


@click.group(name="index")
def index_group() -> None:
    """Quản lý chỉ mục tìm kiếm."""


@index_group.command()
def rebuild() -> None:
    """Lập lại chỉ mục tìm kiếm từ các bản gốc đã lưu."""
    settings = Settings.from_env()
    try:
        backend = open_settings_backend(settings)
        try:
            count, failed = rebuild_index(backend, stored_outcomes(settings))
        finally:
            backend.close()
    except SohoaError as exc:
        _fail(exc)
        return
    for outcome in failed:
        click.echo(f"✗ {outcome.source}: [{outcome.error_code}] {outcome.error_message}", err=True)
    click.echo(f"Đã lập lại chỉ mục: {count} văn bản" + (f", {len(failed)} tệp lỗi." if failed else "."))
    if failed:
        sys.exit(1)


def register(cli_group: click.Group) -> None:
    """Add `search` and `index rebuild` to the main `sohoa` command group."""
    cli_group.add_command(search)
    cli_group.add_command(index_group)
