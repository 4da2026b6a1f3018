"""`deadline_monitor` (daily): what falls due in the records, as a dated notice list per unit.

    records store ──due_items(rules)──▶ [DueItem] ──notice──▶ <home>/notices/<today>/<UNIT CODE>.json|.txt
                                                                                    + index.json
Four kinds of notice, all read from people's files and the documents in the records store
(`records.deadlines.due_items`): a decision whose events still wait (review, transfer approval)
and whose records update is overdue or due within a working day; a regular salary raise falling
due (the next-raise date of each person's latest salary step: 36 or 24 months by ngạch); an
appointment term ending within 90 days; a retirement within 6 months (NĐ 135/2020 ages).

The store holds no personnel rules: the default appointment term and the retirement ages come
from `validators.personnel` (`due_rules`). Each notice goes on the list of the unit that must act
on it — the nearest unit above the file that is not a section (a Phòng's people are their Sở's) —
and a run is scoped by the org tree: the whole province by default, or one unit's subtree.
"""
from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from prefect import flow

from flows import runtime, stores
from records import RecordsStore, department_admin
from records.deadlines import DueItem, DueRules
from validators import personnel

NoticeKind = Literal["records_update", "salary_raise", "term_end", "retirement"]
KIND_LABELS = {
    "records_update": "Cập nhật hồ sơ theo quyết định",
    "salary_raise": "Nâng bậc lương thường xuyên",
    "term_end": "Hết thời hạn bổ nhiệm",
    "retirement": "Đến tuổi nghỉ hưu",
}
UNKNOWN_UNIT = "Chưa rõ đơn vị"
UNKNOWN_FILE = "ngoai-cay-to-chuc"  # the list of files and documents outside the known org tree
TIMEZONE = "Asia/Ho_Chi_Minh"  # "today" is the province's calendar day


@dataclass(frozen=True)
class Notice:
    kind: NoticeKind
    due: dt.date
    unit: str | None  # org-tree code of the unit whose list it is on
    unit_name: str
    detail: str  # one Vietnamese sentence
    person: str | None = None
    person_id: int | None = None
    sha256: str | None = None  # the decision the date comes from
    number: str | None = None
    file_unit: str | None = None  # the unit of the person's file (or answerable for the document)


def _retirement_due(birth: dt.date, sex: str | None) -> tuple[dt.date, bool]:
    """The day the age is reached; with no sex on file, the earlier of the two (flagged unsure)."""
    if sex in ("male", "female"):
        return personnel.retirement_due(birth, sex), True
    return min(personnel.retirement_due(birth, s) for s in ("female", "male")), False


def due_rules(**windows: int) -> DueRules:
    """The store's due-date query with the validators' rules; `windows` override the horizons."""
    return DueRules(term_end=personnel.term_end, retirement_due=_retirement_due, **windows)


def notices(store: RecordsStore, rules: DueRules | None = None, unit: str | None = None,
            actor_name: str = "deadline-monitor") -> list[Notice]:
    """Everything falling due under `unit` (default: the whole province), as notices."""
    items = store.due_items(department_admin(actor_name), rules or due_rules(), unit)
    return [notice(item, store.tree.full_name(item.manager) or UNKNOWN_UNIT) for item in items]


def notice(item: DueItem, unit_name: str) -> Notice:
    return Notice(item.kind, item.due, item.manager, unit_name, _detail(item), item.person,  # type: ignore[arg-type]
                  item.person_id, item.sha256, item.number, item.unit)


