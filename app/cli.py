"""The `sohoa` command line: ingest files and folders, run the demo.

Machine output (`--json`) is JSON Lines on stdout, one object per input, in input order; progress
and logs go to stderr. Error codes map to exit statuses in one table (`EXIT_CODES`).
"""
from __future__ import annotations

import datetime as dt
import logging
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path

import click

from app.labels import DOCUMENT_STATUS, DUE_POLICY, EVENT_LABELS, RECORD_STATUS, format_date_vi
from app.settings import Settings
from flows.compose import Context, default_stages, process_file
from flows.runtime import expand_paths
from flows.stores import existing_records, open_records, open_search
from index.model import SearchQuery
from pipeline.contract import to_json_line
from pipeline.model import Outcome

# Exit statuses: 0 every input processed; the first matching row wins for the worst failure.
EXIT_CODES = {
    "DEPENDENCY-MISSING": 3,
    "PROCESSING-FAILED": 4,
}
EXIT_INPUT_FAILED = 1


def run_ingest(files: list[Path], settings: Settings, dry_run: bool, **records_overrides) -> Iterator[Outcome]:
    """Read, check, extract; unless a dry run, apply to the records and index (in the data folder)."""
    records = search = None
    if not dry_run:
        records = open_records(settings.home, settings.database_url, **records_overrides)
        search = open_search(settings.home, settings.search_url)
    else:  # a draft is checked against the files it would change (raise intervals, terms); nothing is written
        records = existing_records(settings.home, settings.database_url, **records_overrides)
    ctx = Context(config=settings.pipeline_config(), stages=default_stages(dt.date.today()),
                  dry_run=dry_run, records=records, search=search)
    try:
        # Tesseract, OpenCV and Pillow let go of the GIL, so threads give real parallelism across
        # documents (pipeline.ocr bounds Tesseract runs to one per core); map() keeps input order.
        with ThreadPoolExecutor(max_workers=max(1, settings.workers)) as pool:
            yield from pool.map(lambda p: process_file(p, ctx, display_name=str(p)), files)
    finally:
        for opened in (records, search):
            if opened is not None:
                opened.close()


class Progress:
    """A progress line on stderr (count, rate, ETA, failures) — only when stderr is a terminal."""

    def __init__(self, total: int, enabled: bool):
        self.total, self.enabled = total, enabled and total > 1
        self.done = self.failed = 0
        self.start = time.monotonic()

    def step(self, outcome: Outcome) -> None:
        self.done += 1
        self.failed += not outcome.ok
        if not self.enabled:
            return
        elapsed = max(time.monotonic() - self.start, 1e-6)
        rate = self.done / elapsed
        eta = (self.total - self.done) / rate if rate else 0.0
        width = 24
        filled = int(width * self.done / self.total)
        bar = "█" * filled + "·" * (width - filled)
        line = (f"\r[{bar}] {self.done}/{self.total} · {rate * 60:.1f} tệp/phút"
                f" · còn ~{_duration(eta)} · lỗi {self.failed}")
        click.echo(line, err=True, nl=self.done == self.total)


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds + 0.5), 60)
    return f"{minutes} phút {secs:02d} giây" if minutes else f"{secs} giây"


def exit_status(outcomes: list[Outcome]) -> int:
    status = 0
    for outcome in outcomes:
        if outcome.ok:
            continue
        status = max(status, EXIT_CODES.get(outcome.error_code or "", EXIT_INPUT_FAILED))
    return status


def human_line(outcome: Outcome) -> str:
    if not outcome.ok:
        return f"✗ {outcome.source}: [{outcome.error_code}] {outcome.error_message}"
    st, doc = outcome.structure, outcome.document
    assert st is not None and doc is not None
    parts = [
        st.number or "(không số)",
        st.doc_type or "?",
        format_date_vi(st.issued_date),
        st.issuer or "(không rõ cơ quan ban hành)",
    ]
    due = f"; hạn cập nhật {format_date_vi(outcome.update_due)}" if outcome.update_due else ""
    lines = [f"✓ {outcome.source}: {' · '.join(parts)} ({doc.kind}, {len(doc.pages)} trang{due})"]
    for event in outcome.events[:MAX_EVENTS_SHOWN]:
        when = f", hiệu lực {format_date_vi(event.effective_date)}" if event.effective_date else ""
        who = event.person.name if event.person is not None else (event.unit.name if event.unit else "?")
        lines.append(f"    – {EVENT_LABELS.get(event.type, event.type)}: {who}{when}")
    if len(outcome.events) > MAX_EVENTS_SHOWN:
        lines.append(f"    … và {len(outcome.events) - MAX_EVENTS_SHOWN} người khác")
    if outcome.records is not None:
        lines.append(f"    → hồ sơ: {records_summary(outcome.records)}")
    for finding in outcome.findings:
        if finding.severity != "info":
            mark = "lỗi" if finding.severity == "error" else "lưu ý"
            lines.append(f"    ! {mark} [{finding.rule}] {finding.message}")
    return "\n".join(lines)


