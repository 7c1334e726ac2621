"""Writes of the 亩均 evaluation: the year's flags, an evaluation run with its firms' results (set-wise),
class adjustments (手动调档), the workflow steps and objections (异议). Every write is audited; who may
do what is in newind.mujun.calc.RUN_TRANSITIONS and newind.accounts.access."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from newind.accounts.access import mujun_workflow_role
from newind.audit.services import record
from newind.core.bulk import bulk_insert, insert_frame
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


@dataclass
class FlagsPreview:
    """What importing a flags file would do (nothing is written until `apply_flags_import`): its flags
    with each firm's name and the flag stored before (''), and the counts added / changed / unchanged."""

    file_name: str
    sha256: str
    flags: pd.DataFrame  # year, unit_id, credit_code, name, flag, flag_reason, old_flag, old_reason, change

    @property
    def counts(self) -> dict[str, int]:
        change = self.flags["change"]
        return {k: int((change == k).sum()) for k in ("added", "changed", "unchanged")}

    @property
    def by_flag(self) -> dict[str, int]:
        return {str(k): int(v) for k, v in self.flags["flag"].value_counts().items()}

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.flags["year"].unique())

    @property
    def is_noop(self) -> bool:
        return bool((self.flags["change"] == "unchanged").all())

    def fingerprint(self) -> str:
        """A digest of the file and of the stored flags it would replace: confirming a preview writes
        nothing if either has changed since."""
        cols = ["year", "credit_code", "flag", "flag_reason", "old_flag", "old_reason"]
        text = self.flags[cols].astype(str).sort_values(["year", "credit_code"]).to_csv(index=False)
        return hashlib.sha256((self.sha256 + "\n" + text).encode("utf-8")).hexdigest()


def prepare_flags_import(data: bytes, file_name: str) -> FlagsPreview:
    """Read and check a flags file (统一社会信用代码, 年度, 标记, 原因) and compare it with the stored flags;
    every bad cell, and every credit code not in the registry, is named by sheet, row and column (one
    AppError listing them all). Writes nothing."""
    from newind.enterprises.models import EnterpriseProfile
    from newind.imports.parsing import read_sheets, upload_slot, visible_sheets

    file_name = Path(file_name).name or "上传文件"
    with upload_slot():
        kind, sheets = read_sheets(data, file_name)
    visible = visible_sheets(sheets)
    if not visible:
        raise AppError("标记文件没有可见的工作表。")
    sheet = visible[0].name if kind == "xlsx" else None
    try:
        flags = flags_from_cells(visible[0].cells, None, sheet=sheet or "")
    except AppError as error:
        if not error.problems:
            raise
        raise AppError(f"标记文件有 {len(error.problems)} 处错误，未写入任何标记。", problems=error.problems) from None
    firms = pd.DataFrame(list(EnterpriseProfile.objects.filter(credit_code__in=flags["credit_code"].unique().tolist())
                              .values_list("credit_code", "unit_id", "unit__name")),
                         columns=["credit_code", "unit_id", "name"])
    flags = flags.merge(firms, on="credit_code", how="left")
    unknown = flags[flags["unit_id"].isna()]
    if not unknown.empty:
        problems = [Problem(f"统一社会信用代码「{code}」不在企业名录中", sheet=sheet, row=int(row), column=col)
                    for code, row, col in unknown[["credit_code", "row", "code_column"]].itertuples(index=False)]
        raise AppError(f"标记文件有 {len(problems)} 处错误，未写入任何标记。", problems=problems)
    flags["flag_reason"] = flags["flag_reason"].astype(str).str.slice(0, 300)
    flags = _compared_with_stored(flags)
    return FlagsPreview(file_name, hashlib.sha256(data).hexdigest(), flags.reset_index(drop=True))


