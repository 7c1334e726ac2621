"""Writes for units: loading the shipped reference data (idempotent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import transaction

from newind.core.errors import AppError
from newind.units.models import Hierarchy, PeerGroup, PeerGroupMember, Unit, UnitKind, UnitLink

ADMIN_HIERARCHY = "admin"
PARK_HIERARCHY = "park"


def _min_reporting(path: Path, group: dict[str, Any]) -> int:
    """The group's minimum of members with a figure before anything is ranked (default 2)."""
    value = group.get("min_reporting", PeerGroup._meta.get_field("min_reporting").default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 2:
        raise AppError(f"{path.name}：对标组「{group.get('name', group.get('code'))}」的 min_reporting 为"
                       f"「{value}」：应为不小于2的整数（少于这么多成员有数据时不排位次）。")
    return value


def reference_files() -> list[Path]:
    return sorted((settings.DEFINITIONS_DIR / "units").glob("*.yaml"))


@transaction.atomic
def load_reference_units(paths: list[Path] | None = None) -> dict[str, int]:
    """Create or update the reference units, hierarchies and peer groups from definitions/units/*.yaml."""
    counts = {"units": 0, "links": 0, "groups": 0}
    for path in paths or reference_files():
        data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for h in data.get("hierarchies", []):
            Hierarchy.objects.update_or_create(code=h["code"], defaults={"name": h["name"]})
        admin, _ = Hierarchy.objects.get_or_create(code=ADMIN_HIERARCHY, defaults={"name": "行政隶属"})
        valid_kinds = set(UnitKind.values)
        for order, u in enumerate(data.get("units", [])):
            if u["kind"] not in valid_kinds:
                raise AppError(f"{path.name}：单位「{u['name']}」的类型「{u['kind']}」无效，应为 {sorted(valid_kinds)} 之一。")
            Unit.objects.update_or_create(
                code=str(u["code"]),
                defaults={
                    "name": u["name"],
                    "short_name": u.get("short_name", ""),
                    "kind": u["kind"],
                    "division_code": str(u.get("division_code", "")),
                    "sort_order": order,
                },
            )
            counts["units"] += 1
        by_code = {u.code: u for u in Unit.objects.all()}
        for u in data.get("units", []):
            if "parent" in u:
                parent = by_code.get(str(u["parent"]))
                if parent is None:
                    raise AppError(f"{path.name}：单位「{u['name']}」的上级「{u['parent']}」不存在。")
                UnitLink.objects.update_or_create(hierarchy=admin, child=by_code[str(u["code"])],
                                                  defaults={"parent": parent})
                counts["links"] += 1
        for g in data.get("peer_groups", []):
            group, _ = PeerGroup.objects.update_or_create(
                code=g["code"],
                defaults={
                    "name": g["name"],
                    "description": g.get("description", ""),
                    "editable": g.get("editable", True),
                    "min_reporting": _min_reporting(path, g),
                    "province": by_code.get(str(g["province"])) if g.get("province") else None,
                },
            )
            counts["groups"] += 1
            # An editable group keeps the office's edits: members are only seeded when it is empty.
            if group.editable and group.members.exists():
                continue
            PeerGroupMember.objects.filter(group=group).delete()
            PeerGroupMember.objects.bulk_create(
                [PeerGroupMember(group=group, unit=by_code[str(c)], sort_order=i) for i, c in enumerate(g["members"])]
            )
    return counts
