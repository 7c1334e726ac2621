"""Writes of the 亩均 evaluation: the year's flags, an evaluation run with its firms' results (set-wise),
class adjustments (手动调档), the workflow steps and objections (异议). Every write is audited; who may
do what is in newind.mujun.calc.RUN_TRANSITIONS and newind.accounts.access."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pandas as pd
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from newind.accounts.access import mujun_workflow_role
from newind.audit.services import record
from newind.core.bulk import bulk_insert
from newind.core.errors import AppError, Problem
from newind.mujun.calc import (
    DEFAULT_NOTICE_DAYS,
    RUN_TRANSITIONS,
    can_object,
    evaluation_summary,
    notice_end,
    publish_blockers,
    results_table,
    run_transition,
)
from newind.mujun.choices import ObjectionDecision, RunAction, RunState
from newind.mujun.models import EvaluationRun, FirmResult, FlagBatch, Objection, YearFlag
from newind.mujun.queries import flags_from_cells, registry_frame
from newind.scoring.schemes import load_scheme

# --- flags ----------------------------------------------------------------------------------------------


def import_flags(data: bytes, file_name: str, *, user: Any = None) -> FlagBatch:
    """Store a flags file (统一社会信用代码, 年度, 标记, 原因): all or nothing; every bad cell, and every
    credit code not in the registry, is named by row and column. A firm's flag for a year replaces the
    one stored before."""
    from newind.enterprises.models import EnterpriseProfile
    from newind.imports.parsing import read_sheets, visible_sheets

    kind, sheets = read_sheets(data, file_name)
    visible = visible_sheets(sheets)
    if not visible:
        raise AppError("标记文件没有可见的工作表。")
    flags = flags_from_cells(visible[0].cells, None, sheet=visible[0].name if kind == "xlsx" else "")
    units = dict(EnterpriseProfile.objects.filter(credit_code__in=flags["credit_code"].unique().tolist())
                 .values_list("credit_code", "unit_id"))
    flags["unit_id"] = flags["credit_code"].map(units)
    unknown = flags[flags["unit_id"].isna()]
    if not unknown.empty:
        sheet = visible[0].name if kind == "xlsx" else None
        problems = [Problem(f"统一社会信用代码「{code}」不在企业名录中", sheet=sheet, row=int(row), column=col)
                    for code, row, col in unknown[["credit_code", "row", "code_column"]].itertuples(index=False)]
        raise AppError(f"标记文件有 {len(problems)} 处错误，未写入任何标记。", problems=problems)
    with transaction.atomic():
        batch = FlagBatch.objects.create(file_name=file_name[:255], sha256=hashlib.sha256(data).hexdigest(),
                                         rows=len(flags), created_by=user if getattr(user, "pk", None) else None)
        for year, codes in flags.groupby("year")["credit_code"]:
            YearFlag.objects.filter(year=int(year), credit_code__in=codes.tolist()).delete()
        out = pd.DataFrame({"year": flags["year"].astype(int), "unit_id": flags["unit_id"].astype(int),
                            "credit_code": flags["credit_code"], "flag": flags["flag"],
                            "reason": flags["flag_reason"].str.slice(0, 300)})
        bulk_insert(YearFlag, out, constants={"batch_id": batch.pk})
        counts = {str(k): int(v) for k, v in flags["flag"].value_counts().items()}
        record("mujun.flags.import", user=user, obj=batch, summary=f"导入年度标记 {len(flags)} 条（{file_name}）",
               after={"years": sorted(int(y) for y in flags["year"].unique()), "flags": counts})
    return batch


def import_flags_file(path: str | Path, *, user: Any = None) -> FlagBatch:
    p = Path(path)
    if not p.exists():
        raise AppError(f"找不到标记文件 {p}。")
    return import_flags(p.read_bytes(), p.name, user=user)


# --- an evaluation run ------------------------------------------------------------------------------------


def run_evaluation(year: int, scope_code: str, *, scheme_code: str = "mujun-default",
                   scheme_version: int | None = None, user: Any = None, frame: pd.DataFrame | None = None,
                   notice_days: int = DEFAULT_NOTICE_DAYS, timings: dict[str, float] | None = None) -> EvaluationRun:
    """Evaluate the year and scope from the registry and the spine (or `frame`) and store it as a new
    version in state 企业填报; results are written with one bulk insert. `timings` (the bench) receives
    the seconds of the read, compute and write steps."""
    import time

    from newind.enterprises.queries import scope_unit
    from newind.scoring.calc import evaluate

    clock, cpu = time.perf_counter(), time.process_time()
    scheme = load_scheme(scheme_code, scheme_version)
    scope = scope_unit(scope_code)
    if frame is None:
        frame = registry_frame(int(year), scope_code, scheme)
    if frame.empty:
        raise AppError(f"评价范围「{scope.name}」内没有登记的企业，未作评价。")
    read_done, read_cpu = time.perf_counter(), time.process_time()
    ev = evaluate(frame, scheme)
    results = results_table(ev, frame)
    summary = evaluation_summary(ev, frame, year=int(year), scope=scope_code)
    doc = {"class_counts": summary["class_counts"]}
    compute_done, compute_cpu = time.perf_counter(), time.process_time()
    with transaction.atomic():
        last = EvaluationRun.objects.filter(year=year, scope_code=scope_code).aggregate(v=Max("version"))["v"]
        run = EvaluationRun.objects.create(
            year=int(year), scope=scope, scope_code=scope_code, version=(last or 0) + 1, scheme_code=scheme.code,
            scheme_version=scheme.version, scheme_sha256=scheme.sha256, state=RunState.FILLING,
            notice_days=notice_days, summary=summary, firm_count=len(results),
            created_by=user if getattr(user, "pk", None) else None)
        # The scope's firms by credit code (one scan; an IN list of 20,000 codes cost a second).
        from newind.enterprises.queries import scope_profiles

        units = pd.DataFrame(list(scope_profiles(scope_code).values_list("credit_code", "unit_id")),
                             columns=["credit_code", "unit_id"]).drop_duplicates("credit_code")
        results["unit_id"] = results["credit_code"].map(units.set_index("credit_code")["unit_id"]).astype("Int64")
        bulk_insert(FirmResult, results, constants={"run_id": run.pk})
        record("mujun.evaluate", user=user, obj=run, unit=scope,
               summary=f"{year}年亩均效益评价（{scope.name}，第{run.version}版，{len(results)} 家企业）",
               after={"scheme": scheme.code, "scheme_version": scheme.version, "class_counts": doc["class_counts"]})
    if timings is not None:
        timings.update(read=read_done - clock, compute=compute_done - read_done,
                       write=time.perf_counter() - compute_done, read_cpu=read_cpu - cpu,
                       compute_cpu=compute_cpu - read_cpu, write_cpu=time.process_time() - compute_cpu)
    return run


# --- the workflow -------------------------------------------------------------------------------------------


def _require(run: EvaluationRun, action: RunAction, user: Any, *, as_office: bool = False) -> RunState:
    # The state as stored now (locked until the caller's transaction ends), not as the caller last read it.
    state = EvaluationRun.objects.select_for_update().values_list("state", flat=True).get(pk=run.pk)
    run.state = state
    # as_office: the system itself (the demo loader, a command) takes an office step without a user.
    role = "office" if as_office and user is None else mujun_workflow_role(user)
    step = run_transition(state, action, role)
    if not step.allowed:
        # The step exists in this state but not for this role: forbidden; a step of another state: conflict.
        wrong_role = (RunState(state), action) in RUN_TRANSITIONS or role is None
        raise AppError(step.message, status=403 if wrong_role else 409, code="mujun_workflow")
    assert step.to_state is not None
    return step.to_state


def _reason(text: str | None, what: str) -> str:
    reason = " ".join(str(text or "").split())
    if not reason:
        raise AppError(f"{what}须填写理由。", code="reason_required")
    return reason[:500]


def advance(run: EvaluationRun, action: str, *, user: Any, today: dt.date | None = None,
            as_office: bool = False) -> EvaluationRun:
    """Move the run on: 结束填报, 核实完成, 开始公示 (the notice starts today for run.notice_days days), 发布
    (after the notice has ended and every objection is decided; the run is then frozen)."""
    act = RunAction(action)
    if act not in (RunAction.CLOSE_FILLING, RunAction.VERIFY, RunAction.START_NOTICE, RunAction.PUBLISH):
        raise AppError(f"「{act.label}」不是评价流程的推进步骤。")
    today = today or timezone.localdate()
    with transaction.atomic():
        run = EvaluationRun.objects.get(pk=run.pk)
        to_state = _require(run, act, user, as_office=as_office)
        before = {"state": run.state}
        if act == RunAction.START_NOTICE:
            run.notice_start, run.notice_end = today, notice_end(today, run.notice_days)
        if act == RunAction.PUBLISH:
            blockers = publish_blockers(today=today, end=run.notice_end, open_objections=Objection.objects.filter(
                result__run=run, decision="").count())
            if blockers:
                raise AppError("暂不能发布：" + "".join(blockers), status=409, code="mujun_publish")
            run.published_at = timezone.now()
        run.state = to_state
        run.save()
        if act == RunAction.PUBLISH:
            publish_aggregates(run, user=user)
        record(f"mujun.{act.value}", user=user, obj=run, unit=run.scope_id, before=before,
               after={"state": run.state, "notice_start": run.notice_start, "notice_end": run.notice_end},
               summary=f"{run}：{act.label}")
    return run


def adjust_class(result: FirmResult, klass: str, reason: str, *, user: Any) -> FirmResult:
    """手动调档: set the firm's class with a reason (audited); the initial class stays as computed."""
    scheme = load_scheme(result.run.scheme_code, result.run.scheme_version)
    codes = [*scheme.classes.codes, scheme.flags.not_rated_class]
    if klass not in codes:
        raise AppError(f"类别「{klass}」无效：应为 {'、'.join(codes)} 之一。")
    why = _reason(reason, "手动调档")
    with transaction.atomic():
        _require(result.run, RunAction.ADJUST, user)
        before = {"class": result.klass, "adjust_reason": result.adjust_reason}
        result.klass, result.adjust_reason = klass, why
        result.save(update_fields=["klass", "adjust_reason"])
        record("mujun.adjust", user=user, obj=result, unit=result.unit_id, before=before,
               after={"class": klass, "adjust_reason": why, "class_initial": result.class_initial},
               summary=f"{result.name} 调档 {before['class']} → {klass}：{why}")
    return result


