"""Policy pages: the library, one policy (publish, withdraw, edit), a policy's eligible firms with an Excel
export, a firm's matches (phone-friendly) and the payouts with their totals, form and import."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from newind.accounts.access import (
    PAYOUTS_PAGE,
    POLICIES_MANAGE_PAGE,
    POLICIES_PAGE,
    own_policy_firm,
    page_required,
    payout_policies_for,
    payouts_in_scope,
    policies_in_scope,
    policy_eligible_for,
    policy_for,
    policy_matches_for,
)
from newind.audit.services import record
from newind.core.errors import AppError
from newind.core.xlsx import ExportSheet, export_workbook, xlsx_response
from newind.enterprises.models import EnterpriseProfile
from newind.imports import parsing
from newind.imports.services import load_upload, store_upload
from newind.policies import calc, queries, services
from newind.policies.choices import Delivery, Outcome, PolicyAction, PolicyCategory, PolicyLevel, PolicyStatus
from newind.policies.forms import PayoutConfirmForm, PayoutForm, PayoutUploadForm, PolicyForm
from newind.policies.models import Policy

SESSION_KEY = "newind_payout_uploads"


def _year(request: HttpRequest) -> int:
    text = request.GET.get("year", "")
    if text:
        if not text.isdigit() or not 2000 <= int(text) <= 2100:
            raise AppError(f"年度「{text}」无效：请填写 2017 这样的四位年份。")
        return int(text)
    return services.data_year()


@login_required
@page_required(POLICIES_PAGE)
def policy_list(request: HttpRequest) -> HttpResponse:
    """The policies the user may read, with filters."""
    g = request.GET
    policies = queries.search_policies(policies_in_scope(request.user), g.get("q", ""), g.get("status", ""),
                                       g.get("level", ""), g.get("category", ""))
    return render(request, "policies/list.html", {
        "policies": policies[:300], "q": g.get("q", ""), "status": g.get("status", ""), "level": g.get("level", ""),
        "category": g.get("category", ""), "statuses": PolicyStatus.choices, "levels": PolicyLevel.choices,
        "categories": PolicyCategory.choices, "can_manage": POLICIES_MANAGE_PAGE.allows(request.user),
        "own_firm": own_policy_firm(request.user),
    })


def _criteria_rows(policy: Policy) -> tuple[list[str], str, list[str]]:
    figures = queries.figure_catalogue()
    rules = queries.rules_of(policy)
    return ([calc.criterion_text(c, figures) for c in rules.criteria], Delivery(calc.delivery(rules.criteria)).label,
            calc.to_supply(rules.criteria))


@login_required
def policy_page(request: HttpRequest, policy_id: int) -> HttpResponse:
    """One policy: the document, its guide, its criteria; the office's actions."""
    policy = policy_for(request.user, policy_id)
    criteria, delivery, supply = _criteria_rows(policy)
    try:
        policy_eligible_for(request.user, policy)
        can_see_eligible = True
    except AppError:
        can_see_eligible = False
    manage = POLICIES_MANAGE_PAGE.allows(request.user)
    return render(request, "policies/detail.html", {
        "policy": policy, "criteria": criteria, "delivery": delivery, "supply": supply, "can_manage": manage,
        "can_edit": manage and policy.status in calc.EDITABLE, "can_see_eligible": can_see_eligible,
        "can_publish": manage and (policy.status, PolicyAction.PUBLISH) in calc.TRANSITIONS,
        "can_withdraw": manage and (policy.status, PolicyAction.WITHDRAW) in calc.TRANSITIONS,
    })


def _form_values(form: PolicyForm) -> dict[str, Any]:
    values = dict(form.cleaned_data)
    name = values.get("department_name", "")
    values["department_id"] = services.departments_by_name().get(calc._norm(name)) if name else None
    return values


