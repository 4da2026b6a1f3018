"""Vietnamese OCR with Tesseract: the project's only importer of pytesseract.

One page goes: clean-up (`pipeline.imaging`: coloured ink faded, deskew, contrast, a ruled table's
rules erased, upscaling of low-resolution scans) → `tesseract -l vie --oem 1 --psm 3` → words
with boxes and confidences → page text in reading order. Repairs run only when a reading looks
poor (empty, garbage or low confidence, or words standing on end), so a good upright page costs a
single Tesseract run:

1. binarisation (median + Otsu), which rescues bad photocopies but would hurt good scans — grainy
   pages (measured grain) get it straight away and only it, others as a last resort;
2. orientation: Tesseract's OSD on a small copy; a quarter or half turn it is sure of is undone
   and the page read again; when it is sure of none (a last page holding only the signer block),
   the half turn is read.

The best reading wins. Two zones are then read on their own, where psm 3 fails on decisions:
a ruled table, column by column (`pipeline.ocr_tables`; the page itself is read without it), and
the signer's column under the seal and signature (`pipeline.ocr_signer`, a few tenths of a
second). Ð (eth) read for Đ is mapped back (`repair_word`).

Each page has one deadline (`OcrConfig.page_timeout_s`) over all of its Tesseract runs. Pages are
read in parallel threads, each driving one single-threaded Tesseract process (the OpenMP build is
pathologically slow with several threads per process on few cores); a process-wide semaphore
keeps the running Tesseracts to one per worker however many documents are read at once.

Errors leave as the project's tree: a missing binary or language → DependencyMissing; a page over
its time → OcrTimeout; any other Tesseract failure → ProcessingError.
"""
from __future__ import annotations

import functools
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytesseract
from PIL import Image

from pipeline import imaging, marks, ocr_layout, ocr_signer, ocr_tables
from pipeline.config import OcrConfig
from pipeline.errors import DependencyMissing, OcrTimeout, ProcessingError
from pipeline.model import Box, Page, Word, nfc
from pipeline.ocr_layout import Line

PSM = 3  # automatic layout: keeps side-by-side columns apart; psm 6 ran 40–75 s on noise, psm 4 breaks on skew
OSD_DPI = 150  # OSD is as sure at 150 dpi as at 300 and half as slow; at 75 dpi it guesses
OSD_MIN_CONFIDENCE = 3.0  # measured: right answers 9–14 (3.7–7 on grainy copies), guesses under 2
LOW_CONFIDENCE = 0.80  # clean decision pages read at 0.93–0.95 mean word confidence
MIN_ALNUM_SHARE = 0.7  # Vietnamese prose is >90% letters and digits; noise reads as punctuation
TRUSTED_WORD = 0.6  # words at least this sure count towards a reading's score


@dataclass(frozen=True)
class _Reading:
    """One Tesseract pass over one prepared image, boxes already in the page frame."""

    words: tuple[Word, ...]
    text: str
    confidence: float
    lines: tuple[Line, ...] = ()

    @classmethod
    def of(cls, lines: Sequence[Line]) -> _Reading:
        words = tuple(w for line in lines for w in line.words)
        confidence = sum(w.confidence for w in words) / len(words) if words else 0.0
        return cls(words, nfc(ocr_layout.text_of(lines)), confidence, tuple(lines))

    @property
    def score(self) -> int:
        """Letters and digits read with some certainty: more real text beats fewer sure words."""
        return sum(sum(ch.isalnum() for ch in w.text) for w in self.words if w.confidence >= TRUSTED_WORD)

    @property
    def poor(self) -> bool:
        chars = "".join(w.text for w in self.words)
        alnum = sum(ch.isalnum() for ch in chars)
        return not chars or self.confidence < LOW_CONFIDENCE or alnum < MIN_ALNUM_SHARE * len(chars)

    @property
    def sideways(self) -> bool:
        """Most words taller than wide: Tesseract read a page lying on its side (it can), but the
        boxes are then in a sideways frame, useless for finding columns and blocks."""
        long = [w.box for w in self.words if sum(ch.isalnum() for ch in w.text) >= 3]
        tall = sum(box.y1 - box.y0 > box.x1 - box.x0 for box in long)
        return len(long) >= 5 and tall > len(long) / 2

    @property
    def rank(self) -> tuple[bool, int]:
        return (not self.sideways, self.score)


def _apt_package(lang: str) -> str:
    return "tesseract-ocr-" + lang.lower().replace("_", "-")


@functools.lru_cache(maxsize=1)
def _installed_languages() -> frozenset[str]:
    """Probe the binary once per process; a failed probe is not cached, so installing fixes it."""
    try:
        return frozenset(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractNotFoundError, OSError) as exc:
        raise DependencyMissing() from exc


