"""Importing a Department's own organisation units into the tree (the seed ships only part of the
province): upsert by code from a CSV or TOML file, all or nothing.

    rows = parse_units(text, "csv")           # [{"line": 2, "code": …, "name": …, "parent": …, …}]
    result = import_units(ctx, rows, dry_run)  # UnitImport(added, updated, unchanged)

New units are added and an existing unit's name, kind, parent, aliases and valid-from date are
updated; nothing is deleted or ended here (a unit ends by an organisation decision,
records.orgchanges). What the import writes is marked `origin = "records"`, like what decisions
change, so the seed (records.orgtree.sync_seed) never overwrites it. Aliases are only ever added:
a decision printed under an older spelling keeps finding its unit. A new unit's code follows the
seed's convention, its parent's code + "." + a segment ("DN.SYT.TCCB"); an existing code is a
stable id and stays as it is when the unit moves.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from records.context import Ctx
from records.errors import InvalidRequest, NotPermitted
from records.orgchanges import reload_tree
from records.orgtree import seed
from records.schema import OrgAlias, OrgUnit

CSV_COLUMNS = ("code", "name", "parent", "kind", "aliases")  # required header; valid_from optional
_SEGMENT = re.compile(r"^[A-Z0-9\-]+$")  # one part of a dotted code (records.orgtree._CODE, no dots)
_NAME_MAX = 300  # records.schema.NAME


class UnitImportInvalid(InvalidRequest):
    """The file cannot be imported; `problems` lists every one, each with its line."""

    def __init__(self, problems: Sequence[str]):
        super().__init__("Tệp đơn vị không hợp lệ, không ghi gì:\n" + "\n".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class UnitRow:
    line: int
    code: str
    name: str
    parent: str
    kind: str
    aliases: tuple[str, ...]
    valid_from: dt.date | None
    suffixes: tuple[str, ...] = ()  # TOML `short`/`locality`: how the unit's children are named


@dataclass
class UnitImport:
    """What an import adds and changes (or would, for a dry run)."""

    dry_run: bool
    added: list[dict[str, Any]] = field(default_factory=list)
    updated: list[dict[str, Any]] = field(default_factory=list)  # {"code", "changes": {field: [before, after]}}
    unchanged: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"dry_run": self.dry_run, "added": self.added, "updated": self.updated, "unchanged": self.unchanged}


# ------------------------------------------------------------------ reading a file
def parse_units(text: str, fmt: str) -> list[dict[str, Any]]:
    """The rows of a CSV (header code,name,parent,kind,aliases[,valid_from]; aliases separated by
    ";") or of a TOML in org_tree.toml's shape ([[unit]] tables), each with its line number."""
    if fmt == "toml":
        return _parse_toml(text)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))  # Excel writes a BOM
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise UnitImportInvalid([f"dòng 1: thiếu cột {', '.join(missing)} (cần: {','.join(CSV_COLUMNS)})"])
    rows = []
    for record in reader:
        if not any((v or "").strip() for v in record.values() if isinstance(v, str)):
            continue  # a blank line
        rows.append({**{k: (v or "") for k, v in record.items() if k}, "line": reader.line_num})
    return rows


