"""Completing or correcting a person's identity by hand: personal ID, name, birth date, sex,
hometown, ethnicity — what a personnel officer checks against the paper file when no decision
prints it (records.completeness reports a file without a personal ID, for instance).

Only identity fields are editable (`EDITABLE`). Salary, posts and every other event come from
decisions and change only when a decision is applied; social insurance and asset declaration data
are not the records' to touch at all (the province forbids it). The officer must hold the right to
approve and see the file in their scope; each edit is one audit entry with the old and new values
and the officer's note, in the same shape as a review correction (records.review).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select

from pipeline.model import nfc
from pipeline.vietnamese import canonical, fold
from records.codec import name_key
from records.context import Ctx
from records.errors import InvalidRequest, NotPermitted
from records.matching import valid_personal_id
from records.review import parse_date  # the dates a review correction accepts: dd/mm/yyyy or ISO
from records.schema import Person
from records.views import visible_person

# What an officer may edit by hand: the Person columns of identity, nothing a decision decides.
EDITABLE = ("personal_id", "name", "birth_date", "sex", "hometown", "ethnicity")
# Sex as typed (folded: "Nữ", "nu", "NỮ" are one) → the model's value (pipeline.model.Person.sex).
_SEX = {"nam": "male", "male": "male", "nu": "female", "female": "female"}
# Column widths (records.schema.Person) and a sane bound for free text typed into a form.
_MAX_LEN = {"name": 120, "hometown": 255, "ethnicity": 64}
_OLDEST_BIRTH = dt.date(1900, 1, 1)


@dataclass(frozen=True)
class PersonEdit:
    """What one edit changed: the fields' old and new values (JSON-ready), and the note."""

    person_id: int
    before: dict[str, Any]
    after: dict[str, Any]
    note: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def update_person(ctx: Ctx, person_id: int, changes: dict[str, Any], note: str | None = None) -> PersonEdit:
    """Apply `changes` (field → typed text; empty clears the field, except the name) to a file in
    the actor's scope, audited; InvalidRequest says what to type instead, or that nothing changed."""
    if not ctx.actor.can("approve"):  # the store checks too; this keeps the rule beside the work
        raise NotPermitted(f"Vai trò '{ctx.actor.role}' không được sửa thông tin nhân thân trong hồ sơ.")
    person = visible_person(ctx, person_id)
    before, after = {}, {}
    for field, raw in changes.items():
        if field not in EDITABLE:
            raise InvalidRequest(
                f"Không sửa được trường '{field}'; chỉ sửa được thông tin nhân thân: {', '.join(EDITABLE)}. "
                "Lương, quá trình công tác và các sự kiện chỉ thay đổi theo quyết định; dữ liệu bảo hiểm xã hội "
                "và kê khai tài sản không được sửa tại đây.")
        value = _clean(ctx, field, raw)
        old = getattr(person, field)
        if value == old:
            continue
        before[field], after[field] = _json(old), _json(value)
        if field == "personal_id" and value is not None:
            _check_unique(ctx, person, value)
        setattr(person, field, value)
        if field == "name":  # the folded key is what matching and search look people up by
            person.name_folded = name_key(value)
    if not after:
        raise InvalidRequest("Không có trường nào thay đổi so với hồ sơ hiện tại.")
    note = (" ".join(note.split()) or None) if note else None
    ctx.audit("edit_person", person=person, before={"fields": before}, after={"fields": after, "note": note})
    return PersonEdit(person.id, before, after, note)


def _check_unique(ctx: Ctx, person: Person, pid: str) -> None:
    """One personal ID, one file: name the file that holds it (its name only if the officer may see it)."""
    holder = ctx.session.scalar(select(Person).where(Person.personal_id == pid, Person.id != person.id))
    if holder is None:
        return
    who = f"hồ sơ số {holder.id}" + (f" ({holder.name})" if ctx.in_scope(holder.unit_code) else "")
    raise InvalidRequest(f"Số định danh {pid} đã thuộc {who}; mỗi số định danh chỉ thuộc một hồ sơ.")


def _clean(ctx: Ctx, field: str, raw: Any) -> Any:
    """The typed value for one field, or InvalidRequest with what to type instead."""
    text = nfc(" ".join(str(raw).split())) if raw is not None else ""
    if field == "name":
        if not text:
            raise InvalidRequest("Cần họ và tên; không xoá được họ tên của hồ sơ.")
        if any(ch.isdigit() for ch in text):
            raise InvalidRequest(f"Họ tên '{text}' không được chứa chữ số.")
        text = canonical(text)  # the spelling apply stores (records.apply._new_person)
    if not text:
        return None
    if len(text) > _MAX_LEN.get(field, len(text)):
        raise InvalidRequest(f"Giá trị của '{field}' dài quá {_MAX_LEN[field]} ký tự.")
    if field == "personal_id":
        pid = valid_personal_id(text)
        if pid is None:
            raise InvalidRequest(f"Số định danh cá nhân '{text}' không hợp lệ: cần đúng 12 chữ số (CCCD).")
        return pid
    if field == "birth_date":
        day = parse_date(text)
        if not _OLDEST_BIRTH <= day <= ctx.today:
            raise InvalidRequest(f"Ngày sinh '{text}' không hợp lệ (từ 01/01/1900 đến hôm nay).")
        return day
    if field == "sex":
        sex = _SEX.get(fold(text))
        if sex is None:
            raise InvalidRequest(f"Giới tính '{text}' không hợp lệ; nhập Nam hoặc Nữ.")
        return sex
    return text


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value
