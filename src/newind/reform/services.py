"""Writes of reform task lists: a milestone reported done (or corrected) by its owner unit, and the task list
import (plan → preview → apply with a fingerprint, all-or-nothing). One transaction each, every write audited
with before/after (the history a task page shows). Access is decided by the caller through
accounts.access (reform_task_for(..., write=True), REFORM_IMPORT_PAGE)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd
from django.db import transaction
from django.utils import timezone
from openpyxl.utils import get_column_letter

from newind.audit.services import record
from newind.core.errors import AppError, Conflict, Problem
from newind.reform.models import Milestone, ReformTask, TaskSet
from newind.units.models import Unit


def _ms_snapshot(m: Milestone) -> dict[str, Any]:
    return {"seq": m.seq, "title": m.title, "planned_on": m.planned_on.isoformat(), "weight": str(m.weight),
            "done_on": m.done_on.isoformat() if m.done_on else None, "evidence": m.evidence}


@transaction.atomic
def report_milestone(user: Any, milestone: Milestone, *, done_on: dt.date | None, evidence: str,
                     today: dt.date) -> Milestone:
    """The owner unit reports a milestone done on `done_on` with its evidence, or (done_on None) withdraws a
    report made in error. A done date in the future is refused; evidence is required for a report."""
    evidence = (evidence or "").strip()
    if done_on is not None and done_on > today:
        raise AppError(f"完成日期{done_on.isoformat()}晚于今天（{today.isoformat()}）：只能报告已经完成的节点。")
    if done_on is not None and not evidence:
        raise AppError("请填写完成情况与佐证（如文件文号、验收意见、现场照片说明），再报告完成。")
    before = _ms_snapshot(milestone)
    milestone.done_on = done_on
    milestone.evidence = evidence[:2000]
    milestone.reported_by = user if getattr(user, "pk", None) else None
    milestone.reported_at = timezone.now()
    milestone.save()
    after = _ms_snapshot(milestone)
    if before == after:
        return milestone
    task = milestone.task
    what = f"报告完成（{done_on.isoformat()}）" if done_on else "撤回完成报告"
    record("reform.milestone.report" if done_on else "reform.milestone.withdraw", user=user,
           object_type="reform.reformtask", object_id=task.pk, unit=task.owner_unit_id, before=before, after=after,
           summary=f"任务「{task.code} {task.title}」第{milestone.seq}个节点「{milestone.title}」{what}")
    return milestone


# --- import ------------------------------------------------------------------------------------------------

HEADERS = {"task_code": "任务编号", "task_title": "任务名称", "owner": "牵头单位", "co_units": "配合单位",
           "task_weight": "任务权重", "seq": "节点序号", "ms_title": "节点内容", "planned_on": "计划完成日期",
           "ms_weight": "节点权重"}
REQUIRED = ("task_code", "task_title", "owner", "seq", "ms_title", "planned_on")
_ALIASES = {"牵头单位": "owner", "责任单位": "owner", "节点名称": "ms_title", "计划日期": "planned_on",
            "计划完成时间": "planned_on"}
_HEADER_OF = {v: k for k, v in HEADERS.items()} | _ALIASES
_SPLIT = re.compile(r"[、,，;；/\s]+")


def _header_key(value: Any) -> str | None:
    text = re.sub(r"[\s（(].*$", "", str(value or "").strip())
    return _HEADER_OF.get(text)


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 20000 < float(value) < 80000:
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))  # an Excel serial day number
    text = _text(value)
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _weight(value: Any) -> Decimal | None:
    text = _text(value)
    if not text:
        return Decimal("1")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number.quantize(Decimal("0.01")) if number.is_finite() and number > 0 else None


def unit_lookup() -> dict[str, int]:
    """Unit code, full name and short name → unit id (the office writes owner units either way)."""
    found: dict[str, int] = {}
    for uid, code, name, short in Unit.objects.values_list("id", "code", "name", "short_name"):
        for key in (code, name, short):
            if key:
                found.setdefault(str(key).strip(), uid)
    return found


@dataclass
class TaskPlan:
    """What an import would write into one task set: new and changed tasks and milestones (old → new)."""

    set_values: dict[str, Any]
    file_name: str
    sha256: str
    tasks: list[dict[str, Any]]
    set_change: dict[str, Any] = field(default_factory=dict)
    added_tasks: list[str] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)
    added_milestones: list[str] = field(default_factory=list)
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def is_noop(self) -> bool:
        return not (self.set_change or self.added_tasks or self.changes or self.added_milestones)

    def fingerprint(self) -> str:
        """A digest of what the plan would write, compared again when the user confirms the preview."""
        body = [self.set_values, sorted(self.set_change.items()), self.added_tasks, self.added_milestones,
                [(c["what"], c["field"], str(c["old"]), str(c["new"])) for c in self.changes]]
        return hashlib.sha256(json.dumps(body, ensure_ascii=False, default=str).encode()).hexdigest()

    def summary(self) -> str:
        return (f"新增任务 {len(self.added_tasks)} 项、节点 {len(self.added_milestones)} 个，变更 {len(self.changes)} 处，"
                f"未变 {self.unchanged} 个节点。")


def _sheet_rows(cells: pd.DataFrame, sheet: str) -> tuple[list[dict[str, Any]], list[Problem]] | None:
    """Find the header row (naming 任务编号 and 节点序号) in the first 10 rows; None when the sheet has none."""
    for i in range(min(10, len(cells))):
        found: dict[str, int] = {}
        for j, value in enumerate(cells.iloc[i].tolist()):
            key = _header_key(value)
            if key and key not in found:
                found[key] = j
        if "task_code" in found and "seq" in found:
            break
    else:
        return None
    problems = [Problem(f"缺少「{HEADERS[k]}」列：请在表头中加上这一列（可下载模板对照）。", sheet, i + 1, None)
                for k in REQUIRED if k not in found]
    rows = []
    for r in range(i + 1, len(cells)):
        values = {k: cells.iat[r, j] for k, j in found.items()}
        if all(_text(v) == "" for v in values.values()):
            continue
        rows.append({"row": r + 1, "values": values,
                     "letters": {k: get_column_letter(j + 1) for k, j in found.items()}})
    return rows, problems


def check_rows(rows: list[dict[str, Any]], sheet: str, units: dict[str, int]) -> tuple[list[dict[str, Any]],
                                                                                       list[Problem]]:
    """Check every row; group them into tasks with their milestones. Every problem names sheet, row, column."""
    problems: list[Problem] = []
    tasks: dict[str, dict[str, Any]] = {}
    for r in rows:
        v, col, n = r["values"], r["letters"], r["row"]

        def bad(key: str, message: str, n: int = n, col: dict[str, str] = col) -> None:
            problems.append(Problem(message, sheet, n, col.get(key)))

        code, title = _text(v.get("task_code")), _text(v.get("task_title"))
        if not code:
            bad("task_code", "「任务编号」为空：每一行都要写所属任务的编号（同一任务的各个节点编号相同）。")
            continue
        first = code not in tasks
        owner_text = _text(v.get("owner"))
        owner = units.get(owner_text)
        if not owner_text and not first:
            owner = tasks[code]["owner_id"]
        elif not owner_text:
            bad("owner", "「牵头单位」为空：请填写单位代码或单位名称。")
        elif owner is None:
            bad("owner", f"「牵头单位」「{owner_text}」不是平台中的单位：请填写单位代码（如 430621、D430600-FGW）或单位全称。")
        co_ids = []
        for name in [s for s in _SPLIT.split(_text(v.get("co_units"))) if s]:
            if name not in units:
                bad("co_units", f"「配合单位」中的「{name}」不是平台中的单位：多个单位用顿号分隔，请填写单位代码或全称。")
            else:
                co_ids.append(units[name])
        task_weight = _weight(v.get("task_weight"))
        if not first and not _text(v.get("task_weight")):
            task_weight = tasks[code]["weight"]
        if task_weight is None:
            bad("task_weight", f"「任务权重」「{_text(v.get('task_weight'))}」不是正数：请填写大于0的数，不填按1计。")
        seq_text = _text(v.get("seq"))
        seq = int(seq_text) if seq_text.isdigit() and int(seq_text) > 0 else None
        if seq is None:
            bad("seq", f"「节点序号」「{seq_text}」不是正整数：请按1、2、3……填写。")
        ms_title = _text(v.get("ms_title"))
        if not ms_title:
            bad("ms_title", "「节点内容」为空：请写明该节点要完成什么。")
        planned = _date(v.get("planned_on"))
        if planned is None:
            bad("planned_on", f"「计划完成日期」「{_text(v.get('planned_on'))}」不是日期：请按 2017-06-30 的格式填写。")
        ms_weight = _weight(v.get("ms_weight"))
        if ms_weight is None:
            bad("ms_weight", f"「节点权重」「{_text(v.get('ms_weight'))}」不是正数：请填写大于0的数，不填按1计。")
        task = tasks.setdefault(code, {"code": code, "title": title, "owner_id": owner, "co_ids": sorted(co_ids),
                                       "weight": task_weight, "row": n, "milestones": {}})
        if task["row"] != n:
            for key, mine, theirs in (("task_title", title, task["title"]), ("owner", owner, task["owner_id"]),
                                      ("task_weight", task_weight, task["weight"]),
                                      ("co_units", sorted(co_ids), task["co_ids"])):
                if _text(v.get(key)) and mine != theirs:
                    bad(key, f"任务「{code}」的「{HEADERS[key]}」与第{task['row']}行不一致：同一任务各行应相同，或只在第一行填写。")
        elif not title:
            bad("task_title", f"任务「{code}」的「任务名称」为空：请在该任务的第一行写明任务名称。")
        if seq is not None:
            if seq in task["milestones"]:
                bad("seq", f"任务「{code}」的节点序号{seq}重复（第{task['milestones'][seq]['row']}行已有）：每个节点序号只能出现一次。")
            else:
                task["milestones"][seq] = {"seq": seq, "title": ms_title, "planned_on": planned, "weight": ms_weight,
                                           "row": n}
    return list(tasks.values()), problems


def _check_set_values(values: dict[str, Any]) -> dict[str, Any]:
    code = str(values.get("code") or "").strip()
    name = str(values.get("name") or "").strip()
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", code):
        raise AppError("任务清单代码应为1—32位字母、数字、短横线（如 qysy-2017）。")
    if not name:
        raise AppError("请填写任务清单名称（如 2017年工业领域「三去一降一补」任务清单）。")
    try:
        year = int(values.get("year") or 0)
    except (TypeError, ValueError):
        year = 0
    if not 2000 <= year <= 2100:
        raise AppError("请填写任务清单的年度（如 2017）。")
    return {"code": code, "name": name[:200], "year": year,
            "source_document": str(values.get("source_document") or "").strip()[:300]}


def prepare_import(data: bytes, file_name: str, set_values: dict[str, Any]) -> TaskPlan:
    """Read, check and plan a task list workbook; raise one AppError listing every problem. Writes nothing."""
    from newind.imports import parsing

    set_values = _check_set_values(set_values)
    with parsing.upload_slot():
        _kind, sheets = parsing.read_sheets(data, file_name)
    units = unit_lookup()
    tasks: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for sheet in parsing.visible_sheets(sheets):
        found = _sheet_rows(sheet.cells, sheet.name)
        if found is None:
            continue
        rows, header_problems = found
        problems += header_problems
        if header_problems:
            continue
        sheet_tasks, sheet_problems = check_rows(rows, sheet.name, units)
        tasks += sheet_tasks
        problems += sheet_problems
    if not tasks and not problems:
        raise AppError(f"文件「{file_name}」中没有找到任务清单：表头应有「任务编号」「任务名称」「牵头单位」「节点序号」"
                       "「节点内容」「计划完成日期」等列。请下载模板对照后再导入。")
    if problems:
        raise AppError(f"文件「{file_name}」有{len(problems)}处问题，未导入任何任务：请逐条修改后重新导入。",
                       problems=problems, code="import_problems")
    return plan(tasks, set_values, file_name, hashlib.sha256(data).hexdigest())


def _show(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return "" if value is None else str(value)


def plan(tasks: list[dict[str, Any]], set_values: dict[str, Any], file_name: str, sha256: str) -> TaskPlan:
    """Compare checked tasks with the set on file: what is new, what changes (old → new), what stays."""
    result = TaskPlan(set_values, file_name, sha256, tasks)
    existing = TaskSet.objects.filter(code=set_values["code"]).first()
    if existing is not None:
        for key in ("name", "year", "source_document"):
            if getattr(existing, key) != set_values[key]:
                result.set_change[key] = [getattr(existing, key), set_values[key]]
    on_file = {t.code: t for t in ReformTask.objects.filter(task_set=existing).prefetch_related(
        "co_units", "milestones")} if existing else {}
    labels = dict(Unit.objects.values_list("id", "name"))
    for t in tasks:
        current = on_file.get(t["code"])
        if current is None:
            result.added_tasks.append(t["code"])
            result.added_milestones += [f"{t['code']}-{s}" for s in sorted(t["milestones"])]
            continue
        what = f"{t['code']} {t['title']}"
        for key, old, new in (("任务名称", current.title, t["title"]),
                              ("牵头单位", labels.get(current.owner_unit_id), labels.get(t["owner_id"])),
                              ("配合单位", "、".join(sorted(labels[u.id] for u in current.co_units.all())),
                               "、".join(sorted(labels[i] for i in t["co_ids"]))),
                              ("任务权重", current.weight, t["weight"])):
            if old != new:
                result.changes.append({"what": what, "field": key, "old": _show(old), "new": _show(new)})
        ms = {m.seq: m for m in current.milestones.all()}
        for seq, m in sorted(t["milestones"].items()):
            old_m = ms.get(seq)
            if old_m is None:
                result.added_milestones.append(f"{t['code']}-{seq}")
                continue
            changed = False
            for key, old, new in (("节点内容", old_m.title, m["title"]), ("计划完成日期", old_m.planned_on,
                                                                        m["planned_on"]),
                                  ("节点权重", old_m.weight, m["weight"])):
                if old != new:
                    result.changes.append({"what": f"{t['code']}-{seq}", "field": key, "old": _show(old),
                                           "new": _show(new)})
                    changed = True
            result.unchanged += 0 if changed else 1
        missing = sorted(set(ms) - set(t["milestones"]))
        if missing:
            result.notes.append(f"任务「{t['code']}」在平台中的节点 {'、'.join(map(str, missing))} 不在文件中，保持不变。")
    missing_tasks = sorted(set(on_file) - {t["code"] for t in tasks})
    if missing_tasks:
        result.notes.append(f"平台中的任务 {'、'.join(missing_tasks)} 不在文件中，保持不变（不删除已有任务）。")
    if result.is_noop:
        result.notes.append("任务清单没有变化：本文件已导入过，不会写入任何内容。")
    return result


CONFLICT = "预览之后，任务清单已被他人修改，本次未写入任何内容：请重新上传文件、查看新的预览后再确认。"


def apply_import(preview: TaskPlan, user: Any, *, expected: str | None = None,
                 synthetic: bool = False) -> TaskSet | None:
    """Write a previewed import in one transaction (planned again inside it; a different plan → 409, nothing
    written). Done dates and evidence already reported are kept. None when nothing would change."""
    if preview.is_noop:
        return None
    with transaction.atomic():
        again = plan(preview.tasks, preview.set_values, preview.file_name, preview.sha256)
        if again.fingerprint() != (expected or preview.fingerprint()):
            raise Conflict(CONFLICT)
        values = preview.set_values
        task_set, created = TaskSet.objects.get_or_create(code=values["code"], defaults={
            "name": values["name"], "year": values["year"], "source_document": values["source_document"],
            "is_synthetic": synthetic})
        if not created:
            TaskSet.objects.filter(pk=task_set.pk).update(name=values["name"], year=values["year"],
                                                          source_document=values["source_document"])
        for t in preview.tasks:
            task, _ = ReformTask.objects.update_or_create(task_set=task_set, code=t["code"], defaults={
                "title": t["title"][:300], "owner_unit_id": t["owner_id"], "weight": t["weight"],
                "is_synthetic": synthetic})
            task.co_units.set(t["co_ids"])
            for seq, m in t["milestones"].items():
                Milestone.objects.update_or_create(task=task, seq=seq, defaults={
                    "title": m["title"][:300], "planned_on": m["planned_on"], "weight": m["weight"]})
        record("reform.import", user=user, object_type="reform.taskset", object_id=task_set.pk,
               before={"set": {k: v[0] for k, v in again.set_change.items()}} if not created else None,
               after={"file": preview.file_name, "sha256": preview.sha256, "set": values,
                      "added_tasks": again.added_tasks, "added_milestones": again.added_milestones[:500],
                      "changes": [{k: str(v) for k, v in c.items()} for c in again.changes[:500]]},
               summary=f"导入任务清单「{values['name']}」（{preview.file_name}）：{again.summary()}")
    return task_set


# --- the template -------------------------------------------------------------------------------------------

def template_workbook() -> bytes:
    """The downloadable template: the task sheet with its header and two example rows, and a notes sheet."""
    from openpyxl import Workbook

    from newind.core.xlsx import append_rows, workbook_bytes

    wb = Workbook()
    ws = wb.active
    ws.title = "任务清单"
    append_rows(ws, [list(HEADERS.values()),
                     ["QY-01", "压减过剩产能（示例）", "D430600-FGW", "D430600-GXJ、430682", 2, 1,
                      "制定年度去产能实施方案", "2017-03-31", 1],
                     ["QY-01", "", "", "", "", 2, "完成关停企业验收", "2017-09-30", 2]],
               text_columns=frozenset({0, 2, 3, 7}))
    notes = wb.create_sheet("填写说明")
    append_rows(notes, [["说明"], ["每一行是一个任务节点；同一任务的各行「任务编号」相同，任务名称、牵头单位、配合单位、任务权重只需在第一行填写。"],
                        ["牵头单位、配合单位填写单位代码（如 430621、D430600-FGW）或单位全称；多个配合单位用顿号分隔。"],
                        ["计划完成日期按 2017-06-30 的格式填写；任务权重、节点权重不填按1计。"],
                        ["导入先预览，确认后整体写入；有任何一处错误则不写入，并指明工作表、行和列。"]])
    return workbook_bytes(wb)
