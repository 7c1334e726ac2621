"""Pages of the appeals (企业诉求): a firm's 我的诉求 and its phone-friendly filing form, the office's filing on a
firm's behalf and its list of every case, a department's inbox, and one case with its timeline, attachments and
the actions the user's role in the case may take now. Access: newind.accounts.access (cases block).

Pages of the case engine: the metrics (per department, category, month) and the overdue list, with their
Excel exports. Who sees which lead units is `accounts.access.case_metrics_scope` (through `forms.read_filters`).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from newind.accounts.access import (
    CASE_FILE_PAGE,
    CASE_INBOX_PAGE,
    CASE_METRICS_PAGE,
    CASES_PAGE,
    MY_APPEALS_PAGE,
    PageAccess,
    case_filing_firm,
    case_filing_firms,
    case_for,
    case_metrics_scope,
    case_role,
    cases_in_scope,
    page_required,
)
from newind.audit.services import record
from newind.cases import services
from newind.cases.calc import allowed_actions, rating_action
from newind.cases.choices import Action, CaseKind, CaseRole, Rating, State, UnsatisfiedReason
from newind.cases.exports import (
    KEY_LABEL,
    LABELS,
    METRIC_TABLE,
    metric_rows,
    metrics_workbook,
    overdue_workbook,
)
from newind.cases.forms import LISTS, ActionForm, AppealForm, read_filters
from newind.cases.models import Case, CaseAttachment
from newind.cases.queries import (
    GROUPINGS,
    categories,
    metrics,
    overdue_counts,
    overdue_rows,
    unsatisfied_reason_counts,
    unsatisfied_reasons,
)
from newind.cases.sla import format_deadline, load_profile
from newind.core.errors import AppError, NotFound, Problem
from newind.core.xlsx import xlsx_response

PAGE_SIZE = 50
RATE_ACTIONS = frozenset({Action.RATE_SATISFIED, Action.RATE_UNSATISFIED_REDO, Action.RATE_UNSATISFIED_FINAL})


def _list(request: HttpRequest, page: PageAccess, title: str, *, inbox: bool = False) -> HttpResponse:
    cases = cases_in_scope(request.user).select_related("concerned_unit", "lead_unit")
    state = request.GET.get("state", "").strip()
    kind = request.GET.get("kind", "").strip()
    if state in State.values:
        cases = cases.filter(state=state)
    if kind in CaseKind.values:
        cases = cases.filter(kind=kind)
    listing = Paginator(cases.order_by("-received_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"case": c, "deadline": format_deadline(c.close_deadline),
             "role": CaseRole(r).label if inbox and (r := case_role(request.user, c)) else ""}
            for c in listing.object_list]
    return render(request, "cases/list.html", {
        "title": title, "page": listing, "rows": rows, "state": state, "kind": kind, "states": State.choices,
        "kinds": CaseKind.choices, "inbox": inbox, "can_file": CASE_FILE_PAGE.allows(request.user),
        "reasons": unsatisfied_reasons(cases_in_scope(request.user)) if page is CASES_PAGE else None,
    })


@login_required
@page_required(CASES_PAGE)
def case_list(request: HttpRequest) -> HttpResponse:
    """Every case, for the office and the leaders, with the counted reasons of unsatisfied ratings."""
    return _list(request, CASES_PAGE, "企业诉求与督办事项")


@login_required
@page_required(MY_APPEALS_PAGE)
def my_appeals(request: HttpRequest) -> HttpResponse:
    """A firm's own appeals."""
    return _list(request, MY_APPEALS_PAGE, "我的诉求")


@login_required
@page_required(CASE_INBOX_PAGE)
def inbox(request: HttpRequest) -> HttpResponse:
    """A department's cases: those it leads or co-handles."""
    return _list(request, CASE_INBOX_PAGE, "承办事项（交办本单位牵头或协办）", inbox=True)