def ensure_available(config: OcrConfig) -> None:
    """Raise DependencyMissing, naming the apt command, unless Tesseract and `config.lang` are installed."""
    installed = _installed_languages()
    missing = [lang for lang in config.lang.split("+") if lang not in installed]
    if missing:
        packages = " ".join(_apt_package(lang) for lang in missing)
        raise DependencyMissing(
            f"Thiếu dữ liệu ngôn ngữ {', '.join(missing)} cho Tesseract: cài 'apt-get install {packages}'."
        )


_SLOTS_LOCK = threading.Lock()
_slots: threading.BoundedSemaphore | None = None


def _tesseract_slots(config: OcrConfig | None) -> threading.BoundedSemaphore:
    """Process-wide bound on running Tesseract processes: documents may be read concurrently by
    several threads, each calling `recognize_pages` with its own pool, and more single-threaded
    Tesseracts than cores only share the cores slower. Sized on first use by `config.workers`
    (0: one per core); later configurations share it."""
    global _slots
    with _SLOTS_LOCK:
        if _slots is None:
            _slots = threading.BoundedSemaphore((config.workers if config else 0) or os.cpu_count() or 1)
        return _slots


def _run(call: Callable, image: Image.Image, deadline: float, settings: OcrConfig | None = None, **kwargs):
    """Run one Tesseract subprocess within what is left of the page's time (waiting for a free
    slot included), translating its errors."""
    slots = _tesseract_slots(settings)
    if not slots.acquire(timeout=max(0.0, deadline - time.monotonic())):
        raise OcrTimeout()
    try:
        return _call(call, image, deadline, **kwargs)
    finally:
        slots.release()


def _call(call: Callable, image: Image.Image, deadline: float, **kwargs):
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise OcrTimeout()
    # One OpenMP thread per Tesseract: with more, the OpenMP build spends its time spinning
    # (9 s instead of 1.5 s a page on 2 cores); we parallelise across processes instead.
    # pytesseract hands os.environ to the subprocess, so this is where the limit must go.
    os.environ["OMP_THREAD_LIMIT"] = "1"
    try:
        return call(image, timeout=remaining, **kwargs)
    except pytesseract.TesseractNotFoundError as exc:
        raise DependencyMissing() from exc
    except pytesseract.TesseractError as exc:
        if "Failed loading language" in str(exc.message) or "Error opening data file" in str(exc.message):
            raise DependencyMissing() from exc
        raise ProcessingError(f"Tesseract lỗi khi nhận dạng trang: {exc.message}") from exc
    except RuntimeError as exc:  # pytesseract signals its timeout with a bare RuntimeError
        if "timeout" in str(exc).lower():
            raise OcrTimeout() from exc
        raise ProcessingError(f"Tesseract lỗi khi nhận dạng trang: {exc}") from exc


def detect_orientation(img: Image.Image, *, dpi: float | None = None, timeout_s: float = 30.0) -> int:
    """Degrees (0, 90, 180, 270) to turn the page clockwise to make it upright; 0 when unsure.

    Tesseract's OSD runs on a binarised copy (median + Otsu: it also holds on grainy copies)
    reduced to ~150 dpi by area averaging. Answers below OSD_MIN_CONFIDENCE, and OSD's refusals
    (too few characters), count as 0.
    """
    if "osd" not in _installed_languages():
        return 0
    gray = imaging.binarize(imaging.to_gray(imaging.suppress_red_seal(img)))
    factor = OSD_DPI / imaging.effective_dpi(gray, dpi)
    if factor < 0.9:
        gray = gray.resize((round(gray.width * factor), round(gray.height * factor)), Image.BOX)
    try:
        osd = _run(pytesseract.image_to_osd, _uncompressed(gray), time.monotonic() + timeout_s,
                   output_type=pytesseract.Output.DICT)
    except ProcessingError as exc:
        if isinstance(exc, OcrTimeout):
            raise
        return 0  # "Too few characters": a blank or picture-only page has no orientation
    if float(osd.get("orientation_conf", 0.0)) < OSD_MIN_CONFIDENCE:
        return 0
    return int(osd.get("rotate", 0)) % 360


def _parse(data: dict, scale: float, origin: tuple[float, float] = (0.0, 0.0)) -> _Reading:
    """Words (level 5 rows) in Tesseract's order, grouped by its block/paragraph/line numbers.

    Boxes are divided by `scale` (an upscaled image) and moved by `origin` (a crop's corner).
    """
    rows: dict[tuple[int, int, int], list[Word]] = {}
    for i, raw in enumerate(data["text"]):
        text = repair_word(nfc(str(raw).strip()))
        conf = float(data["conf"][i])
        if data["level"][i] != 5 or not text or conf < 0:
            continue
        x, y = origin[0] + data["left"][i] / scale, origin[1] + data["top"][i] / scale
        box = Box(x, y, x + data["width"][i] / scale, y + data["height"][i] / scale)
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        rows.setdefault(key, []).append(Word(text, box, conf / 100))
    return _Reading.of([Line(key[0], tuple(words)) for key, words in rows.items()])


