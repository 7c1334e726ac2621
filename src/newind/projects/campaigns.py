"""Campaigns (专项活动, issue 12 §6), e.g. 产业招商月 2017-06-15 → 07-15: each county's targets against what
its projects did within the campaign, live while it runs and as a summary once it has ended.

The counting rules and the sentences are `projects.calc` (section "campaigns"); here one grouped query over
`ProjectStage` joined to the project's county (`campaign_progress`), and the loader of
definitions/projects/campaigns.yaml (`load_campaign`, `load_campaigns`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from newind.audit.services import record
from newind.core.errors import AppError
from newind.projects import calc
from newind.projects.choices import Stage
from newind.projects.models import Campaign, CampaignTarget, ProjectStage
from newind.units.models import Unit

MEASURES = [{"code": m, "label": label, "unit": unit} for m, label, unit in calc.CAMPAIGN_MEASURES]


def campaigns_path() -> Path:
    return Path(settings.DEFINITIONS_DIR) / "projects" / "campaigns.yaml"


def _actuals(first: dt.date, last: dt.date) -> dict[int, dict[str, float]]:
    """Per county id: projects started, projects in production and the amount signed within first..last
    (one grouped query; a project has one row per stage, so counting rows counts projects)."""
    started, producing, signed = Q(stage=Stage.STARTED), Q(stage=Stage.PRODUCING), Q(stage=Stage.SIGNED)
    rows = (ProjectStage.objects.filter(started | producing | signed, actual_on__gte=first, actual_on__lte=last)
            .order_by().values("project__county_id")
            .annotate(new_starts=Count("id", filter=started), new_production=Count("id", filter=producing),
                      signed_amount=Sum(Coalesce("project__contract_amount", "project__total_investment"),
                                        filter=signed)))
    return {r["project__county_id"]: {"new_starts": float(r["new_starts"]),
                                      "new_production": float(r["new_production"]),
                                      "signed_amount": float(r["signed_amount"] or 0)} for r in rows}


def _goals(campaign: Campaign) -> dict[str, float | None]:
    return {"new_starts": None if campaign.goal_new_starts is None else float(campaign.goal_new_starts),
            "new_production": None if campaign.goal_new_production is None else float(campaign.goal_new_production),
            "signed_amount": None if campaign.goal_signed_amount is None else float(campaign.goal_signed_amount)}


def campaign_progress(campaign: Campaign, as_of: dt.date | None = None) -> dict[str, Any]:
    """Per county: targets, actuals within starts_on..min(ends_on, as_of) and 完成率, then the total row.

    Counties listed: those with a target, and any other county whose projects did something in the window.
    `as_of` defaults to today (Shanghai)."""
    today = as_of or timezone.localdate()
    window = calc.campaign_window(campaign.starts_on, campaign.ends_on, today)
    actuals = _actuals(*window) if window else {}
    targets = {t.unit_id: t for t in campaign.targets.all()}
    units = Unit.objects.filter(pk__in=set(targets) | set(actuals)).order_by("sort_order", "code")
    counties = []
    for unit in units:
        target = targets.get(unit.pk)
        row: dict[str, Any] = {"unit_id": unit.pk, "code": unit.code, "name": unit.name,
                               "annual_task_share_pct": None if target is None or target.annual_task_share_pct is None
                               else float(target.annual_task_share_pct)}
        for m, _label, _unit in calc.CAMPAIGN_MEASURES:
            row[f"target_{m}"] = float(getattr(target, m)) if target is not None else 0.0
            row[f"actual_{m}"] = actuals.get(unit.pk, {}).get(m, 0.0)
        counties.append(row)
    rows = calc.campaign_rows(counties)
    return {
        "code": campaign.code, "name": campaign.name, "starts_on": campaign.starts_on, "ends_on": campaign.ends_on,
        "as_of": today, "counted_until": window[1] if window else None, "started": window is not None,
        "ended": today > campaign.ends_on,  # the last day is a campaign day (含首尾两天)
        "goal_note": campaign.goal_note, "goals": _goals(campaign),
        "is_synthetic": campaign.is_synthetic, "measures": MEASURES, "rows": rows,
        "total": rows[-1],
    }


def campaign_summary(campaign: Campaign) -> dict[str, Any]:
    """The end-of-campaign summary: the city's totals against the goals (the sum of the county targets where
    the campaign has no goal), the counties that met and missed each target, and the sentences."""
    progress = campaign_progress(campaign, as_of=campaign.ends_on)
    total = progress["total"]
    counties = progress["rows"][:-1]
    goals = progress["goals"]
    measures = []
    for m, label, unit in calc.CAMPAIGN_MEASURES:
        goal = goals[m] if goals[m] is not None else total[f"target_{m}"]
        measures.append({
            "code": m, "label": label, "unit": unit, "goal": goal, "actual": total[f"actual_{m}"],
            "pct": calc.completion_pct(total[f"actual_{m}"], goal),
            "met": [r["name"] for r in counties if r[f"met_{m}"] is True],
            "missed": [r["name"] for r in counties if r[f"met_{m}"] is False]})
    days = (campaign.ends_on - campaign.starts_on).days + 1
    sentences = calc.campaign_sentences(campaign.name, progress["rows"], goals)
    return {"code": campaign.code, "name": campaign.name, "starts_on": campaign.starts_on,
            "ends_on": campaign.ends_on, "days": days, "measures": measures, "sentences": sentences,
            "is_synthetic": campaign.is_synthetic}


# --- the definition: definitions/projects/campaigns.yaml ---------------------------------------------------


def _date(value: Any, what: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise AppError(f"专项活动的{what}「{value}」不是日期：请写成 2017-06-15。", code="invalid_definition") from None


def _number(value: Any, what: str) -> Decimal:
    try:
        number = Decimal(str(value if value is not None else 0))
    except InvalidOperation:
        raise AppError(f"专项活动的{what}「{value}」不是数字。", code="invalid_definition") from None
    if number < 0:
        raise AppError(f"专项活动的{what}不能为负数（现为 {value}）。", code="invalid_definition")
    return number


def _count(value: Any, what: str) -> int:
    """A count of projects: a whole number (2.5 starts is a typing error, not 2)."""
    number = _number(value, what)
    if number != number.to_integral_value():
        raise AppError(f"专项活动的{what}应为整数个项目（现为 {value}）。", code="invalid_definition")
    return int(number)


@transaction.atomic
def load_campaign(data: dict[str, Any], *, user: Any = None) -> Campaign:
    """Create or replace one campaign and its county targets from a definition (a mapping with code, name,
    starts_on, ends_on, goals and targets — see definitions/projects/campaigns.yaml); audited."""
    if not isinstance(data, dict) or not data.get("code") or not data.get("name"):
        raise AppError("专项活动定义须有 code（代码）和 name（名称）。", code="invalid_definition")
    starts_on, ends_on = _date(data.get("starts_on"), "开始日期"), _date(data.get("ends_on"), "结束日期")
    if ends_on < starts_on:
        raise AppError(f"专项活动「{data['name']}」的结束日期 {ends_on} 早于开始日期 {starts_on}：请改正。",
                       code="invalid_definition")
    targets = data.get("targets") or []
    if not isinstance(targets, list) or not all(isinstance(t, dict) for t in targets):
        raise AppError(f"专项活动「{data['name']}」的目标（targets）应为列表，每个县市区一行，"
                       "写成 {unit: 县市区代码, new_starts: 个数, …}。", code="invalid_definition")
    codes = [str(t.get("unit", "")) for t in targets]
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in units]
    if unknown:
        raise AppError(f"专项活动「{data['name']}」的目标中，县市区代码「{'、'.join(unknown)}」不在单位名录中。",
                       code="invalid_definition")
    if len(set(codes)) != len(codes):
        raise AppError(f"专项活动「{data['name']}」的目标中有重复的县市区：每个县市区只写一行。", code="invalid_definition")
    goals = data.get("goals") or {}
    fields = {
        "name": str(data["name"]), "starts_on": starts_on, "ends_on": ends_on,
        "goal_note": str(data.get("goal_note", "")),
        "goal_new_starts": None if goals.get("new_starts") is None else int(_number(goals["new_starts"], "目标")),
        "goal_new_production": None if goals.get("new_production") is None
        else int(_number(goals["new_production"], "目标")),
        "goal_signed_amount": None if goals.get("signed_amount") is None else _number(goals["signed_amount"], "目标"),
        "is_synthetic": bool(data.get("is_synthetic", False)),
    }
    campaign, created = Campaign.objects.update_or_create(code=str(data["code"]), defaults=fields)
    campaign.targets.all().delete()
    CampaignTarget.objects.bulk_create([CampaignTarget(
        campaign=campaign, unit=units[str(t["unit"])],
        new_starts=_count(t.get("new_starts"), "新开工目标"),
        new_production=_count(t.get("new_production"), "新投产目标"),
        signed_amount=_number(t.get("signed_amount"), "签约金额目标"),
        annual_task_share_pct=None if t.get("annual_task_share_pct") is None
        else _number(t["annual_task_share_pct"], "占全年任务比例")) for t in targets])
    record("projects.campaign.load", user=user, obj=campaign,
           after={"code": campaign.code, "starts_on": str(starts_on), "ends_on": str(ends_on),
                  "targets": len(targets), "is_synthetic": campaign.is_synthetic},
           summary=f"{'新建' if created else '更新'}专项活动「{campaign.name}」（{starts_on}—{ends_on}），"
                   f"{len(targets)} 个县市区目标。")
    return campaign


def load_campaigns(path: Path | None = None, *, user: Any = None) -> list[Campaign]:
    """Load every campaign of definitions/projects/campaigns.yaml (`campaigns:` list)."""
    raw = yaml.safe_load((path or campaigns_path()).read_text(encoding="utf-8")) or {}
    return [load_campaign(item, user=user) for item in raw.get("campaigns") or []]
