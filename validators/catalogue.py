"""The catalogue of finding codes (validators/data/findings.toml) and the one way to make a Finding.

Checks never write a severity, a source or a message themselves: they name a code and pass the
values its message template needs, so every code's wording and severity live in one data file.
`python -m validators.catalogue [PATH]` writes the catalogue as Markdown (docs/findings.md by
default); a test keeps the committed file up to date.
"""
from __future__ import annotations

import datetime as dt
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.model import Box, Finding, nfc
from validators import rules

CODE_PATTERN = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+$")
SEVERITIES = ("error", "warning", "info")
GROUPS = {
    "digitization": "Số hóa (TT 01/2019, TT 02/2019/TT-BNV)",
    "format": "Thể thức văn bản (NĐ 30/2020/NĐ-CP)",
    "signature": "Chữ ký số",
    "personnel": "Quy định nhân sự, tiền lương",
    "registers": "Tổ chức bộ máy, chính quyền địa phương, thi đua khen thưởng, đào tạo (docs/registers.md)",
}
DEFAULT_DOC = Path(__file__).resolve().parents[1] / "docs" / "findings.md"


@dataclass(frozen=True)
class Entry:
    code: str
    severity: str
    group: str
    source: str
    confirmed: bool
    title: str
    message: str
    params: tuple[str, ...]
    note: str


@lru_cache(maxsize=1)
def entries() -> dict[str, Entry]:
    """Every catalogued code, in file order."""
    result: dict[str, Entry] = {}
    for raw in rules.load("findings")["finding"]:
        item = Entry(
            code=raw["code"], severity=raw["severity"], group=raw["group"],
            source=nfc(raw["source"]), confirmed=bool(raw["confirmed"]), title=nfc(raw["title"]),
            message=nfc(raw["message"]), params=tuple(raw["params"]), note=raw.get("note", ""),
        )
        if item.code in result:
            raise ValueError(f"finding code {item.code} is catalogued twice")
        result[item.code] = item
    return result


def _text(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def make(code: str, *, page: int | None = None, box: Box | None = None, **params: object) -> Finding:
    """A Finding for a catalogued code; `params` must be exactly the code's message fields."""
    item = entries()[code]
    if set(params) != set(item.params):
        raise ValueError(f"{code} takes {sorted(item.params)}, got {sorted(params)}")
    message = item.message.format(**{key: _text(value) for key, value in params.items()})
    return Finding(
        rule=code, severity=item.severity, message=nfc(message),  # type: ignore[arg-type]
        source=item.source, page=page, box=box,
    )


_INTRO = """\
# Finding codes

Generated from `validators/data/findings.toml` by `python -m validators.catalogue`; do not edit by
hand. Rules version: `{version}`.

A **finding** is a content problem, reported as data with the document: a stable code, a severity,
a Vietnamese message telling the clerk what to fix, the article of the standard it comes from, and
where it was found (page and box) when known.

- `error`: a mandatory requirement is breached (PDF version, resolution, colour, a missing mandatory
  component or number, an impossible date, a grid mismatch, a broken signature). Any `error` sends
  the document's events to review instead of applying them; the document is still stored and
  indexed with its findings.
- `warning`: a slip of style or a doubtful value (a missing leading zero, an odd abbreviation, an
  intact signature whose certificate is not trusted).
- `info`: reported for the record only.

A source marked **unconfirmed** comes from a rule that ../shared/design/STANDARDS.md marks [U] or
[P]: the check runs, but its source must be verified against the official text before anyone relies
on it.

## How a file claims to be a digitized copy

TT 01/2019 Điều 6 khoản 2 điểm c wants the digitizing agency's signature (its red seal image) at the
top right of page 1, and an electronic copy (bản sao điện tử, NĐ 30/2020) carries its copy
notation there. A **scanned** file is taken to claim to be a digitized or electronic copy when
page 1's top-right region (x ≥ {left:.0%} of the width, y ≤ {bottom:.0%} of the height) holds one of
the phrases in `validators/data/digitization.toml` (`SAO Y`, `BẢN SAO ĐIỆN TỬ`, …) or when the file
carries a digital signature at all. Such a file must carry a digital signature; a visible one must
sit in that region (an invisible one is accepted: a copy's signature is not displayed). Born-digital
files are not digitized copies and are not asked for one.

## Red seal on scans

The loaders call `pipeline.seal.detect_red_seal` on each colour scanned page and set
`Page.seal_near_signature` (a seal on the signer block, or anywhere on the page when the signer's
words are not located). `SEAL-MISSING` is raised when no page of a colour scan shows one; grey and
bilevel pages are not judged (their seal cannot look red: `SCAN-NOT-COLOUR` says why).
"""


def render_markdown() -> str:
    """The catalogue as Markdown, grouped by standard, codes in file order."""
    top_right = rules.load("digitization")["top_right"]
    parts = [_INTRO.format(version=rules.rules_version(), left=top_right["left"],
                           bottom=top_right["bottom"])]
    for group, heading in GROUPS.items():
        parts.append(f"\n## {heading}\n\n| Code | Severity | Title | Source | Note |\n|---|---|---|---|---|\n")
        for item in entries().values():
            if item.group != group:
                continue
            source = item.source if item.confirmed else f"{item.source} (**unconfirmed**)"
            parts.append(f"| `{item.code}` | {item.severity} | {item.title} | {source} | {item.note} |\n")
        parts.append("\nMessages:\n\n")
        for item in entries().values():
            if item.group == group:
                parts.append(f"- `{item.code}`: {item.message}\n")
    return "".join(parts)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else DEFAULT_DOC
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_markdown(), encoding="utf-8")
    print(f"wrote {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
