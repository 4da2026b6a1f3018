"""`deadline_monitor` (daily): what falls due, as a dated notice list per unit.

    DueSource.due_items(today) ──▶ [Notice] ──select(windows)──▶ <home>/notices/<today>/<unit>.json|.txt

Four kinds of notice: a decision whose records update is overdue or due within a day; a regular
salary raise falling due (36 or 24 months in step by ngạch, validators/data/salary_grids.toml);
an appointment term ending within 90 days; a retirement within 6 months (NĐ 135/2020 ages).
The rules themselves come from `validators.personnel`; the windows are `Windows`.

The source of the dates is a protocol: the records store (issue "records") will answer it from
people's full histories. Until then `FactsSource` answers it from what documents say — built
from `Outcome`s in memory (`from_outcomes`) or from the processed ledger (`ledger_source`, the
deployment's default), whose records-stage result at ingest tells which decisions were applied.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import json
import os
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from prefect import flow

from flows.ledger import Ledger
from pipeline.model import Event, Outcome, Person, Post, Salary
from validators import personnel, salary_grid

NoticeKind = Literal["records_update", "salary_raise", "term_end", "retirement"]
KIND_LABELS = {
    "records_update": "Cập nhật hồ sơ theo quyết định",
    "salary_raise": "Nâng bậc lương thường xuyên",
    "term_end": "Hết thời hạn bổ nhiệm",
    "retirement": "Đến tuổi nghỉ hưu",
}
UNKNOWN_UNIT = "Chưa rõ đơn vị"
RAISE_TYPES = ("salary_raise", "early_salary_raise")
TERM_TYPES = ("appointment", "reappointment")


@dataclass(frozen=True)
class Notice:
    kind: NoticeKind
    due: dt.date
    unit: str
    detail: str  # one Vietnamese sentence
    person: str | None = None
    sha256: str | None = None  # the decision the date comes from
    number: str | None = None


class DueSource(Protocol):
    """Whatever knows the pending dates: every candidate notice, the monitor picks by window."""

    def due_items(self, today: dt.date) -> Iterable[Notice]: ...


@dataclass(frozen=True)
class Windows:
    update_days: int = 1  # records update: overdue, or due by tomorrow
    raise_days: int = 30
    term_days: int = 90
    retirement_months: int = 6

    def horizon(self, kind: NoticeKind, today: dt.date) -> dt.date:
        if kind == "retirement":
            return personnel.add_months(today, self.retirement_months)
        days = {"records_update": self.update_days, "salary_raise": self.raise_days,
                "term_end": self.term_days}[kind]
        return today + dt.timedelta(days=days)


def select(notices: Iterable[Notice], today: dt.date, windows: Windows = Windows()) -> list[Notice]:
    """Notices due by their kind's horizon (overdue ones included), soonest first."""
    chosen = [n for n in notices if n.due <= windows.horizon(n.kind, today)]
    return sorted(chosen, key=lambda n: (n.unit, n.due, n.kind, n.person or ""))


# ── The interim source: facts read from documents ──────────────────────────────────────────────────

@dataclass(frozen=True)
class DocFacts:
    sha256: str | None
    number: str | None
    issuer: str | None
    update_due: dt.date | None
    events: tuple[Event, ...] = ()


@dataclass
class FactsSource:
    """Due dates derived from documents alone; `applied` holds the sha256 of decisions applied."""

    docs: Sequence[DocFacts]
    applied: Collection[str] = field(default_factory=frozenset)

    def due_items(self, today: dt.date) -> list[Notice]:
        notices = [n for d in self.docs for n in _update_notice(d, self.applied)]
        latest = _latest_by_person(self.docs)
        notices += [n for doc, event in latest.get("raise", {}).values() for n in _raise_notice(doc, event)]
        notices += [n for doc, event in latest.get("term", {}).values() for n in _term_notice(doc, event)]
        retired = {_person_key(e) for d in self.docs for e in d.events if e.type == "retirement"}
        notices += [n for key, (doc, event) in latest.get("person", {}).items() if key not in retired
                    for n in _retirement_notice(doc, event)]
        return notices


def from_outcomes(outcomes: Iterable[Outcome], applied: Collection[str] = ()) -> FactsSource:
    docs = [DocFacts(o.sha256, o.structure.number if o.structure else None,
                     o.structure.issuer if o.structure else None, o.update_due, o.events)
            for o in outcomes if o.ok]
    return FactsSource(docs, frozenset(applied))


