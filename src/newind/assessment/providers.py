"""Where an assessment's inputs come from: one set-wise read per source for all the units of a run (never a
query per unit), each figure with its provenance (the spine figure's version and source, or the record it
was counted from), framed for `assessment.calc.assess`.

The run's period is cumulative like every figure: the annual assessment reads 1—12月 (or the annual figure
of an annual indicator), the Q3 review 1—9月 (1—3季度). Growth and shares are read as the spine holds them:
a reported comparable-price growth rate is used as reported, a nominal growth is computed from this year's
and last year's levels (never from a zero or negative base), a share is numerator ÷ denominator × 100.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from django.db.models import Max
from django.utils import timezone

from newind.assessment.schemes import SOURCE_LABELS, AssessmentScheme, InputSource
from newind.cases.sla import TZ
from newind.indicators.calc import yoy_growth_pct
from newind.indicators.models import Indicator, Observation
from newind.indicators.periods import Period, PeriodKind
from newind.units.models import Unit

PROVENANCE_COLUMNS = ["code", "input", "version", "source"]


def window(period: Period) -> tuple[dt.datetime, dt.datetime]:
    """[1 January, the day after the period's last day) in Shanghai time."""
    months = period.months_covered
    last = dt.date(period.year, months, calendar.monthrange(period.year, months)[1])
    return (dt.datetime(period.year, 1, 1, tzinfo=TZ),
            dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=TZ))


def units_of(scheme: AssessmentScheme, unit_codes: list[str] | None = None) -> pd.DataFrame:
    """The units the scheme assesses (id, code, name, unit_type), in the office's order."""
    qs = Unit.objects.all()
    if scheme.units.peer_group:
        qs = qs.filter(peergroupmember__group__code=scheme.units.peer_group)
    else:
        qs = qs.filter(kind__in=scheme.units.kinds)
    if unit_codes is not None:
        qs = qs.filter(code__in=unit_codes)
    rows = list(qs.order_by("sort_order", "code").values_list("id", "code", "short_name", "name"))
    frame = pd.DataFrame(rows, columns=["id", "code", "short_name", "name"]).drop_duplicates("id")
    frame["name"] = frame["short_name"].where(frame["short_name"] != "", frame["name"])
    frame["unit_type"] = scheme.type_of(frame["code"].tolist())
    return frame[["id", "code", "name", "unit_type"]].reset_index(drop=True)


def figures_month(scheme: AssessmentScheme, period: Period, units: pd.DataFrame) -> int:
    """The last month whose 1—N月 figures the run reads. A quarter reads its own (1—9月 for Q3). A year reads
    1—12月, or, before the year-end figures are out, the latest month of the year the units have figures
    for (a preliminary annual assessment, labelled so: "按1—11月累计数")."""
    if period.kind != PeriodKind.ANNUAL:
        return period.months_covered
    codes = {s.indicator for s in scheme.inputs.values() if s.source in {"spine", "spine_growth", "targets"}} | \
            {c for s in scheme.inputs.values() if s.source == "spine_share" for c in (s.numerator, s.denominator)}
    codes.discard(None)
    # The latest month every monthly input has reached (one input a month ahead does not make the others so).
    latest = Observation.objects.filter(is_current=True, indicator__code__in=sorted(codes),  # type: ignore[type-var]
                                        unit_id__in=units["id"].tolist(), year=period.year,
                                        period_kind=PeriodKind.MONTH_CUM.value).values("indicator_id").annotate(
        m=Max("period_n")).values_list("m", flat=True)
    months = [int(m) for m in latest]
    return 12 if not months else min(months)


def _figure_period(frequency: str, period: Period) -> Period | None:
    months = period.months_covered
    if frequency == "monthly":
        return Period.month(period.year, max(months, 2))
    if frequency == "quarterly":
        return Period.quarter(period.year, months // 3) if months % 3 == 0 else None
    return Period.annual(period.year) if months == 12 else None


def _spine(codes: list[str], units: pd.DataFrame, period: Period, last_year: bool = False) -> pd.DataFrame:
    """Current figures of `codes` for the units in the period (and the same period last year), one query per
    kind of period (monthly, quarterly, annual indicators): indicator, unit_id, year, value, version, source."""
    frequency = dict(Indicator.objects.filter(code__in=codes).values_list("code", "frequency"))
    parts = []
    by_slot: dict[tuple[str, int], list[str]] = {}
    for code in codes:
        slot = _figure_period(frequency.get(code, "monthly"), period)
        if slot is not None:
            by_slot.setdefault((slot.kind.value, slot.n), []).append(code)
    years = [period.year - 1, period.year] if last_year else [period.year]
    for (kind, n), inds in by_slot.items():
        rows = Observation.objects.filter(is_current=True, indicator__code__in=inds, unit_id__in=units["id"].tolist(),
                                          year__in=years, period_kind=kind, period_n=n).values_list(
            "indicator__code", "unit_id", "year", "value", "version", "source")
        parts.append(pd.DataFrame(list(rows), columns=["indicator", "unit_id", "year", "value", "version", "source"]))
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["indicator", "unit_id", "year", "value", "version", "source"])
    frame["value"] = frame["value"].astype(float)
    return frame


