"""Writes of the park registry: loading park profiles from a definitions file (idempotent, audited)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import transaction

from newind.core.errors import AppError
from newind.enterprises.calc import industry_code_problem
from newind.parks.choices import ParkLevel, ParkType
from newind.parks.models import ParkProfile
from newind.units.models import Unit, UnitKind


def definitions_dir() -> Path:
    return Path(settings.DEFINITIONS_DIR) / "parks"


def _problems(entry: dict[str, Any], units: dict[str, Unit]) -> list[str]:
    code = str(entry.get("code", "?"))
    out = []
    unit = units.get(code)
    if unit is None or unit.kind != UnitKind.PARK:
        out.append(f"{code} 不是平台中的园区")
    if entry.get("level") not in ParkLevel.values:
        out.append(f"{code} 的级别「{entry.get('level')}」应为 {ParkLevel.values} 之一")
    if entry.get("type") not in ParkType.values:
        out.append(f"{code} 的类型「{entry.get('type')}」应为 {ParkType.values} 之一")
    county = units.get(str(entry.get("county")))
    if county is None or county.kind not in (UnitKind.COUNTY, UnitKind.ZONE):
        out.append(f"{code} 的所在县市区「{entry.get('county')}」不存在")
    for item in entry.get("leading", []) or []:
        for c in item.get("codes", []):
            problem = industry_code_problem(str(c))
            if problem:
                out.append(f"{code} 的主导产业「{item.get('name')}」：{problem}")
    return out


@transaction.atomic
def load_park_registry(path: Path, *, synthetic: bool = False, user: Any = None) -> int:
    """Create or update the park profiles listed in a YAML file; return how many changed."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = data.get("parks", [])
    units = {u.code: u for u in Unit.objects.filter(kind__in=[UnitKind.PARK, UnitKind.COUNTY, UnitKind.ZONE])}
    problems = [p for e in entries for p in _problems(e, units)]
    if problems:
        raise AppError(f"{path.name}：园区档案有误：" + "；".join(problems) + "。")
    changed = 0
    for e in entries:
        values = {
            "level": e["level"], "park_type": e["type"], "county": units[str(e["county"])],
            "planned_area": Decimal(str(e["planned"])) if e.get("planned") is not None else None,
            "built_area": Decimal(str(e["built"])) if e.get("built") is not None else None,
            "leading_industries": [{"name": str(i["name"]), "codes": [str(c) for c in i.get("codes", [])]}
                                   for i in e.get("leading", []) or []],
            "managing_body": str(e.get("body", "")), "is_synthetic": synthetic,
        }
        profile = ParkProfile.objects.filter(unit=units[str(e["code"])]).first()
        before = None if profile is None else {k: _plain(getattr(profile, k)) for k in values}
        after = {k: _plain(v) for k, v in values.items()}
        if before == after:
            continue
        ParkProfile.objects.update_or_create(unit=units[str(e["code"])], defaults=values)
        from newind.audit.services import record

        record("parks.profile", user=user, unit=units[str(e["code"])], object_type="parks.parkprofile",
               object_id=str(e["code"]), before=before, after=after,
               summary=f"{'更新' if before else '建立'}园区档案：{units[str(e['code'])].name}")
        changed += 1
    return changed


def _plain(value: Any) -> Any:
    if isinstance(value, Unit):
        return value.code
    if isinstance(value, Decimal):
        return str(value.normalize())
    return value


def load_thresholds(path: Path | None = None) -> dict[str, dict[str, float]]:
    """The entry thresholds by park level (万元/亩) from definitions/parks/thresholds.yaml."""
    from newind.parks.calc import parse_thresholds

    path = path or definitions_dir() / "thresholds.yaml"
    return parse_thresholds(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