@login_required
@require_http_methods(["GET", "POST"])
@page_required(CASE_FILE_PAGE)
def new_appeal(request: HttpRequest) -> HttpResponse:
    """The filing form: a firm for itself (phone-friendly), or the office on a firm's behalf."""
    on_behalf = not MY_APPEALS_PAGE.allows(request.user)  # the office files on a firm's behalf
    form = AppealForm(request.POST or None, request.FILES or None, on_behalf=on_behalf)
    error: AppError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            firm = case_filing_firm(request.user, form.cleaned_data.get("firm") or None)
            case = services.file_appeal(
                user=request.user, firm=firm, title=form.cleaned_data["title"],
                description=form.cleaned_data["description"], category_codes=form.cleaned_data["categories"],
                files=request.FILES.getlist("attachments"),
                channel=form.cleaned_data.get("channel") or "platform")
        except AppError as exc:
            if exc.status in (401, 403):
                raise
            error = exc
        else:
            return redirect("cases:detail", case_id=case.pk)
    firms = list(case_filing_firms(request.user).order_by("name").values_list("code", "name")[:2000]) \
        if on_behalf else []
    status = (error.status if error else 400) if request.method == "POST" else 200
    return render(request, "cases/new.html", {"form": form, "on_behalf": on_behalf, "firms": firms,
                                              "error": error}, status=status)


def _action_choices(case: Case, role: str | None) -> dict[str, Any]:
    """The actions the role may take now (by the table; `step` still checks the time rules), the ratings
    offered and, for the rating, which reason kinds the role may give."""
    review = load_profile(case.sla_profile).closure_review is not None
    # The 销号 review is judged item by item on the supervision task's page (its checklist), not here.
    actions = [a for a in allowed_actions(case.state, role, closure_review=review)
               if a not in RATE_ACTIONS and a not in (Action.REVIEW_PASS, Action.REVIEW_FAIL)]
    rateable = [a for a in allowed_actions(case.state, role, closure_review=review) if a in RATE_ACTIONS]
    reason_kinds = [(k, label) for k, label in UnsatisfiedReason.choices
                    if rating_action(Rating.UNSATISFIED, k) in rateable]
    return {"actions": [str(a) for a in actions], "action_labels": {str(a): _label(case, a) for a in actions},
            "can_rate": bool(rateable), "reason_kinds": reason_kinds, "ratings": Rating.choices}


def _label(case: Case, action: Action) -> str:
    if action == Action.ACCEPT and case.state == State.REDO:
        return "重新办理（退回重办）"
    return str(action.label)


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    """One case: its parties, deadlines, timeline, attachments, and the actions the user may take now."""
    case = case_for(request.user, case_id)
    return _detail(request, case)


def _detail(request: HttpRequest, case: Case, *, form: ActionForm | None = None, error: AppError | None = None,
            status: int = 200) -> HttpResponse:
    role = case_role(request.user, case)
    events = case.events.select_related("unit").prefetch_related("attachments")
    names = categories()
    extensions = [{"x": x, "new": format_deadline(x.new_deadline), "old": format_deadline(x.old_deadline)}
                  for x in case.extension_requests.all()]
    return render(request, "cases/detail.html", {
        "case": case, "role": role, "role_label": CaseRole(role).label if role else "",
        "categories": [names.get(c, c) for c in case.categories.values_list("category", flat=True)],
        "co_units": list(case.co_units.all()), "events": events, "attachments": case.attachments.all(),
        "deadline": format_deadline(case.close_deadline),
        "original_deadline": format_deadline(case.original_close_deadline),
        "extensions": extensions, "notices": case.notices.all()[:50],
        "reasons": unsatisfied_reasons(Case.objects.filter(pk=case.pk)),
        "form": form or ActionForm(), "error": error, **_action_choices(case, role),
    }, status=status)


@login_required
@require_POST
def case_act(request: HttpRequest, case_id: int) -> HttpResponse:
    """Take one action (or rate) as the user's role in the case; a refusal is shown on the case page."""
    case = case_for(request.user, case_id, write=True)
    form = ActionForm(request.POST, request.FILES)
    if not form.is_valid():
        problems = [Problem(f"{form.fields[f].label if f in form.fields else f}：{'；'.join(e)}")
                    for f, e in form.errors.items()]
        return _detail(request, case, form=form, status=400,
                       error=AppError("提交的内容有误：请按提示修改后重试。", problems=problems))
    action = form.cleaned_data["action"]
    if action != "rate" and action not in Action.values:
        return _detail(request, case, form=form, status=400, error=AppError(f"没有「{action}」这项操作。"))
    try:
        services.act(case, action, user=request.user, role=case_role(request.user, case),
                     files=request.FILES.getlist("attachments"), **form.fields_for_service())
    except AppError as exc:
        if exc.status in (401,):
            raise
        return _detail(request, case_for(request.user, case_id), form=form, error=exc, status=exc.status)
    return redirect("cases:detail", case_id=case.pk)