def confirm_result(result: FirmResult, *, user: Any) -> FirmResult:
    """企业确认: the firm's own account confirms its result while the run is at 企业确认."""
    with transaction.atomic():
        _require(result.run, RunAction.CONFIRM, user)
        result.confirmed_at = timezone.now()
        result.save(update_fields=["confirmed_at"])
        record("mujun.confirm", user=user, obj=result, unit=result.unit_id, summary=f"{result.name} 确认评价结果")
    return result


def file_objection(result: FirmResult, text: str, *, user: Any, today: dt.date | None = None) -> Objection:
    """异议: the firm's own account objects to its result during the notice."""
    today = today or timezone.localdate()
    body = _reason(text, "异议")
    with transaction.atomic():
        _require(result.run, RunAction.OBJECT, user)
        result.run.refresh_from_db(fields=["notice_start", "notice_end"])
        if not can_object(today=today, start=result.run.notice_start, end=result.run.notice_end):
            raise AppError(f"公示期为 {result.run.notice_start} 至 {result.run.notice_end}，不在公示期内不能提出异议。",
                           status=409, code="mujun_objection_closed")
        objection = Objection.objects.create(result=result, text=body, filed_by=user)
        record("mujun.object", user=user, obj=objection, unit=result.unit_id, after={"text": body},
               summary=f"{result.name} 对评价结果（{result.klass}类）提出异议")
    return objection


