"""Pages of the campaigns (专项活动): the list (/projects/campaigns/) and one campaign's live table with, once
it has ended, its summary (/projects/campaigns/<code>/). Readable on a phone (the table folds into cards)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from newind.accounts.access import PROJECT_CAMPAIGNS_PAGE, page_required
from newind.core.errors import AppError, NotFound
from newind.projects.campaigns import campaign_progress, campaign_summary
from newind.projects.models import Campaign


def _status(campaign: Campaign, today: dt.date) -> str:
    if today < campaign.starts_on:
        return "未开始"
    return "进行中" if today < campaign.ends_on else "已结束"


@login_required
@page_required(PROJECT_CAMPAIGNS_PAGE)
def campaign_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    campaigns = [{"c": c, "status": _status(c, today)} for c in Campaign.objects.all()]
    return render(request, "projects/campaigns/list.html", {"campaigns": campaigns})


def _as_of(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise AppError(f"参数「as_of」（统计截止日期）「{text}」不是日期：请写成 2017-07-01。") from None


@login_required
@page_required(PROJECT_CAMPAIGNS_PAGE)
def campaign_detail(request: HttpRequest, code: str) -> HttpResponse:
    campaign = Campaign.objects.filter(code=code).first()
    if campaign is None:
        raise NotFound(f"没有代码为「{code}」的专项活动：请从专项活动列表中选择。")
    as_of = _as_of(request.GET.get("as_of"))
    progress = campaign_progress(campaign, as_of=as_of)
    summary = campaign_summary(campaign) if progress["ended"] else None
    return render(request, "projects/campaigns/detail.html", {
        "campaign": campaign, "progress": progress, "summary": summary,
        "status": _status(campaign, progress["as_of"])})