_HANDLED = {"applied", "refused", "superseded", "unchanged"}  # an event status nobody waits on


def ledger_source(home: str | Path) -> FactsSource:
    """The deployment's default until the records store answers: the ledger's contract outputs.

    A decision counts as applied when, at ingest, the records stage left none of its events
    waiting (a snapshot: one approved from review later still shows as waiting here).
    """
    results = [r["result"] for r in Ledger.of_home(Path(home)).records()]
    applied = {r.get("sha256") for r in results if _handled(r.get("records"))}
    return FactsSource([_facts_from_contract(r) for r in results], frozenset(applied))


def _handled(update: dict[str, Any] | None) -> bool:
    events = (update or {}).get("events") or ()
    return bool(events) and all(e.get("status") in _HANDLED for e in events)


def _update_notice(doc: DocFacts, applied: Collection[str]) -> list[Notice]:
    """One notice per unit whose people the decision concerns (a list decision spans units)."""
    if doc.update_due is None or not doc.events or doc.sha256 in applied:
        return []
    people: dict[str, set[str]] = {}
    for event in doc.events:
        people.setdefault(_unit(doc, event), set()).add(event.person.name)
    return [Notice("records_update", doc.update_due, unit,
                   f"Quyết định {doc.number or '(không số)'}: cập nhật hồ sơ của {', '.join(sorted(names))} "
                   f"chậm nhất ngày {_vi(doc.update_due)}.", sha256=doc.sha256, number=doc.number)
            for unit, names in sorted(people.items())]


def _raise_notice(doc: DocFacts, event: Event) -> list[Notice]:
    scale = event.salary.scale_code if event.salary else None
    group = salary_grid.group_of(scale)
    start = event.next_raise_from or event.effective_date
    if group is None or start is None:
        return []
    due = personnel.add_months(start, group.months)
    step = f" {event.salary.step}" if event.salary and event.salary.step else ""
    detail = f"{event.person.name}: đủ {group.months} tháng giữ bậc{step} (ngạch {scale}) vào ngày {_vi(due)}."
    return [Notice("salary_raise", due, _unit(doc, event), detail, event.person.name, doc.sha256, doc.number)]


def _term_notice(doc: DocFacts, event: Event) -> list[Notice]:
    start = event.effective_date
    if start is None:
        return []
    end = (personnel.add_months(start, event.term_months) - dt.timedelta(days=1)
           if event.term_months else personnel.term_end(start))
    position = event.to_post.position if event.to_post and event.to_post.position else "chức vụ"
    detail = f"{event.person.name}: hết thời hạn giữ {position} ngày {_vi(end)}."
    return [Notice("term_end", end, _unit(doc, event), detail, event.person.name, doc.sha256, doc.number)]


def _retirement_notice(doc: DocFacts, event: Event) -> list[Notice]:
    birth = event.person.birth_date
    if birth is None:
        return []
    sexes = [event.person.sex] if event.person.sex in ("male", "female") else ["female", "male"]
    due = min(personnel.retirement_due(birth, s) for s in sexes)  # type: ignore[arg-type]
    unsure = "" if len(sexes) == 1 else " (sớm nhất; quyết định không ghi giới tính)"
    detail = f"{event.person.name} (sinh {_vi(birth)}): đủ tuổi nghỉ hưu ngày {_vi(due)}{unsure}."
    return [Notice("retirement", due, _unit(doc, event), detail, event.person.name, doc.sha256, doc.number)]


def _latest_by_person(docs: Sequence[DocFacts]) -> dict[str, dict[tuple, tuple[DocFacts, Event]]]:
    """The latest raise, the latest term start (per post) and the latest event of each person."""
    latest: dict[str, dict[tuple, tuple[DocFacts, Event]]] = {"raise": {}, "term": {}, "person": {}}
    for doc in docs:
        for event in doc.events:
            key = _person_key(event)
            slots = [("person", key)]
            if event.type in RAISE_TYPES:
                slots.append(("raise", key))
            if event.type in TERM_TYPES:
                slots.append(("term", key + (_position(event),)))
            for table, slot in slots:
                kept = latest[table].get(slot)
                if kept is None or _when(event) >= _when(kept[1]):
                    latest[table][slot] = (doc, event)
    return latest


