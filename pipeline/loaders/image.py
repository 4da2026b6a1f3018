"""Read a JPEG, PNG or TIFF (photo or scan of a decision) into a Document by OCR.

Pillow is wrapped here. Pixel counts are checked from the header before any pixel is decoded
(IMAGE-TOO-LARGE: decompression bombs); Pillow's own bomb guard stays on as a second line.
Each TIFF frame is a page, decoded only when OCR reaches it (a 300-page TIFF never sits in memory
whole); EXIF orientation is applied (phones store photos sideways); the dpi comes from the file's
own metadata (JFIF/EXIF, PNG pHYs, TIFF resolution) or is None — never guessed. Truncated or
damaged images are FILE-CORRUPT.
"""
from __future__ import annotations

import contextlib
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from pipeline.config import Limits, PipelineConfig
from pipeline.errors import CorruptFile, ImageTooLarge, SohoaError, TooManyPages
from pipeline.loaders.scans import PageImage, recognize, size_from_pixels
from pipeline.model import Document, SourceFile

_IMAGE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, UnidentifiedImageError)
_EXIF_ORIENTATION = 0x0112
_TURNED_ORIENTATIONS = {5, 6, 7, 8}  # a quarter turn: width and height swap when shown upright
_TO_GREY = {"1", "LA", "I", "F", "I;16"}


@dataclass(frozen=True)
class Frame:
    """What the header says about one frame (nothing decoded yet)."""

    index: int
    width: int  # as shown upright
    height: int
    dpi: float | None
    mode: str  # the frame's Pillow mode in the file


def load_image(path: Path, source: SourceFile, config: PipelineConfig) -> Document:
    """OCR every frame of an image file; raise the InputError that says why when it cannot be read."""
    path = Path(path)
    specs = [
        PageImage(
            make=lambda f=frame: decode_frame(path, f.index),
            number=frame.index + 1,
            dpi=frame.dpi,
            scan_dpi=frame.dpi,
            mode=frame.mode,
            size_mm=size_from_pixels(frame.width, frame.height, frame.dpi),
            may_be_photo=True,
        )
        for frame in survey_frames(path, config.limits)
    ]
    return Document(source=source, kind="image", pages=tuple(recognize(specs, config.ocr)))


def survey_frames(path: Path, limits: Limits) -> list[Frame]:
    """Every frame's size, dpi and mode from the headers; refuses too many or too large frames."""
    with _pillow_errors(), Image.open(path) as image:
        count = getattr(image, "n_frames", 1)
        if count > limits.max_pages:
            raise TooManyPages(f"Ảnh có {count} trang, vượt giới hạn {limits.max_pages} trang.")
        return [_frame(index, frame, limits) for index, frame in enumerate(ImageSequence.Iterator(image))]


def decode_frame(path: Path, index: int) -> Image.Image:
    """One frame decoded, turned upright, in a mode OCR takes (RGB or L)."""
    with _pillow_errors(), Image.open(path) as image:
        image.seek(index)
        image.load()  # decodes now: truncation surfaces here, inside the error translation
        upright = ImageOps.exif_transpose(image)  # always a new image, detached from the file
        if upright.mode in _TO_GREY:
            return upright.convert("L")
        return upright if upright.mode in ("RGB", "L") else upright.convert("RGB")


def read_frames(path: Path, limits: Limits) -> list[tuple[Image.Image, float | None]]:
    """All frames decoded with their dpi: for callers that want the pictures themselves."""
    return [(decode_frame(path, f.index), f.dpi) for f in survey_frames(path, limits)]


@contextlib.contextmanager
def _pillow_errors() -> Iterator[None]:
    """Pillow's failures in the project's terms. Pillow's process-wide bomb guard is left as it is
    (setting MAX_IMAGE_PIXELS from our limits leaked into every other Pillow user of the process);
    its warning is made an error here, and `_frame` applies `Limits.max_pixels` exactly."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageTooLarge() from exc
    except SohoaError:
        raise
    except _IMAGE_ERRORS as exc:
        raise CorruptFile("Ảnh bị hỏng hoặc không trọn vẹn. Hãy chụp hoặc quét lại.") from exc


def _frame(index: int, frame: Image.Image, limits: Limits) -> Frame:
    width, height = frame.size
    if width * height > limits.max_pixels:
        raise ImageTooLarge(
            f"Ảnh có {width}×{height} điểm ảnh, vượt giới hạn {limits.max_pixels:,} điểm ảnh."
        )
    if frame.getexif().get(_EXIF_ORIENTATION) in _TURNED_ORIENTATIONS:
        width, height = height, width
    return Frame(index, width, height, _dpi(frame), frame.mode)


def _dpi(image: Image.Image) -> float | None:
    value = image.info.get("dpi")
    try:
        x, y = (float(v) for v in value)
    except (TypeError, ValueError):
        return None
    # Files that carry no real resolution say 0 or 1; 72 from cameras is kept as written.
    return round((x + y) / 2, 1) if x > 1 and y > 1 else None
