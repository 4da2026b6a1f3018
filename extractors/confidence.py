"""How sure each reading is, and how sure a whole event is.

A field's confidence is the rule's certainty, lowered by poor OCR under its words and by checks
that the value is plausible (a name of Vietnamese syllables, a birth date of a working-age
person, an effective date near the issue date, a coefficient that is on the salary grid for its
ngạch and step). An event is right when its type, name and effective date are (the benchmark's
match), so its confidence is the product of those three, lightly weighted by the others; the
benchmark reports how often events at ≥ 0.9 are right.
"""
from __future__ import annotations

import datetime as dt
import math

from extractors.fields import Found, Located
from extractors.rules import rules
from extractors.text import fold
from pipeline.vietnamese import is_syllable

def _ocr_factor(ocr: float) -> float:
    # Tesseract reports 0.9–0.97 on clean words; below that band misreadings grow quickly.
    return max(0.3, min(1.0, 0.6 + 0.4 * ocr ** 2))


def _plausible_name(name: str) -> float:
    words = name.split()
    if not 2 <= len(words) <= 6:
        return 0.4
    if len(words) == 2:
        return 0.85  # real but rare; more often a given name OCR lost
    if not all(is_syllable(w) and w[:1].isupper() for w in words):
        return 0.6
    return 1.0


def _plausible_unit(name: str) -> float:
    """A unit's name opens with a head word ("Trung tâm", "Phòng") and is a few words long."""
    words = name.split()
    heads = rules().unit_heads
    opens = any(fold(name).startswith(fold(head) + " ") for head in heads)
    return (1.0 if opens else 0.7) * (1.0 if 2 <= len(words) <= 20 else 0.5)


def _plausible_birth(day: dt.date, issued: dt.date | None) -> float:
    ref = issued or dt.date.today()
    age = (ref - day).days / 365.25
    return 1.0 if 17 <= age <= 70 else 0.4


def _plausible_effective(day: dt.date, issued: dt.date | None) -> float:
    if issued is None:
        return 0.95
    return 1.0 if abs((day - issued).days) <= 400 else 0.6


def _on_grid(found: Found, prefix: str) -> float:
    code = found.get("salary.scale_code")
    step = found.get(f"{prefix}.step")
    coef = found.get(f"{prefix}.coefficient")
    if not (code and step and coef):
        return 1.0
    ngach = rules().ngach_by_code(code.value)
    grid = rules().grids.get(ngach.group) if ngach else None
    if not grid or not isinstance(step.value, int) or not 1 <= step.value <= len(grid):
        return 0.8
    return 1.0 if abs(grid[step.value - 1] - coef.value) < 0.005 else 0.6


def field_confidence(key: str, value: Located, found: Found, issued: dt.date | None) -> float:
    score = value.confidence * _ocr_factor(value.where.ocr)
    if key == "person.name":
        score *= _plausible_name(value.value)
    elif key == "unit.name":
        score *= _plausible_unit(value.value)
    elif key == "person.birth_date":
        score *= _plausible_birth(value.value, issued)
    elif key == "effective_date":
        score *= _plausible_effective(value.value, issued)
    elif key in ("salary.step", "salary.coefficient"):
        score *= _on_grid(found, "salary")
    elif key in ("previous_salary.step", "previous_salary.coefficient"):
        score *= _on_grid(found, "previous_salary")
    return round(min(1.0, max(0.0, score)), 3)


def event_confidence(type_confidence: float, scores: dict[str, float], subject: str = "person.name") -> float:
    """P(type, name and effective date are all right), nudged by the other fields.

    `subject` is the field that names who the event is about: the person, or the unit of a
    register event. The weaker of name and date counts, not their product: on one page, OCR
    quality is shared, and multiplying it in twice made right scanned events look unsure."""
    keys = (subject, "effective_date")
    key = type_confidence * min(scores.get(field, 0.5) for field in keys)
    others = [v for k, v in scores.items() if k not in keys]
    if others:
        key *= math.exp(sum(math.log(max(v, 0.05)) for v in others) / len(others)) ** 0.25
    return round(min(1.0, max(0.0, key)), 3)
