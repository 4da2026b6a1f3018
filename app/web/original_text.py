"""The text of a kept DOCX original, for the page of a document the records hold but the web app
never received (read by `sohoa ingest` or the nightly batch).

The records keep the decision's parts and events, not its text; an upload's page shows the text
read at upload because a DOCX has no page image. Here the kept original is read again through the
pipeline's own loader (tens of milliseconds), so an archived DOCX shows its text the same way.
Originals are write-once, so a text once read is kept for the next views.
"""
from __future__ import annotations

from pathlib import Path

from pipeline.config import PipelineConfig
from pipeline.errors import SohoaError
from pipeline.intake import DOCX
from pipeline.loaders import load
from pipeline.model import SourceFile
from pipeline.store import object_path

_TEXTS: dict[str, str] = {}
_TEXTS_KEPT = 64


def docx_text(sha256: str, media_type: str | None, config: PipelineConfig) -> str | None:
    """The text of the kept original when it is a DOCX; None for any other type, or when it is
    not kept or cannot be read now (not remembered: it may be passing)."""
    if media_type != DOCX:
        return None
    if sha256 in _TEXTS:
        return _TEXTS[sha256]
    path = object_path(sha256, config.paths)
    try:
        document = load(Path(path), SourceFile(str(path), sha256, DOCX, path.stat().st_size), config)
    except (SohoaError, OSError):
        return None
    if len(_TEXTS) >= _TEXTS_KEPT:
        _TEXTS.clear()
    _TEXTS[sha256] = document.text
    return document.text
