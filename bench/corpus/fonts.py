"""Which TrueType faces print Vietnamese: Liberation Serif 2.x first (Times New Roman metrics).

Debian's fonts-liberation 1.07 lacks ơ, ư and the precomposed letters with two marks (Ủ, Ộ, ữ …),
so it is used only if it has them; then fonts-liberation2, then DejaVu Serif (wider, but complete).
"""
from __future__ import annotations

import functools
from pathlib import Path

from reportlab.pdfbase.ttfonts import TTFontFile

CANDIDATES = (
    ("LiberationSerif", Path("/usr/share/fonts/truetype/liberation2"),
     {"r": "Regular", "b": "Bold", "i": "Italic", "bi": "BoldItalic"}),
    ("LiberationSerif", Path("/usr/share/fonts/truetype/liberation"),
     {"r": "Regular", "b": "Bold", "i": "Italic", "bi": "BoldItalic"}),
    ("DejaVuSerif", Path("/usr/share/fonts/truetype/dejavu"),
     {"r": "", "b": "-Bold", "i": "-Italic", "bi": "-BoldItalic"}),
)
PROBE = "ỦỘỆơưởữỹĐđ"


class FontMissing(RuntimeError):
    """No installed serif font prints Vietnamese."""


def _file(family: str, folder: Path, suffix: str) -> Path:
    return folder / (f"{family}-{suffix}.ttf" if family.startswith("Liberation") else f"{family}{suffix}.ttf")


def _covers(path: Path) -> bool:
    if not path.exists():
        return False
    cmap = TTFontFile(str(path)).charToGlyph
    return all(ord(ch) in cmap for ch in PROBE)


@functools.cache
def serif_faces() -> dict[str, Path]:
    """{"r"|"b"|"i"|"bi": path} of the first family whose four faces all print Vietnamese."""
    for family, folder, faces in CANDIDATES:
        paths = {k: _file(family, folder, v) for k, v in faces.items()}
        if all(_covers(p) for p in paths.values()):
            return paths
    raise FontMissing("Không có phông chữ in được tiếng Việt: cài gói 'fonts-liberation2' "
                      "(apt-get install fonts-liberation2) hoặc 'fonts-dejavu-core'.")


@functools.cache
def sans_bold() -> Path:
    """For the seal's ring of letters."""
    for path in (Path("/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf"),
                 Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")):
        if _covers(path):
            return path
    return serif_faces()["b"]