def repair_word(text: str) -> str:
    """Undo a confusion of the Vietnamese model: it reads Đ as the look-alike Ð (U+00D0, Icelandic
    eth, never Vietnamese), sometimes both for one glyph ("QĐÐ-UBND" for "QĐ-UBND")."""
    if "Ð" not in text and "ð" not in text:
        return text
    for twice, once in (("ĐÐ", "Đ"), ("ÐĐ", "Đ"), ("đð", "đ"), ("ðđ", "đ")):
        text = text.replace(twice, once)
    return text.replace("Ð", "Đ").replace("ð", "đ")


def _uncompressed(image: Image.Image) -> Image.Image:
    """Label the image BMP so pytesseract hands it over uncompressed: PNG-encoding a 300-dpi page
    costs ~0.1 s of CPU for nothing. The caller's own image is never relabelled."""
    if image.mode not in ("1", "L", "P", "RGB"):
        return image
    if image.format is not None:
        image = image.copy()
    image.format = "BMP"
    return image


def _recognize(image: Image.Image, scale: float, config: OcrConfig, deadline: float, *,
               psm: int = PSM, origin: tuple[float, float] = (0.0, 0.0)) -> _Reading:
    data = _run(pytesseract.image_to_data, _uncompressed(image), deadline, config, lang=config.lang,
                config=f"--oem 1 --psm {psm}", output_type=pytesseract.Output.DICT)
    return _parse(data, scale, origin)


def ocr_image(image: Image.Image, config: OcrConfig, *, timeout_s: float | None = None) -> tuple[str, float]:
    """Tesseract alone on an image as given (no clean-up): (text, mean word confidence). For comparisons."""
    ensure_available(config)
    reading = _recognize(image, 1.0, config, time.monotonic() + (timeout_s or config.page_timeout_s))
    return reading.text, reading.confidence


@dataclass(frozen=True)
class _Frame:
    """The page turned upright by `rotated` (clockwise) and cleaned; `size` before any upscaling."""

    cleaned: imaging.CleanedImage
    rotated: int
    size: tuple[int, int]
    dpi: float  # the page's resolution, given or judged from its size (`imaging.effective_dpi`)


@dataclass(frozen=True)
class _Attempt:
    reading: _Reading
    frame: _Frame
    binary: bool = False  # read binarised (median + Otsu) rather than grey


def _frame(image: Image.Image, dpi: float | None, rotated: int, config: OcrConfig) -> _Frame:
    upright = imaging.turn(image, rotated)
    cleaned = imaging.clean_page(upright, dpi, min_dpi=config.min_dpi)
    return _Frame(cleaned, rotated, upright.size, imaging.effective_dpi(upright, dpi))


def _read(frame: _Frame, binary: bool, config: OcrConfig, deadline: float) -> _Attempt:
    """Read the frame's grey image, or binarise it at the scan's own resolution and read that
    (upscaled grain survives the median filter: 45–100% CER and up to a minute of Tesseract)."""
    cleaned = frame.cleaned
    if binary:
        image, scale = imaging.binarize(cleaned.unscaled, noise=cleaned.noise), 1.0
    else:
        image, scale = cleaned.image, cleaned.scale
    if cleaned.grid is None:
        return _Attempt(_recognize(image, scale, config, deadline), frame, binary)
    return _Attempt(_read_with_table(image, scale, cleaned.grid, frame, config, deadline), frame, binary)


def _read_with_table(image: Image.Image, scale: float, grid: marks.Grid, frame: _Frame, config: OcrConfig,
                     deadline: float) -> _Reading:
    """A page holding a ruled table: the page read without the table (blanked), the table read
    on its own (`pipeline.ocr_tables`) and put in its place; about one page's reading in all."""
    def read(part: Image.Image, part_scale: float, psm: int, origin: tuple[float, float]) -> tuple[Line, ...]:
        return _recognize(part, part_scale, config, deadline, psm=psm, origin=origin).lines

    blanked = image.copy()
    blanked.paste(255, tuple(round(v * scale) for v in grid.box))
    page = _recognize(blanked, scale, config, deadline)
    block = max((line.block for line in page.lines), default=0) + 1
    table = ocr_tables.read_table(image, scale, grid, frame.dpi, read, block)
    return _Reading.of(ocr_tables.merge(page.lines, table, grid.box))


