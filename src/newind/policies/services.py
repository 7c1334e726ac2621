"""Writes of the policy library and the payouts; each one audited, each in one transaction.

Access is decided by the callers through newind.accounts.access (policy_for, payout_policies_for); the
services check the state (calc.TRANSITIONS) and the data (calc.parse_criteria, calc.payout_records).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from newind.audit.services import record
from newind.core.errors import AppError, Conflict, NotFound, Problem
from newind.core.webhook import post_text
from newind.enterprises.models import EnterpriseProfile
from newind.policies import calc, queries
from newind.policies.choices import PUBLISHED, PolicyAction, PolicyCategory, PolicyLevel, WebhookStatus
from newind.policies.models import MatchNotice, Payout, PayoutBatch, Policy
from newind.units.models import Unit, UnitKind

log = logging.getLogger("newind.policies")
# The fields of a policy the form and the YAML files set (the rest is state and bookkeeping).
POLICY_FIELDS = ("title", "issuer", "doc_number", "level", "category", "valid_from", "valid_to", "department_id",
                 "department_name", "summary", "guide_who", "guide_conditions", "guide_materials", "guide_deadline",
                 "guide_contact", "source_text", "source_url", "criteria")


def _snapshot(policy: Policy) -> dict[str, Any]:
    return {name: (str(getattr(policy, name)) if isinstance(getattr(policy, name), dt.date)
                   else getattr(policy, name)) for name in ("code", "status", *POLICY_FIELDS)}


def check_criteria(data: Any, where: str = "") -> list[dict[str, Any]]:
    """Validate criteria against the indicator catalogue; return them as stored (normalised JSON)."""
    parsed = calc.parse_criteria(data, queries.figure_catalogue(), where=where)
    return [c.model_dump(exclude_defaults=True) | {"op": c.op} for c in parsed]


def save_policy(values: dict[str, Any], *, user: Any, policy: Policy | None = None,
                synthetic: bool = False) -> Policy:
    """Create a policy (a draft) or change one (a draft or a withdrawn one), audited with before/after."""
    values = dict(values)
    values["criteria"] = check_criteria(values.get("criteria") or [], where=str(values.get("title", "")))
    with transaction.atomic():
        if policy is None:
            code = str(values.pop("code", "")).strip()
            if not code:
                raise AppError("请填写政策代码（字母、数字和连字符，如 yy-fgjj-01）。")
            if Policy.objects.filter(code=code).exists():
                raise Conflict(f"政策代码「{code}」已被使用：请换一个代码。")
            policy = Policy(code=code, is_synthetic=synthetic)
            before = None
        else:
            policy = Policy.objects.select_for_update().get(pk=policy.pk)
            calc.require_editable(policy.status)
            values.pop("code", None)
            before = _snapshot(policy)
        for name in POLICY_FIELDS:
            if name in values:
                setattr(policy, name, values[name])
        policy.full_clean(exclude=["department"])
        policy.save()
        record("policy.create" if before is None else "policy.change", user=user, obj=policy, before=before,
               after=_snapshot(policy), summary=f"{'新建' if before is None else '修改'}惠企政策「{policy.title}」")
    return policy


def transition(policy: Policy, action: str, *, user: Any, year: int | None = None) -> Policy:
    """Publish or withdraw a policy (calc.TRANSITIONS), audited; publishing queues the job that tells the
    matched firms' paired officials."""
    with transaction.atomic():
        locked = Policy.objects.select_for_update().get(pk=policy.pk)
        before = locked.status
        locked.status = calc.next_state(before, action)
        now = timezone.now()
        if action == PolicyAction.PUBLISH:
            locked.published_at = now
        else:
            locked.withdrawn_at = now
        locked.save(update_fields=["status", "published_at", "withdrawn_at", "updated_at"])
        record(f"policy.{action}", user=user, obj=locked, before={"status": before}, after={"status": locked.status},
               summary=f"{PolicyAction(action).label}惠企政策「{locked.title}」")
        if action == PolicyAction.PUBLISH:
            from newind.jobs.registry import enqueue_on_commit

            enqueue_on_commit("policies.notify_matches", policy_id=locked.pk, year=year or data_year())
    return locked


