"""The assessment as an official document: the quarterly review (季度讲评) or the annual result (年度考核结果),
built as the reports app's `ReportContent` and rendered by its Word and PDF renderers (masthead, 仿宋 body,
tables), like the monthly dispatch report and the 督办通报."""

from __future__ import annotations

import datetime as dt
from typing import Any

from newind.assessment.choices import RunKind
from newind.assessment.models import AssessmentRun
from newind.core.office import office
from newind.core.parts import Column, Section, Table, cell
from newind.reports.content import SYNTHETIC_MARK, ReportContent

_LEAGUE = [Column("名次", "number", 0), Column("单位"), Column("类别"), Column("总分", "number", 2),
           Column("扣分", "number", 2), Column("等次")]


def _league_rows(units: list[dict[str, Any]], with_change: bool) -> list[list[object]]:
    rows = []
    for u in units:
        row: list[object] = [cell(u["rank"]), u["name"], u.get("type_label", ""), cell(u["total"]), cell(u["malus"]),
                             (u["grade_label"] or "—") + ("（一票否决）" if u["veto"] else "")]
        if with_change:
            row.append(u.get("rank_change_text", "—"))
        rows.append(row)
    return rows


def content(run: AssessmentRun, *, issued: dt.date | None = None, doc_number: str = "") -> ReportContent:
    from django.utils import timezone

    from newind.reports import calc as report_calc

    data = run.result
    review = run.kind == RunKind.QUARTERLY
    mark = SYNTHETIC_MARK if run.is_synthetic else ""
    columns = _LEAGUE + ([Column("进退位")] if review else [])
    note = (f"时期：{data.get('figures_period') or data['period_label']}。单位：分。方案：{data['scheme']['name']}"
            f"（第{data['scheme']['version']}版）；来源：{data['scheme']['source']}。"
            f"结果版本：第{run.version}版（{run.get_status_display()}）。{mark}")
    sections = []
    intro = list(data.get("commentary") or [])
    if not intro:
        ranked = [u for u in data["units"] if u["rank"] is not None]
        if ranked:
            intro = [f"{data['period_label']}，{len(ranked)}个单位参评，{ranked[0]['name']}以 {ranked[0]['total']:.2f} 分排名第一。"]
    sections.append(Section("一、总体情况", intro))
    sections.append(Section("二、排名情况", [], [Table("排名", f"{run.title}", columns,
                                                    _league_rows(data["units"], review), note)]))
    if review:
        talks = data.get("interview") or []
        text = ["、".join(t["name"] for t in talks) + "列入约谈，请主要负责人在10个工作日内作出说明并提出整改措施。"] \
            if talks else ["本季度没有列入约谈的单位。"]
        rows = [[t["name"], cell(t["rank"]), cell(t["total"]), t["rule"]] for t in talks]
        sections.append(Section("三、约谈名单", text, [Table("约谈", "列入约谈的单位", [
            Column("单位"), Column("名次", "number", 0), Column("总分", "number", 2), Column("依据")], rows, note)]
            if rows else []))
    else:
        rewards = data.get("rewards") or []
        rows = [[r["name"], cell(r["rank"]), cell(r["total"]), r["grade_label"], r["measure"]] for r in rewards]
        sections.append(Section("三、奖惩名单", ["按考核方案，各等次单位的奖惩如下。"] if rows else ["本次考核没有列入奖惩的单位。"],
                                [Table("奖惩", "奖惩名单", [Column("单位"), Column("名次", "number", 0),
                                                          Column("总分", "number", 2), Column("等次"), Column("奖惩")],
                                       rows, note)] if rows else []))
        blocked = data.get("veto_blocked") or []
        sections.append(Section("四、一票否决", [
            "；".join(f"{b['name']}总分达到{b['grade_by_score']}等线，因{b['veto_reason'] or '一票否决'}，评为{b['grade']}等"
                     for b in blocked) + "。"] if blocked else ["本次考核没有因一票否决而降等的单位。"]))
    issued = issued or timezone.localdate()
    return ReportContent(
        title=f"{office().city.name}{run.title}", subtitle=f"（第{run.version}版）{mark}",
        headline=f"现将{run.title}通报如下。", sections=sections, issuer=office().office.name,
        date_text=f"{issued.year}年{issued.month}月{issued.day}日", is_synthetic=run.is_synthetic,
        period_label=data["period_label"], doc_number=report_calc.doc_number_text(doc_number))


def render(run: AssessmentRun, fmt: str) -> bytes:
    if fmt == "pdf":
        from newind.reports.pdf import render_pdf

        return render_pdf(content(run))
    from newind.reports.word import render_docx

    return render_docx(content(run))