def _detail(item: DueItem) -> str:
    facts, who, due = item.facts, item.person, _vi(item.due)
    if item.kind == "records_update":
        return (f"Quyết định {item.number or '(không số)'}: cập nhật hồ sơ của {', '.join(facts['people'])} "
                f"chậm nhất ngày {due} (đang chờ duyệt).")
    if item.kind == "salary_raise":
        step = f" bậc {facts['step']}" if facts.get("step") else ""
        scale = f", ngạch {facts['scale_code']}" if facts.get("scale_code") else ""
        return (f"{who}: đến hạn nâng bậc lương thường xuyên ngày {due} (đang hưởng{step}{scale} "
                f"từ {_vi_iso(facts['since'])}).")
    if item.kind == "term_end":
        return (f"{who}: hết thời hạn giữ chức vụ {facts.get('position') or ''} ngày {due} "
                f"(bổ nhiệm từ {_vi_iso(facts['since'])}).").replace("  ", " ")
    unsure = "" if facts.get("sex_known") else " (sớm nhất; hồ sơ chưa ghi giới tính)"
    return f"{who} (sinh {_vi_iso(facts['birth_date'])}): đủ tuổi nghỉ hưu ngày {due}{unsure}."


def _vi(date: dt.date) -> str:
    return date.strftime("%d/%m/%Y")


def _vi_iso(text: str) -> str:
    return _vi(dt.date.fromisoformat(text))


# ── Writing the lists ──────────────────────────────────────────────────────────────────────────────

def write_notices(items: Sequence[Notice], folder: Path, today: dt.date) -> dict[str, Any]:
    """One JSON and one readable Vietnamese text file per unit, and an index; returns the index.
    A second run on the same day replaces the day's lists (a unit with nothing left loses its file)."""
    folder.mkdir(parents=True, exist_ok=True)
    by_unit: dict[str | None, list[Notice]] = {}
    for item in items:
        by_unit.setdefault(item.unit, []).append(item)
    index: dict[str, Any] = {"date": today.isoformat(), "total": len(items), "units": []}
    written = {"index.json"}
    for unit, listed in sorted(by_unit.items(), key=lambda kv: kv[0] or ""):
        name = unit or UNKNOWN_FILE
        payload = {"date": today.isoformat(), "unit": unit, "unit_name": listed[0].unit_name,
                   "notices": [dict(asdict(n), due=n.due.isoformat(), overdue=n.due < today) for n in listed]}
        _write(folder / f"{name}.json", json.dumps(payload, ensure_ascii=False, indent=2))
        _write(folder / f"{name}.txt", notice_text(listed[0].unit_name, listed, today))
        written |= {f"{name}.json", f"{name}.txt"}
        index["units"].append({"unit": unit, "name": listed[0].unit_name, "file": name, "count": len(listed),
                               "overdue": sum(1 for n in listed if n.due < today)})
    _write(folder / "index.json", json.dumps(index, ensure_ascii=False, indent=2))
    for stale in folder.iterdir():
        if stale.suffix in (".json", ".txt") and stale.name not in written:
            stale.unlink(missing_ok=True)
    return index


def notice_text(unit_name: str, listed: Sequence[Notice], today: dt.date) -> str:
    lines = [f"DANH SÁCH NHẮC VIỆC NGÀY {_vi(today)}", f"Đơn vị: {unit_name}", ""]
    for i, n in enumerate(listed, 1):
        late = (today - n.due).days
        when = f"quá hạn {late} ngày" if late > 0 else ("hôm nay" if late == 0 else f"còn {-late} ngày")
        lines.append(f"{i}. [{KIND_LABELS[n.kind]}] {n.detail} ({when})")
    lines.append("")
    return "\n".join(lines)


def _write(path: Path, text: str) -> None:
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def local_today() -> dt.date:
    return dt.datetime.now(ZoneInfo(TIMEZONE)).date()


@flow(name="deadline-monitor", validate_parameters=False)
def deadline_monitor(home: str, today: str | None = None, database_url: str | None = None,
                     unit: str | None = None) -> dict[str, Any]:
    """Write today's notice lists from the records store (embedded in `home` unless
    `database_url`) to `<home>/notices/<today>/`; `unit` limits them to one unit's subtree."""
    day = dt.date.fromisoformat(today) if today else local_today()
    morning = dt.datetime.combine(day, dt.time(6, 0))  # the store's "today" is the run's day
    store = stores.open_records(Path(home), runtime.configured("database_url", database_url),
                                clock=lambda: morning)
    try:
        listed = notices(store, unit=unit or None)
    finally:
        store.close()
    return write_notices(listed, Path(home) / "notices" / day.isoformat(), day)