def _person_key(event: Event) -> tuple:
    return (event.person.name.casefold(), event.person.birth_date)


def _position(event: Event) -> str:
    return (event.to_post.position or "").casefold() if event.to_post else ""


def _when(event: Event) -> dt.date:
    return event.effective_date or dt.date.min


def _unit(doc: DocFacts, event: Event) -> str:
    for post in (event.to_post, event.from_post):
        if post is not None and post.unit:
            return post.unit
    return doc.issuer or UNKNOWN_UNIT


def _facts_from_contract(result: dict[str, Any]) -> DocFacts:
    meta = result.get("metadata") or {}
    return DocFacts(result.get("sha256"), meta.get("number"), meta.get("issuer"),
                    _date(result.get("update_due")), tuple(_event(e) for e in result.get("events") or ()))


def _event(data: dict[str, Any]) -> Event:
    person = data.get("person") or {}
    salary = data.get("salary")
    return Event(
        type=data["type"],
        person=Person(person.get("name") or "?", _date(person.get("birth_date"))),
        from_post=Post(**data["from"]) if data.get("from") else None,
        to_post=Post(**data["to"]) if data.get("to") else None,
        salary=Salary(**salary) if salary else None,
        effective_date=_date(data.get("effective_date")),
        confidence=float(data.get("confidence") or 0.0),
    )


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _vi(date: dt.date) -> str:
    return date.strftime("%d/%m/%Y")


# ── Writing the lists ──────────────────────────────────────────────────────────────────────────────

def write_notices(notices: Sequence[Notice], folder: Path, today: dt.date) -> dict[str, Any]:
    """One JSON and one readable Vietnamese text file per unit, and an index; returns the index."""
    folder.mkdir(parents=True, exist_ok=True)
    by_unit: dict[str, list[Notice]] = {}
    for notice in notices:
        by_unit.setdefault(notice.unit, []).append(notice)
    index = {"date": today.isoformat(), "total": len(notices), "units": []}
    for unit, items in sorted(by_unit.items()):
        name = unit_file_name(unit)
        payload = {"date": today.isoformat(), "unit": unit,
                   "notices": [dict(asdict(n), due=n.due.isoformat(), overdue=n.due < today) for n in items]}
        _write(folder / f"{name}.json", json.dumps(payload, ensure_ascii=False, indent=2))
        _write(folder / f"{name}.txt", notice_text(unit, items, today))
        index["units"].append({"unit": unit, "file": name, "count": len(items)})
    _write(folder / "index.json", json.dumps(index, ensure_ascii=False, indent=2))
    return index


def notice_text(unit: str, notices: Sequence[Notice], today: dt.date) -> str:
    lines = [f"DANH SÁCH NHẮC VIỆC NGÀY {_vi(today)}", f"Đơn vị: {unit}", ""]
    for i, n in enumerate(notices, 1):
        late = (today - n.due).days
        when = f"quá hạn {late} ngày" if late > 0 else ("hôm nay" if late == 0 else f"còn {-late} ngày")
        lines.append(f"{i}. [{KIND_LABELS[n.kind]}] {n.detail} ({when})")
    lines.append("")
    return "\n".join(lines)


def unit_file_name(unit: str) -> str:
    """An ASCII file name for a unit: readable, and unique through a short hash of the exact name."""
    folded = unicodedata.normalize("NFKD", unit.replace("đ", "d").replace("Đ", "D"))
    ascii_ = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_).strip("-")[:60] or "don-vi"
    return f"{slug}-{hashlib.sha256(unit.encode('utf-8')).hexdigest()[:6]}"


def _write(path: Path, text: str) -> None:
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def load_source(spec: str, home: str) -> DueSource:
    """`module:function` → function(home): the records store plugs in here without a code change."""
    module, _, name = spec.partition(":")
    factory: Callable[[str], DueSource] = getattr(importlib.import_module(module), name)
    return factory(home)


@flow(name="deadline-monitor")
def deadline_monitor(home: str, today: str | None = None,
                     source: str = "flows.monitor:ledger_source") -> dict[str, Any]:
    """Write today's notice lists to `<home>/notices/<today>/`; returns the index."""
    day = dt.date.fromisoformat(today) if today else dt.date.today()
    notices = select(load_source(source, home).due_items(day), day)
    return write_notices(notices, Path(home) / "notices" / day.isoformat(), day)
