"""Vietnamese OCR with Tesseract: the project's only importer of pytesseract.

One page goes: reduction of a fine scan to the reading resolution (`OcrConfig.read_dpi`, 200 dpi:
as accurate as 300 and a quarter faster) → clean-up (`pipeline.imaging`: coloured ink faded,
deskew, contrast, a ruled table's rules erased, upscaling of low-resolution scans) → Tesseract
(`vie`, LSTM, psm 3, told the image's true resolution) → words with boxes and confidences → page
text in reading order. Tesseract runs in-process through libtesseract (`pipeline.tesseract_lib`:
no ~85 ms start-up per run) where the library loads, else as the `tesseract` program. Repairs run
only when a reading looks poor (empty, garbage or low confidence, or words standing on end), so
a good upright page costs a single Tesseract run:

1. binarisation (median + Otsu), which rescues bad photocopies but would hurt good scans — grainy
   pages (measured grain) get it straight away and only it, others as a last resort;
2. orientation: a page whose words lie flat is read upside down first (the usual cause), then
   Tesseract's OSD on a small copy names a quarter turn; words standing on end are a quarter
   turn for sure, and the one OSD points to is read however unsure it is.

The best reading wins. Zones are then read on their own where psm 3 fails on decisions: a ruled
table, column by column (`pipeline.ocr_tables`; the page itself is read without it); the header's
issuer block when a word of it is unsure (`pipeline.ocr_header`); and the signer's column under
the seal and signature (`pipeline.ocr_signer`), a tenth to a few tenths of a second each. Ð (eth)
read for Đ is mapped back (`ocr_reading.repair_word`).

Each page has one deadline (`OcrConfig.page_timeout_s`) over all of its Tesseract runs. Pages are
read in parallel threads (`map_pages`), each driving one single-threaded Tesseract run at a time
(the OpenMP build is pathologically slow with several threads per run on few cores); a
process-wide semaphore keeps the running Tesseracts to one per worker however many documents are
read at once.

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
from typing import TypeVar

import numpy as np
import pytesseract
from PIL import Image

from pipeline import imaging, marks, ocr_header, ocr_signer, ocr_tables, tesseract_lib
from pipeline.config import OcrConfig
from pipeline.errors import DependencyMissing, OcrTimeout, ProcessingError
from pipeline.model import Page, Word
from pipeline.ocr_layout import Line
from pipeline.ocr_reading import Reading, parse

_Item = TypeVar("_Item")
_Result = TypeVar("_Result")

PSM = 3  # automatic layout: keeps side-by-side columns apart; psm 6 ran 40–75 s on noise, psm 4 breaks on skew
OSD_DPI = 150  # OSD is as sure at 150 dpi as at 300 and half as slow; at 75 dpi it guesses
OSD_MIN_CONFIDENCE = 3.0  # measured: right answers 9–14 (3.7–7 on grainy copies), guesses under 2


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


def _tesseract_slots() -> threading.BoundedSemaphore:
    """Process-wide bound on Tesseract runs at once: one per core. Documents may be read
    concurrently by several threads (a batch's task runs), each with its own page pool of
    `config.workers` threads, and more single-threaded runs than cores only share the cores slower.
    The bound is the machine's, not a configuration's: sized by the first configuration seen, a
    process that had read one document with one worker read every later batch one run at a time
    (it held the batch benchmark's flow side to one core)."""
    global _slots
    with _SLOTS_LOCK:
        if _slots is None:
            _slots = threading.BoundedSemaphore(os.cpu_count() or 1)
        return _slots


def _run(call: Callable, image: Image.Image, deadline: float, **kwargs):
    """One Tesseract run within what is left of the page's time (waiting for a free slot
    included), translating its errors."""
    slots = _tesseract_slots()
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
    # (9 s instead of 1.5 s a page on 2 cores); we parallelise across runs instead.
    # pytesseract hands os.environ to the subprocess, so this is where the limit must go
    # (`tesseract_lib` sets it before loading the library, for runs in-process).
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
    turn, confidence = _osd(img, dpi, timeout_s)
    return turn if confidence >= OSD_MIN_CONFIDENCE else 0


def _osd(img: Image.Image, dpi: float | None, timeout_s: float) -> tuple[int, float]:
    """OSD's answer however sure: (clockwise turn, confidence); (0, 0.0) when it declines."""
    if "osd" not in _installed_languages():
        return 0, 0.0
    gray = imaging.binarize(imaging.to_gray(imaging.suppress_red_seal(img)))
    factor = OSD_DPI / imaging.effective_dpi(gray, dpi)
    if factor < 0.9:
        gray = gray.resize((round(gray.width * factor), round(gray.height * factor)), Image.BOX)
    engines = tesseract_lib.load(tesseract_lib.OSD)
    if engines is not None:  # in-process, within a slot like every run (it takes a fifth of a second)
        return _run(lambda image, timeout: engines.orientation(np.asarray(image), None), gray,
                    time.monotonic() + timeout_s)
    try:
        osd = _run(pytesseract.image_to_osd, _uncompressed(gray), time.monotonic() + timeout_s,
                   output_type=pytesseract.Output.DICT)
    except ProcessingError as exc:
        if isinstance(exc, OcrTimeout):
            raise
        return 0, 0.0  # "Too few characters": a blank or picture-only page has no orientation
    return int(osd.get("rotate", 0)) % 360, float(osd.get("orientation_conf", 0.0))


def _uncompressed(image: Image.Image) -> Image.Image:
    """Label the image BMP so pytesseract hands it over uncompressed: PNG-encoding a 300-dpi page
    costs ~0.1 s of CPU for nothing. The caller's own image is never relabelled."""
    if image.mode not in ("1", "L", "P", "RGB"):
        return image
    if image.format is not None:
        image = image.copy()
    image.format = "BMP"
    return image


def _recognize(image: Image.Image, scale: float, config: OcrConfig, deadline: float, *, psm: int = PSM,
               origin: tuple[float, float] = (0.0, 0.0), dpi: float | None = None) -> Reading:
    """One Tesseract run; `dpi`: the page frame's resolution, so the image's is `dpi * scale`."""
    data = _run(_image_to_data, image, deadline, lang=config.lang, psm=psm, dpi=dpi and dpi * scale)
    return parse(data, scale, origin)


def _image_to_data(image: Image.Image, *, timeout: float, lang: str, psm: int, dpi: float | None) -> dict:
    """Words with boxes: in-process (`pipeline.tesseract_lib`, no start-up per run) where
    libtesseract loads, else the `tesseract` program. Either is told the image's resolution: the
    program reads it from the BMP it is handed, 96 dpi (Pillow's default), and with the true
    figure our pages read with half the missed words (corpus, 200 dpi: 3.5% of words missed
    against 6.4%) in the same time."""
    engines = tesseract_lib.load(lang)
    if engines is None:
        return pytesseract.image_to_data(_uncompressed(image), lang=lang, timeout=timeout,
                                         config=f"--oem 1 --psm {psm}" + (f" --dpi {round(dpi)}" if dpi else ""),
                                         output_type=pytesseract.Output.DICT)
    grey = image if image.mode == "L" else image.convert("L")
    try:
        return engines.read(np.asarray(grey), psm, round(dpi) if dpi else None, int(timeout * 1000))
    except tesseract_lib.Cancelled as exc:
        raise OcrTimeout() from exc
    except tesseract_lib.Failed as exc:
        raise ProcessingError(f"Tesseract lỗi khi nhận dạng trang: {exc}") from exc


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
    reading: Reading
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
        return _Attempt(_recognize(image, scale, config, deadline, dpi=frame.dpi), frame, binary)
    return _Attempt(_read_with_table(image, scale, cleaned.grid, frame, config, deadline), frame, binary)


def _read_with_table(image: Image.Image, scale: float, grid: marks.Grid, frame: _Frame, config: OcrConfig,
                     deadline: float) -> Reading:
    """A page holding a ruled table: the page read without the table (blanked), the table read
    on its own (`pipeline.ocr_tables`) and put in its place; about one page's reading in all."""
    def read(part: Image.Image, part_scale: float, psm: int, origin: tuple[float, float]) -> tuple[Line, ...]:
        return _recognize(part, part_scale, config, deadline, psm=psm, origin=origin, dpi=frame.dpi).lines

    blanked = image.copy()
    blanked.paste(255, tuple(round(v * scale) for v in grid.box))
    page = _recognize(blanked, scale, config, deadline, dpi=frame.dpi)
    block = max((line.block for line in page.lines), default=0) + 1
    table = ocr_tables.read_table(image, scale, grid, frame.dpi, read, block)
    return Reading.of(ocr_tables.merge(page.lines, table, grid.box))


def _reread_zones(attempt: _Attempt, config: OcrConfig, deadline: float) -> Reading:
    """The reading with two zones read again on their own: the header's issuer block when a word
    of it is unsure (`pipeline.ocr_header`) and the signer column (`pipeline.ocr_signer`) — a
    tenth to a few tenths of a second each, nothing on pages without them. What was read before
    the page's time runs out is kept."""
    cleaned = attempt.frame.cleaned

    def read(image: Image.Image, scale: float, psm: int, origin: tuple[float, float]) -> tuple[Line, ...]:
        return _recognize(image, scale, config, deadline, psm=psm, origin=origin, dpi=attempt.frame.dpi).lines

    reading = attempt.reading
    for zone in (ocr_header, ocr_signer):
        try:
            lines = zone.reread(reading.lines, cleaned, attempt.binary, attempt.frame.size, attempt.frame.dpi, read)
        except OcrTimeout:
            break
        if lines is not None:
            reading = Reading.of(lines)
    return reading


def _attempts(image: Image.Image, dpi: float | None, config: OcrConfig, deadline: float) -> Iterator[_Attempt]:
    """Readings from the most to the least promising; the caller stops at the first good one.

    Grainy pages are only ever read binarised: as grey they read worse or not at all, and
    Tesseract can chew on their grain for a minute. Other pages are read as grey first and
    binarised as the last resort. After a poor first reading whose words lie flat, the half
    turn is read straight away: an upside-down page (a last page put in the wrong way round,
    or holding only the signer block, which OSD declines) is the usual cause, and OSD's model
    alone costs a third of a page's reading; OSD runs next, and a quarter turn it is sure of is
    read (grey, then binarised). When the words stand on end, the quarter turn OSD points to is
    read, sure or not (both, when it points to none). The unturned page binarised comes last.
    A blank page is not read at all: Tesseract chews on bare grain for seconds to find nothing.
    """
    upright = _frame(image, dpi, 0, config)
    if upright.cleaned.blank:
        yield _Attempt(Reading((), "", 0.0), upright)
        return
    grainy = upright.cleaned.noise > imaging.GRAINY_NOISE
    first = _read(upright, grainy, config, deadline)
    yield first
    timeout = max(0.0, deadline - time.monotonic())
    if first.reading.sideways:
        # Words standing on end: a quarter turn for sure, and OSD only has to say which way;
        # its answer counts however unsure (a last page with only the signer block gives it few
        # letters: right, but at 1.3–3.5 where sure answers score 5–14).
        turn, _ = _osd(image, dpi, timeout)
        turns = [turn] if turn in (90, 270) else [90, 270]
    else:
        half = _frame(image, dpi, 180, config)
        yield _read(half, grainy, config, deadline)
        turn = detect_orientation(image, dpi=dpi, timeout_s=max(0.0, deadline - time.monotonic()))
        if turn == 180 and not grainy:
            yield _read(half, True, config, deadline)
        turns = [turn] if turn in (90, 270) else []
    for turn in turns:
        turned = _frame(image, dpi, turn, config)
        yield _read(turned, grainy, config, deadline)
        if not grainy:
            yield _read(turned, True, config, deadline)
    if not grainy:
        yield _read(upright, True, config, deadline)


def recognize_page(image: Image.Image, *, number: int, dpi: float | None, config: OcrConfig) -> Page:
    """Read one scanned page into a Page(origin="ocr").

    Frame of the word boxes: pixels of the image as passed in (the reduction to the reading
    resolution and any upscaling are divided out), but taken *after* the page was turned upright
    and deskewed. `Page.rotated` is the clockwise quarter
    turn applied (0/90/180/270; width and height swap for 90 and 270) and `Page.skew` the tilt in
    degrees (counter-clockwise positive) removed by turning about the centre without changing the
    size. `Page.width`/`height` are that upright frame's size; `Page.dpi` is `dpi` as given.

    Raises OcrTimeout when not even one reading finished within `config.page_timeout_s`; when a
    repair runs out of time, the best reading so far is kept (its low confidence says enough).
    A blank page (no ink: `imaging.MIN_CONTRAST`) is not read: empty text, no words, confidence 0.
    """
    ensure_available(config)
    deadline = time.monotonic() + config.page_timeout_s
    work, factor = imaging.reduce_to_dpi(image, dpi, config.reading_dpi(imaging.effective_dpi(image, dpi)))
    tried: list[_Attempt] = []
    try:
        for attempt in _attempts(work, dpi * factor if dpi else None, config, deadline):
            tried.append(attempt)
            if not (attempt.reading.poor or attempt.reading.sideways):
                break
    except OcrTimeout:
        if not tried:
            raise
    best = max(tried, key=lambda attempt: attempt.reading.rank)
    reading, frame = _reread_zones(best, config, deadline), best.frame
    width, height = image.size if frame.rotated in (0, 180) else image.size[::-1]
    return Page(
        number=number,
        text=reading.text,
        origin="ocr",
        confidence=reading.confidence,
        width=float(width),
        height=float(height),
        dpi=dpi,
        words=_enlarged(reading.words, 1.0 / factor),
        rotated=frame.rotated,
        skew=frame.cleaned.skew,
    )


def _enlarged(words: tuple[Word, ...], by: float) -> tuple[Word, ...]:
    """Word boxes read on a reduced copy (`imaging.reduce_to_dpi`) in the frame of the page as given."""
    if by == 1.0:
        return words
    return tuple(Word(w.text, w.box.scaled(by), w.confidence) for w in words)


def recognize_pages(images: Sequence[tuple[Image.Image, float | None]], config: OcrConfig) -> list[Page]:
    """Read pages (image, dpi) in parallel, numbered from 1, in the order given (`map_pages`)."""
    if not images:
        return []
    ensure_available(config)
    numbered = list(enumerate(images, start=1))
    return map_pages(lambda item: recognize_page(item[1][0], number=item[0], dpi=item[1][1], config=config),
                     numbered, config)


def map_pages(read: Callable[[_Item], _Result], items: Sequence[_Item], config: OcrConfig) -> list[_Result]:
    """`read(item)` for every item, in parallel threads, results in the order given.

    Threads suffice: the work is in Tesseract subprocesses (and in numpy and OpenCV, which let go
    of the GIL). `config.workers` 0 means one per core. On the first failure the items not yet
    started are cancelled and the error is raised.
    """
    if not items:
        return []
    workers = min(config.workers or os.cpu_count() or 1, len(items))
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ocr")
    try:
        futures = [pool.submit(read, item) for item in items]
        return [future.result() for future in futures]
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
