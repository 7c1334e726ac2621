"""Imports: a file (CSV or XLSX, long or wide) → checked candidate figures → preview → all-or-nothing write.

Every problem in a file is collected and raised together as one AppError; nothing is written unless the
whole file is clean. Writing goes through `plan_observations` / `apply_observation_plan`.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from django.conf import settings
from django.db import IntegrityError, transaction

from newind.accounts.access import require_importer
from newind.core.errors import AppError, Conflict, NotFound, Problem
from newind.imports import calc, parsing, tables
from newind.indicators.models import ImportBatch, Indicator, Release
from newind.indicators.periods import Period, PeriodKind
from newind.indicators.services import (
    CANDIDATE_COLUMNS,
    ObservationPlan,
    apply_observation_plan,
    make_batch,
    plan_observations,
)
from newind.units.queries import unit_lookup_frame


@dataclass
class ImportOptions:
    """What the user may state for the whole file (CLI flags or the upload form)."""

    indicator: str | None = None
    period: str | None = None
    source: str | None = None
    release: str | None = None
    # Hidden sheets, rows and columns are left out unless the user chooses to import them (decisions.md).
    include_hidden: bool = False


@dataclass
class ImportPreview:
    """What importing a file would do: the plan (added / changed old→new / unchanged) and notes."""

    file_name: str
    sha256: str
    kind: str
    plan: ObservationPlan
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped_missing: int = 0
    unit_ids: list[int] = field(default_factory=list)
    # 隐藏工作表/隐藏行/隐藏列 holding values, one line each; imported only when `hidden_included`.
    hidden: list[str] = field(default_factory=list)
    hidden_included: bool = False

    @property
    def counts(self) -> dict[str, int]:
        return {**self.plan.counts, "skipped_missing": self.skipped_missing}

    @property
    def is_noop(self) -> bool:
        return self.plan.is_noop

    def changed_lines(self, limit: int | None = 20) -> list[dict[str, Any]]:
        """The changed figures as display rows (unit, indicator, period, old → new, release)."""
        return _display_rows(self.plan.changed, limit, with_old=True)

    def added_lines(self, limit: int | None = 20) -> list[dict[str, Any]]:
        return _display_rows(self.plan.added, limit, with_old=False)

    def summary(self) -> str:
        c = self.counts
        return (f"新增 {c['added']} 条，变更 {c['changed']} 条，未变 {c['unchanged']} 条，"
                f"跳过空缺 {c['skipped_missing']} 个。")


def _display_rows(frame: pd.DataFrame, limit: int | None, *, with_old: bool) -> list[dict[str, Any]]:
    if frame.empty:
        return []
    part = frame if limit is None else frame.head(limit)
    lookup = unit_lookup_frame().set_index("id")
    inds = {i.id: i for i in Indicator.objects.filter(id__in=part["indicator_id"].unique().tolist())}
    rows = []
    for rec in part.to_dict("records"):
        ind = inds[rec["indicator_id"]]
        period = Period(int(rec["year"]), PeriodKind(rec["period_kind"]), int(rec["period_n"]))
        unit_id = int(rec["unit_id"])
        rows.append({
            "unit": lookup.at[unit_id, "name"], "unit_code": lookup.at[unit_id, "code"],
            "indicator": ind.name, "indicator_code": ind.code, "period": period.label, "period_key": period.key,
            "measure_unit": rec["measure_unit"], "release": rec["release"],
            "release_label": Release(rec["release"]).label,
            "old": rec.get("old_value") if with_old else None, "new": rec["value"],
            "old_text": calc.decimal_text(rec.get("old_value")) if with_old else "",
            "new_text": calc.decimal_text(rec["value"]),
            "original": rec.get("original", ""), "source": rec["source"], "sheet": rec.get("sheet"),
            "row": rec.get("row"),
        })
    return rows


def indicator_frame() -> pd.DataFrame:
    """The catalogue as plain data for the pure checks in calc.py."""
    cols = ["id", "code", "name", "measure_unit", "frequency", "cumulative", "price_basis", "additive",
            "decimals", "aliases"]
    return pd.DataFrame(list(Indicator.objects.values_list(*cols)), columns=cols)


def _validate_options(options: ImportOptions, indicators: pd.DataFrame) -> dict[str, str]:
    defaults: dict[str, str] = {}
    if options.indicator:
        names = calc.indicator_name_map(indicators)
        if calc.norm(options.indicator) not in names:
            raise AppError(f"未知指标「{options.indicator}」：请使用指标目录中的代码或名称，如 gdp、地区生产总值。")
        defaults["indicator"] = options.indicator
    if options.period:
        Period.parse(options.period)  # raises a Chinese AppError when invalid
        defaults["period"] = options.period
    if options.release and not calc.release_code(options.release):
        raise AppError(f"无法识别发布类型「{options.release}」：请填写 official（正式）、first（初步核算）、"
                       "yearbook（年鉴）、flash（快报）、revised（修订）、estimate（预估）或 published（公开发布）。")
    return defaults


def prepare_import(data: bytes, file_name: str, options: ImportOptions | None = None,
                   user: Any = None) -> ImportPreview:
    """Read, check and plan a file; raise one AppError listing every problem. Writes nothing."""
    options = options or ImportOptions()
    file_name = Path(file_name).name or "上传文件"
    with parsing.upload_slot():  # the file's cells stay in memory until the plan is made
        return _prepare(data, file_name, options, user)


HIDDEN_CHOICE = "同时导入隐藏的工作表、行和列"


def _prepare(data: bytes, file_name: str, options: ImportOptions, user: Any) -> ImportPreview:
    indicators = indicator_frame()
    defaults = _validate_options(options, indicators)
    kind, sheets = parsing.read_sheets(data, file_name)
    hidden = parsing.hidden_parts(sheets)
    if not options.include_hidden:
        sheets = parsing.visible_sheets(sheets)
    names = set(calc.indicator_name_map(indicators))
    problems: list[Problem] = []
    frames = []
    skipped_sheets: list[str] = []
    headers: calc.HeaderMap = {}
    found_any = False
    for sheet in sheets:
        records, layout = tables.sheet_records(sheet.cells, sheet.name, names, problems, defaults)
        if layout is None:
            if not sheet.cells.empty and sheet.name:
                skipped_sheets.append(sheet.name)
            continue
        found_any = True
        frames.append(records)
        headers[sheet.name] = tables.header_names(layout)
    if not found_any:
        unread = (f"文件中另有隐藏的内容未读取（{'；'.join(hidden)}）：如需导入，请选择「{HIDDEN_CHOICE}」后重新上传。"
                  if hidden and not options.include_hidden else "")
        raise AppError("文件中没有找到可识别的数据表：表头应有「地区」（或单位名称/代码）一列，以及年份列、指标列，"
                       "或「指标」「数值」两列。请参照导入页面的格式说明调整后再导入。" + unread)
    records = pd.concat(frames, ignore_index=True)
    resolved = calc.resolve_records(records, indicators, unit_lookup_frame(), release=options.release,
                                    source=options.source, file_name=file_name, headers=headers)
    problems += resolved.problems
    if problems:
        # In reading order, as the user will fix them: sheet by sheet, row by row, column by column.
        order = {sheet.name: i for i, sheet in enumerate(sheets)}
        problems.sort(key=lambda p: (order.get(p.sheet or "", -1), p.row or 0, len(p.column or ""), p.column or ""))
        raise AppError(f"文件「{file_name}」有{len(problems)}处问题，未导入任何数据：请逐条修改后重新导入。",
                       problems=problems, code="import_problems")
    candidates = resolved.candidates
    unit_ids = sorted(int(u) for u in candidates["unit_id"].unique())
    require_importer(user, unit_ids)
    plan = plan_observations(candidates)
    notes = list(resolved.notes)
    if skipped_sheets:
        notes.append(f"工作表「{'」「'.join(skipped_sheets)}」中没有找到数据表（表头应有地区或单位一列），已跳过。")
    if plan.is_noop:
        notes.insert(0, "数据均未变化：本文件中的数据已全部导入过，不会写入任何内容。")
    if candidates.empty:
        notes.insert(0, "文件中没有可导入的数值。")
    return ImportPreview(file_name=file_name, sha256=hashlib.sha256(data).hexdigest(), kind=kind, plan=plan,
                         notes=notes, warnings=resolved.warnings, skipped_missing=resolved.skipped_missing,
                         unit_ids=unit_ids, hidden=hidden, hidden_included=bool(hidden and options.include_hidden))


CONFLICT = ("预览之后，这些数据已被他人修改，本次未写入任何数据：请重新上传文件、查看新的预览后再确认。")


def apply_import(preview: ImportPreview, user: Any = None, source_kind: str = "import") -> ImportBatch | None:
    """Write a previewed import as one batch (one transaction); None when nothing would change.

    The plan is made again inside the transaction: if the stored figures changed since the preview, the
    user would be confirming something they did not see, so nothing is written (409)."""
    require_importer(user, preview.unit_ids)
    if preview.is_noop:
        return None
    candidates = pd.concat([preview.plan.added, preview.plan.changed, preview.plan.unchanged],
                           ignore_index=True)[[*CANDIDATE_COLUMNS]]
    try:
        with transaction.atomic():
            plan = plan_observations(candidates)
            if plan.counts != preview.plan.counts:
                raise Conflict(CONFLICT)
            batch = make_batch(preview.file_name, preview.sha256, user, source_kind, plan,
                               preview.notes + preview.warnings)
            apply_observation_plan(plan, batch, user, reason=f"导入文件 {preview.file_name}")
    except IntegrityError:
        # A concurrent writer took the same version numbers first (PostgreSQL read committed).
        raise Conflict(CONFLICT) from None
    return batch


def import_file(path: Path, options: ImportOptions | None = None, user: Any = None, *, dry_run: bool = False,
                source_kind: str = "import") -> tuple[ImportPreview, ImportBatch | None]:
    """Preview a file on disk and, unless dry_run, write it."""
    try:
        size = path.stat().st_size
    except OSError:
        raise AppError(f"找不到文件「{path}」：请检查路径。") from None
    parsing.check_upload_size(size)  # before reading a huge file into memory
    preview = prepare_import(path.read_bytes(), path.name, options, user)
    if dry_run:
        return preview, None
    return preview, apply_import(preview, user, source_kind)


# --- uploads kept between preview and confirm ------------------------------------------------------

SHA_RE = re.compile(r"^[0-9a-f]{64}$")


def upload_dir() -> Path:
    return Path(settings.VAR_DIR) / "uploads"


def store_upload(data: bytes) -> str:
    """Keep an uploaded file by its sha256 until the user confirms; return the hash."""
    digest = hashlib.sha256(data).hexdigest()
    folder = upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    _discard_stale_uploads(folder)
    target = folder / digest
    if not target.exists():
        tmp = folder / f"{digest}.part"
        tmp.write_bytes(data)
        tmp.replace(target)
    return digest


UPLOAD_KEEP_SECONDS = 24 * 3600


def _discard_stale_uploads(folder: Path) -> None:
    """Previews that were never confirmed: drop their files after a day."""
    cutoff = time.time() - UPLOAD_KEEP_SECONDS
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            continue


def load_upload(digest: str) -> bytes:
    """The stored upload with this hash (the hash is checked, so no path can be smuggled in)."""
    if not SHA_RE.match(digest or ""):
        raise AppError("上传文件的标识无效：请重新上传文件。")
    target = upload_dir() / digest
    if not target.exists():
        raise NotFound("上传的文件已过期或不存在：请重新上传文件。")
    return target.read_bytes()


def discard_upload(digest: str) -> None:
    if SHA_RE.match(digest or ""):
        (upload_dir() / digest).unlink(missing_ok=True)
