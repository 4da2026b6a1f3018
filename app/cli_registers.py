"""`sohoa registers units|local|awards|training`: the other registers of letter 3647/SNV-VP
(organisation, local government, awards and emulation, training), and `sohoa registers contact`
to keep a unit's address, phone and e-mail, and `sohoa registers units-import FILE [--dry-run]` to add
or update the province's own units from a CSV or TOML file (records.unit_import; `registers units`
is a listing command, so the import is a sibling rather than a subcommand).

`register(cli_group)` adds the `registers` group to the main click group. Like the other records
commands it acts as the Department of Home Affairs (the whole province); `--unit CODE` narrows a
register to one unit's subtree and `--year Y` to one year. `--json` prints one JSON object per
row (JSON Lines, records/data/registers.schema.json) on stdout. The Vietnamese wording here is
shared with the web page (app.web.registers).
"""
from __future__ import annotations

import json
from typing import Any

import click

from app.cli_records import records_session
from pipeline.families import families
from records.unit_import import parse_units

# register → the family of pipeline/data/event_families.toml it keeps
FAMILY_OF = {"units": "organisation", "local": "local_government", "awards": "awards", "training": "training"}
TITLES = {name: families()[key].label for name, key in FAMILY_OF.items()}
UNIT_KINDS = {"province": "Tỉnh", "department": "Sở, ngành", "agency": "Chi cục, ban", "public_service":
              "Đơn vị sự nghiệp", "section": "Phòng, khoa", "commune": "Xã, phường", "district": "Huyện (trước 7/2025)"}
BODIES = {"council": "HĐND", "committee": "UBND"}
LEVELS = {"province": "cấp tỉnh", "district": "cấp huyện", "commune": "cấp xã"}
SEAT_STATUS = {"active": "đang đảm nhiệm", "relieved": "đã miễn nhiệm, thôi nhiệm vụ", "removed": "đã bãi nhiệm"}
STAFF_GROUPS = {"commune_cadre": "cán bộ cấp xã", "commune_part_time": "người hoạt động không chuyên trách",
                "commune_civil_servant": "công chức cấp xã"}
AWARD_KINDS = {"award": "Cá nhân", "collective_award": "Tập thể", "emulation_registration": "Đăng ký thi đua"}


def vn(iso: str | None) -> str:
    """ISO date → dd/mm/yyyy, "—" when unknown."""
    if not iso:
        return "—"
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"


def cite(source: dict[str, Any] | None) -> str:
    """[number, page] of a row's source decision."""
    if not source:
        return ""
    return f"[{source['number'] or source['sha256'][:12]}, tr. {source['page'] or '?'}]"


def _unit_line(r: dict[str, Any]) -> str:
    span = f"{vn(r['valid_from'])} – {vn(r['valid_to'])}" if r["valid_from"] or r["valid_to"] else "đang hoạt động"
    then = f" → {r['successor']}" if r["successor"] else ""
    head = f"; thủ trưởng: {r['head']['name']} ({r['head']['position']})" if r["head"] else ""
    extra = f"; {len(r['regulations'])} quy chế" if r["regulations"] else ""
    return f"{r['code']:<24} {r['name']} · {UNIT_KINDS.get(r['kind'], r['kind'])} · {span}{then}{head}{extra}"


def _local_line(r: dict[str, Any]) -> str:
    if r["kind"] == "official":
        return f"{r['name']:<28} {STAFF_GROUPS.get(r['staff_group'], r['staff_group'])} · {r['unit']} · từ {vn(r['since'])}"
    body = f"{BODIES[r['body']]} {r['unit'] or r['body_as_written']} ({LEVELS.get(r['level'] or '', '?')})"
    return (f"{r['name']:<28} {r['position'] or '—'} · {body} · {vn(r['start_date'])} – {vn(r['end_date'])}"
            f" · {SEAT_STATUS[r['status']]} {cite(r['source'] or r['closed_by'])}")


def _award_line(r: dict[str, Any]) -> str:
    who = r.get("name") or r["unit"] or r.get("unit_as_written") or "—"
    return f"{r['year'] or vn(r['date'])[-4:]}  {AWARD_KINDS[r['kind']]:<16} {who:<40} {r['title'] or '—'} {cite(r['source'])}"


