"""Writes of the assessment, each audited (`audit.services.record`): a run (a new version each time), its
公示, the objections filed and decided, and publication, which freezes the result.

The states: 草案 → 公示中 → 已发布. A re-run of the same scheme, year and quarter is version n + 1; an unpublished
earlier version is marked superseded, a published one stays as published (frozen) until the new version is
published in its turn.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from newind.assessment import calc, queries
from newind.assessment.choices import ObjectionDecision, RunKind, RunStatus
from newind.assessment.models import AssessmentRun, Objection
from newind.assessment.schemes import AssessmentScheme
from newind.audit.services import record
from newind.core.errors import AppError, Conflict
from newind.units.models import Unit


def _user(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


@transaction.atomic
def run(scheme: AssessmentScheme, year: int, *, user: Any, quarter: int | None = None,
        as_of: dt.date | None = None, is_synthetic: bool = False) -> AssessmentRun:
    """Compute and store a new version of the assessment (quarter given: the quarterly review)."""
    kind = RunKind.ANNUAL if quarter is None else RunKind.QUARTERLY
    same = AssessmentRun.objects.select_for_update().filter(kind=kind, year=year, quarter=quarter,
                                                             assessed_kind=scheme.kind, scheme_code=scheme.code)
    latest = same.order_by("-version").first()
    if quarter is None:
        _, result = queries.assessment(scheme, year, as_of=as_of)
    else:
        previous = AssessmentRun.objects.filter(kind=kind, year=year, quarter=quarter - 1, assessed_kind=scheme.kind,
                                                scheme_code=scheme.code).order_by("-version").first()
        result = queries.review(scheme, year, quarter, previous=previous.result if previous else None, as_of=as_of)
    if latest is not None:
        result["diff"] = calc.diff(latest.result.get("units", []), result["units"])
    version = (latest.version if latest is not None else 0) + 1
    new = AssessmentRun.objects.create(
        kind=kind, year=year, quarter=quarter, assessed_kind=scheme.kind, scheme_code=scheme.code,
        scheme_version=scheme.version, scheme_name=scheme.name, scheme_sha256=scheme.sha256, version=version,
        result=result, supersedes=latest, created_by=_user(user), is_synthetic=is_synthetic)
    if latest is not None and latest.status in {RunStatus.DRAFT, RunStatus.PUBLICITY}:
        latest.status = RunStatus.SUPERSEDED
        latest.save(update_fields=["status"])
    record("assessment.run", user=user, obj=new,
           after={"scheme": scheme.code, "scheme_version": scheme.version, "sha256": scheme.sha256, "year": year,
                  "quarter": quarter, "version": version, "units": len(result["units"]),
                  "changed_units": len(result.get("diff", []))},
           summary=f"计算{new.title}（第{version}版，{len(result['units'])}个单位）。")
    return new


def _require(run_: AssessmentRun, *states: Any, doing: str) -> None:
    if run_.status not in states:
        raise Conflict(f"{run_}当前为「{run_.get_status_display()}」，不能{doing}。")


@transaction.atomic
def start_publicity(run_: AssessmentRun, *, user: Any, days: int = 5, today: dt.date | None = None) -> AssessmentRun:
    """公示: the annual result is made known for `days` days, during which units may object."""
    _require(run_, RunStatus.DRAFT, doing="开始公示")
    if run_.kind != RunKind.ANNUAL:
        raise AppError("季度讲评不经公示，直接发布。")
    if not 1 <= days <= 30:
        raise AppError(f"公示期应为1—30天，收到 {days} 天。")
    run_.status = RunStatus.PUBLICITY
    run_.publicity_until = (today or timezone.localdate()) + dt.timedelta(days=days)
    run_.save(update_fields=["status", "publicity_until"])
    record("assessment.publicity", user=user, obj=run_, before={"status": RunStatus.DRAFT},
           after={"status": run_.status, "publicity_until": run_.publicity_until.isoformat()},
           summary=f"{run_}开始公示，至{run_.publicity_until.isoformat()}。")
    return run_


@transaction.atomic
def file_objection(run_: AssessmentRun, *, unit: Unit, text: str, user: Any, is_synthetic: bool = False) -> Objection:
    _require(run_, RunStatus.PUBLICITY, doing="提出异议（只在公示期内受理）")
    if not text.strip():
        raise AppError("请写明异议的内容：对哪一项、哪个数据有异议，依据是什么。")
    if unit.code not in {u["code"] for u in run_.result.get("units", [])}:
        raise AppError(f"{unit.name}不在本次考核的单位中。")
    objection = Objection.objects.create(run=run_, unit=unit, text=text.strip(), filed_by=_user(user),
                                         is_synthetic=is_synthetic)
    record("assessment.objection.file", user=user, obj=objection, unit=unit,
           after={"run": run_.pk, "text": objection.text}, summary=f"{unit.name}对{run_}提出异议。")
    return objection


@transaction.atomic
def decide_objection(objection: Objection, *, upheld: bool, reason: str, user: Any) -> Objection:
    """An objection is decided with its reason. Upheld, the office corrects the figure and re-runs: a new
    version whose difference shows what the correction changed."""
    if objection.decision != ObjectionDecision.PENDING:
        raise Conflict("该异议已经处理过。")
    if not reason.strip():
        raise AppError("请写明处理理由：异议成立或不成立的依据。")
    objection.decision = ObjectionDecision.UPHELD if upheld else ObjectionDecision.REJECTED
    objection.reason = reason.strip()
    objection.decided_by = _user(user)
    objection.decided_at = timezone.now()
    objection.save(update_fields=["decision", "reason", "decided_by", "decided_at"])
    record("assessment.objection.decide", user=user, obj=objection, unit=objection.unit_id,
           before={"decision": ObjectionDecision.PENDING},
           after={"decision": objection.decision, "reason": objection.reason},
           summary=f"处理{objection.unit.name}的异议：{objection.get_decision_display()}。")
    return objection


@transaction.atomic
def publish(run_: AssessmentRun, *, user: Any) -> AssessmentRun:
    """Publication freezes the result. An annual result is published after its 公示 with every objection
    decided; a quarterly review is published from its draft."""
    allowed = (RunStatus.PUBLICITY,) if run_.kind == RunKind.ANNUAL else (RunStatus.DRAFT,)
    _require(run_, *allowed, doing="发布（年度考核须先公示）" if run_.kind == RunKind.ANNUAL else "发布")
    pending = run_.objections.filter(decision=ObjectionDecision.PENDING).count()
    if pending:
        raise Conflict(f"还有 {pending} 条异议未处理，处理后才能发布。")
    upheld = run_.objections.filter(decision=ObjectionDecision.UPHELD).count()
    if upheld:
        # An objection found right means this version's figures are wrong: the office corrects them, re-runs
        # (a new version shows what changed) and makes the new version known before publishing it.
        raise Conflict(f"有 {upheld} 条异议成立：请更正相关数据后重新计算（生成新版本），新版本公示后再发布。")
    before = run_.status
    run_.status = RunStatus.PUBLISHED
    run_.published_at = timezone.now()
    run_.published_by = _user(user)
    run_.save(update_fields=["status", "published_at", "published_by"])
    record("assessment.publish", user=user, obj=run_, before={"status": before},
           after={"status": run_.status, "version": run_.version, "units": len(run_.result.get("units", []))},
           summary=f"发布{run_}，结果冻结。")
    return run_


@transaction.atomic
def finding_to_task(run_: AssessmentRun, unit_code: str, *, user: Any) -> Any:
    """One click: an assessment finding (a unit marked for an interview, or graded 较差) becomes a supervision
    task to that unit (source 考核发现, ref "<run>|<unit>"), with the rule and its weakest items as the task."""
    from newind.supervision.models import SupervisionTask
    from newind.supervision.services import create_task

    data = run_.result
    unit_row = next((u for u in data.get("units", []) if u["code"] == unit_code), None)
    talk = next((t for t in data.get("interview") or [] if t["code"] == unit_code), None)
    if unit_row is None or (talk is None and unit_row.get("grade") != "D"):
        raise AppError("只有列入约谈或评为较差的单位可以转为督办事项。")
    ref = f"{run_.pk}|{unit_code}"
    if SupervisionTask.objects.filter(source_kind="assessment", source_ref=ref).exists():
        raise Conflict(f"{unit_row['name']}的这条考核发现已转为督办事项。")
    unit = Unit.objects.get(code=unit_code)
    items = sorted((i for i in unit_row.get("items", []) if i.get("weight")),
                   key=lambda i: (i["points"] or 0) / i["weight"])[:2]
    weak = "、".join(f"「{i['label']}」得分 {i['points']:.2f}/{i['weight']:g}" for i in items)
    why = talk["rule"] if talk else unit_row.get("grade_text", "")
    return create_task(
        title=f"{run_.title}整改：{unit_row['name']}（第{unit_row['rank']}名，{unit_row['total']:.2f}分）",
        description=f"{why}。失分主要在{weak}。请于期限内报送整改措施和进展。", owner_unit=unit,
        source_kind="assessment", source_ref=ref, user=user, is_synthetic=run_.is_synthetic)

