"""What the web app reads back from a kept original besides its pages: its media type, sniffed
from its bytes (never a name), and a DOCX's text.

The type: the page image and the download need it for a document the web app never received.
The text: the records keep the decision's parts and events, not its text, and a DOCX has no page
image, so an archived DOCX's page shows the text read again through the pipeline's own loader
(tens of milliseconds), as an upload of it shows the text read at upload.

Originals are content-addressed and write-once, so what is read from one never changes: it is
remembered for the next views (sniffing hashes the whole file, which each view of a large scan
would otherwise repeat). A failure is not remembered: it may be passing.
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

from pipeline.config import Limits, Paths, PipelineConfig
from pipeline.errors import SohoaError
from pipeline.intake import DOCX, identify
from pipeline.loaders import load
from pipeline.model import SourceFile
from pipeline.store import object_path

T = TypeVar("T")


class _Remembered(Generic[T]):
    """Values read from write-once originals, by the original's path (one process may serve
    several data folders); at most `size`, emptied when full."""

    def __init__(self, size: int):
        self.size, self.values = size, dict[Path, T]()

    def get(self, path: Path, read: Callable[[Path], T | None]) -> T | None:
        if path in self.values:
            return self.values[path]
        value = read(path)
        if value is not None:
            if len(self.values) >= self.size:
                self.values.clear()
            self.values[path] = value
        return value


# The original was within the limits of the day it was kept; only its type is wanted here.
_ANY_SIZE = Limits(max_bytes=sys.maxsize)
_TYPES: _Remembered[str] = _Remembered(1024)
_TEXTS: _Remembered[str] = _Remembered(64)


def stored_media_type(sha256: str, paths: Paths) -> str | None:
    """The media type of a kept original, from its bytes; None when it is not kept or cannot be
    read now."""
    def sniff(path: Path) -> str | None:
        try:
            return identify(path, _ANY_SIZE).media_type
        except SohoaError:
            return None
    return _TYPES.get(object_path(sha256, paths), sniff)


def docx_text(sha256: str, media_type: str | None, config: PipelineConfig) -> str | None:
    """The text of the kept original when it is a DOCX; None for any other type, or when it is
    not kept or cannot be read now."""
    if media_type != DOCX:
        return None

    def read(path: Path) -> str | None:
        try:
            return load(path, SourceFile(str(path), sha256, DOCX, path.stat().st_size), config).text
        except (SohoaError, OSError):
            return None
    return _TEXTS.get(object_path(sha256, config.paths), read)
