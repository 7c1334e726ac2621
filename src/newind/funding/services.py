"""Writes of 向上争取 items: register, edit, move through the status table. One transaction each, audited.

Access is decided by the caller through `accounts.access.funding_item_for(..., write=True)` and
`funding_owner_units`; these functions trust the item and user they are given.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max

from newind.audit.services import record
from newind.core.errors import AppError
from newind.funding import calc
from newind.funding.choices import Action, Status
from newind.funding.models import Opportunity

# The fields a unit keeps current; status and amounts obtained change only through `transition`.
EDITABLE = ("title", "programme", "level", "issuer", "window_start", "deadline", "owner_unit", "owner_person",
            "amount_sought", "note")


def _snapshot(item: Opportunity) -> dict[str, Any]:
    return {"title": item.title, "programme": item.programme, "level": item.level, "issuer": item.issuer,
            "window_start": item.window_start, "deadline": item.deadline, "owner_unit": item.owner_unit_id,
            "owner_person": item.owner_person, "amount_sought": item.amount_sought, "status": item.status,
            "amount_obtained": item.amount_obtained, "note": item.note}


def _check(values: dict[str, Any]) -> None:
    start, deadline = values.get("window_start"), values.get("deadline")
    if start and deadline and start > deadline:
        raise AppError(f"申报开始日期{start.isoformat()}晚于截止日期{deadline.isoformat()}：请核对申报窗口。")
    sought = values.get("amount_sought")
    if sought is not None and Decimal(sought) <= 0:
        raise AppError("争取金额应大于0（万元）。")


def next_code(year: int) -> str:
    """XZ<year>-<nnn>: the next free number of the year (the office quotes it in its weekly list)."""
    prefix = f"XZ{year}-"
    last = Opportunity.objects.filter(code__startswith=prefix).aggregate(m=Max("code"))["m"]
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:03d}"


@transaction.atomic
def register(user: Any, values: dict[str, Any], *, today: dt.date, is_synthetic: bool = False) -> Opportunity:
    """A new item in 研究, numbered in the year it is registered."""
    _check(values)
    item = Opportunity(code=next_code(today.year), created_by=user if getattr(user, "pk", None) else None,
                       is_synthetic=is_synthetic, **{k: values[k] for k in EDITABLE if k in values})
    item.save()
    record("funding.register", user=user, obj=item, unit=item.owner_unit_id, after=_snapshot(item),
           summary=f"登记向上争取事项「{item.title}」，争取{Decimal(item.amount_sought):.2f}万元")
    return item


@transaction.atomic
def update(user: Any, item: Opportunity, values: dict[str, Any]) -> Opportunity:
    """Change the editable fields; a decided item (获批/未获批) is final and is not edited."""
    if item.status in (Status.APPROVED, Status.REJECTED):
        raise AppError(f"「{item.title}」已{item.get_status_display()}，结果不再修改；如有新批次请新建事项。",
                       status=409, code="conflict")
    merged = {**_snapshot(item), **values}
    _check(merged)
    before = _snapshot(item)
    for key in EDITABLE:
        if key in values:
            setattr(item, key, values[key])
    item.save()
    after = _snapshot(item)
    changed = {k: after[k] for k in after if after[k] != before[k]}
    if changed:
        record("funding.update", user=user, obj=item, unit=item.owner_unit_id, before=before, after=after,
               summary=f"修改向上争取事项「{item.title}」："
               + "、".join(str(Opportunity._meta.get_field(k).verbose_name) for k in changed))
    return item


@transaction.atomic
def transition(user: Any, item: Opportunity, action: Action | str, *, today: dt.date,
               amount_obtained: Decimal | None = None, note: str = "") -> Opportunity:
    """Apply one action of `calc.TRANSITIONS`: 提交申报, 登记获批 (with the amount), 登记未获批, 退回研究."""
    try:
        action = Action(action)
    except ValueError:
        raise AppError(f"不认识的操作「{action}」。") from None
    before = _snapshot(item)
    result = calc.step(Status(item.status), action, today=today, deadline=item.deadline,
                       window_start=item.window_start, amount_obtained=amount_obtained)
    item.status = result.status
    if action == Action.APPLY:
        item.applied_on = today
    elif action in (Action.APPROVE, Action.REJECT):
        item.decided_on = today
        item.amount_obtained = result.amount_obtained
    elif action == Action.REOPEN:
        item.applied_on = None
    if note:
        item.note = f"{item.note}\n{today.isoformat()} {action.label}：{note}".strip()
    item.save()
    record(f"funding.{action.value}", user=user, obj=item, unit=item.owner_unit_id, before=before,
           after=_snapshot(item), summary=f"向上争取事项「{item.title}」{action.label}"
           + (f"，获批{Decimal(item.amount_obtained or 0):.2f}万元" if action == Action.APPROVE else ""))
    return item
