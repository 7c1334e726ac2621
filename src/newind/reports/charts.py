"""Charts for the report as PNG bytes (matplotlib, Agg, the CJK font shipped in newind.core.fonts; no network)."""

from __future__ import annotations

import io
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display on servers; must precede pyplot
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from newind.core.fonts import matplotlib_family  # noqa: E402
from newind.core.office import office  # noqa: E402

RED, BLUE, GREY = "#c0392b", "#1f5fa8", "#888888"


def _png(fig: plt.Figure) -> bytes:  # type: ignore[name-defined]
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def _style() -> Any:  # a dict of rcParams (Any: matplotlib types the keys as a Literal)
    return {"font.family": matplotlib_family(), "axes.unicode_minus": False, "font.size": 10}


def trend_chart(trend: pd.DataFrame, city_name: str) -> bytes:
    """The headline growth (1–N月累计, %) of the city and the province, month by month."""
    with plt.rc_context(_style()):
        fig, ax = plt.subplots(figsize=(6.4, 2.9))
        labels = [f"{int(y) % 100:02d}年{int(n)}月" if n > 2 else f"{int(y) % 100:02d}年1—2月"
                  for y, n in zip(trend["year"], trend["period_n"], strict=True)]
        x = range(len(labels))
        ax.plot(x, trend["city"], marker="o", color=RED, label=city_name)
        ax.plot(x, trend["province"], marker="s", color=BLUE, label=office().province.name)
        ax.set_xticks(list(x), labels, rotation=45, ha="right", fontsize=8)
        ax.set_ylabel("累计增速（%）")
        ax.grid(axis="y", alpha=.3)
        ax.legend(frameon=False, ncols=2, loc="upper right")
        ax.spines[["top", "right"]].set_visible(False)
        return _png(fig)


def league_chart(frame: pd.DataFrame, city_name: str, city_growth: float | None) -> bytes:
    """Growth of each unit (sorted), with the city's growth as a reference line."""
    sub = frame.dropna(subset=["growth_pct"]).sort_values("growth_pct", ascending=False)
    with plt.rc_context(_style()):
        fig, ax = plt.subplots(figsize=(6.4, 3.0))
        colors = [RED if g < (city_growth if city_growth is not None else 0) else BLUE for g in sub["growth_pct"]]
        ax.bar(range(len(sub)), sub["growth_pct"], color=colors)
        for i, g in enumerate(sub["growth_pct"]):
            ax.annotate(f"{g:.1f}", (i, g), ha="center", va="bottom" if g >= 0 else "top", fontsize=7)
        if city_growth is not None:
            ax.axhline(city_growth, color=GREY, linestyle="--", linewidth=1)
            ax.annotate(f"{city_name} {city_growth:.1f}%", (len(sub) - 0.5, city_growth), ha="right",
                        va="bottom", fontsize=8, color=GREY)
        ax.axhline(0, color="black", linewidth=.6)
        ax.set_xticks(range(len(sub)), sub["unit_name"].astype(str), rotation=45, ha="right", fontsize=8)
        ax.set_ylabel("累计增速（%）")
        ax.spines[["top", "right"]].set_visible(False)
        return _png(fig)