@login_required
def attachment_download(request: HttpRequest, case_id: int, attachment_id: int) -> HttpResponse:
    """An attachment's bytes, to those who may read its case (never from a public path)."""
    case = case_for(request.user, case_id)
    found: CaseAttachment | None = case.attachments.filter(pk=attachment_id).first()
    if found is None:
        raise NotFound("未找到该附件：它可能不属于这个事项，请从事项页面打开。")
    path = services.attachment_path(found)
    if not path.exists():
        raise NotFound(f"附件「{found.name}」的文件已不在存储目录中：请联系市新型工业化办公室。")
    response = FileResponse(path.open("rb"), as_attachment=found.kind not in {"pdf", "jpg", "png"},
                            filename=found.name, content_type=services.ATTACHMENT_TYPES[found.kind])
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


PAGE_SIZE = 50


def _choices(request: HttpRequest) -> dict[str, Any]:
    """The filter form's options: the lead units the user may choose (all department units, or the own one),
    the kinds, the groupings and the two lists."""
    from newind.units.models import Unit

    scope = case_metrics_scope(request.user)
    units = Unit.objects.filter(kind="department").order_by("sort_order", "code")
    if scope is not None:
        units = units.filter(pk__in=scope)
    return {"units": list(units.values("pk", "name")), "all_units": scope is None, "kinds": CaseKind.choices,
            "groupings": GROUPINGS, "lists": LISTS}


@login_required
@page_required(CASE_METRICS_PAGE)
def metrics_page(request: HttpRequest) -> HttpResponse:
    filters = read_filters(request.user, request.GET)
    rows = metric_rows(filters.by, metrics(filters.by, now=filters.now, where=filters.where))
    for row in rows:
        row["cells"] = [(row[c], kind) for c, kind in METRIC_TABLE]
    return render(request, "cases/metrics.html", {
        "f": filters, "rows": rows, "columns": [(c, LABELS[c], kind) for c, kind in METRIC_TABLE],
        "key_label": KEY_LABEL[filters.by], "reasons": unsatisfied_reason_counts(filters.where),
        "counts": _overdue_totals(filters, rows), **_choices(request)})


def _overdue_totals(filters: Any, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Both overdue counts: the sum of the rows where each case is in one row (per department, per month),
    saving a second scan; counted again per category (a case with two tags is in two rows)."""
    if filters.by == "category":
        return overdue_counts(now=filters.now, where=filters.where)
    return {"still_open": sum(r["overdue_still_open"] for r in rows),
            "done_late": sum(r["overdue_done_late"] for r in rows)}


@login_required
@page_required(CASE_METRICS_PAGE)
def overdue_page(request: HttpRequest) -> HttpResponse:
    filters = read_filters(request.user, request.GET)
    counts = overdue_counts(now=filters.now, where=filters.where)
    total = counts[filters.list]
    pages = max(1, -(-total // PAGE_SIZE))
    number = min(filters.page, pages)
    rows = overdue_rows(filters.list, now=filters.now, where=filters.where, offset=(number - 1) * PAGE_SIZE,
                        limit=PAGE_SIZE)
    return render(request, "cases/overdue.html", {
        "f": filters, "rows": rows, "counts": counts, "total": total, "number": number, "pages": pages,
        "start": (number - 1) * PAGE_SIZE + 1, "list_label": LISTS[filters.list],
        "tabs": [(k, label, counts[k]) for k, label in LISTS.items()], **_choices(request)})


def _export(request: HttpRequest, build: Any, what: str, stem: str) -> HttpResponse:
    """One audited Excel download of the metrics or the overdue list, under the user's filters."""
    filters = read_filters(request.user, request.GET)
    data = build(filters)
    record("export", user=request.user, summary=f"导出{what}（Excel）：{filters.about}",
           after={"units": sorted(filters.units) if filters.units is not None else "all", "year": filters.year,
                  "kind": filters.kind})
    return xlsx_response(data, f"{stem}-{filters.year or 'all'}.xlsx")


@login_required
@page_required(CASE_METRICS_PAGE)
def metrics_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, metrics_workbook, "事项办理统计", "case-metrics")


@login_required
@page_required(CASE_METRICS_PAGE)
def overdue_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, overdue_workbook, "逾期事项清单", "case-overdue")
