"""A process-wide setting changed while any of several overlapping callers needs it.

Some settings that speed up reading several documents at once belong to the whole process
(OpenCV's thread pool, the interpreter's GIL switch interval), while the callers that want them
overlap: two flow runs in one process, a batch and the web app. The first caller in saves the
setting and sets it; the last one out restores it — so one caller's exit never undoes the setting
under another still running.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

T = TypeVar("T")


class SharedSetting(Generic[T]):
    """`held()` keeps the setting at `value` while at least one caller is inside."""

    def __init__(self, read: Callable[[], T], write: Callable[[T], object], value: T) -> None:
        self._read, self._write, self.value = read, write, value
        self._lock = threading.Lock()
        self._holders = 0
        self._before: T | None = None

    @contextmanager
    def held(self) -> Iterator[None]:
        with self._lock:
            if self._holders == 0:
                self._before = self._read()
                self._write(self.value)
            self._holders += 1
        try:
            yield
        finally:
            with self._lock:
                self._holders -= 1
                if self._holders == 0:
                    self._write(self._before)  # type: ignore[arg-type]
