"""Reads for units: lookups by code, hierarchies and peer groups."""

from __future__ import annotations

import pandas as pd

from newind.core.errors import AppError, not_found
from newind.units.models import PeerGroup, Unit, UnitLink


def unit_by_code(code: str) -> Unit:
    try:
        return Unit.objects.get(code=str(code).strip())
    except Unit.DoesNotExist:
        raise not_found(f"单位「{code}」") from None


def peer_group_by_code(code: str) -> PeerGroup:
    try:
        return PeerGroup.objects.select_related("province").get(code=code)
    except PeerGroup.DoesNotExist:
        raise not_found(f"对标组「{code}」") from None


def peer_group_units(group: PeerGroup) -> list[Unit]:
    return [m.unit for m in group.peergroupmember_set.select_related("unit").order_by("sort_order")]


def unit_lookup_frame() -> pd.DataFrame:
    """All units as a frame (id, code, name, short_name, kind), for matching names and codes in imports."""
    rows = list(Unit.objects.values("id", "code", "name", "short_name", "kind", "credit_code"))
    return pd.DataFrame(rows, columns=["id", "code", "name", "short_name", "kind", "credit_code"])


def hierarchy_edges(hierarchy_code: str) -> pd.DataFrame:
    """(parent_id, child_id) edges of one hierarchy."""
    rows = list(UnitLink.objects.filter(hierarchy__code=hierarchy_code).values("parent_id", "child_id"))
    return pd.DataFrame(rows, columns=["parent_id", "child_id"])


def descendant_ids(unit: Unit, hierarchy_code: str = "admin") -> set[int]:
    """The unit and every unit below it in a hierarchy (breadth-first over the edge frame)."""
    edges = hierarchy_edges(hierarchy_code)
    found = {unit.id}
    frontier = {unit.id}
    while frontier:
        children = set(edges.loc[edges["parent_id"].isin(frontier), "child_id"]) - found
        found |= children
        frontier = children
    return found


def require_unit_in_group(unit: Unit, group: PeerGroup) -> None:
    if not group.members.filter(pk=unit.pk).exists():
        raise AppError(f"「{unit.name}」不在对标组「{group.name}」中：请选择该组内的单位，或换一个对标组。")
