"""Tesseract in-process, through the C API of libtesseract (installed with the tesseract-ocr package).

Why: every run of the `tesseract` program spends ~85 ms of CPU starting — loading the model and
building its table of universal ambiguities — before it looks at the image. On a page's zones
(the signer column, the header, single lines) that is most of the run, and sohoa makes about 2.5
runs a page: 7.5 s of 48 on the 34-page benchmark. Here an engine is initialised once (~90 ms)
and reused for every run after; it is the same library the program links (the same version, the
same parameters), and it gives the same words (the tests compare it with the program).

`Engines` lends engines to threads, one run at a time each (a TessBaseAPI is not thread-safe,
two of them are independent); ctypes lets go of the GIL during a call, so runs in several
threads use several cores. OpenMP is held to one thread per run, as for the program
(`OMP_THREAD_LIMIT=1`, and `omp_set_num_threads(1)` in each calling thread in case libgomp was
loaded before). A run past its deadline is cancelled by Tesseract's own monitor (it checks the
deadline between words) and reported as `Cancelled`.

`load(lang)` returns None when the library cannot be loaded; `pipeline.ocr` (the only user of
this module) then runs the program through pytesseract instead. `load(OSD)` gives engines for
orientation detection (`Engines.orientation`, the program's `--psm 0`).
"""
from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import os
import threading

import numpy as np

MAX_SIDE = 32767  # Tesseract refuses larger images ("Image too large")
OEM_LSTM_ONLY = 1
OEM_DEFAULT = 3  # what the OSD model has (it has no LSTM)
PSM_OSD_ONLY = 0
OSD = "osd"  # the orientation model's name, loaded like a language
LEPTONICA_SILENT = 6  # L_SEVERITY_NONE
TSV_COLUMNS = ("level", "page_num", "block_num", "par_num", "line_num", "word_num", "left", "top", "width",
               "height", "conf", "text")
_INT_COLUMNS = TSV_COLUMNS[:10]


class Cancelled(Exception):
    """The run passed its deadline and Tesseract stopped it."""


class Failed(Exception):
    """Tesseract refused the image or the language could not be loaded."""


class _Library:
    """The C functions used, with their signatures."""

    def __init__(self, path: str) -> None:
        os.environ["OMP_THREAD_LIMIT"] = "1"  # read by libgomp when it loads, with libtesseract
        lib = ctypes.CDLL(path)
        p, i, s = ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p
        for name, restype, argtypes in (
            ("TessBaseAPICreate", p, []), ("TessBaseAPIDelete", None, [p]), ("TessBaseAPIEnd", None, [p]),
            ("TessBaseAPIInit2", i, [p, s, s, i]), ("TessBaseAPISetImage", None, [p, p, i, i, i, i]),
            ("TessBaseAPISetPageSegMode", None, [p, i]), ("TessBaseAPISetSourceResolution", None, [p, i]),
            ("TessBaseAPIRecognize", i, [p, p]), ("TessBaseAPIGetTsvText", p, [p, i]),
            ("TessBaseAPIClear", None, [p]), ("TessDeleteText", None, [p]), ("TessMonitorCreate", p, []),
            ("TessMonitorDelete", None, [p]), ("TessMonitorSetDeadlineMSecs", None, [p, i]),
            ("TessBaseAPIDetectOrientationScript", i, [p, ctypes.POINTER(i), ctypes.POINTER(ctypes.c_float),
                                                       ctypes.POINTER(s), ctypes.POINTER(ctypes.c_float)]),
        ):
            function = getattr(lib, name)
            function.restype, function.argtypes = restype, argtypes
            setattr(self, name, function)
        lib.TessBaseAPISetVariable.restype, lib.TessBaseAPISetVariable.argtypes = i, [p, s, s]
        self.TessBaseAPISetVariable = lib.TessBaseAPISetVariable
        omp = ctypes.util.find_library("gomp")
        self.omp_set_num_threads = ctypes.CDLL(omp).omp_set_num_threads if omp else None
        lept = ctypes.util.find_library("lept")
        if lept:  # Leptonica's notes ("Error in pixScanForForeground: invalid box") are not ours to print
            ctypes.CDLL(lept).setMsgSeverity(LEPTONICA_SILENT)