def _pick(frame: pd.DataFrame, indicator: str, year: int, units: pd.DataFrame) -> pd.DataFrame:
    rows = frame[(frame["indicator"] == indicator) & (frame["year"] == year)].set_index("unit_id")
    return rows.reindex(units["id"])


def _rate_frame(units: pd.DataFrame, period: Period, kind: str) -> pd.DataFrame:
    """The case engine's metrics per lead unit over the window (cases received in it, as at its end)."""
    from newind.cases.queries import metrics

    start, end = window(period)
    now = min(end, timezone.now())
    where = {"received_at__gte": start, "received_at__lt": end, "kind": kind,
             "lead_unit_id__in": units["id"].tolist()}
    frame = metrics("department", now=now, where=where)
    return frame.set_index("lead_unit_id").reindex(units["id"])


def _late_reports(units: pd.DataFrame, period: Period, as_of: dt.date) -> pd.Series:
    """Monthly reports of the year up to the period that were submitted after their deadline, or are past it
    and not submitted, per unit (reporting discipline: −1 point each in the schemes)."""
    from newind.submissions.calc import late_or_missing
    from newind.submissions.queries import monthly_report_rows

    rows = monthly_report_rows(period.year, unit_ids=units["id"].tolist(), through_month=period.months_covered)
    if rows.empty:
        return pd.Series(0.0, index=units["id"])
    late, missing = late_or_missing(rows["deadline"], rows["submitted_on"], as_of)
    return (late | missing).groupby(rows["unit_id"]).sum().reindex(units["id"], fill_value=0).astype(float)


def _leaders(units: pd.DataFrame, period: Period) -> pd.Series:
    from newind.leaders.queries import responsibility_table

    table = responsibility_table(Period.month(period.year, max(period.months_covered, 2)), units["id"].tolist())
    if table.empty:
        return pd.Series(np.nan, index=units["id"])
    return table.groupby("unit_id")["score"].mean().reindex(units["id"])


def _quota_vetoes(units: pd.DataFrame, period: Period) -> tuple[pd.Series, pd.Series]:
    """一票否决 from the projects' quota (a park that missed its 引进指标 at the year end)."""
    from newind.projects.portfolio import compute

    figures = compute(Period.month(period.year, max(period.months_covered, 2))).figures
    figures = figures.reindex(units["id"])
    veto = figures["veto"].fillna(False).astype(bool)
    reason = ("未完成重大项目引进指标（" + figures["quota_label"].fillna("").astype(str) + "：引进 " +
              figures["quota_brought_in"].fillna(0).astype(int).astype(str) + " 个，应引进 " +
              figures["quota_required"].fillna(0).astype(int).astype(str) + " 个），一票否决")
    return veto, reason.where(veto, "")


