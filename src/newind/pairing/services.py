"""Writes of pairing: the office's Excel list → checked records → plan (added / changed / unchanged) →
preview → all-or-nothing write (the discipline of indicators.services and the registry import); logging a
visit; turning a problem found on a visit into an appeal (企业诉求) in one step; marking a key firm.

Every write is one audit entry; re-importing the same list plans nothing and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from newind.audit.services import record
from newind.core.errors import AppError, Conflict, Problem
from newind.imports import parsing
from newind.pairing import calc
from newind.pairing.choices import VisitKind
from newind.pairing.models import KeyFirmFlag, Official, Pairing, PairingBatch, Visit, VisitProblem
from newind.pairing.queries import key_firm_ids, load_rules

PAIRING_FIELDS = ("end_date", "visits_per_month", "calls_per_month")
OFFICIAL_FIELDS = ("unit_name", "user_id", "quota")


def lookups(codes: list[str]) -> calc.Lookups:
    """Firms of the registry by credit code (the names they go by) and every platform username."""
    from newind.enterprises.models import EnterpriseProfile

    firms: dict[str, tuple[int, list[str]]] = {}
    for code, unit_id, name, short, former in EnterpriseProfile.objects.filter(credit_code__in=codes).values_list(
            "credit_code", "unit_id", "unit__name", "unit__short_name", "former_names"):
        firms[code] = (unit_id, [name, short, *(former or [])])
    users = dict(get_user_model().objects.values_list("username", "id"))
    return calc.Lookups(firms, users)


def held_pairings(keys: list[tuple[str, str]] | None = None) -> pd.DataFrame:
    """The pairings held (of some officials, by name and phone): the columns the plan compares."""
    cols = ["id", "official_id", "official__name", "official__phone", "firm_id", "start_date", *PAIRING_FIELDS]
    qs = Pairing.objects.all()
    if keys is not None:
        names = sorted({k[0] for k in keys})
        qs = qs.filter(official__name__in=names)
    frame = pd.DataFrame(list(qs.values_list(*cols)), columns=cols).rename(
        columns={"official__name": "official", "official__phone": "phone"})
    if keys is not None:
        wanted = set(keys)
        frame = frame[[(n, p) in wanted for n, p in zip(frame["official"], frame["phone"], strict=True)]]
    return frame.reset_index(drop=True)


@dataclass
class PairingPreview:
    """What importing a pairing list would do. Nothing is written until `apply_pairing_import`."""

    file_name: str
    sha256: str
    records: pd.DataFrame
    new_officials: list[dict[str, Any]]
    changed_officials: list[dict[str, Any]]
    added: list[dict[str, Any]]
    changes: list[dict[str, Any]]
    unchanged: int
    notes: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {"added": len(self.added), "changed": len({c["pairing_id"] for c in self.changes}),
                "unchanged": self.unchanged}

    @property
    def is_noop(self) -> bool:
        return not (self.added or self.changes or self.new_officials or self.changed_officials)

    def fingerprint(self) -> str:
        """A digest of what the plan would write, compared again when the user confirms the preview."""
        body = json.dumps([self.new_officials, self.changed_officials, self.added, self.changes],
                          ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(body.encode()).hexdigest()

    def summary(self) -> str:
        c = self.counts
        return (f"新增包联 {c['added']} 对，变更 {c['changed']} 对，未变 {c['unchanged']} 对；"
                f"新增包联干部 {len(self.new_officials)} 人，干部信息变更 {len(self.changed_officials)} 人。")


def _read(data: bytes, file_name: str) -> tuple[pd.DataFrame, dict[str, dict[str, str]]]:
    """Every pairing sheet's checked records, or one AppError listing every problem (sheet, row, column)."""
    with parsing.upload_slot():
        _kind, sheets = parsing.read_sheets(data, file_name)
    sheets = parsing.visible_sheets(sheets)
    rules = load_rules()
    defaults = {"visits": rules.visits, "calls": rules.calls, "quota": rules.quota}
    found: list[tuple[str, calc.SheetRows]] = []
    for sheet in sheets:
        rows = calc.sheet_rows(sheet.cells, sheet.name)
        if rows is not None:
            found.append((sheet.name, rows))
    if not found:
        raise AppError(f"文件「{file_name}」中没有找到包联名单：表头应有「包联干部」「干部单位」「联系电话」「企业名称」"
                       "「统一社会信用代码」「开始日期」等列。请参照导入页面的格式说明调整后再导入。")
    codes = sorted({str(c).strip().upper() for _n, r in found for c in r.frame.get("credit_code", [])})
    looked = lookups(codes)
    frames, problems = [], []
    columns: dict[str, dict[str, str]] = {}
    for name, rows in found:
        recs, sheet_problems = calc.check_rows(rows, looked, defaults)
        frames.append(recs)
        problems += sheet_problems
        columns[name] = rows.columns
    records = pd.concat(frames, ignore_index=True)
    problems += calc.duplicate_problems(records, columns)
    if problems:
        raise AppError(f"文件「{file_name}」有{len(problems)}处问题，未导入任何包联关系：请逐条修改后重新导入。",
                       problems=problems, code="import_problems")
    return records, columns


