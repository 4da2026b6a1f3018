"""The one settings object: the only place in sohoa that reads the environment (SOHOA_* variables).

With nothing set everything runs embedded in one data folder; production points
SOHOA_DATABASE_URL and SOHOA_SEARCH_URL at servers (used by later stages).
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Limits, OcrConfig, Paths, PipelineConfig

PREFIX = "SOHOA_"


def _default_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "sohoa"


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str | None
    search_url: str | None
    workers: int
    deadline_days: int
    limits: Limits
    ocr: OcrConfig

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
        )

    def pipeline_config(self) -> PipelineConfig:
        return PipelineConfig(
            paths=Paths(self.home),
            limits=self.limits,
            ocr=self.ocr,
            deadline_days=self.deadline_days,
        )