def _reread_signer(attempt: _Attempt, config: OcrConfig, deadline: float) -> _Reading:
    """The reading with its signer column read again on its own (`pipeline.ocr_signer`): a few
    tenths of a second on a page with a signer block, nothing on others. Kept as it was when the
    page's time runs out meanwhile."""
    cleaned = attempt.frame.cleaned

    def read(image: Image.Image, scale: float, psm: int, origin: tuple[float, float]) -> tuple[Line, ...]:
        return _recognize(image, scale, config, deadline, psm=psm, origin=origin).lines

    try:
        lines = ocr_signer.reread(attempt.reading.lines, cleaned, attempt.binary, attempt.frame.size,
                                  attempt.frame.dpi, read)
    except OcrTimeout:
        return attempt.reading
    return attempt.reading if lines is None else _Reading.of(lines)


def _attempts(image: Image.Image, dpi: float | None, config: OcrConfig, deadline: float) -> Iterator[_Attempt]:
    """Readings from the most to the least promising; the caller stops at the first good one.

    Grainy pages are only ever read binarised: as grey they read worse or not at all, and
    Tesseract can chew on their grain for a minute. Other pages are read as grey first and
    binarised as the last resort. OSD runs only when the first reading is poor or sideways; a
    turn it is sure of is read next — when it is sure of none, the half turn — and the unturned
    page binarised comes last, in case OSD was wrong. A blank page is not read at all: Tesseract chews on bare grain for seconds to find nothing.
    """
    upright = _frame(image, dpi, 0, config)
    if upright.cleaned.blank:
        yield _Attempt(_Reading((), "", 0.0), upright)
        return
    grainy = upright.cleaned.noise > imaging.GRAINY_NOISE
    yield _read(upright, grainy, config, deadline)
    turn = detect_orientation(image, dpi=dpi, timeout_s=max(0.0, deadline - time.monotonic()))
    if turn:
        turned = _frame(image, dpi, turn, config)
        yield _read(turned, grainy, config, deadline)
        if not grainy:
            yield _read(turned, True, config, deadline)
    else:
        # OSD declines pages with little text (a last page holding only the signer block), and
        # those are the ones turned upside down in a stack: read the half turn before giving up.
        yield _read(_frame(image, dpi, 180, config), grainy, config, deadline)
    if not grainy:
        yield _read(upright, True, config, deadline)


def recognize_page(image: Image.Image, *, number: int, dpi: float | None, config: OcrConfig) -> Page:
    """Read one scanned page into a Page(origin="ocr").

    Frame of the word boxes: pixels of the image as passed in (any upscaling is divided out), but
    taken *after* the page was turned upright and deskewed. `Page.rotated` is the clockwise quarter
    turn applied (0/90/180/270; width and height swap for 90 and 270) and `Page.skew` the tilt in
    degrees (counter-clockwise positive) removed by turning about the centre without changing the
    size. `Page.width`/`height` are that upright frame's size; `Page.dpi` is `dpi` as given.

    Raises OcrTimeout when not even one reading finished within `config.page_timeout_s`; when a
    repair runs out of time, the best reading so far is kept (its low confidence says enough).
    A blank page (no ink: `imaging.MIN_CONTRAST`) is not read: empty text, no words, confidence 0.
    """
    ensure_available(config)
    deadline = time.monotonic() + config.page_timeout_s
    tried: list[_Attempt] = []
    try:
        for attempt in _attempts(image, dpi, config, deadline):
            tried.append(attempt)
            if not (attempt.reading.poor or attempt.reading.sideways):
                break
    except OcrTimeout:
        if not tried:
            raise
    best = max(tried, key=lambda attempt: attempt.reading.rank)
    reading, frame = _reread_signer(best, config, deadline), best.frame
    return Page(
        number=number,
        text=reading.text,
        origin="ocr",
        confidence=reading.confidence,
        width=float(frame.size[0]),
        height=float(frame.size[1]),
        dpi=dpi,
        words=reading.words,
        rotated=frame.rotated,
        skew=frame.cleaned.skew,
    )


def recognize_pages(images: Sequence[tuple[Image.Image, float | None]], config: OcrConfig) -> list[Page]:
    """Read pages (image, dpi) in parallel, numbered from 1, in the order given.

    Threads suffice: the work is in Tesseract subprocesses. `config.workers` 0 means one per core.
    On the first failure the pages not yet started are cancelled and the error is raised.
    """
    if not images:
        return []
    ensure_available(config)
    workers = min(config.workers or os.cpu_count() or 1, len(images))
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ocr")
    try:
        futures = [pool.submit(recognize_page, image, number=number, dpi=dpi, config=config)
                   for number, (image, dpi) in enumerate(images, start=1)]
        return [future.result() for future in futures]
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
