"""Producing the monthly dispatch report (月度调度通报) as Word, PDF or Excel from the shared overview."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps

from newind.core.errors import AppError
from newind.indicators.periods import Period
from newind.reports.content import ReportContent, build_content
from newind.reports.queries import Overview, monthly_overview

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass
class RenderedReport:
    data: bytes
    file_name: str
    content_type: str
    content: ReportContent
    overview: Overview


def format_from_path(path: str | Path) -> str:
    """The report format named by a file's extension; an AppError for anything else."""
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise AppError(f"不支持的文件类型「{Path(path).suffix or '无扩展名'}」：请使用 .docx、.pdf 或 .xlsx。")
    return fmt


def render_content(content: ReportContent, fmt: str) -> bytes:
    """Render already-built content in one format."""
    if fmt == "docx":
        from newind.reports.word import render_docx

        return render_docx(content)
    if fmt == "pdf":
        from newind.reports.pdf import render_pdf

        return render_pdf(content)
    if fmt == "xlsx":
        from newind.reports.excel import render_xlsx

        return render_xlsx(content)
    raise AppError(f"不支持的格式「{fmt}」：请选择 docx、pdf 或 xlsx。")


def monthly_report(period: Period, fmt: str, *, issued: dt.date | None = None, doc_number: str = "",
                   user: Any = None, request: Any = None, overview: Overview | None = None,
                   content: ReportContent | None = None) -> RenderedReport:
    """Build the month's report in one format; records an export in the audit log when a user asks.

    Pass `overview`/`content` from an earlier call to render several formats from one computation.
    """
    if fmt not in FORMATS:
        raise AppError(f"不支持的格式「{fmt}」：请选择 docx、pdf 或 xlsx。")
    overview = overview or monthly_overview(period)
    content = content or build_content(overview, issued=issued, with_charts=fmt != "xlsx", doc_number=doc_number)
    data = render_content(content, fmt)
    name = f"月度调度通报_{period.key}.{fmt}"
    if user is not None:
        record_export(user, request, period, fmt, name, content)
    return RenderedReport(data, name, FORMATS[fmt], content, overview)


def record_export(user: Any, request: Any, period: Period, fmt: str, name: str, content: ReportContent) -> None:
    """Audit one report leaving the platform (a download by a user, or a file written by `newind report`)."""
    if not apps.is_installed("newind.audit"):
        return
    from newind.audit.services import record

    number = f"（{content.doc_number}）" if content.doc_number else ""
    verb = "下载" if user is not None else "生成"
    record("export", user=user, request=request,
           summary=f"{verb}{period.label}月度调度通报{number}（{fmt}，成文日期{content.date_text}）：{name}",
           object_type="reports.monthly", object_id=period.key,
           after={"format": fmt, "file": name, "date": content.date_text, "doc_number": content.doc_number})