class Engine:
    """One initialised TessBaseAPI for one language: LSTM only, or for OSD (its own model)."""

    def __init__(self, lib: _Library, lang: str) -> None:
        self.lib = lib
        self.handle = lib.TessBaseAPICreate()
        oem = OEM_DEFAULT if lang == OSD else OEM_LSTM_ONLY
        if lib.TessBaseAPIInit2(self.handle, None, lang.encode(), oem) != 0:
            lib.TessBaseAPIDelete(self.handle)
            raise Failed(f"Tesseract could not load the language {lang!r}")
        # Tesseract's progress notes ("Detected 12 diacritics") went to the program's stderr,
        # which nobody read; in-process they would land in ours.
        lib.TessBaseAPISetVariable(self.handle, b"debug_file", os.devnull.encode())

    def read(self, pixels: np.ndarray, psm: int, dpi: int | None, deadline_ms: int) -> dict[str, list]:
        """Words and their boxes, as pytesseract's `image_to_data` dictionary, of an 8-bit grey
        image; `dpi`: its resolution (None: Tesseract estimates it)."""
        height, width = pixels.shape
        if max(height, width) > MAX_SIDE:
            raise Failed(f"Image too large: ({width}, {height})")
        if deadline_ms <= 0:
            raise Cancelled()
        lib, handle = self.lib, self.handle
        data = np.ascontiguousarray(pixels, dtype=np.uint8)
        monitor = lib.TessMonitorCreate()
        try:
            lib.TessBaseAPISetImage(handle, data.ctypes.data, width, height, 1, width)
            lib.TessBaseAPISetPageSegMode(handle, psm)
            if dpi:
                lib.TessBaseAPISetSourceResolution(handle, dpi)
            lib.TessMonitorSetDeadlineMSecs(monitor, deadline_ms)
            if lib.TessBaseAPIRecognize(handle, monitor) != 0:
                raise Cancelled()  # the only way it fails once the image is set: the deadline
            text = lib.TessBaseAPIGetTsvText(handle, 0)
            try:
                return _rows(ctypes.string_at(text).decode("utf-8", errors="replace") if text else "")
            finally:
                if text:
                    lib.TessDeleteText(text)
        finally:
            lib.TessBaseAPIClear(handle)
            lib.TessMonitorDelete(monitor)

    def orientation(self, pixels: np.ndarray, dpi: int | None) -> tuple[int, float]:
        """(clockwise turn that makes the page upright, confidence); (0, 0.0) when OSD declines
        (too few letters). An OSD engine only."""
        height, width = pixels.shape
        lib, handle = self.lib, self.handle
        data = np.ascontiguousarray(pixels, dtype=np.uint8)
        degrees, confidence = ctypes.c_int(), ctypes.c_float()
        script, script_confidence = ctypes.c_char_p(), ctypes.c_float()
        try:
            lib.TessBaseAPISetImage(handle, data.ctypes.data, width, height, 1, width)
            lib.TessBaseAPISetPageSegMode(handle, PSM_OSD_ONLY)
            if dpi:
                lib.TessBaseAPISetSourceResolution(handle, dpi)
            found = lib.TessBaseAPIDetectOrientationScript(handle, ctypes.byref(degrees), ctypes.byref(confidence),
                                                           ctypes.byref(script), ctypes.byref(script_confidence))
        finally:
            lib.TessBaseAPIClear(handle)
        # Tesseract states how the page is turned; undoing it is the turn the other way.
        return ((360 - degrees.value) % 360, float(confidence.value)) if found else (0, 0.0)

    def close(self) -> None:
        self.lib.TessBaseAPIEnd(self.handle)
        self.lib.TessBaseAPIDelete(self.handle)


def _rows(tsv: str) -> dict[str, list]:
    out: dict[str, list] = {column: [] for column in TSV_COLUMNS}
    for row in tsv.splitlines():
        cells = row.split("\t")
        if len(cells) < len(TSV_COLUMNS) - 1:
            continue
        cells += [""] * (len(TSV_COLUMNS) - len(cells))
        for column, cell in zip(TSV_COLUMNS, cells):
            out[column].append(int(cell) if column in _INT_COLUMNS else float(cell) if column == "conf" else cell)
    return out


class Engines:
    """Engines for one language, lent one at a time; created on demand, kept for the process."""

    def __init__(self, lib: _Library, lang: str) -> None:
        self.lib, self.lang = lib, lang
        self._free: list[Engine] = []
        self._lock = threading.Lock()
        self._local = threading.local()

    def read(self, pixels: np.ndarray, psm: int, dpi: int | None, deadline_ms: int) -> dict[str, list]:
        return self._lend(lambda engine: engine.read(pixels, psm, dpi, deadline_ms))

    def orientation(self, pixels: np.ndarray, dpi: int | None) -> tuple[int, float]:
        return self._lend(lambda engine: engine.orientation(pixels, dpi))

    def _lend(self, run):
        if self.lib.omp_set_num_threads is not None and not getattr(self._local, "omp", False):
            self.lib.omp_set_num_threads(1)
            self._local.omp = True
        with self._lock:
            engine = self._free.pop() if self._free else None
        if engine is None:
            engine = Engine(self.lib, self.lang)
        try:
            return run(engine)
        finally:
            with self._lock:
                self._free.append(engine)


_LOAD_LOCK = threading.Lock()
_library: _Library | None = None
_tried = False
_engines: dict[str, Engines] = {}


def load(lang: str) -> Engines | None:
    """The engines for `lang`, or None when libtesseract cannot be loaded here."""
    global _library, _tried
    with _LOAD_LOCK:
        if not _tried:
            _tried = True
            path = ctypes.util.find_library("tesseract")
            try:
                _library = _Library(path) if path else None
            except (OSError, AttributeError):
                _library = None
        if _library is None:
            return None
        if lang not in _engines:
            if not _engines:
                atexit.register(_close_all)
            _engines[lang] = Engines(_library, lang)
        return _engines[lang]


def _close_all() -> None:
    """End the engines before the interpreter exits: otherwise Tesseract's model cache reports
    each still-held dictionary as a leak on stderr."""
    for engines in _engines.values():
        with engines._lock:
            for engine in engines._free:
                engine.close()
            engines._free.clear()