@login_required
@page_required(POLICIES_MANAGE_PAGE)
@require_http_methods(["GET", "POST"])
def policy_edit(request: HttpRequest, policy_id: int | None = None) -> HttpResponse:
    """Create a policy (a draft) or edit a draft or withdrawn one."""
    policy = policy_for(request.user, policy_id, write=True) if policy_id else None
    error = None
    if request.method == "POST":
        form = PolicyForm(request.POST)
        if form.is_valid():
            try:
                saved = services.save_policy(_form_values(form), user=request.user, policy=policy)
                return redirect("policies:detail", policy_id=saved.pk)
            except AppError as exc:
                error = exc
    else:
        import json

        initial = {} if policy is None else {f: getattr(policy, f) for f in PolicyForm.base_fields if f != "criteria"}
        if policy is not None:
            initial["criteria"] = json.dumps(policy.criteria, ensure_ascii=False, indent=1)
            initial["department_name"] = policy.department_label
        form = PolicyForm(initial=initial)
    if policy is not None:
        form.fields["code"].disabled = True
    return render(request, "policies/edit.html", {"form": form, "policy": policy, "error": error},
                  status=error.status if error else 200)


@login_required
@page_required(POLICIES_MANAGE_PAGE)
@require_POST
def policy_action(request: HttpRequest, policy_id: int, action: str) -> HttpResponse:
    """Publish or withdraw (the transition table decides whether the state allows it)."""
    policy = policy_for(request.user, policy_id, write=True)
    if action not in PolicyAction.values:
        raise AppError("未知的操作：请从政策页面上的按钮操作。", status=400)
    services.transition(policy, action, user=request.user)
    return redirect("policies:detail", policy_id=policy.pk)


@login_required
def eligible_page(request: HttpRequest, policy_id: int) -> HttpResponse:
    """The firms that qualify for a policy and those close to it, each with the reasons."""
    policy = policy_eligible_for(request.user, policy_for(request.user, policy_id))
    year = _year(request)
    firms = queries.eligible_firms(policy, year)
    criteria, delivery, supply = _criteria_rows(policy)
    return render(request, "policies/eligible.html", {
        "policy": policy, "year": year, "criteria": criteria, "delivery": delivery,
        "qualified": [f for f in firms if f.outcome == "qualified"],
        "close": [f for f in firms if f.outcome != "qualified"],
    })


@login_required
def eligible_export(request: HttpRequest, policy_id: int) -> HttpResponse:
    """The eligible firms as an Excel workbook (one row per firm, one column per criterion's reason)."""
    policy = policy_eligible_for(request.user, policy_for(request.user, policy_id))
    year = _year(request)
    firms = queries.eligible_firms(policy, year)
    criteria, delivery, _ = _criteria_rows(policy)
    rows = [[f.code, f.name, f.county, Outcome(f.outcome).label,
             "、".join(f.must_supply), *[r for _, r in f.reasons]] for f in firms]
    sheet = ExportSheet("符合条件的企业", f"{policy.title}：符合条件和接近符合的企业（{year}年数据）",
                        [f"文号：{policy.doc_number or '—'}；享受方式：{delivery}", "条件：" + "；".join(criteria),
                         "数据：企业档案、企业年度数据（当前有效版本）、最近一次已发布的亩均评价；标注示例数据者为合成数据。"],
                        ["统一社会信用代码", "企业名称", "所在县市区", "结果", "需补充", *[f"条件{i}" for i in range(1, len(criteria) + 1)]],
                        rows, text_columns=frozenset({0}))
    record("export", user=request.user, obj=policy, summary=f"导出政策「{policy.title}」符合条件的企业（Excel，{len(rows)}家）")
    return xlsx_response(export_workbook([sheet]), f"policy-{policy.code}-{year}.xlsx")


@login_required
@page_required(POLICIES_PAGE)
def matches_page(request: HttpRequest) -> HttpResponse:
    """A firm's matches: an enterprise user sees its own; others pick a firm (?firm=<credit code>)."""
    own = own_policy_firm(request.user)
    code = request.GET.get("firm", "").strip().upper()
    if own is not None:
        profile = policy_matches_for(request.user, own.unit_id)
    elif code:
        found = EnterpriseProfile.objects.filter(credit_code=code).values_list("unit_id", flat=True).first()
        profile = policy_matches_for(request.user, found if found is not None else -1)
    else:
        return render(request, "policies/matches.html", {"profile": None, "firm": code})
    year = _year(request)
    matches = queries.matches_for_firm(profile.unit_id, year, policies_in_scope(request.user).filter(status="published"))
    return render(request, "policies/matches.html", {
        "profile": profile, "year": year, "firm": code,
        "qualified": [m for m in matches if m.outcome == "qualified"],
        "to_supply": [m for m in matches if m.outcome == "unknown"],
        "missed": [m for m in matches if m.outcome in ("close", "missed")],
        "payouts": payouts_in_scope(request.user).filter(firm_id=profile.unit_id).select_related("policy")[:50],
    })


