"""Changes to one project outside the workbook import: 停工 and 复工 with their reasons, the office's review of
them, and the office's 弄虚作假 finding (which costs the county 0.2 in the 赛马, definitions/schemes/projects-saima.yaml).

Every change writes a ProjectChange row (what the project page's history shows) and an audit entry. The rules
are checked here, with a Chinese message naming what to fix; the caller has checked the page access and
`project_for(user, pk, write=True)`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from newind.audit.services import record
from newind.core.errors import AppError, Conflict
from newind.projects.choices import ChangeKind, StoppageReview
from newind.projects.models import Project, ProjectChange, ProjectStoppage

MAX_TEXT = 500


def _text(value: str, what: str) -> str:
    text = (value or "").strip()
    if not text:
        raise AppError(f"请写明{what}。")
    if len(text) > MAX_TEXT:
        raise AppError(f"{what}最多 {MAX_TEXT} 个字，现有 {len(text)} 个：请精简。")
    return text


def _day(value: dt.date | None, what: str, today: dt.date | None) -> dt.date:
    if value is None:
        raise AppError(f"请填写{what}。")
    today = today or timezone.localdate()
    if value > today:
        raise AppError(f"{what} {value:%Y-%m-%d} 晚于今天（{today:%Y-%m-%d}）：请填写已经发生的日期。")
    return value


def open_stoppage(project: Project) -> ProjectStoppage | None:
    """The stoppage not yet resumed (and not rejected by the review), if any."""
    return (ProjectStoppage.objects.filter(project=project, resumed_on__isnull=True)
            .exclude(review=StoppageReview.REJECTED).order_by("-stopped_on", "-id").first())


def _change(project: Project, kind: str, user: Any, *, field: str = "", old: str = "", new: str = "",
            reason: str = "") -> ProjectChange:
    return ProjectChange.objects.create(project=project, kind=kind, field=field, old_value=old[:MAX_TEXT],
                                        new_value=new[:MAX_TEXT], reason=reason[:MAX_TEXT], changed_by=_user(user),
                                        changed_at=timezone.now())


def _user(user: Any) -> Any:
    return user if getattr(user, "pk", None) else None


@transaction.atomic
def record_stoppage(project: Project, *, stopped_on: dt.date | None, reason: str, user: Any,
                    today: dt.date | None = None) -> ProjectStoppage:
    """停工: the date and the reason; waits for the office's review. The project shows 停工 from now on."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    reason = _text(reason, "停工原因")
    day = _day(stopped_on, "停工日期", today)
    if open_stoppage(project) is not None:
        raise Conflict(f"「{project.name}」已登记停工且尚未复工：请先登记复工，再登记新的停工。")
    last = (ProjectStoppage.objects.filter(project=project, resumed_on__isnull=False)
            .exclude(review=StoppageReview.REJECTED).order_by("-resumed_on").first())
    if last is not None and last.resumed_on is not None and day < last.resumed_on:
        raise AppError(f"停工日期 {day:%Y-%m-%d} 早于上次复工日期 {last.resumed_on:%Y-%m-%d}：停工时段不能重叠，请核对。")
    stoppage = ProjectStoppage.objects.create(project=project, stopped_on=day, reason=reason)
    Project.objects.filter(pk=project.pk).update(is_stopped=True)
    _change(project, ChangeKind.STOPPED, user, field="is_stopped", old="否", new="是",
            reason=f"{day:%Y-%m-%d} 停工：{reason}")
    record("projects.stoppage", user=user, obj=stoppage, unit=project.county,
           after={"project": project.code, "stopped_on": day.isoformat(), "reason": reason},
           summary=f"项目「{project.name}」登记停工（{day:%Y-%m-%d}）：{reason}。")
    return stoppage