def decide_objection(objection: Objection, decision: str, reason: str, *, user: Any,
                     klass: str | None = None) -> Objection:
    """The office decides an objection with a reason; an upheld one may change the firm's class."""
    dec = ObjectionDecision(decision)
    why = _reason(reason, "处理异议")
    result = objection.result
    with transaction.atomic():
        _require(result.run, RunAction.DECIDE, user)
        if objection.decision:
            raise AppError("该异议已处理。", status=409, code="mujun_objection_decided")
        if klass and dec == ObjectionDecision.UPHELD and klass != result.klass:
            adjust_class(result, klass, f"异议成立：{why}", user=user)
        objection.decision, objection.decision_reason = dec, why
        objection.class_after = result.klass
        objection.decided_by, objection.decided_at = user, timezone.now()
        objection.save()
        record("mujun.decide", user=user, obj=objection, unit=result.unit_id,
               after={"decision": dec.value, "reason": why, "class": result.klass},
               summary=f"{result.name} 的异议：{dec.label}（{why}）")
    return objection


# --- county and park aggregates as spine indicators -----------------------------------------------------

AGGREGATE_INDICATORS = {"tax_per_mu": "mujun_tax_per_mu", "va_per_mu": "mujun_va_per_mu"}


def aggregate_candidates(run: EvaluationRun) -> pd.DataFrame:
    """The run's county and park 亩均税收 / 亩均增加值 (from its summary) as candidate observations."""
    from decimal import Decimal

    from newind.indicators.models import Indicator
    from newind.indicators.services import candidate_frame
    from newind.units.models import Unit

    rows = [(d.get("county") or d.get("park"), key, d[key]) for by in ("county", "park")
            for d in run.summary.get("aggregates", {}).get(by, []) for key in AGGREGATE_INDICATORS
            if d.get(key) is not None]
    if not rows:
        return candidate_frame([])
    units = dict(Unit.objects.filter(code__in={r[0] for r in rows}).values_list("code", "id"))
    inds = {i.code: i for i in Indicator.objects.filter(code__in=AGGREGATE_INDICATORS.values())}
    from newind.enterprises.models import EnterpriseProfile

    synthetic = EnterpriseProfile.objects.filter(unit_id__in=run.results.values("unit_id"), is_synthetic=True).exists()
    source = f"亩均效益综合评价（{run.year}年，{run.scope.name}，第{run.version}版，方案 {run.scheme_code} 第{run.scheme_version}版）"
    return candidate_frame([
        {"indicator_id": inds[AGGREGATE_INDICATORS[key]].id, "unit_id": units[code], "year": run.year,
         "period_kind": "Y", "period_n": 0, "value": Decimal(str(round(float(value), 4))),
         "measure_unit": inds[AGGREGATE_INDICATORS[key]].measure_unit,
         "price_basis": inds[AGGREGATE_INDICATORS[key]].price_basis, "release": "official", "source": source[:200],
         "is_synthetic": synthetic}
        for code, key, value in rows if code in units and AGGREGATE_INDICATORS[key] in inds])


def publish_aggregates(run: EvaluationRun, *, user: Any = None) -> int:
    """Write the run's county and park aggregates as annual observations (a new version when a
    re-evaluation changes them; nothing when they are the same). Returns the number of figures written."""
    from newind.indicators.services import apply_observation_plan, plan_observations

    candidates = aggregate_candidates(run)
    if candidates.empty:
        return 0
    return apply_observation_plan(plan_observations(candidates), None, user,
                                  reason=f"发布{run.year}年亩均效益评价结果")