def prepare_pairing_import(data: bytes, file_name: str, user: Any = None, *, today: dt.date | None = None) -> PairingPreview:
    """Read, check and plan a pairing list; raise one AppError listing every problem. Writes nothing."""
    check_import_allowed(user)
    file_name = Path(file_name).name or "上传文件"
    records, columns = _read(data, file_name)
    return plan_pairings(records, columns, file_name, hashlib.sha256(data).hexdigest(), today=today)


def plan_pairings(records: pd.DataFrame, columns: dict[str, dict[str, str]], file_name: str, sha256: str, *,
                  today: dt.date | None = None) -> PairingPreview:
    """Compare checked records with the pairings held; refuse (with the rows) what would exceed a quota."""
    day = today or timezone.localdate()
    rules = load_rules()
    keys = sorted(set(zip(records["official"], records["phone"], strict=True)))
    officials = {(o.name, o.phone): o for o in Official.objects.filter(name__in=[k[0] for k in keys])
                 if (o.name, o.phone) in set(keys)}
    first = records.drop_duplicates(["official", "phone"]).set_index(["official", "phone"])
    new_officials: list[dict[str, Any]] = []
    changed_officials: list[dict[str, Any]] = []
    quotas: dict[tuple[str, str], int] = {}
    for key in keys:
        rec = first.loc[key]
        given_quota = None if pd.isna(rec["quota"]) else int(rec["quota"])
        user_id = None if pd.isna(rec["user_id"]) else int(rec["user_id"])
        wanted = {"unit_name": rec["official_unit"], "user_id": user_id}
        held = officials.get(key)
        if held is None:
            new_officials.append({"name": key[0], "phone": key[1], **wanted, "quota": given_quota})
            quotas[key] = given_quota or rules.quota
            continue
        if given_quota is not None:
            wanted["quota"] = given_quota
        diff = {f: (getattr(held, f), v) for f, v in wanted.items() if getattr(held, f) != v}
        if diff:
            changed_officials.append({"id": held.pk, "name": key[0], "phone": key[1],
                                      **{f: v[1] for f, v in diff.items()}, "old": {f: v[0] for f, v in diff.items()}})
        quotas[key] = given_quota or held.quota or rules.quota
    held = held_pairings(keys)
    keyed = key_firm_ids(rules)
    problems = calc.quota_problems(records, held, keyed, quotas, day, columns)
    users = [r for r in [*new_officials, *changed_officials] if r.get("user_id")]
    taken = dict(Official.objects.filter(user_id__in=[r["user_id"] for r in users]).values_list("user_id", "name"))
    for r in users:
        other = taken.get(r["user_id"])
        if other is not None and other != r["name"]:
            rec = records[(records["official"] == r["name"]) & (records["phone"] == r["phone"])].iloc[0]
            problems.append(Problem(f"该平台账号已属于包联干部「{other}」：一个账号只能对应一名干部。", rec["sheet"] or None,
                                    int(rec["row"]), columns.get(rec["sheet"], {}).get("username")))
    if problems:
        raise AppError(f"文件「{file_name}」有{len(problems)}处问题，未导入任何包联关系：请逐条修改后重新导入。",
                       problems=problems, code="import_problems")
    by_key = {(r["official"], r["phone"], int(r["firm_id"]), r["start_date"]): r for r in held.to_dict("records")}
    added: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    unchanged = 0
    for rec in records.to_dict("records"):
        pkey = (rec["official"], rec["phone"], int(rec["firm_id"]), rec["start_date"])
        values = {"end_date": rec["end_date"], "visits_per_month": int(rec["visits_per_month"]),
                  "calls_per_month": int(rec["calls_per_month"])}
        found = by_key.get(pkey)
        if found is None:
            added.append({"official": rec["official"], "phone": rec["phone"], "firm_id": int(rec["firm_id"]),
                          "credit_code": rec["credit_code"], "start_date": rec["start_date"], **values})
            continue
        fields = [{"pairing_id": int(found["id"]), "field": f, "old": _plain(found[f]), "new": v}
                  for f, v in values.items() if _plain(found[f]) != v]
        if fields:
            changes += fields
        else:
            unchanged += 1
    preview = PairingPreview(file_name, sha256, records, new_officials, changed_officials, added, changes, unchanged)
    if preview.is_noop:
        preview.notes.append("包联名单均未变化：本文件中的包联关系已全部导入过，不会写入任何内容。")
    return preview