def data_year() -> int:
    """The latest year with firms' annual revenue figures (the year the matching reads by default)."""
    from newind.indicators.models import Observation

    latest = (Observation.objects.filter(indicator__code="sales_revenue", is_current=True, period_kind="Y")
              .order_by("-year").values_list("year", flat=True).first())
    return int(latest) if latest else timezone.localdate().year - 1


# --- loading policies from definitions/policies/*.yaml -----------------------------------------------------


def _date(value: Any, where: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise AppError(f"{where}：日期「{value}」应写成 2017-01-01。") from None


def _choice(value: Any, choices: Any, where: str, what: str) -> str:
    text = str(value or "")
    by_label = {label: code for code, label in choices.choices}
    code = text if text in choices.values else by_label.get(text)
    if code is None:
        raise AppError(f"{where}：{what}「{text}」无效，可选 {'、'.join(label for _, label in choices.choices)}。")
    return code


def departments_by_name() -> dict[str, int]:
    """Department units by code, name and short name (normalised)."""
    out: dict[str, int] = {}
    for u in Unit.objects.filter(kind=UnitKind.DEPARTMENT):
        for text in (u.code, u.name, u.short_name):
            if text:
                out.setdefault(calc._norm(text), u.pk)
    return out


def policy_values(item: dict[str, Any], where: str, departments: dict[str, int]) -> dict[str, Any]:
    """A policy entry of a YAML file as the values `save_policy` takes."""
    guide = item.get("guide") or {}
    dept = str(item.get("department") or "")
    values = {
        "code": str(item.get("code") or ""), "title": str(item.get("title") or ""),
        "issuer": str(item.get("issuer") or ""), "doc_number": str(item.get("doc_number") or ""),
        "level": _choice(item.get("level"), PolicyLevel, where, "层级"),
        "category": _choice(item.get("category"), PolicyCategory, where, "类别"),
        "valid_from": _date(item.get("valid_from"), where), "valid_to": _date(item.get("valid_to"), where),
        "department_id": departments.get(calc._norm(dept)) if dept else None, "department_name": dept[:100],
        "summary": str(item.get("summary") or ""), "guide_who": str(guide.get("who") or ""),
        "guide_conditions": str(guide.get("conditions") or ""), "guide_materials": str(guide.get("materials") or ""),
        "guide_deadline": _date(guide.get("deadline"), where), "guide_contact": str(guide.get("contact") or ""),
        "source_text": str(item.get("source_text") or ""), "source_url": str(item.get("source_url") or ""),
        "criteria": item.get("criteria") or [],
    }
    if not values["code"] or not values["title"]:
        raise AppError(f"{where}：每项政策须有 code 和 title。")
    return values


@dataclass
class LoadResult:
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"政策新增 {len(self.created)} 项、修改 {len(self.changed)} 项、未变 {len(self.unchanged)} 项，"
                f"发布 {len(self.published)} 项。")


def load_definitions(paths: Iterable[Path] | None = None, *, user: Any = None, synthetic: bool | None = None) -> LoadResult:
    """Load policies from YAML files (default definitions/policies/*.yaml), all-or-nothing: every entry is
    checked first; new ones are created, changed drafts updated, entries with `status: published` published.
    A file with `synthetic: true` marks its policies 示例数据."""
    files = sorted(paths) if paths is not None else sorted((Path(settings.DEFINITIONS_DIR) / "policies").glob("*.yaml"))
    departments = departments_by_name()
    entries: list[tuple[dict[str, Any], bool, bool]] = []
    problems: list[Problem] = []
    for path in files:
        try:
            doc = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise AppError(f"无法读取政策定义文件「{path}」：{exc}") from None
        is_synthetic = bool(doc.get("synthetic", False)) if synthetic is None else synthetic
        for i, item in enumerate(doc.get("policies") or [], start=1):
            where = f"{Path(path).name} 第{i}项政策（{item.get('code', '')}）"
            try:
                values = policy_values(item, where, departments)
                values["criteria"] = check_criteria(values["criteria"], where=where)
            except AppError as exc:
                problems += exc.problems or [Problem(exc.message)]
                continue
            entries.append((values, is_synthetic, str(item.get("status", "")) in ("published", "已发布")))
    if problems:
        raise AppError(f"政策定义有{len(problems)}处问题，未载入任何政策：请逐条修改。", problems=problems)
    result = LoadResult()
    with transaction.atomic():
        for values, is_synthetic, publish in entries:
            code = values["code"]
            existing = Policy.objects.filter(code=code).first()
            if existing is None:
                policy = save_policy(values, user=user, synthetic=is_synthetic)
                result.created.append(code)
            else:
                policy = existing
                same = all(_same(getattr(existing, k), v) for k, v in values.items() if k != "code")
                if same:
                    result.unchanged.append(code)
                elif existing.status == PUBLISHED:
                    result.unchanged.append(code)  # a published policy is withdrawn before it is edited
                else:
                    policy = save_policy(values, user=user, policy=existing)
                    result.changed.append(code)
            if publish and policy.status != PUBLISHED:
                transition(policy, PolicyAction.PUBLISH, user=user)
                result.published.append(code)
    return result


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, list | dict) or isinstance(b, list | dict):
        return json.dumps(a, sort_keys=True, ensure_ascii=False) == json.dumps(b, sort_keys=True, ensure_ascii=False)
    return (a or None) == (b or None)


