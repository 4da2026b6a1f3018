"""The one settings object: the only place in sohoa that reads the environment (SOHOA_* variables).

With nothing set everything runs embedded in one data folder; production points
SOHOA_DATABASE_URL and SOHOA_SEARCH_URL at servers (used by later stages).
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.config import Limits, OcrConfig, Paths, PipelineConfig

PREFIX = "SOHOA_"


def _default_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "sohoa"


def _flag(value: str | None, default: bool) -> bool:
    if value is None or not value.strip():
        return default
    return value.strip().lower() not in ("0", "false", "no", "off")


@dataclass(frozen=True)
class WebLimits:
    """The web app's security switches and caps (SOHOA_COOKIE_SECURE, SOHOA_MAX_REQUEST_BYTES, …).

    The session cookie is `Secure` unless SOHOA_COOKIE_SECURE=0 (plain http on a developer's
    machine and in the tests); behind TLS keep the default.
    """

    cookie_secure: bool = True
    max_request_bytes: int = 256 * 1024 * 1024  # one upload request, all its files together
    max_form_bytes: int = 1024 * 1024  # any other request body (forms, JSON)
    max_files: int = 50  # files in one upload request
    uploads_per_window: int = 120  # files one user may send per window …
    upload_window_s: int = 600  # … of this many seconds
    max_pending: int = 200  # files of one user queued or being read at once

    @classmethod
    def from_env(cls, get, limits: Limits) -> "WebLimits":
        d = cls()
        return cls(
            cookie_secure=_flag(get("COOKIE_SECURE"), True),
            max_request_bytes=int(get("MAX_REQUEST_BYTES") or max(d.max_request_bytes, 2 * limits.max_bytes)),
            max_form_bytes=int(get("MAX_FORM_BYTES") or d.max_form_bytes),
            max_files=int(get("MAX_FILES_PER_REQUEST") or d.max_files),
            uploads_per_window=int(get("UPLOADS_PER_WINDOW") or d.uploads_per_window),
            upload_window_s=int(get("UPLOAD_WINDOW_S") or d.upload_window_s),
            max_pending=int(get("MAX_PENDING_UPLOADS") or d.max_pending),
        )


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str | None
    search_url: str | None
    workers: int
    deadline_days: int
    limits: Limits
    ocr: OcrConfig
    web: WebLimits = field(default_factory=WebLimits)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env

        def get(name: str, default: str | None = None) -> str | None:
            return env.get(PREFIX + name, default)

        home = Path(get("HOME") or _default_home()).expanduser()
        workers = int(get("WORKERS", "0") or 0) or (os.cpu_count() or 1)
        limits = Limits(
            max_bytes=int(get("MAX_BYTES", str(Limits.max_bytes))),
            max_pages=int(get("MAX_PAGES", str(Limits.max_pages))),
            max_pixels=int(get("MAX_PIXELS", str(Limits.max_pixels))),
        )
        ocr = OcrConfig(
            lang=get("OCR_LANG", OcrConfig.lang) or OcrConfig.lang,
            page_timeout_s=float(get("OCR_TIMEOUT", str(OcrConfig.page_timeout_s))),
            workers=workers,
        )
        return cls(
            home=home,
            database_url=get("DATABASE_URL"),
            search_url=get("SEARCH_URL"),
            workers=workers,
            deadline_days=int(get("DEADLINE_DAYS", "5")),
            limits=limits,
            ocr=ocr,
            web=WebLimits.from_env(get, limits),
        )

    def pipeline_config(self) -> PipelineConfig:
        return PipelineConfig(
            paths=Paths(self.home),
            limits=self.limits,
            ocr=self.ocr,
            deadline_days=self.deadline_days,
        )

