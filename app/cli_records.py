"""The records commands of `sohoa`: `person`, `person-edit`, `review list|approve|reject`, `report timeliness|completeness`,
`audit` (the one audit log: who changed which file, from which document and page, and every login
and account action).

`register(cli_group)` adds them to the main click group. They act as the Department of Home
Affairs' administrator (the whole province) and open the store named by the settings: the
embedded SQLite file in SOHOA_HOME, or SOHOA_DATABASE_URL. `--json` prints JSON (one object per
line for lists) on stdout; messages go to stderr. Records errors map to exit statuses in
`RECORDS_EXIT`.
"""
from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from app.settings import Settings
from flows import stores
from records import Actor, RecordsError, RecordsStore, department_admin

RECORDS_EXIT = {"RECORDS-NOT-FOUND": 1, "RECORDS-INVALID": 2, "RECORDS-UNAVAILABLE": 4,
                "RECORDS-NOT-PERMITTED": 5}
CLI_USER = "sohoa-cli"
_DATE = click.DateTime(formats=["%Y-%m-%d"])


def open_records(settings: Settings) -> RecordsStore:
    return stores.open_records(settings.home, settings.database_url)


@contextmanager
def records_session() -> Iterator[tuple[RecordsStore, Actor]]:
    store = None
    try:
        store = open_records(Settings.from_env())
        yield store, department_admin(CLI_USER)
    except RecordsError as exc:
        click.echo(f"✗ [{exc.code}] {exc.message}", err=True)
        sys.exit(RECORDS_EXIT.get(exc.code, 3))
    finally:
        if store is not None:
            store.close()


def field_values(pairs: tuple[str, ...]) -> dict[str, str]:
    """`--set FIELD=VALUE` options as a dict (an empty VALUE clears the field)."""
    fields = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"'{pair}' phải có dạng FIELD=VALUE.", param_hint="--set")
        fields[key.strip()] = value
    return fields


def _echo_json(obj: Any) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, default=str))