MAX_EVENTS_SHOWN = 5


def records_summary(records: dict) -> str:
    counts: dict[str, int] = {}
    for event in records.get("events", []):
        counts[event["status"]] = counts.get(event["status"], 0) + 1
    parts = [f"{n} {RECORD_STATUS.get(status, status)}" for status, n in sorted(counts.items())]
    due = records.get("due_date")
    if due:
        policy = records.get("due_policy")
        parts.append(f"hạn {format_date_vi(dt.date.fromisoformat(due))} ({DUE_POLICY.get(policy, policy)})")
    status = records["document_status"]
    return DOCUMENT_STATUS.get(status, status) + (": " + ", ".join(parts) if parts else "")


class _Commands(click.Group):
    """`sohoa`, registering its other subcommands when one is first looked up: `sohoa ingest` and
    `demo` start without importing the web app (FastAPI) and the report builder (matplotlib)."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            _register_all(self)
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        _register_all(self)
        return super().list_commands(ctx)


@click.group(cls=_Commands)
@click.option("-v", "--verbose", is_flag=True, help="Ghi nhật ký chi tiết ra stderr.")
def cli(verbose: bool) -> None:
    """sohoa — số hóa quyết định nhân sự và cập nhật hồ sơ CBCCVC."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@click.option("--json", "as_json", is_flag=True, help="In JSON Lines theo hợp đồng (CONTRACT.md).")
@click.option("--dry-run", is_flag=True, help="Chỉ đọc và báo cáo, không lưu gì.")
def ingest(paths: tuple[Path, ...], as_json: bool, dry_run: bool) -> None:
    """Đọc, kiểm tra và lưu các văn bản (tệp hoặc thư mục)."""
    settings = Settings.from_env()
    files = list(expand_paths(paths))
    progress = Progress(len(files), enabled=sys.stderr.isatty())
    outcomes = []
    for outcome in run_ingest(files, settings, dry_run):
        outcomes.append(outcome)
        progress.step(outcome)
        click.echo(to_json_line(outcome) if as_json else human_line(outcome))
    sys.exit(exit_status(outcomes))


def demo_samples() -> list[Path]:
    folder = resources.files("app").joinpath("samples")
    return sorted(Path(str(p)) for p in folder.iterdir() if not p.name.startswith(("_", ".")))


@cli.command()
def demo() -> None:
    """Chạy thử trên các văn bản mẫu kèm theo."""
    settings = Settings.from_env()
    click.echo(f"Thư mục dữ liệu: {settings.home}", err=True)
    # A demo starts from an empty store: let decisions about people it has never seen open their
    # files instead of waiting for review, so the run shows what applying looks like.
    outcomes = list(run_ingest(demo_samples(), settings, dry_run=False, create_unknown_people=True))
    for outcome in outcomes:
        click.echo(human_line(outcome))
    ok = sum(o.ok for o in outcomes)
    click.echo(f"Đã đọc {ok}/{len(outcomes)} văn bản.")
    search = open_search(settings.home, settings.search_url)
    try:
        query = "nang bac luong"
        result = search.search(SearchQuery(text=query, limit=3))
        click.echo(f"Tìm thử «{query}» (gõ không dấu): {result.total} văn bản")
        for hit in result.hits:
            click.echo(f"    {hit.number or '(không số)'} · {hit.subject or ''}")
    finally:
        search.close()
    sys.exit(exit_status(outcomes))


def main() -> None:
    cli(prog_name="sohoa")


def _register_all(group: click.Group) -> None:
    """The other subcommands, in this order: records' groups before those extending them."""
    if getattr(group, "all_registered", False):
        return
    group.all_registered = True  # type: ignore[attr-defined]
    from app import cli_records, cli_registers, cli_reports, cli_search, cli_web

    for module in (cli_search, cli_records, cli_reports, cli_registers, cli_web):
        module.register(group)


if __name__ == "__main__":
    main()