def _parse_toml(text: str) -> list[dict[str, Any]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UnitImportInvalid([f"tệp TOML không đọc được: {exc}"]) from exc
    # tomllib keeps no positions: the n-th [[unit]] header gives the n-th table's line.
    lines = [i for i, s in enumerate(text.splitlines(), 1) if s.strip().startswith("[[unit]]")]
    rows = []
    for n, raw in enumerate(data.get("unit", [])):
        valid = raw.get("valid", ["", ""])
        rows.append({**raw, "line": lines[n] if n < len(lines) else n + 1,
                     "valid_from": valid[0] if valid else "", "valid_to": valid[1] if len(valid) > 1 else "",
                     "suffixes": [s for s in (raw.get("short"), raw.get("locality")) if s]})
    return rows


# ------------------------------------------------------------------ checking
def _kinds() -> frozenset[str]:
    """The kinds org_tree.toml uses, but a province: a root comes only from the seed."""
    return frozenset(u["kind"] for u in seed()["unit"]) - {"province"}


def _text(value: Any) -> str:
    return str(value or "").strip()


def _row(raw: Mapping[str, Any], problems: list[str]) -> UnitRow | None:
    line = int(raw.get("line") or 0)
    at = f"dòng {line}"
    code, name, parent, kind = (_text(raw.get(k)) for k in ("code", "name", "parent", "kind"))
    aliases = raw.get("aliases") or []
    if isinstance(aliases, str):
        aliases = aliases.split(";")
    aliases = tuple(dict.fromkeys(a.strip() for a in aliases if a and a.strip()))
    before = len(problems)
    if not code:
        problems.append(f"{at}: thiếu mã đơn vị.")
    if not name:
        problems.append(f"{at}: tên đơn vị {code or ''} để trống.".replace("  ", " "))
    elif len(name) > _NAME_MAX or any(len(a) > _NAME_MAX for a in aliases):
        problems.append(f"{at}: tên hoặc tên gọi khác dài quá {_NAME_MAX} ký tự.")
    if kind not in _kinds():
        problems.append(f"{at}: loại đơn vị '{kind}' không hợp lệ (dùng: {', '.join(sorted(_kinds()))}).")
    if not parent:
        problems.append(f"{at}: thiếu mã đơn vị cấp trên (đơn vị gốc chỉ có trong cây tổ chức gốc).")
    if _text(raw.get("valid_to")) or _text(raw.get("successor")):
        problems.append(f"{at}: ngày kết thúc, đơn vị kế thừa không nhập bằng tệp; "
                        "hãy cập nhật bằng quyết định về tổ chức bộ máy.")
    valid_from = None
    if _text(raw.get("valid_from")):
        try:
            valid_from = dt.date.fromisoformat(_text(raw.get("valid_from")))
        except ValueError:
            problems.append(f"{at}: ngày hiệu lực '{raw.get('valid_from')}' không đúng dạng YYYY-MM-DD.")
    if len(problems) > before:
        return None
    return UnitRow(line, code, name, parent, kind, aliases, valid_from, tuple(raw.get("suffixes") or ()))


def _check_codes(ctx: Ctx, rows: list[UnitRow], problems: list[str]) -> None:
    """Duplicates, unknown parents, the code convention for new units, and cycles."""
    tree, first = ctx.tree, {}
    for r in rows:
        if r.code in first:
            problems.append(f"dòng {r.line}: mã {r.code} trùng với dòng {first[r.code]}.")
        else:
            first[r.code] = r.line
    in_file = {r.code: r for r in rows}
    for r in rows:
        if r.parent not in in_file and tree.get(r.parent) is None:
            problems.append(f"dòng {r.line}: không có đơn vị cấp trên mã {r.parent} "
                            "trong cây tổ chức hay trong tệp.")
        if tree.get(r.code) is None:  # a code once given is a stable id: only new ones must follow the rule
            rest = r.code[len(r.parent) + 1:] if r.code.startswith(r.parent + ".") else ""
            if not rest or not all(_SEGMENT.match(part) for part in rest.split(".")):
                problems.append(f"dòng {r.line}: mã {r.code} sai quy ước: phải là mã đơn vị cấp trên, dấu chấm, "
                                f"rồi chữ in hoa không dấu, số hoặc '-' (ví dụ {r.parent}.TCCB).")
    parent_of = {c: u.parent for c, u in tree.units.items()} | {r.code: r.parent for r in rows}
    for r in rows:
        chain, code = [r.code], parent_of.get(r.code)
        while code is not None and code not in chain:
            chain.append(code)
            code = parent_of.get(code)
        if code == r.code:
            problems.append(f"dòng {r.line}: vòng lặp cấp trên: {' → '.join([*chain, r.code])}.")


# ------------------------------------------------------------------ writing
def import_units(ctx: Ctx, raw_rows: Iterable[Mapping[str, Any]], dry_run: bool = False) -> UnitImport:
    """Check every row, then (unless `dry_run`) write them all, audit once and reload the tree."""
    if not ctx.actor.can("approve") or ctx.scope_root != ctx.tree.home_root:
        raise NotPermitted("Chỉ quản trị viên của Sở Nội vụ (phạm vi toàn tỉnh) được nhập đơn vị; "
                           f"{ctx.actor.user} ({ctx.actor.unit}, {ctx.actor.role}) không được.")
    problems: list[str] = []
    rows = [r for r in (_row(raw, problems) for raw in raw_rows) if r is not None]
    if not rows and not problems:
        problems.append("tệp không có đơn vị nào.")
    _check_codes(ctx, rows, problems)
    if problems:
        raise UnitImportInvalid(sorted(problems, key=_line_of))
    rows = _parents_first(rows)
    result = UnitImport(dry_run)
    db_rows = {u.code: u for u in ctx.session.scalars(select(OrgUnit).where(OrgUnit.code.in_([r.code for r in rows])))}
    for r in rows:
        _plan(ctx, r, db_rows.get(r.code), result)
    if dry_run or not (result.added or result.updated):
        return result
    _write(ctx, rows, db_rows, result)
    ctx.audit("import_units", after={"added": len(result.added), "updated": len(result.updated),
                                     "unchanged": len(result.unchanged),
                                     "codes": [u["code"] for u in result.added + result.updated]})
    reload_tree(ctx)
    return result


def _line_of(problem: str) -> int:
    m = re.match(r"dòng (\d+)", problem)
    return int(m.group(1)) if m else 0


def _parents_first(rows: list[UnitRow]) -> list[UnitRow]:
    in_file = {r.code: r for r in rows}
    out: list[UnitRow] = []
    done: set[str] = set()

    def visit(r: UnitRow) -> None:
        if r.code in done:
            return
        done.add(r.code)
        if r.parent in in_file:
            visit(in_file[r.parent])
        out.append(r)
    for r in rows:
        visit(r)
    return out


def _plan(ctx: Ctx, r: UnitRow, row: OrgUnit | None, result: UnitImport) -> None:
    if row is None:
        result.added.append({"code": r.code, "name": r.name, "kind": r.kind, "parent": r.parent,
                             "aliases": list(r.aliases), "valid_from": _iso(r.valid_from)})
        return
    have = {k for (k,) in ctx.session.execute(select(OrgAlias.key).where(OrgAlias.unit_code == r.code))}
    changes: dict[str, list[Any]] = {}
    for name, before, after in (("name", row.name, r.name), ("kind", row.kind, r.kind),
                                ("parent", row.parent_code, r.parent)):
        if before != after:
            changes[name] = [before, after]
    if r.valid_from is not None and r.valid_from != row.valid_from:
        changes["valid_from"] = [_iso(row.valid_from), _iso(r.valid_from)]
    new_aliases = [a for a in r.aliases if ctx.tree.key(a) not in have]
    if new_aliases:
        changes["aliases"] = [None, new_aliases]
    if changes:
        result.updated.append({"code": r.code, "changes": changes})
    else:
        result.unchanged.append(r.code)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _write(ctx: Ctx, rows: list[UnitRow], db_rows: dict[str, OrgUnit], result: UnitImport) -> None:
    session, tree = ctx.session, ctx.tree
    touched = {u["code"] for u in result.added + result.updated}
    spellings: dict[str, list[str]] = {}  # every name of each unit, for its children's aliases
    seeded = {u["code"]: u for u in seed()["unit"]}
    for r in rows:  # parents first: a parent's path and spellings are known before its children's
        parent = db_rows.get(r.parent) or session.get(OrgUnit, r.parent)
        assert parent is not None
        row = db_rows.get(r.code)
        if r.code not in touched:
            spellings[r.code] = _held(session, r.code)
            continue
        if row is None:
            row = OrgUnit(code=r.code, path="", approves_transfers=False)
            session.add(row)
            db_rows[r.code] = row
        old_path, row.path = row.path, parent.path + r.code + "/"
        row.name, row.kind, row.parent_code, row.origin = r.name, r.kind, r.parent, "records"
        row.valid_from = r.valid_from or row.valid_from
        session.flush()  # the node exists (and the parent's path is current) before its children
        if old_path and old_path != row.path:  # moved: its whole subtree follows
            for below in session.scalars(select(OrgUnit).where(OrgUnit.path.startswith(old_path, autoescape=True))):
                if below.code != r.code:
                    below.path = row.path + below.path[len(old_path):]
        suffixes = list(dict.fromkeys([*_held(session, r.parent), tree.name(r.parent) or "",
                                       *spellings.get(r.parent, []),
                                       *(s for k in ("short", "locality") if (s := seeded.get(r.parent, {}).get(k))),
                                       *next((p.suffixes for p in rows if p.code == r.parent), ())]))
        names = [r.name, *r.aliases, *(f"{r.name} {s}" for s in suffixes if s)]
        _add_aliases(ctx, r.code, names)
        own = [r.name, *r.aliases, *r.suffixes]
        spellings[r.code] = list(dict.fromkeys([*_held(session, r.code), *own]))
        # Children the file does not list are named with the new spellings too ("Phòng X <new name>").
        listed = {p.code for p in rows}
        for child in tree.children(r.code):
            if child not in listed:
                _add_aliases(ctx, child, [f"{tree.name(child)} {s}" for s in own])
    session.flush()


def _held(session, code: str) -> list[str]:
    return list(session.scalars(select(OrgAlias.name).where(OrgAlias.unit_code == code)))


def _add_aliases(ctx: Ctx, code: str, names: Iterable[str]) -> None:
    """Undated aliases (the seed's kind), each key once per unit."""
    have = {k for (k,) in ctx.session.execute(select(OrgAlias.key).where(OrgAlias.unit_code == code))}
    for name in dict.fromkeys(n[:_NAME_MAX] for n in names if n):
        key = ctx.tree.key(name)[:_NAME_MAX]
        if key and key not in have:
            have.add(key)
            ctx.session.add(OrgAlias(unit_code=code, name=name, key=key, origin="records"))
    ctx.session.flush()
