"""JSON API of 向上争取: the same items, deadline list and totals as the page, the same access rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from newind.accounts.access import FUNDING_PAGE, funding_item_for, funding_items_in_scope
from newind.core.errors import AppError
from newind.funding import queries

router = Router(tags=["向上争取"])


def _day(text: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(text) if text else timezone.localdate()
    except ValueError:
        raise AppError(f"日期「{text}」无效：请按 2017-11-30 的格式填写。") from None


def _plain(record: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in record.items():
        if hasattr(value, "is_nan") or type(value).__name__ == "Decimal":
            value = float(value)
        elif isinstance(value, dt.date):
            value = value.isoformat()
        elif value is not None and hasattr(value, "item"):
            value = value.item()
        out[key.replace("owner_unit__name", "owner_unit_name")] = value
    return out


@router.get("/items", summary="向上争取事项（可按 status、level 筛选；date 为截至日期，默认今天）")
def items(request: HttpRequest, status: str | None = Query(None), level: str | None = Query(None),
          date: str | None = Query(None)) -> dict[str, Any]:
    FUNDING_PAGE.require(request.user)
    today = _day(date)
    qs = funding_items_in_scope(request.user)
    if status:
        qs = qs.filter(status=status)
    if level:
        qs = qs.filter(level=level)
    frame = queries.items_frame(qs, today)
    return {"as_of": today.isoformat(), "unit": "万元", "items": [_plain(r) for r in frame.to_dict("records")]}


@router.get("/items/{item_id}", summary="一个向上争取事项")
def item(request: HttpRequest, item_id: int, date: str | None = Query(None)) -> dict[str, Any]:
    FUNDING_PAGE.require(request.user)
    found = funding_item_for(request.user, item_id)
    frame = queries.items_frame(funding_items_in_scope(request.user).filter(pk=found.pk), _day(date))
    return _plain(frame.to_dict("records")[0])


@router.get("/deadlines", summary="临近申报截止的待申报事项（60日内截止或30日内已过期）")
def deadlines(request: HttpRequest, date: str | None = Query(None)) -> dict[str, Any]:
    FUNDING_PAGE.require(request.user)
    today = _day(date)
    frame = queries.deadline_list(funding_items_in_scope(request.user), today)
    return {"as_of": today.isoformat(), "items": [_plain(r) for r in frame.to_dict("records")]}


@router.get("/totals", summary="按层级（by=level）或责任单位（by=owner）汇总的争取与获批金额（万元）")
def totals(request: HttpRequest, by: str = Query("level")) -> dict[str, Any]:
    FUNDING_PAGE.require(request.user)
    key = "owner_unit__name" if by == "owner" else "level"
    frame = queries.totals(funding_items_in_scope(request.user), key)
    return {"by": by, "unit": "万元", "rows": [_plain(r) for r in frame.to_dict("records")]}
