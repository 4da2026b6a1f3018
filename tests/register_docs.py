"""Register decisions (issue 10) from the corpus generator, rendered and read the way `sohoa ingest`
reads them: identify → load → parse → extract. Shared by the register extractor and validator tests.

`spec_of(family, kind, form)` picks a generated decision; `read(spec, tmp_path, kind)` renders it
as DOCX, text PDF or a 300-dpi scan (fixed options, no randomness) and returns the read document,
its structure and the extraction; `matches(truth, event)` says whether an event is the truth's.
"""
from __future__ import annotations

import dataclasses
from functools import lru_cache
from pathlib import Path

from bench.corpus.registers import PLAN, make_register_specs
from bench.corpus.spec import DecisionSpec
from extractors import extract
from pipeline import intake, loaders, structure
from pipeline.config import Paths, PipelineConfig
from pipeline.contract import event_to_dict
from pipeline.model import Event
from pipeline.vietnamese import canonical

SEED = 3
# A clean colour scan with a seal and a slight skew, as a records office scans at 300 dpi.
SCAN = {"dpi": 300, "mode": "color", "skew": 0.6, "noise": 3.0, "blur": 0.4, "jpeg_quality": 75,
        "seal": True, "signature": True, "rotate": {}, "seed": 10}


@lru_cache(maxsize=1)
def specs() -> tuple[DecisionSpec, ...]:
    """The first documents of the register corpus: every builder and form of PLAN once."""
    return tuple(make_register_specs(4 * max(len(p) for p in PLAN.values()), SEED))


def spec_of(family: str, builder: str, form: str = "single") -> DecisionSpec:
    """The generated decision of `family` made by `builder` in `form` (the order of PLAN)."""
    families = list(PLAN)
    index = families.index(family) + 4 * PLAN[family].index((builder, form))
    spec = specs()[index]
    assert spec.topic == family
    return spec


def read(spec: DecisionSpec, tmp_path: Path, kind: str = "docx"):
    """(document, structure, extraction) of `spec` rendered as `kind`: docx, pdf or scan300."""
    from bench.corpus import render

    path = tmp_path / f"{spec.doc_id}.{ {'scan300': 'scan.pdf'}.get(kind, kind) }"
    if kind == "docx":
        render.render_docx(spec, path, header="table")
    elif kind == "pdf":
        render.render_pdf(spec, path)
    else:
        render.render_scan(spec, path, **SCAN)
    config = PipelineConfig(Paths(tmp_path / "home"))
    document = loaders.load(path, intake.identify(path, config.limits), config)
    parsed = structure.parse(document)
    return document, parsed, extract(document, parsed)


def with_articles(spec: DecisionSpec, first: str, **changes) -> DecisionSpec:
    """The same decision with another first article (and other fields changed)."""
    return dataclasses.replace(spec, articles=(f"Điều 1. {first}",) + spec.articles[1:], **changes)


def key(event: dict | Event) -> tuple:
    data = event_to_dict(event) if isinstance(event, Event) else event
    who = data["person"]["name"] if data.get("person") else data["unit"]["name"]
    return data["type"], canonical(who), data["effective_date"]


def _blank(value):
    """The truth writes a post it does not state as {"unit": None, "position": None}."""
    return None if isinstance(value, dict) and not any(v for v in value.values()) else value


def matches(truth: dict, event: Event, fields: tuple[str, ...]) -> list[str]:
    """The fields (dotted paths into the contract dict) where `event` differs from `truth`."""
    mine = event_to_dict(event)
    wrong = []
    for field in fields:
        part, _, sub = field.partition(".")
        have, want = _blank(mine.get(part)), _blank(truth.get(part))
        if sub:
            have, want = (have or {}).get(sub), (want or {}).get(sub)
        if have != want:
            wrong.append(f"{field}: {have!r} != {want!r}")
    return wrong
