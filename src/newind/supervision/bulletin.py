"""督办通报 (bulletins): the praise and criticism lists of a month as an official Word document, built as the
reports app's `ReportContent` and rendered by its Word renderer (reports.word: masthead, 仿宋 body, tables)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from newind.core.office import office
from newind.core.parts import Column, Section, Table, cell
from newind.reports.content import SYNTHETIC_MARK, ReportContent
from newind.supervision import queries

_COLUMNS = [Column("责任单位"), Column("到期事项（件）", "number", 0), Column("提前办结（件）", "number", 0),
            Column("按期办结（件）", "number", 0), Column("逾期办结（件）", "number", 0),
            Column("逾期未办结（件）", "number", 0), Column("按期办结率（%）", "number", 1)]


def _rows(frame: pd.DataFrame) -> list[list[object]]:
    return [[r.unit_name, r.total, r.closed_early, r.closed_on_time, r.closed_late, r.overdue_open,
             cell(r.on_time_rate)] for r in frame.itertuples()]


def bulletin_content(period_key: str, *, issued: dt.date | None = None, doc_number: str = "",
                     as_of: dt.datetime | None = None) -> ReportContent:
    """The month's bulletin: who is praised (every task due in the month closed on time or early), who is
    criticised (a task closed late or still overdue), with the counts per unit, in the report's official form."""
    from django.utils import timezone

    from newind.reports import calc as report_calc
    from newind.supervision.models import SupervisionTask

    frame = queries.bulletin_frame(period_key, as_of=as_of)
    first, last = queries.month_bounds(period_key)
    month = f"{first.year}年{first.month}月"
    synthetic = SupervisionTask.objects.filter(is_synthetic=True, case__close_deadline__year=first.year).exists() \
        if not frame.empty else False
    mark = SYNTHETIC_MARK if synthetic else ""
    praise, criticism = frame[frame["list"] == "表扬"], frame[frame["list"] == "批评"]
    note = (f"时期：{month}（办结时限在本月内的督办事项）。单位：件、%。提前办结指在时限当日之前申请销号并经审核通过；"
            f"按期办结率 =（提前办结 + 按期办结）÷ 已办结 × 100。来源：本平台督办事项记录。{mark}")
    sections = []
    if frame.empty:
        sections.append(Section("一、总体情况", [f"{month}没有到期的督办事项。"]))
    else:
        total = int(frame["total"].sum())
        good = int(frame["closed_early"].sum() + frame["closed_on_time"].sum())
        sections.append(Section("一、总体情况", [
            f"{month}到期督办事项{total}件，按期（含提前）办结{good}件，逾期办结{int(frame['closed_late'].sum())}件，"
            f"逾期未办结{int(frame['overdue_open'].sum())}件。"]))
        praise_text = ("、".join(praise["unit_name"]) + "按期完成全部到期督办事项，予以通报表扬。") if not praise.empty \
            else "本月没有全部按期完成到期督办事项的单位。"
        sections.append(Section("二、通报表扬", [praise_text],
                                [Table("通报表扬", f"按期完成督办事项的单位（{month}）", _COLUMNS, _rows(praise), note)]
                                if not praise.empty else []))
        crit_text = ("、".join(criticism["unit_name"]) + "有督办事项逾期，予以通报批评，请于5个工作日内书面说明原因"
                     "并报整改措施。") if not criticism.empty else "本月没有督办事项逾期的单位。"
        sections.append(Section("三、通报批评", [crit_text],
                                [Table("通报批评", f"督办事项逾期的单位（{month}）", _COLUMNS, _rows(criticism), note)]
                                if not criticism.empty else []))
    issued = issued or timezone.localdate()
    return ReportContent(
        title=f"{office().city.name}新型工业化督办事项落实情况通报", subtitle=f"（{month}）{mark}",
        headline=f"现将{month}督办事项落实情况通报如下。", sections=sections, issuer=office().office.name,
        date_text=f"{issued.year}年{issued.month}月{issued.day}日", is_synthetic=synthetic, period_label=month,
        doc_number=report_calc.doc_number_text(doc_number))


def bulletin_docx(period_key: str, **kwargs: Any) -> bytes:
    from newind.reports.word import render_docx

    return render_docx(bulletin_content(period_key, **kwargs))