def apply_flags_import(preview: FlagsPreview, *, user: Any = None, expected: str | None = None) -> FlagBatch:
    """Store a previewed flags file in one transaction, all or nothing: a firm's flag for a year replaces
    the one stored before. If the file or the stored flags differ from the preview (`expected`, else the
    preview's own fingerprint), nothing is written (409). Audited."""
    with transaction.atomic():
        YearFlag.objects.select_for_update().filter(year__in=preview.years).exists()
        again = FlagsPreview(preview.file_name, preview.sha256, _compared_with_stored(preview.flags))
        if again.fingerprint() != (expected or preview.fingerprint()):
            raise AppError("标记文件预览之后，已保存的年度标记发生了变化，本次未写入：请重新上传并预览。",
                           status=409, code="conflict")
        flags = again.flags
        batch = FlagBatch.objects.create(file_name=preview.file_name[:255], sha256=preview.sha256,
                                         rows=len(flags), created_by=user if getattr(user, "pk", None) else None)
        for year, codes in flags.groupby("year")["credit_code"]:
            YearFlag.objects.filter(year=int(year), credit_code__in=codes.tolist()).delete()
        out = pd.DataFrame({"year": flags["year"].astype(int), "unit_id": flags["unit_id"].astype(int),
                            "credit_code": flags["credit_code"], "flag": flags["flag"],
                            "reason": flags["flag_reason"]})
        bulk_insert(YearFlag, out, constants={"batch_id": batch.pk})
        record("mujun.flags.import", user=user, obj=batch,
               summary=f"导入年度标记 {len(flags)} 条（{preview.file_name}）",
               after={"years": preview.years, "flags": preview.by_flag, **again.counts,
                      "changed": [{"year": int(y), "credit_code": c, "old": o, "new": f}
                                  for y, c, o, f in flags.loc[flags["change"] == "changed",
                                                               ["year", "credit_code", "old_flag", "flag"]]
                                  .head(500).itertuples(index=False)]})
    return batch


def _compared_with_stored(flags: pd.DataFrame) -> pd.DataFrame:
    """The flags with the flag and reason stored now for the same firm and year ('' when none) and what
    writing them would do: added, changed or unchanged."""
    flags = flags.drop(columns=[c for c in ("old_flag", "old_reason", "change") if c in flags])
    stored = pd.DataFrame(list(YearFlag.objects.filter(year__in=[int(y) for y in flags["year"].unique()],
                                                       credit_code__in=flags["credit_code"].unique().tolist())
                               .values_list("year", "credit_code", "flag", "reason")),
                          columns=["year", "credit_code", "old_flag", "old_reason"])
    flags = flags.merge(stored.astype({"year": int}), on=["year", "credit_code"], how="left")
    had = flags["old_flag"].notna()
    flags["old_flag"] = flags["old_flag"].fillna("")
    flags["old_reason"] = flags["old_reason"].fillna("")
    same = had & (flags["old_flag"] == flags["flag"]) & (flags["old_reason"] == flags["flag_reason"])
    flags["change"] = np.where(~had, "added", np.where(same, "unchanged", "changed"))
    return flags


def import_flags(data: bytes, file_name: str, *, user: Any = None) -> FlagBatch:
    """Store a flags file (统一社会信用代码, 年度, 标记, 原因): all or nothing; every bad cell, and every
    credit code not in the registry, is named by row and column. A firm's flag for a year replaces the
    one stored before. (`newind mujun flags import`; the upload page previews first.)"""
    return apply_flags_import(prepare_flags_import(data, file_name), user=user)


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
    unit_ids = None
    if frame is None:  # the registry's frame brings each firm's unit id (no second query for the write)
        frame = registry_frame(int(year), scope_code, scheme, with_unit_id=True)
        unit_ids = pd.Series(frame.pop("unit_id").to_numpy(), index=frame["credit_code"].to_numpy())
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
        if unit_ids is None:
            # A given frame: the scope's firms by credit code (one raw query; an IN list of 20,000 codes
            # cost a second).
            from newind.enterprises.queries import scope_units_by_credit_code

            units = scope_units_by_credit_code(scope_code).drop_duplicates("credit_code")
            unit_ids = units.set_index("credit_code")["unit_id"]
        results["unit_id"] = results["credit_code"].map(unit_ids).astype("Int64")
        insert_frame(FirmResult, results, constants={"run_id": run.pk})
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
    codes = [*scheme.class_rules.codes, scheme.flags.not_rated_class]
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


# --- 企业填报: a firm's own figures for the evaluation ------------------------------------------------------

FILING_MAX = Decimal("1e16")  # below Observation.value's 28 digits with 8 decimals: 20 integer digits


@dataclass
class FilingField:
    """One input of the firm's items: the indicator, its unit, the figure the platform holds (None when
    none), where it came from, and whether the scheme lets it be missing (规上 emissions: mean points)."""

    code: str
    label: str
    unit: str
    value: Decimal | None
    source: str
    release: str
    version: int | None
    optional: bool


def filing_fields(result: FirmResult) -> list[FilingField]:
    """The inputs the run's scheme scores the firm's size class on, in the scheme's order, each with the
    firm's current figure for the run's year (one query)."""
    from newind.indicators.models import Indicator, Observation

    scheme = load_scheme(result.run.scheme_code, result.run.scheme_version)
    group = scheme.group(result.size)
    if group is None:
        return []
    needed: list[str] = []
    optional: set[str] = set()
    for item in group.items:
        needed += [c for c in item.inputs if c not in needed]
        optional |= {c for c, rule in item.fill_missing.items() if rule == "mean_points"}
    codes = [c for c in scheme.inputs if c in needed]
    units = dict(Indicator.objects.filter(code__in=codes).values_list("code", "measure_unit"))
    current = {o.indicator.code: o for o in Observation.objects.filter(
        unit_id=result.unit_id, indicator__code__in=codes, year=result.run.year, period_kind="Y", period_n=0,
        is_current=True).select_related("indicator")}
    return [FilingField(c, scheme.inputs[c].label, units.get(c, scheme.inputs[c].unit),
                        current[c].value if c in current else None, current[c].source if c in current else "",
                        current[c].get_release_display() if c in current else "",
                        current[c].version if c in current else None, c in optional) for c in codes]


