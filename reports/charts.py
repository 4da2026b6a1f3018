"""The report's charts (matplotlib, Agg backend: no display), as PNG bytes for the DOCX.

A person compares units faster on a bar chart than in a table: the on-time rate and the share of
complete files per unit. This is the one module that imports matplotlib.
"""
from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # headless: servers and CI have no display
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from reports.figures import UnitFigures  # noqa: E402

_FONT = "DejaVu Sans"  # ships with Vietnamese glyphs (fonts-dejavu)


def _legend_below(ax, columns: int) -> None:
    """Below the plot: inside, the legend would hide the end of the longest bar."""
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=columns, fontsize=8, frameon=False)


def _label(name: str, width: int = 38) -> str:
    return name if len(name) <= width else name[:width - 1] + "…"


def rates_chart(units: tuple[UnitFigures, ...]) -> bytes:
    """Horizontal bars: on-time rate and complete-file share (%) per unit, ranked order."""
    rows = list(units)[:20]
    names = [_label(u.name) for u in rows][::-1]
    on_time = [100 * (u.on_time_rate or 0) for u in rows][::-1]
    complete = [100 * (u.complete_share or 0) for u in rows][::-1]
    height = max(2.4, 0.45 * len(rows) + 1.5)
    with plt.rc_context({"font.family": _FONT, "font.size": 9}):
        fig, ax = plt.subplots(figsize=(6.3, height), dpi=150)
        pos = range(len(rows))
        ax.barh([p + 0.2 for p in pos], on_time, height=0.4, color="#1f5fa8", label="Cập nhật đúng hạn (%)")
        ax.barh([p - 0.2 for p in pos], complete, height=0.4, color="#e0a030", label="Hồ sơ đầy đủ (%)")
        ax.set_yticks(list(pos), names)
        ax.set_xlim(0, 100)
        ax.grid(axis="x", alpha=0.3)
        _legend_below(ax, 2)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        plt.close(fig)
    return buf.getvalue()


def timeliness_chart(units: tuple[UnitFigures, ...]) -> bytes:
    """Stacked bars: decisions on time, late, overdue and pending per unit."""
    rows = [u for u in units if u.decisions][:20]
    names = [_label(u.name, 30) for u in rows]
    parts = (("on_time", "Đúng hạn", "#2e8b57"), ("late", "Trễ hạn", "#e0a030"),
             ("overdue", "Quá hạn chưa cập nhật", "#c0392b"), ("pending", "Chưa đến hạn", "#999999"))
    with plt.rc_context({"font.family": _FONT, "font.size": 9}):
        fig, ax = plt.subplots(figsize=(6.3, max(2.4, 0.45 * len(rows) + 1.6)), dpi=150)
        left = [0] * len(rows)
        for key, label, color in parts:
            values = [getattr(u, key) for u in rows]
            ax.barh(names[::-1], values[::-1], left=left[::-1], color=color, label=label)
            left = [a + b for a, b in zip(left, values)]
        ax.set_xlabel("Số quyết định")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        _legend_below(ax, 4)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        plt.close(fig)
    return buf.getvalue()
