"""Loaders: read an identified file into a `Document` (pages of text with word boxes, tables).

`load` dispatches on the media type `pipeline.intake.identify` found in the bytes:
PDF → `pdf.py` (text layer or OCR per page), DOCX → `docx.py`, JPEG/PNG/TIFF → `image.py`.
Each loader wraps its third-party library and raises only errors from `pipeline.errors`.
`needs_ocr` guesses, from the first bytes and a PDF's first page, which files OCR will read.
"""
from __future__ import annotations

from pathlib import Path

from pipeline.config import Limits, PipelineConfig
from pipeline.errors import StorageError, UnsupportedType
from pipeline.intake import DOCX, JPEG, PDF, PNG, TIFF, sniff
from pipeline.model import Document, SourceFile


def load(path: Path, source: SourceFile, config: PipelineConfig) -> Document:
    """Read `path` (already identified as `source`) into a Document."""
    _check_readable(Path(path))
    media_type = source.media_type
    if media_type == PDF:
        from pipeline.loaders.pdf import load_pdf

        return load_pdf(Path(path), source, config)
    if media_type == DOCX:
        from pipeline.loaders.docx import load_docx

        return load_docx(Path(path), source, config)
    if media_type in (JPEG, PNG, TIFF):
        from pipeline.loaders.image import load_image

        return load_image(Path(path), source, config)
    raise UnsupportedType(f"Không có bộ đọc cho loại tệp {media_type}.")


def needs_ocr(path: Path) -> bool:
    """A cheap guess (about a millisecond) that OCR will read this file: an image, or a PDF whose
    first page has no text layer. DOCX, text PDFs and files that will be refused at once are read
    in a fraction of the time. Used to order a batch; the loaders decide page by page."""
    media_type = sniff(path)
    if media_type == PDF:
        from pipeline.loaders.pdf import first_page_has_text

        try:
            if path.stat().st_size > Limits().max_bytes:
                return False  # over the default limit: not worth opening for a guess about the order
            return first_page_has_text(path) is False
        except Exception:  # noqa: BLE001 — a guess must never stop a batch; the reader will say why
            return False
    return media_type in (JPEG, PNG, TIFF)


def _check_readable(path: Path) -> None:
    """A file gone or unreadable since identification is a storage problem, not a bad file
    (the libraries would report it as damage)."""
    try:
        with open(path, "rb") as handle:
            handle.read(1)
    except OSError as exc:
        raise StorageError(f"Không đọc được tệp {path.name}: {exc.strerror or exc}") from exc