def input_frame(scheme: AssessmentScheme, period: Period, *, unit_codes: list[str] | None = None,
                as_of: dt.date | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The frame `calc.assess` scores (code, name, unit_type, one column per input, flag, flag_reason) and
    the provenance of every figure in it (PROVENANCE_COLUMNS: the spine figure's version and source, or the
    record it was counted from)."""
    units = units_of(scheme, unit_codes)
    as_of = as_of or timezone.localdate()
    months = figures_month(scheme, period, units)
    # The figures' period: the run's own, or for a preliminary annual run the latest 1—N月 (see figures_month).
    fig_period = period if months == period.months_covered else Period.month(period.year, max(months, 2))
    frame = units[["code", "name", "unit_type"]].copy()
    prov: list[pd.DataFrame] = []
    specs: dict[str, InputSource] = dict(scheme.inputs)

    def provenance(code: str, version: Any, source: Any) -> None:
        prov.append(pd.DataFrame({"code": units["code"].to_numpy(), "input": code,
                                  "version": version, "source": source}))

    named: set[str | None] = {s.indicator for s in specs.values() if s.source in {"spine", "spine_growth"}} | {
        c for s in specs.values() if s.source == "spine_share" for c in (s.numerator, s.denominator)}
    spine_codes = sorted(c for c in named if c is not None)
    spine = _spine(spine_codes, units, fig_period,
                   last_year=any(s.source == "spine_growth" for s in specs.values())) if spine_codes else None
    rates: dict[str, pd.DataFrame] = {}
    for code, spec in specs.items():
        if spec.source == "spine":
            rows = _pick(spine, spec.indicator, period.year, units)  # type: ignore[arg-type]
            frame[code] = rows["value"].to_numpy(dtype=float)
            provenance(code, rows["version"].to_numpy(), rows["source"].to_numpy())
        elif spec.source == "spine_growth":
            now = _pick(spine, spec.indicator, period.year, units)  # type: ignore[arg-type]
            before = _pick(spine, spec.indicator, period.year - 1, units)  # type: ignore[arg-type]
            frame[code] = np.asarray(yoy_growth_pct(now["value"].to_numpy(), before["value"].to_numpy()), dtype=float)
            provenance(code, now["version"].to_numpy(),
                       ("按本年与上年同期累计数计算；" + now["source"].fillna("").astype(str)).to_numpy())
        elif spec.source == "spine_share":
            num = _pick(spine, spec.numerator, period.year, units)  # type: ignore[arg-type]
            den = _pick(spine, spec.denominator, period.year, units)  # type: ignore[arg-type]
            d = den["value"].to_numpy(dtype=float)
            with np.errstate(divide="ignore", invalid="ignore"):
                frame[code] = np.where(d > 0, num["value"].to_numpy(dtype=float) / d * 100, np.nan)
            names = dict(Indicator.objects.filter(code__in=[spec.numerator, spec.denominator]).values_list("code", "name"))
            formula = f"{names.get(spec.numerator, spec.numerator)}÷{names.get(spec.denominator, spec.denominator)}×100"
            provenance(code, num["version"].to_numpy(), (formula + "；" + num["source"].fillna("").astype(str)).to_numpy())
        elif spec.source == "targets":
            from newind.targets.queries import target_progress

            progress = target_progress(Period.month(period.year, max(fig_period.months_covered, 2)),
                                       unit_codes=units["code"].tolist(), indicator_codes=[spec.indicator])  # type: ignore[list-item]
            progress = progress[progress["target_kind"] == spec.target_kind].drop_duplicates("unit_code")
            rows = progress.set_index("unit_code").reindex(units["code"])
            frame[code] = pd.to_numeric(rows["completion_pct"], errors="coerce").to_numpy(dtype=float)
            provenance(code, None, ("目标任务完成率（" + rows["period_label"].fillna("").astype(str) + "）；" +
                                    rows["source"].fillna("").astype(str)).to_numpy())
        elif spec.source in {"cases", "supervision"}:
            kind = spec.case_kind if spec.source == "cases" else "supervision"
            if kind not in rates:
                rates[kind] = _rate_frame(units, period, kind)
            rows = rates[kind]
            frame[code] = pd.to_numeric(rows[spec.measure], errors="coerce").to_numpy(dtype=float)
            base = rows["closed" if spec.measure == "on_time_rate" else "rated"].fillna(0).astype(int).astype(str)
            provenance(code, None, (SOURCE_LABELS[spec.source] + "（" + period.label + "，" +
                                    ("办结 " if spec.measure == "on_time_rate" else "已评价 ") + base + " 件）").to_numpy())
        elif spec.source == "submissions":
            frame[code] = _late_reports(units, period, as_of).to_numpy()
            provenance(code, None, f"{SOURCE_LABELS['submissions']}（{period.label}，截至 {as_of.isoformat()}）")
        elif spec.source == "leaders":
            frame[code] = _leaders(units, fig_period).to_numpy(dtype=float)
            provenance(code, None, f"{SOURCE_LABELS['leaders']}（{period.label}）")
    frame["flag"], frame["flag_reason"] = "", ""
    if "projects_quota" in scheme.veto:
        veto, reason = _quota_vetoes(units, period)
        frame["flag"] = np.where(veto.to_numpy(), "否决", "")
        frame["flag_reason"] = reason.to_numpy()
    provenance_frame = pd.concat(prov, ignore_index=True) if prov else pd.DataFrame(columns=PROVENANCE_COLUMNS)
    frame.attrs["figures_period"] = fig_period.label if fig_period == period else \
        f"{period.label}（按{fig_period.label.removeprefix(f'{period.year}年')}累计数，年度数据发布前的预评）"
    return frame, provenance_frame