def _date(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value else None


def _vn(iso: str | None) -> str:
    return dt.date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else "—"


# The CONTRACT.md event types and the file statuses, as a reader expects them.
TYPE_VI = {"appointment": "Bổ nhiệm", "reappointment": "Bổ nhiệm lại", "transfer": "Điều động",
           "rotation": "Luân chuyển", "relocation": "Thuyên chuyển", "secondment": "Biệt phái",
           "dismissal": "Miễn nhiệm", "salary_raise": "Nâng bậc lương", "early_salary_raise": "Nâng lương trước hạn",
           "seniority_allowance": "Phụ cấp TNVK", "seniority_beyond_top": "Phụ cấp TNVK",
           "recruitment": "Tuyển dụng", "retirement": "Nghỉ hưu", "resignation": "Thôi việc",
           "discipline": "Kỷ luật", "award": "Khen thưởng", "training": "Đào tạo"}
STATUS_VI = {"active": "đang công tác", "retired": "đã nghỉ hưu", "resigned": "đã thôi việc"}
RESULT_VI = {"applied": "đã cập nhật vào hồ sơ", "pending_transfer": "chờ cấp trên duyệt chuyển hồ sơ",
             "needs_review": "vẫn chờ duyệt", "refused": "không cập nhật"}


# ------------------------------------------------------------------ person
def _print_file(f: dict[str, Any]) -> None:
    cur = f["current"]
    click.echo(f"#{f['id']} {f['name']} · sinh {_vn(f['birth_date'])} · số định danh {f['personal_id'] or '—'}"
               f" · {STATUS_VI.get(f['status'], f['status'])}")
    pay = cur["salary"]
    pay_text = f"ngạch {pay['scale_code']} bậc {pay['step']} hệ số {pay['coefficient']}" if pay else "chưa có"
    click.echo(f"  Hiện nay: {cur['position'] or '—'}, {cur['unit'] or '—'}; lương {pay_text}")
    for e in f["timeline"]:
        what = e.get("position") or (e.get("salary") or {}).get("coefficient") or e.get("detail") or e.get("percent") or ""
        where = e.get("unit") or ""
        click.echo(f"  {_vn(e['date'])}  {TYPE_VI.get(e['type'], e['type']):<22} {what} {where}".rstrip()
                   + f"  [{e['number'] or e['sha256'][:12]}, tr. {e['page'] or '?'}]")
    for p in f["completeness"]["problems"]:
        click.echo(f"  ! {p['message']}")


@click.command()
@click.argument("query")
@click.option("--json", "as_json", is_flag=True, help="In hồ sơ dạng JSON (mỗi người một dòng).")
def person(query: str, as_json: bool) -> None:
    """Xem hồ sơ: QUERY là họ tên, số định danh 12 chữ số hoặc #mã hồ sơ."""
    with records_session() as (store, actor):
        found = store.find_people(query, actor)
        if not found:
            click.echo(f"Không tìm thấy hồ sơ nào khớp '{query}'.", err=True)
            sys.exit(1)
        for summary in found:
            file = store.person_file(summary.id, actor)
            store.log_action(actor, "read_person", {"via": "cli"}, person_id=summary.id)
            _echo_json(file) if as_json else _print_file(file)


# A separate command, not `person edit`: `person` takes a free QUERY, so a group there would
# swallow `sohoa person "Nguyễn Văn An"` (or read a person called "edit" as a subcommand).
@click.command("person-edit")
@click.argument("person_id", type=int)
@click.option("--set", "pairs", multiple=True, required=True, metavar="FIELD=VALUE",
              help="Trường nhân thân cần sửa, ví dụ --set personal_id=001093001234 --set birth_date=18/03/1993 "
                   "(personal_id, name, birth_date, sex, hometown, ethnicity; để trống để xoá).")
@click.option("--note", default=None, help="Ghi chú lý do sửa (ví dụ: đối chiếu CCCD bản gốc).")
@click.option("--json", "as_json", is_flag=True)
def person_edit(person_id: int, pairs: tuple[str, ...], note: str | None, as_json: bool) -> None:
    """Bổ sung hoặc sửa thông tin nhân thân của hồ sơ PERSON_ID (có ghi nhật ký)."""
    fields = field_values(pairs)
    with records_session() as (store, actor):
        edit = store.update_person(person_id, actor, fields, note)
    if as_json:
        _echo_json(edit.to_dict())
        return
    for field, new in edit.after.items():
        old = edit.before[field]
        click.echo(f"Hồ sơ #{person_id}: {field} {old if old is not None else '—'} → {new if new is not None else '—'}")


# ------------------------------------------------------------------ review
@click.group()
def review() -> None:
    """Hàng đợi duyệt: trích xuất còn nghi vấn và chuyển hồ sơ ra ngoài phạm vi."""


@review.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.option("--status", default="open", type=click.Choice(["open", "approved", "corrected", "rejected", "closed"]))
def review_list(as_json: bool, status: str) -> None:
    """Liệt kê các mục chờ duyệt."""
    with records_session() as (store, actor):
        items = store.review_items(actor, status)
        for item in items:
            if as_json:
                _echo_json(item.to_dict())
            else:
                kind = "chuyển" if item.kind == "transfer" else "duyệt"
                click.echo(f"{item.id:>5} {kind:<7} {TYPE_VI.get(item.event_type, item.event_type):<22} {item.person_name:<28} "
                           f"{item.number or item.sha256[:12]} tr.{item.page or '?'} — {item.message}")
        if not as_json:
            click.echo(f"{len(items)} mục.", err=True)


@review.command("approve")
@click.argument("item_id", type=int)
@click.option("--person", "person_id", type=int, help="Mã hồ sơ đúng khi họ tên trùng nhiều người.")
@click.option("--json", "as_json", is_flag=True)
def review_approve(item_id: int, person_id: int | None, as_json: bool) -> None:
    """Duyệt một mục: cập nhật vào hồ sơ (hoặc chuyển cấp trên duyệt chuyển hồ sơ)."""
    with records_session() as (store, actor):
        result = store.approve(item_id, actor, person_id)
        _echo_json(result.to_dict()) if as_json else click.echo(
            f"Mục {item_id}: {RESULT_VI.get(result.status, result.status)} — {result.person_name} (hồ sơ #{result.person_id})")


@review.command("reject")
@click.argument("item_id", type=int)
@click.option("--note", default=None, help="Lý do từ chối.")
@click.option("--json", "as_json", is_flag=True)
def review_reject(item_id: int, note: str | None, as_json: bool) -> None:
    """Từ chối một mục: sự kiện không được cập nhật."""
    with records_session() as (store, actor):
        result = store.reject(item_id, actor, note)
        _echo_json(result.to_dict()) if as_json else click.echo(f"Mục {item_id}: đã từ chối.")


# ------------------------------------------------------------------ reports
@click.group()
def report() -> None:
    """Báo cáo: đúng hạn cập nhật, đầy đủ hồ sơ."""


@report.command("timeliness")
@click.option("--unit", default=None, help="Mã đơn vị (mặc định: toàn tỉnh).")
@click.option("--from", "start", type=_DATE, default=None, help="Ban hành từ ngày (YYYY-MM-DD).")
@click.option("--to", "end", type=_DATE, default=None, help="Ban hành đến ngày (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True)
def report_timeliness(unit: str | None, start: dt.datetime | None, end: dt.datetime | None, as_json: bool) -> None:
    """Tỷ lệ văn bản được cập nhật vào hồ sơ đúng hạn, theo đơn vị."""
    with records_session() as (store, actor):
        rep = store.timeliness(actor, unit, _date(start), _date(end))
        if as_json:
            _echo_json(rep.to_dict())
            return
        click.echo(f"{'Đơn vị':<55} {'VB':>4} {'Đúng':>5} {'Trễ':>4} {'Quá hạn':>8} {'Chờ':>4} {'Tỷ lệ':>6}")
        for row in (*rep.rows, rep.total):
            rate = f"{row.on_time_rate:.0%}" if row.on_time_rate is not None else "—"
            click.echo(f"{(row.name or row.unit)[:55]:<55} {row.documents:>4} {row.on_time:>5} {row.late:>4} "
                       f"{row.overdue:>8} {row.pending:>4} {rate:>6}")


@report.command("completeness")
@click.option("--unit", default=None, help="Mã đơn vị (mặc định: toàn tỉnh).")
@click.option("--json", "as_json", is_flag=True)
def report_completeness(unit: str | None, as_json: bool) -> None:
    """Các hồ sơ còn thiếu hoặc chưa nhất quán."""
    with records_session() as (store, actor):
        for name, check in store.incomplete_files(actor, unit):
            if as_json:
                _echo_json({"name": name, **check.to_dict()})
            else:
                click.echo(f"#{check.person_id} {name}: " + "; ".join(p.message for p in check.problems))


@click.command()
@click.option("--person", "person_id", type=int, help="Chỉ những thay đổi của hồ sơ này (mã hồ sơ).")
@click.option("--document", "sha256", help="Chỉ những gì một văn bản đã làm (mã sha256 của tệp).")
@click.option("--limit", type=click.IntRange(1, 5000), default=200, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="In mỗi mục một dòng JSON.")
def audit(person_id: int | None, sha256: str | None, limit: int, as_json: bool) -> None:
    """Nhật ký: ai thay đổi hồ sơ nào, từ văn bản và trang nào; đăng nhập và tài khoản (mới nhất trước)."""
    with records_session() as (store, actor):
        entries = store.audit_trail(actor, person_id=person_id, sha256=sha256, limit=limit)
    if as_json:
        for entry in entries:
            _echo_json(entry)
        return
    if not entries:
        click.echo("Không có mục nào trong nhật ký.", err=True)
    for e in entries:
        where = " · ".join(x for x in (
            f"hồ sơ #{e['person_id']}" if e["person_id"] else "",
            f"văn bản {e['sha256'][:12]}" + (f" trang {e['page']}" if e["page"] else "") if e["sha256"] else "") if x)
        click.echo(f"{e['at'].replace('T', ' ')}  {e['user']} ({e['unit']}, {e['role']})  {e['action']}"
                   + (f"  {where}" if where else ""))


def register(cli_group: click.Group) -> None:
    """Add the records commands to the `sohoa` group."""
    for command in (person, person_edit, review, report, audit):
        cli_group.add_command(command)