# --- payouts -----------------------------------------------------------------------------------------------


def record_payout(values: dict[str, Any], *, user: Any, synthetic: bool = False) -> Payout:
    """One payout from the form (the caller checked the user may record payouts for its policy)."""
    amount = Decimal(str(values["amount"]))
    if amount <= 0 or amount >= calc.MAX_PAYOUT:
        raise AppError("兑现金额须大于0，单位为万元。")
    with transaction.atomic():
        payout = Payout.objects.create(policy_id=values["policy_id"], firm_id=values["firm_id"], amount=amount,
                                       paid_on=values["paid_on"], department_id=values.get("department_id"),
                                       department_name=values.get("department_name", "")[:100],
                                       note=values.get("note", "")[:200], is_synthetic=synthetic,
                                       created_by=user if getattr(user, "pk", None) else None)
        record("payout.create", user=user, obj=payout, unit=payout.firm_id,
               after={"policy": payout.policy_id, "firm": payout.firm_id, "amount": str(amount),
                      "paid_on": str(payout.paid_on)},
               summary=f"登记政策兑现：{payout.amount}万元（政策 #{payout.policy_id}，企业 #{payout.firm_id}）")
    return payout


@dataclass
class PayoutPreview:
    """What importing a payout file would write. Nothing is written until `apply_payouts`."""

    file_name: str
    sha256: str
    records: pd.DataFrame

    @property
    def total(self) -> Decimal:
        return sum((Decimal(a) for a in self.records["amount"]), Decimal(0))

    def fingerprint(self) -> str:
        body = self.records[["policy_id", "firm_id", "amount", "paid_on", "department_name", "note"]].astype(str)
        return hashlib.sha256((self.sha256 + body.to_csv(index=False)).encode()).hexdigest()

    def summary(self) -> str:
        return f"兑现记录 {len(self.records)} 条，合计 {calc.num(float(self.total), 4)}万元。"


def prepare_payouts(data: bytes, file_name: str, policy_codes: dict[str, int]) -> PayoutPreview:
    """Read and check a payout file (every problem at once, with sheet, row and column); writes nothing.
    `policy_codes`: the policies the user may record payouts for (access.payout_policies_for)."""
    from newind.imports import parsing

    file_name = Path(file_name).name or "上传文件"
    with parsing.upload_slot():
        _kind, sheets = parsing.read_sheets(data, file_name)
    firms = dict(EnterpriseProfile.objects.values_list("credit_code", "unit_id"))
    departments = departments_by_name()
    frames, problems = [], []
    for sheet in parsing.visible_sheets(sheets):
        read = calc.payout_records(sheet.cells, sheet.name, policy_codes, firms, departments)
        if read is None:
            continue
        frames.append(read[0])
        problems += read[1]
    if not frames:
        raise AppError(f"文件「{file_name}」中没有找到兑现台账：表头应有「政策代码」「统一社会信用代码」「兑现金额（万元）」"
                       "「兑现日期」，可选「兑现部门」「备注」。")
    if problems:
        raise AppError(f"文件「{file_name}」有{len(problems)}处问题，未导入任何兑现记录：请逐条修改后重新导入。",
                       problems=problems, code="import_problems")
    records = pd.concat(frames, ignore_index=True)
    if records.empty:
        raise AppError(f"文件「{file_name}」的兑现台账没有数据行。")
    return PayoutPreview(file_name, hashlib.sha256(data).hexdigest(), records)


