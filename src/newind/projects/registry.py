"""Writes of the project registry (项目库): the office's project workbook → checked records → plan (new /
changed fields / unchanged) → preview → all-or-nothing write, the discipline of the figure imports
(indicators.services) and of the enterprise registry (enterprises.services).

A re-import updates the project it matches (by 项目编号, else by 项目名称 within its county) and never
duplicates it. Every field it changes gets a `ProjectChange` row (who, when, old → new, batch); a new
当前阶段 is a change of kind 阶段变化, and the stage rows keep their dates. Each write is one audit entry;
re-importing the same file plans nothing and writes nothing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from newind.core.errors import AppError, Conflict, Problem
from newind.projects import calc
from newind.projects.choices import STAGE_ORDER, ChangeKind, Stage
from newind.projects.models import Project, ProjectChange, ProjectImportBatch, ProjectStage, ProjectYearPlan
from newind.units.models import Unit, UnitKind

COUNTY_KINDS = (UnitKind.COUNTY, UnitKind.ZONE)
RESPONSIBLE_KINDS = (UnitKind.DEPARTMENT, UnitKind.COUNTY, UnitKind.ZONE, UnitKind.PARK, UnitKind.CITY)
# The model fields a record may set (besides code, stage dates and plans).
MODEL_FIELDS = tuple(f for f in calc.REGISTRY_TRACKED if f != "code")


def lookups() -> calc.RegistryLookups:
    """Counties (and functional zones), parks and responsible units by normalised name, short name and code."""
    counties: dict[str, int] = {}
    parks: dict[str, int] = {}
    units: dict[str, int] = {}
    names: dict[str, list[str]] = {"county": [], "park": []}
    for u in Unit.objects.filter(kind__in=RESPONSIBLE_KINDS).order_by("sort_order", "code"):
        keys = [calc.registry_norm(t) for t in (u.code, u.division_code, u.name, u.short_name) if t]
        if u.kind == UnitKind.PARK:
            target: dict[str, int] | None = parks
            names["park"].append(u.name)
        elif u.kind in COUNTY_KINDS:
            target = counties
            names["county"].append(u.name)
        else:
            target = None
        for key in keys:
            if target is not None:
                target.setdefault(key, u.id)
            units.setdefault(key, u.id)
    return calc.RegistryLookups(counties, parks, units, names["county"], names["park"])


def existing_projects(ids: list[int]) -> dict[int, dict[str, Any]]:
    """The tracked fields of these projects, with their stage dates and annual plans, by id."""
    out: dict[int, dict[str, Any]] = {}
    if not ids:
        return out
    for values in Project.objects.filter(pk__in=ids).values("id", *calc.REGISTRY_TRACKED):
        values["investor_flags"] = list(values["investor_flags"] or [])
        values["lists"] = list(values["lists"] or [])
        out[values.pop("id")] = values
    for s in ProjectStage.objects.filter(project_id__in=ids).values("project_id", "stage", "planned_on", "actual_on",
                                                                    "evidence"):
        out[s["project_id"]][f"planned:{s['stage']}"] = s["planned_on"]
        out[s["project_id"]][f"actual:{s['stage']}"] = s["actual_on"]
        out[s["project_id"]][f"evidence:{s['stage']}"] = s["evidence"]
    for p in ProjectYearPlan.objects.filter(project_id__in=ids).values("project_id", "year", "planned_investment"):
        out[p["project_id"]][f"plan:{p['year']}"] = p["planned_investment"]
    return out


def _matching_index(records: list[dict[str, Any]]) -> tuple[dict[str, int], dict[tuple[int, str], int]]:
    """Projects on file by code, and by (county, normalised name) where that pair is unique."""
    codes = [r["code"] for r in records if r.get("code")]
    by_code = dict(Project.objects.filter(code__in=codes).values_list("code", "id")) if codes else {}
    county_ids = {r["county_id"] for r in records if r.get("county_id") is not None}
    by_name: dict[tuple[int, str], int] = {}
    clash: set[tuple[int, str]] = set()
    for pid, county_id, name in Project.objects.filter(county_id__in=county_ids).values_list("id", "county_id", "name"):
        key = (county_id, calc.registry_norm(name))
        if key in by_name:
            clash.add(key)
        by_name[key] = pid
    for key in clash:
        by_name.pop(key)
    return by_code, by_name


@dataclass
class ProjectPreview:
    """What importing a project workbook would do. Nothing is written until `apply_project_import`."""

    file_name: str
    sha256: str
    records: list[dict[str, Any]]
    ids: list[int | None]
    added: list[dict[str, Any]]
    changes: list[dict[str, Any]]
    unchanged: int
    notes: list[str] = field(default_factory=list)

    @property
    def changed_ids(self) -> list[int]:
        return sorted({c["project_id"] for c in self.changes})

    @property
    def counts(self) -> dict[str, int]:
        return {"added": len(self.added), "changed": len(self.changed_ids), "unchanged": self.unchanged}

    @property
    def is_noop(self) -> bool:
        return not self.added and not self.changes

    def fingerprint(self) -> str:
        """A digest of what the plan would write, compared again when the user confirms the preview."""
        added = sorted(json.dumps({k: _plain(v) for k, v in r.items() if k not in ("columns", "sheet", "row")},
                                  ensure_ascii=False, sort_keys=True) for r in self.added)
        changes = sorted((c["project_id"], c["field"], str(_plain(c["old"])), str(_plain(c["new"])))
                         for c in self.changes)
        return hashlib.sha256(json.dumps([added, changes], ensure_ascii=False).encode()).hexdigest()

    def summary(self) -> str:
        c = self.counts
        return f"新增项目 {c['added']} 个，变更 {c['changed']} 个（{len(self.changes)} 项），未变 {c['unchanged']} 个。"

    def change_lines(self, limit: int | None = 100) -> list[dict[str, str]]:
        """The changes as display rows: code, name, field label, old → new, and whether it is a stage change."""
        labels = unit_labels(self.changes)
        return [{"code": c["code"], "name": c["name"], "field": calc.registry_field_label(c["field"]),
                 "old": calc.value_text(c["field"], c["old"], labels),
                 "new": calc.value_text(c["field"], c["new"], labels), "is_stage": c["field"] == "stage"}
                for c in (self.changes[:limit] if limit else self.changes)]

    def added_lines(self, limit: int | None = 100) -> list[dict[str, str]]:
        labels = unit_labels([{"field": "county_id", "old": None, "new": r.get("county_id")} for r in self.added])
        return [{"code": r.get("code", ""), "name": r.get("name", ""),
                 "county": calc.value_text("county_id", r.get("county_id"), labels),
                 "stage": Stage(r.get("stage") or Stage.PLANNING).label,
                 "total": calc.value_text("total_investment", r.get("total_investment"))}
                for r in (self.added[:limit] if limit else self.added)]


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return calc.value_text("", value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items())}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def unit_labels(changes: list[dict[str, Any]]) -> dict[int, str]:
    ids = {int(v) for c in changes if c["field"].endswith("_id") for v in (c["old"], c["new"]) if v is not None}
    return {u.id: u.name for u in Unit.objects.filter(id__in=ids)} if ids else {}


def check_import_allowed(user: Any) -> None:
    """Only the office imports the project workbook (the command line too; the demo runs with user None)."""
    if user is None:
        return
    from newind.accounts.access import PROJECT_IMPORT_PAGE

    PROJECT_IMPORT_PAGE.require(user)


def prepare_project_import(data: bytes, file_name: str, user: Any = None) -> ProjectPreview:
    """Read, check and plan a project workbook; raise one AppError listing every problem. Writes nothing."""
    from newind.imports import parsing

    check_import_allowed(user)
    file_name = Path(file_name).name or "上传文件"
    with parsing.upload_slot():
        _kind, sheets = parsing.read_sheets(data, file_name)
    found = lookups()
    records: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for sheet in parsing.visible_sheets(sheets):
        recs = calc.registry_sheet(sheet.cells, sheet.name)
        if recs is None:
            continue
        sheet_records, sheet_problems = calc.check_registry_rows(recs, found)
        records += sheet_records
        problems += sheet_problems
    if not records and not problems:
        raise AppError(f"文件「{file_name}」中没有找到项目表：表头应有「项目编号」「项目名称」「所在县市区」「总投资（万元）」"
                       "等列。请参照导入页面的格式说明调整后再导入。")
    if problems:
        raise AppError(f"文件「{file_name}」有{len(problems)}处问题，未导入任何项目：请逐条修改后重新导入。",
                       problems=problems, code="import_problems")
    return plan_projects(records, file_name, hashlib.sha256(data).hexdigest())


def plan_projects(records: list[dict[str, Any]], file_name: str, sha256: str) -> ProjectPreview:
    """Compare checked records with the registry: new projects, changed fields (old → new), unchanged ones."""
    ids, problems = calc.match_records(records, *_matching_index(records))
    if problems:
        raise AppError(f"文件「{file_name}」有{len(problems)}处问题，未导入任何项目：请逐条修改后重新导入。",
                       problems=problems, code="import_problems")
    existing = existing_projects([i for i in ids if i is not None])
    added, changes, unchanged = calc.diff_registry(records, ids, existing)
    preview = ProjectPreview(file_name, sha256, records, ids, added, changes, unchanged)
    if preview.is_noop:
        preview.notes.append("项目档案均未变化：本文件中的项目已全部导入过，不会写入任何内容。")
    return preview


CONFLICT = "预览之后，项目档案已被他人修改，本次未写入任何内容：请重新上传文件、查看新的预览后再确认。"


def apply_project_import(preview: ProjectPreview, user: Any = None, *, expected: str | None = None,
                         source_kind: str = "import", synthetic: bool = False) -> ProjectImportBatch | None:
    """Write a previewed import in one transaction; None when nothing would change.

    The plan is made again inside the transaction; if it differs from the preview (`expected`, else the
    preview's own fingerprint) nothing is written (409)."""
    check_import_allowed(user)
    if preview.is_noop:
        return None
    actor = user if getattr(user, "pk", None) else None
    with transaction.atomic():
        plan = plan_projects(preview.records, preview.file_name, preview.sha256)
        if plan.fingerprint() != (expected or preview.fingerprint()):
            raise Conflict(CONFLICT)
        batch = ProjectImportBatch.objects.create(file_name=preview.file_name[:255], sha256=preview.sha256,
                                                  created_by=actor, source_kind=source_kind, **plan.counts)
        now = timezone.now()
        created = _create_projects(plan.added, batch, actor, now, synthetic)
        _change_projects(plan.changes, batch, actor, now)
        from newind.audit.services import record

        record("projects.import", user=user, object_type="projects.projectimportbatch", object_id=batch.pk,
               after={"file": preview.file_name, "sha256": preview.sha256, **plan.counts, "added": created[:500],
                      "changes": [{"code": c["code"], "field": c["field"], "old": _plain(c["old"]),
                                   "new": _plain(c["new"])} for c in plan.changes[:500]]},
               summary=f"导入项目库「{preview.file_name}」：{plan.summary()}")
    return batch


def import_project_file(path: Path, user: Any = None, *, dry_run: bool = False) -> tuple[ProjectPreview,
                                                                                      ProjectImportBatch | None]:
    """Preview a project workbook on disk and, unless dry_run, write it."""
    from newind.imports import parsing

    try:
        size = path.stat().st_size
    except OSError:
        raise AppError(f"找不到文件「{path}」：请检查路径。") from None
    parsing.check_upload_size(size)
    preview = prepare_project_import(path.read_bytes(), path.name, user)
    if dry_run:
        return preview, None
    return preview, apply_project_import(preview, user)


def _stage_since(rec: dict[str, Any], stage: str, today: Any) -> Any:
    return rec.get(f"actual:{stage}") or today


def _create_projects(added: list[dict[str, Any]], batch: ProjectImportBatch, user: Any, now: Any,
                     synthetic: bool) -> list[str]:
    """New projects, their stage rows and annual plans and a 建档 history row each, in bulk."""
    if not added:
        return []
    today = timezone.localdate()
    projects = []
    for rec in added:
        values = {f: rec[f] for f in MODEL_FIELDS if f in rec and rec[f] is not None}
        stage = rec.get("stage") or Stage.PLANNING
        projects.append(Project(code=rec["code"], **{**values, "stage": stage},
                                stage_since=_stage_since(rec, stage, today), is_synthetic=synthetic))
    Project.objects.bulk_create(projects, batch_size=500)
    ids = dict(Project.objects.filter(code__in=[r["code"] for r in added]).values_list("code", "id"))
    stages, plans, history = [], [], []
    for rec in added:
        pid = ids[rec["code"]]
        for stage in STAGE_ORDER:
            planned, actual = rec.get(f"planned:{stage}"), rec.get(f"actual:{stage}")
            evidence = rec.get(f"evidence:{stage}") or ""
            if planned or actual or evidence:
                stages.append(ProjectStage(project_id=pid, stage=stage, planned_on=planned, actual_on=actual,
                                           evidence=evidence))
        plans += [ProjectYearPlan(project_id=pid, year=y, planned_investment=v) for y, v in rec.get("plans", {}).items()]
        history.append(ProjectChange(project_id=pid, kind=ChangeKind.CREATED, new_value=rec["name"][:500],
                                     batch=batch, changed_by=user, changed_at=now))
    ProjectStage.objects.bulk_create(stages, batch_size=1000)
    ProjectYearPlan.objects.bulk_create(plans, batch_size=1000)
    ProjectChange.objects.bulk_create(history, batch_size=1000)
    return [r["code"] for r in added]


def _change_projects(changes: list[dict[str, Any]], batch: ProjectImportBatch, user: Any, now: Any) -> None:
    """Apply changed fields project by project (changes are few), each with its history row."""
    if not changes:
        return
    by_project: dict[int, list[dict[str, Any]]] = {}
    for c in changes:
        by_project.setdefault(c["project_id"], []).append(c)
    projects = Project.objects.in_bulk(list(by_project))
    stage_rows = {(s.project_id, s.stage): s for s in ProjectStage.objects.filter(project_id__in=list(by_project))}
    labels = unit_labels(changes)
    today = timezone.localdate()
    history = []
    for pid, items in by_project.items():
        project = projects[pid]
        for c in items:
            name, new = c["field"], c["new"]
            kind = ChangeKind.STAGE if name == "stage" else ChangeKind.CHANGED
            if name.startswith(("planned:", "actual:", "evidence:")):
                which, _, stage = name.partition(":")
                row = stage_rows.get((pid, stage)) or ProjectStage(project_id=pid, stage=stage)
                setattr(row, {"planned": "planned_on", "actual": "actual_on", "evidence": "evidence"}[which], new)
                row.save()
                stage_rows[(pid, stage)] = row
            elif name.startswith("plan:"):
                ProjectYearPlan.objects.update_or_create(project_id=pid, year=int(name[5:]),
                                                         defaults={"planned_investment": new})
            else:
                setattr(project, name, new if new is not None or name.endswith("_id") else _blank_of(name))
            history.append(ProjectChange(project=project, kind=kind, field=name[:40],
                                         old_value=calc.value_text(name, c["old"], labels)[:500],
                                         new_value=calc.value_text(name, new, labels)[:500], batch=batch,
                                         changed_by=user, changed_at=now))
        stage_change = next((c for c in items if c["field"] == "stage"), None)
        if stage_change is not None:
            row = stage_rows.get((pid, project.stage))
            project.stage_since = (row.actual_on if row and row.actual_on else None) or today
        project.save()
    ProjectChange.objects.bulk_create(history)


def _blank_of(name: str) -> Any:
    """The stored value of a cleared field: '' for text, [] for lists, None for amounts."""
    if name in ("investor_flags", "lists"):
        return []
    if name in calc.AMOUNT_FIELDS:
        return None
    if name in ("is_industrial",):
        return True
    if name == "has_task_force":
        return False
    return ""
