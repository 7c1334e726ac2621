"""Background jobs of the indicators app: recompute the derived figures of the periods a write touched."""

from __future__ import annotations

import pandas as pd

from newind.indicators.periods import Period, PeriodKind
from newind.jobs.registry import enqueue_on_commit, register_argument_text, register_job

RECOMPUTE = "derived.recompute"


def _periods_text(value: object) -> str:
    if not isinstance(value, list):
        return f"periods：{value}"
    return "时期：" + "、".join(Period.parse(str(p)).label for p in value)


register_argument_text("periods", _periods_text)


@register_job(RECOMPUTE, "重算派生数据（汇总、名义增速、位次）")
def recompute_derived(periods: list[str]) -> str:
    """Rebuild the derived figures of each period (idempotent: each period's rows are replaced)."""
    from newind.indicators.derived import recompute_period

    done = []
    for period in sorted({Period.parse(key) for key in periods}):
        result = recompute_period(period)
        done.append((period, result.rows))
    if len(done) <= 4:
        return "已重算派生数据：" + ("；".join(f"{p.label} {n} 条" for p, n in done) if done else "无") + "。"
    return (f"已重算 {len(done)} 个时期的派生数据（{done[0][0].label}至{done[-1][0].label}），"
            f"共 {sum(n for _, n in done)} 条。")


def affected_periods(rows: pd.DataFrame) -> list[str]:
    """The periods whose derived figures a write of these observation rows changes: each period written,
    and the same period a year later (whose growth is computed from it)."""
    keys: set[str] = set()
    for year, kind, n in rows[["year", "period_kind", "period_n"]].drop_duplicates().itertuples(index=False):
        for y in (int(year), int(year) + 1):
            if y <= 2100:
                keys.add(Period(y, PeriodKind(kind), int(n)).key)
    return sorted(keys, key=Period.parse)


def recompute_after_commit(rows: pd.DataFrame) -> None:
    """Queue one recompute of the periods these written rows affect, once the write commits."""
    if not rows.empty:
        enqueue_on_commit(RECOMPUTE, periods=affected_periods(rows))