def check_filing(fields: list[FilingField], data: Any) -> tuple[dict[str, Decimal | None], dict[str, str]]:
    """The submitted figures by indicator code (None: left empty) and the errors by code, in Chinese."""
    values: dict[str, Decimal | None] = {}
    errors: dict[str, str] = {}
    for f in fields:
        text = str(data.get(f.code, "") or "").strip().replace(",", "").replace("，", "")
        if not text:
            values[f.code] = None
            if f.value is not None:
                errors[f.code] = f"「{f.label}」已有数据 {f.value:f} {f.unit}，不能清空：如需更正请填写正确数值。"
            elif not f.optional:
                errors[f.code] = f"请填写「{f.label}」（{f.unit}）：缺少该项数据的企业不参加评价。"
            continue
        try:
            value = Decimal(text)
        except ArithmeticError:
            errors[f.code] = f"「{f.label}」应为数字（单位：{f.unit}），现为「{text[:30]}」。"
            continue
        if not value.is_finite():
            errors[f.code] = f"「{f.label}」应为数字（单位：{f.unit}），现为「{text[:30]}」。"
        elif value < 0:
            errors[f.code] = f"「{f.label}」不能为负数。"
        elif value >= FILING_MAX:
            errors[f.code] = f"「{f.label}」数值过大，请核对单位（{f.unit}）。"
        elif value.as_tuple().exponent < -4:  # type: ignore[operator]
            errors[f.code] = f"「{f.label}」最多保留4位小数。"
        elif f.code == "land_area" and value == 0:
            errors[f.code] = f"「{f.label}」须大于0（单位：{f.unit}）。"
        elif f.code == "avg_employees" and value != value.to_integral_value():
            errors[f.code] = f"「{f.label}」应为整数（单位：{f.unit}）。"
        values[f.code] = value
    return values, errors


def file_figures(result: FirmResult, data: Any, *, user: Any) -> tuple[int, dict[str, str]]:
    """企业填报: the firm's own account saves its figures for the run's year while the run is at 企业填报.
    Changed figures are written as new versions through the figure-writing service (indicators: plan →
    apply, the earlier versions kept, who and why recorded, audited); unchanged ones confirm what the
    platform holds. Returns (figures written, errors by field); nothing is written when there are errors."""
    from newind.indicators.models import Indicator
    from newind.indicators.services import (
        apply_observation_plan,
        candidate_frame,
        make_batch,
        plan_observations,
    )

    fields = filing_fields(result)
    with transaction.atomic():
        _require(result.run, RunAction.FILE, user)  # the run still at 企业填报, the firm's own account
        values, errors = check_filing(fields, data)
        if errors:
            return 0, errors
        inds = {i.code: i for i in Indicator.objects.filter(code__in=[f.code for f in fields])}
        changed = [f for f in fields if values[f.code] is not None and values[f.code] != f.value]
        source = f"企业填报（{result.name}，{result.run.year}年亩均效益评价）"[:200]
        reason = f"企业填报：{result.run}"
        written = 0
        if changed:
            plan = plan_observations(candidate_frame([
                {"indicator_id": inds[f.code].id, "unit_id": result.unit_id, "year": result.run.year,
                 "period_kind": "Y", "period_n": 0, "value": values[f.code], "measure_unit": inds[f.code].measure_unit,
                 "price_basis": inds[f.code].price_basis, "release": "revised", "source": source}
                for f in changed]))
            batch = make_batch(f"企业填报：{result.name} {result.run.year}年", "", user, "filing", plan, [reason])
            written = apply_observation_plan(plan, batch, user, reason)
        result.filed_at, result.filed_by = timezone.now(), user
        result.save(update_fields=["filed_at", "filed_by"])
        record("mujun.file", user=user, obj=result, unit=result.unit_id,
               before={f.code: None if f.value is None else str(f.value) for f in changed},
               after={f.code: str(values[f.code]) for f in changed},
               summary=f"{result.name} 企业填报（{result.run.year}年）：更正 {len(changed)} 项"
                       + (f"（{'、'.join(f.label for f in changed)}）" if changed else "，确认其余数据无误"))
    return written, {}