def _plain(value: Any) -> Any:
    if value is None or (not isinstance(value, str | dt.date) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def check_import_allowed(user: Any) -> None:
    """Only the office imports the pairing list (the CLI and the demo run as the command line)."""
    from newind.accounts.access import PAIRING_IMPORT_PAGE

    PAIRING_IMPORT_PAGE.require(user)


CONFLICT = "预览之后，包联名单已被他人修改，本次未写入任何内容：请重新上传文件、查看新的预览后再确认。"


def apply_pairing_import(preview: PairingPreview, user: Any = None, source_kind: str = "import", *,
                         expected: str | None = None, synthetic: bool = False,
                         today: dt.date | None = None) -> PairingBatch | None:
    """Write a previewed list in one transaction; None when nothing would change. The plan is made again
    inside the transaction; if it differs from the preview (`expected`), nothing is written (409)."""
    check_import_allowed(user)
    if preview.is_noop:
        return None
    with transaction.atomic():
        columns: dict[str, dict[str, str]] = {s: {} for s in preview.records["sheet"].unique()}
        plan = plan_pairings(preview.records, columns, preview.file_name, preview.sha256, today=today)
        if plan.fingerprint() != (expected or preview.fingerprint()):
            raise Conflict(CONFLICT)
        actor = user if getattr(user, "pk", None) else None
        batch = PairingBatch.objects.create(file_name=preview.file_name[:255], sha256=preview.sha256,
                                            created_by=actor, source_kind=source_kind, **plan.counts)
        Official.objects.bulk_create([Official(name=o["name"], phone=o["phone"], unit_name=o["unit_name"],
                                               user_id=o["user_id"], quota=o["quota"], is_synthetic=synthetic)
                                      for o in plan.new_officials])
        for o in plan.changed_officials:
            Official.objects.filter(pk=o["id"]).update(**{f: o[f] for f in OFFICIAL_FIELDS if f in o})
        names = sorted({a["official"] for a in plan.added})
        ids = {(o.name, o.phone): o.pk for o in Official.objects.filter(name__in=names)}
        Pairing.objects.bulk_create([Pairing(official_id=ids[(a["official"], a["phone"])], firm_id=a["firm_id"],
                                             start_date=a["start_date"], end_date=a["end_date"],
                                             visits_per_month=a["visits_per_month"],
                                             calls_per_month=a["calls_per_month"], batch=batch, is_synthetic=synthetic)
                                     for a in plan.added], batch_size=2000)
        for c in plan.changes:
            Pairing.objects.filter(pk=c["pairing_id"]).update(**{c["field"]: c["new"]})
        record("pairing.import", user=user, obj=batch,
               after={"file": preview.file_name, "sha256": preview.sha256, **plan.counts,
                      "new_officials": [o["name"] for o in plan.new_officials][:500],
                      "changed_officials": plan.changed_officials[:200],
                      "added": [[a["official"], a["credit_code"], a["start_date"]] for a in plan.added][:500],
                      "changes": plan.changes[:500]},
               summary=f"导入包联名单「{preview.file_name}」：{plan.summary()}")
    return batch


def import_pairing_file(path: Path, user: Any = None, *, apply: bool = False) -> tuple[PairingPreview,
                                                                                     PairingBatch | None]:
    """Preview a pairing list on disk and, with apply, write it."""
    try:
        size = path.stat().st_size
    except OSError:
        raise AppError(f"找不到文件「{path}」：请检查路径。") from None
    parsing.check_upload_size(size)
    preview = prepare_pairing_import(path.read_bytes(), path.name, user)
    if not apply:
        return preview, None
    return preview, apply_pairing_import(preview, user)


# --- visits ------------------------------------------------------------------------------------------------


def log_visit(user: Any, pairing_id: int, *, date: dt.date, kind: str, participants: str, discussed: str,
              problems: Sequence[str] = (), synthetic: bool = False, today: dt.date | None = None) -> Visit:
    """Record a visit, call or meeting of a pairing (the official themself or the office), with the problems
    found (one row each); audited."""
    from newind.accounts.access import pairing_for

    pairing = pairing_for(user, pairing_id, write=True)
    day = today or timezone.localdate()
    if kind not in VisitKind.values:
        raise AppError(f"方式「{kind}」不是可选的值：请选择{'、'.join(VisitKind(k).label for k in VisitKind.values)}。")
    if date > day:
        raise AppError(f"日期 {date} 晚于今天：请填写已经进行的走访或电话的日期。")
    if date < pairing.start_date or (pairing.end_date and date > pairing.end_date):
        end = pairing.end_date or "至今"
        raise AppError(f"日期 {date} 不在该包联关系的期限（{pairing.start_date} 至 {end}）内：请核对日期。")
    if not participants.strip():
        raise AppError("请填写参加人员（如 包联干部、企业负责人）。")
    if not discussed.strip():
        raise AppError("请填写交流内容。")
    found = [p.strip() for p in problems if p.strip()]
    with transaction.atomic():
        visit = Visit.objects.create(pairing=pairing, official_id=pairing.official_id, firm_id=pairing.firm_id,
                                     date=date, kind=kind, participants=participants.strip()[:200],
                                     discussed=discussed.strip(), is_synthetic=synthetic,
                                     created_by=user if getattr(user, "is_authenticated", False) else None)
        VisitProblem.objects.bulk_create([VisitProblem(visit=visit, description=p[:500]) for p in found])
        record("pairing.visit", user=user, obj=visit, unit=pairing.firm_id,
               after={"pairing": pairing.pk, "date": str(date), "kind": kind, "problems": found},
               summary=f"记录{VisitKind(kind).label}：{pairing.official.name} → {pairing.firm.name}（{date}）"
                       + (f"，发现问题{len(found)}个" if found else "") + "。")
    return visit


def problem_to_appeal(user: Any, problem_id: int, *, category: str = "", title: str = "",
                      now: dt.datetime | None = None) -> Any:
    """Turn a problem found on a visit into an appeal (cases.services.file_case, channel 走访收集, the firm as
    the party concerned) and keep the case on the problem row. A problem becomes one appeal only (409)."""
    from newind.accounts.access import visit_for
    from newind.cases.choices import CaseKind, Channel
    from newind.cases.services import file_case

    problem = VisitProblem.objects.filter(pk=problem_id).select_related("visit").first()
    if problem is None:
        from newind.core.errors import not_found

        raise not_found("该走访问题")
    visit = visit_for(user, problem.visit_id, write=True)
    rules = load_rules()
    with transaction.atomic():
        problem = VisitProblem.objects.select_for_update().get(pk=problem.pk)
        if problem.case_id is not None:
            raise Conflict(f"该问题已转为诉求（{problem.case.code}），不能重复转办。")
        moment = now or timezone.now()
        case = file_case(user=user, title=(title.strip() or f"走访发现：{problem.description}")[:200],
                         profile_code=rules.sla_profile, received_at=moment,
                         category_codes=[category or rules.default_category], kind=CaseKind.APPEAL,
                         channel=Channel.VISIT, concerned_unit=visit.firm,
                         description=f"{visit.get_kind_display()}（{visit.date}，{visit.official.name}）发现的问题：\n"
                                     f"{problem.description}\n\n交流内容：{visit.discussed}",
                         is_synthetic=visit.is_synthetic)
        problem.case = case
        problem.appealed_at = moment
        problem.save(update_fields=["case", "appealed_at"])
        record("pairing.problem_to_appeal", user=user, obj=problem, unit=visit.firm_id,
               after={"visit": visit.pk, "case": case.pk, "code": case.code},
               summary=f"走访问题「{problem.description[:60]}」转为企业诉求 {case.code}。")
    return case


def flag_key_firm(user: Any, firm_id: int, *, reason: str, on: bool = True) -> KeyFirmFlag | None:
    """Mark (or unmark) a firm as a key firm by hand: the office; audited."""
    from newind.accounts.access import PAIRING_IMPORT_PAGE, enterprise_for
    from newind.enterprises.models import EnterpriseProfile

    PAIRING_IMPORT_PAGE.require(user)
    profile = EnterpriseProfile.objects.filter(unit_id=firm_id).first()
    if profile is None:
        raise AppError("企业档案中没有该企业：只能标记已建档的企业。")
    if user is not None:
        enterprise_for(user, profile.pk, write=True)
    with transaction.atomic():
        if not on:
            KeyFirmFlag.objects.filter(firm_id=firm_id).delete()
            record("pairing.key_firm_unflag", user=user, object_type="units.unit", object_id=firm_id, unit=firm_id,
                   summary=f"取消重点企业标记：{profile.unit.name}。")
            return None
        flag, _ = KeyFirmFlag.objects.update_or_create(
            firm_id=firm_id, defaults={"reason": reason[:200],
                                       "created_by": user if getattr(user, "pk", None) else None})
        record("pairing.key_firm_flag", user=user, obj=flag, unit=firm_id, after={"reason": reason},
               summary=f"标记重点企业：{profile.unit.name}（{reason}）。")
    return flag