def apply_payouts(preview: PayoutPreview, *, user: Any, expected: str | None = None,
                  synthetic: bool = False) -> PayoutBatch:
    """Write a previewed payout file in one transaction (all or nothing); a file imported before is a 409."""
    if expected is not None and expected != preview.fingerprint():
        raise Conflict("预览之后文件内容已变化，本次未写入：请重新上传并确认。")
    with transaction.atomic():
        if PayoutBatch.objects.filter(sha256=preview.sha256).exists():
            raise Conflict(f"文件「{preview.file_name}」已导入过，未重复写入：如需更正，请修改后另存为新文件再导入。")
        batch = PayoutBatch.objects.create(file_name=preview.file_name[:255], sha256=preview.sha256,
                                           rows=len(preview.records),
                                           created_by=user if getattr(user, "pk", None) else None)
        creator = user if getattr(user, "pk", None) else None
        Payout.objects.bulk_create([
            Payout(policy_id=r["policy_id"], firm_id=r["firm_id"], amount=r["amount"], paid_on=r["paid_on"],
                   department_id=r["department_id"] if r["department_id"] == r["department_id"] else None,
                   department_name=r["department_name"], note=r["note"], batch=batch, is_synthetic=synthetic,
                   created_by=creator)
            for r in preview.records.to_dict("records")], batch_size=1000)
        record("payout.import", user=user, obj=batch, after={"file": preview.file_name, "rows": len(preview.records),
                                                             "total": str(preview.total)},
               summary=f"导入政策兑现台账「{preview.file_name}」：{preview.summary()}")
    return batch


# --- telling the paired officials about a published policy's new matches -----------------------------------


def notify_matches(policy_id: int, year: int) -> list[MatchNotice]:
    """Record, for each firm that qualifies for the published policy and each official paired with it (or,
    without pairings, the firm's own users), a notice not sent before; push one message per official."""
    policy = Policy.objects.filter(pk=policy_id).first()
    if policy is None:
        raise NotFound(f"未找到编号为 {policy_id} 的政策。")
    if policy.status != PUBLISHED:
        return []
    firm_ids = queries.qualified_unit_ids(policy, year)
    told = set(MatchNotice.objects.filter(policy=policy).values_list("firm_id", "recipient_name"))
    officials = queries.officials_for_firms(firm_ids)
    names = dict(Unit.objects.filter(pk__in=firm_ids).values_list("id", "name"))
    made: list[MatchNotice] = []
    per_official: dict[tuple[int | None, str], list[MatchNotice]] = defaultdict(list)
    for firm_id in firm_ids:  # the qualified firms (a list to tell, not the matching itself)
        for official in officials.get(firm_id, []):
            if (firm_id, official.name) in told:
                continue
            message = f"政策「{policy.title}」已发布：{names.get(firm_id, '')}符合全部条件（{year}年数据）。"
            try:
                with transaction.atomic():
                    notice = MatchNotice.objects.create(policy=policy, firm_id=firm_id, year=year,
                                                        recipient_id=official.user_id,
                                                        recipient_name=official.name[:150], outcome="qualified",
                                                        message=message[:500])
                    record("policy.match_notice", user=None, actor="后台任务", obj=notice, unit=firm_id,
                           summary=f"向{official.name}推送政策匹配：{message}")
            except IntegrityError:  # another run recorded it meanwhile
                continue
            made.append(notice)
            per_official[(official.user_id, official.name)].append(notice)
    url = getattr(settings, "NEWIND_WEBHOOK_URL", "")
    for (_, name), notices in per_official.items():
        if not url:
            continue
        firms = "、".join(names.get(n.firm_id, "") for n in notices[:20])
        more = f"等{len(notices)}家" if len(notices) > 20 else f"共{len(notices)}家"
        error = post_text(url, f"{name}：政策「{policy.title}」已发布，您联系的企业{firms}（{more}）符合条件，请告知企业申报或兑现。")
        MatchNotice.objects.filter(pk__in=[n.pk for n in notices]).update(
            webhook_status=WebhookStatus.FAILED if error else WebhookStatus.SENT, webhook_error=error[:300])
        if error:
            log.warning("policy match webhook failed: %s", error)
    return made