@transaction.atomic
def record_resumption(project: Project, *, resumed_on: dt.date | None, reason: str, user: Any,
                      today: dt.date | None = None) -> ProjectStoppage:
    """复工: the date and what changed; the stoppage goes back to the office's review (of the resumption)."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    stoppage = open_stoppage(project)
    if stoppage is None:
        raise Conflict(f"「{project.name}」没有未复工的停工记录：无需登记复工。")
    reason = _text(reason, "复工说明")
    day = _day(resumed_on, "复工日期", today)
    if day < stoppage.stopped_on:
        raise AppError(f"复工日期 {day:%Y-%m-%d} 早于停工日期 {stoppage.stopped_on:%Y-%m-%d}：请核对。")
    stoppage.resumed_on, stoppage.resume_reason = day, reason
    stoppage.review, stoppage.review_note, stoppage.reviewed_by, stoppage.reviewed_at = (
        StoppageReview.PENDING, "", None, None)
    stoppage.save()
    Project.objects.filter(pk=project.pk).update(is_stopped=False)
    _change(project, ChangeKind.RESUMED, user, field="is_stopped", old="是", new="否",
            reason=f"{day:%Y-%m-%d} 复工：{reason}")
    record("projects.resumption", user=user, obj=stoppage, unit=project.county,
           after={"project": project.code, "resumed_on": day.isoformat(), "reason": reason},
           summary=f"项目「{project.name}」登记复工（{day:%Y-%m-%d}）：{reason}。")
    return stoppage


@transaction.atomic
def review_stoppage(stoppage: ProjectStoppage, *, decision: str, note: str, user: Any) -> ProjectStoppage:
    """The office confirms or rejects a recorded 停工 (or 复工). A rejected 停工 stops counting: the project is no
    longer shown as stopped, and the lights judge it as a project at work. A rejected 复工 puts the project back
    to stopped (the stop stands) and clears the 复工, which the county may record again."""
    stoppage = ProjectStoppage.objects.select_for_update().select_related("project").get(pk=stoppage.pk)
    if decision not in (StoppageReview.CONFIRMED, StoppageReview.REJECTED):
        raise AppError("请选择审核结论：审核确认或审核不通过。")
    if stoppage.review != StoppageReview.PENDING:
        raise Conflict(f"这条停工记录已审核（{stoppage.get_review_display()}），不能重复审核。")
    note = (note or "").strip()[:MAX_TEXT]
    if decision == StoppageReview.REJECTED and not note:
        raise AppError("审核不通过时请写明理由，县市区据此改正。")
    project = stoppage.project
    label = StoppageReview(decision).label
    what = "复工" if stoppage.resumed_on else "停工"
    stoppage.reviewed_by, stoppage.reviewed_at = _user(user), timezone.now()
    if decision == StoppageReview.REJECTED and stoppage.resumed_on is not None:
        # A rejected 复工: the project has not resumed. The stop stands (confirmed before the 复工 was recorded),
        # the project is stopped again and the county may record the 复工 again once it is true.
        day = stoppage.resumed_on
        stoppage.resumed_on, stoppage.resume_reason = None, ""
        stoppage.review, stoppage.review_note = StoppageReview.CONFIRMED, f"复工审核不通过：{note}"
        Project.objects.filter(pk=project.pk).update(is_stopped=True)
        _change(project, ChangeKind.STOPPED, user, field="is_stopped", old="否", new="是",
                reason=f"{day:%Y-%m-%d} 复工审核不通过：{note}")
    else:
        stoppage.review, stoppage.review_note = decision, note
        if decision == StoppageReview.REJECTED:  # a rejected 停工: it does not count
            Project.objects.filter(pk=project.pk).update(is_stopped=False)
        _change(project, ChangeKind.CHANGED, user, field="stoppage_review", old=f"{what}待审核",
                new=f"{what}{label}", reason=note or f"{stoppage.stopped_on:%Y-%m-%d} 停工记录{label}")
    stoppage.save()
    record("projects.stoppage_review", user=user, obj=stoppage, unit=project.county,
           after={"project": project.code, "review": decision, "note": note},
           summary=f"项目「{project.name}」{what}记录{label}" + (f"：{note}" if note else "") + "。")
    return stoppage


@transaction.atomic
def set_falsified(project: Project, *, falsified: bool, reason: str, user: Any, on: dt.date | None = None,
                  today: dt.date | None = None) -> Project:
    """The office's 弄虚作假 finding (or its withdrawal), with a reason; the county's 赛马 counts it (−0.2) in
    the periods ending on or after the finding's date (default today). A withdrawal removes it everywhere."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    reason = _text(reason, "认定理由" if falsified else "撤销理由")
    day = _day(on or today or timezone.localdate(), "认定日期", today) if falsified else None
    if project.is_falsified == falsified:
        state = "已认定弄虚作假" if falsified else "没有弄虚作假认定"
        raise Conflict(f"「{project.name}」{state}：无需重复操作。")
    old = project.falsified_reason
    project.is_falsified = falsified
    project.falsified_reason = reason if falsified else ""
    project.falsified_on = day
    project.save(update_fields=["is_falsified", "falsified_reason", "falsified_on", "updated_at"])
    kind = ChangeKind.FALSIFIED if falsified else ChangeKind.CLEARED
    _change(project, kind, user, field="is_falsified", old="否" if falsified else f"是（{old}）",
            new=f"是（{reason}）" if falsified else "否",
            reason=f"{day:%Y-%m-%d} 认定：{reason}" if day else reason)
    record("projects.falsified" if falsified else "projects.falsified_cleared", user=user, obj=project,
           unit=project.county, after={"project": project.code, "is_falsified": falsified, "reason": reason,
                                       "falsified_on": day.isoformat() if day else None},
           summary=f"项目「{project.name}」" + ("认定弄虚作假" if falsified else "撤销弄虚作假认定") + f"：{reason}。")
    return project
