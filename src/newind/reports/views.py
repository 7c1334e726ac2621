"""Downloading the monthly dispatch report (office and leaders; every download is audited)."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from newind.accounts.access import REPORT_PAGE, page_required
from newind.accounts.throttle import throttled
from newind.core.errors import AppError
from newind.reports.calc import doc_number_text, issue_date
from newind.reports.queries import overview_period
from newind.reports.services import FORMATS, monthly_report


# The office and the city leaders (read-only).
@page_required(REPORT_PAGE)
@throttled("report", methods=("GET",))
def monthly_download(request: HttpRequest) -> HttpResponse:
    fmt = request.GET.get("format", "docx")
    if fmt not in FORMATS:
        raise AppError(f"不支持的格式「{fmt}」：请选择 docx、pdf 或 xlsx。")
    period = overview_period(request.GET.get("period"))
    # The 成文日期 and 发文字号 chosen on the download form (today's date and none when left empty).
    issued = issue_date(request.GET.get("date"), timezone.localdate())
    doc_number = doc_number_text(request.GET.get("doc_number"))
    report = monthly_report(period, fmt, issued=issued, doc_number=doc_number, user=request.user, request=request)
    response = HttpResponse(report.data, content_type=report.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(report.file_name)}"
    return response
