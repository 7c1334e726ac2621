"""The 审计员's pages: filter the audit log, export it to Excel, verify the chain."""

from __future__ import annotations

import io
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from newind.accounts.access import AUDIT_PAGE, audit_log_for, page_required
from newind.audit.labels import action_label
from newind.audit.queries import AuditFilter, describe_entries, filtered_entries, known_actions
from newind.audit.services import record, verify_chain
from newind.core.errors import AppError
from newind.core.xlsx import safe_row

EXPORT_MAX_ROWS = 100_000
COLUMNS = [("id", "序号"), ("at", "时间"), ("actor", "用户名"), ("actor_name", "姓名"), ("actor_role", "角色"),
           ("ip", "来源地址"), ("action", "操作代码"), ("object_type", "对象类型"), ("object_id", "对象编号"),
           ("unit_code", "单位代码"), ("summary", "说明"), ("before", "修改前"), ("after", "修改后"),
           ("hash", "哈希")]


@page_required(AUDIT_PAGE)
@never_cache
def log_view(request: HttpRequest) -> HttpResponse:
    f = AuditFilter.from_params(request.GET.dict())
    page = Paginator(filtered_entries(f, audit_log_for(request.user)), 50).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in f.as_params().items() if v})
    rows = describe_entries(page.object_list)
    object_name = ""
    if f.object:
        first = rows[0] if rows else None
        object_name = f"{first.object_type}：{first.object_name}" if first else f.object
    return render(request, "audit/log.html", {"page": page, "rows": rows, "filter": f, "actions": known_actions(),
                                              "query": query, "object_name": object_name})


@page_required(AUDIT_PAGE)
def export_view(request: HttpRequest) -> HttpResponse:
    """The filtered log as an .xlsx file (cells neutralised); the export itself is audited."""
    from openpyxl import Workbook

    f = AuditFilter.from_params(request.GET.dict())
    qs = filtered_entries(f, audit_log_for(request.user))
    count = qs.count()
    if count > EXPORT_MAX_ROWS:
        raise AppError(f"符合条件的审计记录有 {count} 条，超过单次导出上限 {EXPORT_MAX_ROWS} 条：请缩小时间范围后分批导出。")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("审计日志")
    ws.append([title for _, title in COLUMNS] + ["操作"])
    tz = timezone.get_current_timezone()
    for row in qs.values_list(*[name for name, _ in COLUMNS]).iterator(chunk_size=2000):
        values = list(row)
        values[1] = values[1].astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
        values[11] = "" if values[11] is None else str(values[11])
        values[12] = "" if values[12] is None else str(values[12])
        ws.append(safe_row([*values, action_label(values[6])]))
    buffer = io.BytesIO()
    wb.save(buffer)
    record("export", user=request.user, request=request, object_type="audit.auditentry",
           summary=f"导出审计日志 {count} 条。", after={"filter": f.as_params(), "rows": count})
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.xlsx"'
    return response


@page_required(AUDIT_PAGE)
@never_cache
def verify_view(request: HttpRequest) -> HttpResponse:
    audit_log_for(request.user)
    result = verify_chain()
    record("audit.verify", user=request.user, request=request,
           summary="校验审计链：" + ("完整" if result.ok else f"第 {result.broken_id} 号记录处断开"))
    return render(request, "audit/verify.html", {"result": result})
