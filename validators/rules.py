"""Access to the versioned rule data files under validators/data/.

Every rule value a check uses (thresholds, tables, patterns, messages) comes from these files, read
once and cached. `rules_version()` names the versions in force, so a stored result can say which
rules it was checked under and documents can be re-checked when a file's version changes.
"""
from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any

FILES = ("findings", "digitization", "decree30", "salary_grids", "personnel", "registers")


@lru_cache(maxsize=None)
def load(name: str) -> dict[str, Any]:
    """The parsed data file `validators/data/<name>.toml`."""
    if name not in FILES:
        raise KeyError(f"no rule data file named {name!r}")
    text = resources.files("validators.data").joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def rules_version() -> str:
    """e.g. "findings=2026.1;digitization=2026.1;…" — stable order, one entry per data file."""
    return ";".join(f"{name}={load(name)['version']}" for name in FILES)