# --- payouts ----------------------------------------------------------------------------------------------


def _payouts_page(request: HttpRequest, form: PayoutForm | None = None, upload: PayoutUploadForm | None = None,
                  error: AppError | None = None) -> HttpResponse:
    payouts = payouts_in_scope(request.user)
    writable = payout_policies_for(request.user)
    can_write = writable.exists()
    return render(request, "policies/payouts.html", {
        "payouts": payouts.select_related("policy", "firm")[:200], "count": payouts.count(),
        "by_policy": queries.payout_totals(payouts, "policy"), "by_county": queries.payout_totals(payouts, "county"),
        "form": form or (PayoutForm(policies=writable, initial={"paid_on": dt.date.today()}) if can_write else None),
        "upload": upload or (PayoutUploadForm() if can_write else None), "error": error,
    }, status=error.status if error else 200)


@login_required
@page_required(PAYOUTS_PAGE)
@require_http_methods(["GET", "POST"])
def payouts_page(request: HttpRequest) -> HttpResponse:
    """The payouts in scope with totals per policy and per county; the form records one payout."""
    if request.method != "POST":
        return _payouts_page(request)
    writable = payout_policies_for(request.user)
    form = PayoutForm(request.POST, policies=writable)
    if not form.is_valid():
        return _payouts_page(request, form=form)
    data = form.cleaned_data
    firm = EnterpriseProfile.objects.filter(credit_code=data["credit_code"].strip().upper()).first()
    if firm is None:
        return _payouts_page(request, form=form, error=AppError(
            f"统一社会信用代码「{data['credit_code']}」不在企业档案中：请核对。"))
    name = data.get("department_name", "")
    services.record_payout({"policy_id": data["policy"].pk, "firm_id": firm.unit_id, "amount": data["amount"],
                            "paid_on": data["paid_on"], "department_name": name, "note": data.get("note", ""),
                            "department_id": services.departments_by_name().get(calc._norm(name)) if name else None},
                           user=request.user)
    return redirect("policies:payouts")


@login_required
@page_required(PAYOUTS_PAGE)
@require_POST
def payout_upload(request: HttpRequest) -> HttpResponse:
    """Check a payout file and show the preview (writes nothing)."""
    upload = PayoutUploadForm(request.POST, request.FILES)
    if not upload.is_valid():
        return _payouts_page(request, upload=upload)
    file = upload.cleaned_data["file"]
    codes = dict(payout_policies_for(request.user).values_list("code", "id"))
    try:
        data = parsing.read_upload(file)
        preview = services.prepare_payouts(data, file.name, codes)
    except AppError as error:
        return _payouts_page(request, upload=upload, error=error)
    digest = store_upload(data)
    request.session[SESSION_KEY] = [d for d in request.session.get(SESSION_KEY, []) if d != digest][-9:] + [digest]
    confirm = PayoutConfirmForm(initial={"sha256": digest, "file_name": preview.file_name, "plan": preview.fingerprint()})
    names = dict(Policy.objects.filter(pk__in=preview.records["policy_id"].tolist()).values_list("id", "title"))
    rows = [{**r, "policy": names.get(r["policy_id"], "")} for r in preview.records.head(100).to_dict("records")]
    return render(request, "policies/payout_preview.html", {"preview": preview, "confirm": confirm, "rows": rows})


@login_required
@page_required(PAYOUTS_PAGE)
@require_POST
def payout_confirm(request: HttpRequest) -> HttpResponse:
    """Write a previewed payout file, checked again (all or nothing)."""
    form = PayoutConfirmForm(request.POST)
    if not form.is_valid():
        raise AppError("确认导入的请求无效：请重新上传文件。")
    digest = form.cleaned_data["sha256"]
    if digest not in request.session.get(SESSION_KEY, []):
        raise AppError("只能确认本人刚刚上传并预览过的文件：请重新上传文件。", status=403, code="forbidden")
    codes = dict(payout_policies_for(request.user).values_list("code", "id"))
    preview = services.prepare_payouts(load_upload(digest), form.cleaned_data["file_name"], codes)
    services.apply_payouts(preview, user=request.user, expected=form.cleaned_data["plan"])
    return redirect("policies:payouts")
