"""The civil-service salary grids (NĐ 204/2004 Bảng 2) and the check of a (ngạch, bậc, hệ số) triple.

A decision's salary must match the grid exactly: the ngạch code (TT 02/2021) gives the group, the
group gives one coefficient per step. Grid data: validators/data/salary_grids.toml.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from pipeline.model import Event, Finding, Salary
from validators import catalogue, rules


@dataclass(frozen=True)
class Group:
    code: str
    label: str
    coefficients: tuple[float, ...]
    months: int  # time in a step before the regular raise


@lru_cache(maxsize=1)
def groups() -> dict[str, Group]:
    data = rules.load("salary_grids")["groups"]
    return {code: Group(code, g["label"], tuple(round(float(c), 2) for c in g["coefficients"]),
                        int(g["months"]))
            for code, g in data.items()}


def group_of(scale_code: str | None) -> Group | None:
    """The grid group of a ngạch code ("01.003" → A1); a group code itself ("A1") is accepted too."""
    if not scale_code:
        return None
    code = scale_code.strip()
    scales = rules.load("salary_grids")["scales"]
    if code in scales:
        return groups()[scales[code]["group"]]
    return groups().get(code.upper())


def expected_coefficient(scale_code: str, step: int) -> float | None:
    group = group_of(scale_code)
    if group is None or not 1 <= step <= len(group.coefficients):
        return None
    return group.coefficients[step - 1]


def _same(a: float, b: float) -> bool:
    return round(a, 2) == round(b, 2)


def _fits_some_group(step: int | None, coefficient: float) -> bool:
    for group in groups().values():
        if step is None and any(_same(c, coefficient) for c in group.coefficients):
            return True
        if step is not None and 1 <= step <= len(group.coefficients) \
                and _same(group.coefficients[step - 1], coefficient):
            return True
    return False


def _mismatch(salary: Salary) -> str | None:
    """Why the triple is off the grid (the message's `expected` phrase), or None when it fits."""
    group = group_of(salary.scale_code)
    step, coefficient = salary.step, salary.coefficient
    if group is None:  # no ngạch given: the pair must exist somewhere in the grids
        if coefficient is not None and not _fits_some_group(step, coefficient):
            return "không ngạch nào có hệ số này ở bậc này"
        return None
    if step is not None and not 1 <= step <= len(group.coefficients):
        return f"nhóm {group.code} chỉ có bậc 1 đến {len(group.coefficients)}"
    if coefficient is None:
        return None
    if step is None:
        if any(_same(c, coefficient) for c in group.coefficients):
            return None
        return "các hệ số của nhóm " + group.code + " là " + ", ".join(f"{c:.2f}" for c in group.coefficients)
    expected = group.coefficients[step - 1]
    return None if _same(expected, coefficient) else f"nhóm {group.code} bậc {step} có hệ số {expected:.2f}"


def check_salary(salary: Salary | None, who: str, page: int | None = None) -> list[Finding]:
    """SALARY-GRID-MISMATCH for an off-grid triple; SALARY-SCALE-UNKNOWN for an unlisted ngạch code."""
    if salary is None or (salary.step is None and salary.coefficient is None):
        return []
    if salary.scale_code and group_of(salary.scale_code) is None:
        return [catalogue.make("SALARY-SCALE-UNKNOWN", page=page, who=who, scale=salary.scale_code)]
    reason = _mismatch(salary)
    if reason is None:
        return []
    return [catalogue.make(
        "SALARY-GRID-MISMATCH", page=page, who=who, scale=salary.scale_code or "(không ghi)",
        step=salary.step if salary.step is not None else "(không ghi)",
        coefficient=salary.coefficient if salary.coefficient is not None else "(không ghi)",
        expected=reason)]


RAISE_TYPES = ("salary_raise", "early_salary_raise")


def check_salary_change(event: Event) -> list[Finding]:
    """Both salaries of an event on the grid; a raise goes up exactly one step within the same ngạch."""
    who = event.person.name
    findings = check_salary(event.previous_salary, who, event.page) + check_salary(event.salary, who, event.page)
    old, new = event.previous_salary, event.salary
    if event.type not in RAISE_TYPES or old is None or new is None:
        return findings
    same_scale = not old.scale_code or not new.scale_code or old.scale_code.strip() == new.scale_code.strip()
    if same_scale and old.step is not None and new.step is not None and new.step != old.step + 1:
        findings.append(catalogue.make("SALARY-STEP-NOT-NEXT", page=event.page, who=who,
                                       old_step=old.step, new_step=new.step))
    return findings
