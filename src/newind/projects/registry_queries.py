"""Reads of the project registry for its pages: the filtered list, a project's stage timeline, stoppages,
change history and its park's entry-threshold check."""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast

from newind.projects import calc
from newind.projects.choices import STAGE_ORDER, InvestorFlag, ProjectList, Stage
from newind.projects.models import Project, ProjectChange, ProjectStage, ProjectStoppage
from newind.units.models import Unit


def filter_projects(scope: QuerySet[Project], *, county: str = "", park: str = "", stage: str = "",
                    list_code: str = "", text: str = "") -> QuerySet[Project]:
    """The projects in scope narrowed by county, park (unit codes), stage, list and a name or code search."""
    qs = scope.select_related("county", "park", "responsible_unit")
    if county:
        qs = qs.filter(county__code=county)
    if park:
        qs = qs.filter(park__code=park)
    if stage in STAGE_ORDER:
        qs = qs.filter(stage=stage)
    if list_code in ProjectList.values:
        # The lists are a JSON array of codes; its text holds "code" (portable across SQLite and PostgreSQL).
        qs = qs.annotate(lists_text=Cast("lists", CharField())).filter(lists_text__contains=f'"{list_code}"')
    if text:
        from django.db.models import Q

        qs = qs.filter(Q(name__icontains=text) | Q(code__icontains=text.upper()))
    return qs


def filter_options(scope: QuerySet[Project]) -> dict[str, list[tuple[str, str]]]:
    """The counties and parks that have projects in scope, the stages and the lists, as (code, label)."""
    county_ids = scope.values("county_id")
    park_ids = scope.filter(park__isnull=False).values("park_id")
    return {
        "counties": list(Unit.objects.filter(pk__in=county_ids).order_by("sort_order", "code").values_list("code", "name")),
        "parks": list(Unit.objects.filter(pk__in=park_ids).order_by("sort_order", "code").values_list("code", "name")),
        "stages": [(str(v), str(label)) for v, label in Stage.choices],
        "lists": [(str(v), str(label)) for v, label in ProjectList.choices],
    }


def timeline(project: Project) -> list[dict[str, Any]]:
    """Every stage in order with its planned and actual date and evidence; `current` marks the project's
    stage, `late` a planned date passed without an actual one (by today)."""
    from django.utils import timezone

    today = timezone.localdate()
    reached = STAGE_ORDER.index(project.stage) if project.stage in STAGE_ORDER else -1
    rows = {s.stage: s for s in ProjectStage.objects.filter(project=project)}
    out = []
    for code in STAGE_ORDER:
        row = rows.get(code)
        planned, actual = (row.planned_on, row.actual_on) if row else (None, None)
        out.append({"stage": code, "label": Stage(code).label, "planned_on": planned, "actual_on": actual,
                    "evidence": row.evidence if row else "", "current": code == project.stage,
                    # late: planned date passed without an actual one, and the project is not past the stage
                    "late": bool(planned and not actual and planned < today and STAGE_ORDER.index(code) > reached),
                    "days_late": (actual - planned).days if planned and actual and actual > planned else 0})
    return out


def stoppages(project: Project) -> list[ProjectStoppage]:
    return list(ProjectStoppage.objects.filter(project=project).select_related("reviewed_by"))


def history(project: Project, limit: int = 200) -> list[dict[str, Any]]:
    """The project's changes, newest first, with the field's Chinese label and who made them."""
    rows = ProjectChange.objects.filter(project=project).select_related("changed_by", "batch")[:limit]
    return [{"at": c.changed_at, "kind": c.get_kind_display(), "is_stage": c.kind == "stage",
             "field": calc.registry_field_label(c.field) if c.field else "", "old": c.old_value, "new": c.new_value,
             "reason": c.reason, "batch": c.batch, "by": _user_name(c.changed_by)} for c in rows]


def _user_name(user: Any) -> str:
    if user is None:
        return "系统（命令行或示例数据）"
    return str(user.get_full_name() or user.username)


def entry_check(project: Project) -> dict[str, Any]:
    """The park entry-threshold check of a project: its park's level and one row per threshold (per-mu
    figure, threshold, passed/failed/no data), from projects.calc.project_entry_checks."""
    from newind.parks.models import ParkProfile
    from newind.parks.services import load_thresholds

    if project.park_id is None:
        return {"level": None, "level_label": "", "checks": [], "note": "项目不在园区，不对照入园门槛。"}
    profile = ParkProfile.objects.filter(unit_id=project.park_id).first()
    if profile is None:
        return {"level": None, "level_label": "", "checks": [], "note": "该园区尚无园区档案（级别未知），无法对照入园门槛。"}
    checks = calc.project_entry_checks(profile.level, project.land_area, project.total_investment,
                                       project.expected_annual_tax, project.expected_annual_output, load_thresholds())
    note = "" if checks else f"{profile.get_level_display()}园区未设入园门槛。"
    if checks and not project.land_area:
        note = "未填写用地面积，无法计算亩均数。"
    return {"level": profile.level, "level_label": profile.get_level_display(), "checks": checks, "note": note}


def flag_labels(project: Project) -> dict[str, str]:
    """The investor flags and lists as Chinese text."""
    return {"flags": "、".join(InvestorFlag(v).label for v in project.investor_flags if v in InvestorFlag.values),
            "lists": "、".join(ProjectList(v).label for v in project.lists if v in ProjectList.values)}