def _training_line(r: dict[str, Any]) -> str:
    when = f"{vn(r['start_date'])} – {vn(r['end_date'])}"
    if r["kind"] == "class":
        return (f"Lớp #{r['id']}: {r['name']} · {r['organiser'] or r['unit'] or '—'} · {when} · "
                f"{r['trainees_total']} học viên {cite(r['source'])}")
    linked = f" (lớp #{r['class_id']})" if r["class_id"] else ""
    return f"  {r['name']:<28} {r['course'] or '—'}{linked} · {when} {cite(r['source'])}"


LINES = {"units": _unit_line, "local": _local_line, "awards": _award_line, "training": _training_line}


def _list_command(name: str) -> click.Command:
    @click.command(name, help=f"Sổ {TITLES[name].lower()}.")
    @click.option("--unit", default=None, help="Mã đơn vị (mặc định: toàn tỉnh).")
    @click.option("--year", type=int, default=None, help="Chỉ năm này.")
    @click.option("--json", "as_json", is_flag=True, help="In JSON (mỗi dòng một mục).")
    def show(unit: str | None, year: int | None, as_json: bool) -> None:
        with records_session() as (store, actor):
            rows = store.register(name, actor, unit, year)
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False) if as_json else LINES[name](row))
        if not as_json:
            click.echo(f"{TITLES[name]}: {len(rows)} mục.", err=True)
    return show


@click.command("contact")
@click.argument("code")
@click.option("--address", default=None, help="Địa chỉ trụ sở.")
@click.option("--phone", default=None, help="Số điện thoại.")
@click.option("--email", default=None, help="Thư điện tử.")
@click.option("--json", "as_json", is_flag=True)
def contact(code: str, address: str | None, phone: str | None, email: str | None, as_json: bool) -> None:
    """Cập nhật thông tin liên hệ của đơn vị CODE (chỉ các trường được nêu)."""
    values = {k: v for k, v in (("address", address), ("phone", phone), ("email", email)) if v is not None}
    with records_session() as (store, actor):
        done = store.set_unit_contact(code, actor, **values)
    click.echo(json.dumps(done, ensure_ascii=False) if as_json else
               f"{code}: " + "; ".join(f"{k} = {v or '—'}" for k, v in done["contact"].items()))


def _change_line(change: dict[str, Any]) -> str:
    parts = []
    for what, (before, after) in change["changes"].items():
        if what == "aliases":
            parts.append(f"thêm tên gọi khác: {'; '.join(after)}")
        else:
            parts.append(f"{UNIT_FIELDS[what]}: {before or '—'} → {after}")
    return f"  ~ {change['code']:<24} " + "; ".join(parts)


UNIT_FIELDS = {"name": "tên", "kind": "loại", "parent": "cấp trên", "valid_from": "hiệu lực từ"}


@click.command("units-import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Chỉ kiểm tra và cho biết sẽ thay đổi gì, không ghi.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
def units_import(file: str, dry_run: bool, as_json: bool) -> None:
    """Nhập đơn vị vào cây tổ chức từ tệp FILE: CSV UTF-8 (cột code,name,parent,kind,aliases[,valid_from];
    các tên gọi khác cách nhau bằng ";") hoặc TOML theo mẫu org_tree.toml. Cả tệp hoặc không gì cả."""
    with open(file, encoding="utf-8-sig") as handle:
        text = handle.read()
    with records_session() as (store, actor):
        done = store.import_units(parse_units(text, "toml" if file.lower().endswith(".toml") else "csv"),
                                  actor, dry_run=dry_run)
    if as_json:
        click.echo(json.dumps(done.as_dict(), ensure_ascii=False))
        return
    for unit in done.added:
        click.echo(f"  + {unit['code']:<24} {unit['name']} · {UNIT_KINDS.get(unit['kind'], unit['kind'])} "
                   f"· thuộc {unit['parent']}")
    for change in done.updated:
        click.echo(_change_line(change))
    verb = "Sẽ thêm" if dry_run else "Đã thêm"
    click.echo(f"{verb} {len(done.added)} đơn vị, {'sẽ ' if dry_run else ''}cập nhật {len(done.updated)}, "
               f"{len(done.unchanged)} không đổi" + (" (chạy thử, chưa ghi gì)." if dry_run else "."))


@click.group()
def registers() -> None:
    """Các sổ theo dõi: tổ chức bộ máy, chính quyền địa phương, thi đua khen thưởng, đào tạo bồi dưỡng."""


for _name in FAMILY_OF:
    registers.add_command(_list_command(_name))
registers.add_command(contact)
registers.add_command(units_import)


def register(cli_group: click.Group) -> None:
    """Add the `registers` group to the `sohoa` group."""
    cli_group.add_command(registers)
