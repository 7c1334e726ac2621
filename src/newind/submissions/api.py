"""JSON API of the submission workflow: list and read reports, and save (or submit) a unit's figures.

The same access functions and services as the pages: scope by unit for reads and writes; the URL's id
decides which report is touched, and nothing in the body can point elsewhere.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from newind.accounts.access import SUBMISSIONS_PAGE, submission_for, submissions_in_scope
from newind.core.errors import AppError
from newind.submissions import queries, services
from newind.submissions.models import Submission

router = Router(tags=["月度报表"])


def _require_login(request: HttpRequest) -> None:
    if not request.user.is_authenticated:
        raise AppError("请先登录。", status=401, code="unauthenticated")
    SUBMISSIONS_PAGE.require(request.user)  # business users only (三员分立)


def _summary(sub: Submission) -> dict[str, Any]:
    return {
        "id": sub.pk, "task_id": sub.task_id, "task": sub.task.title, "period": sub.task.period.key,
        "period_label": sub.task.period.label, "deadline": sub.task.deadline.isoformat(),
        "unit_code": sub.unit.code, "unit_name": sub.unit.name, "state": sub.state, "state_label": sub.state_label,
        "return_reason": sub.return_reason,
    }


def _detail(sub: Submission) -> dict[str, Any]:
    values, explanations = queries.stored_values(sub)
    last = queries.last_year_values(sub.task, sub.unit)
    fields = [{
        "indicator": s.code, "name": s.name, "measure_unit": s.measure_unit, "required": s.required,
        "value": None if values.get(s.code) is None else str(values[s.code]),
        "explanation": explanations.get(s.code, ""),
        "last_year": None if last.get(s.code) is None else str(last[s.code]),
    } for s in queries.field_specs(sub.task, sub.unit)]
    return {**_summary(sub), "filled_by": sub.filled_by_name, "reviewer": sub.reviewer_name, "fields": fields}


@router.get("/", summary="可查看的单位报表：本单位及下级的全部报表，及其他单位已发布的报表")
def list_submissions(request: HttpRequest, period: str | None = None) -> list[dict[str, Any]]:
    _require_login(request)
    subs = list(submissions_in_scope(request.user, with_published=True)[:500])
    if period:
        subs = [s for s in subs if s.task.period.key == period]
    return [_summary(s) for s in subs]


@router.get("/{submission_id}", summary="一份单位报表：状态、各项数值、说明与上年同期数")
def get_submission(request: HttpRequest, submission_id: int) -> dict[str, Any]:
    _require_login(request)
    return _detail(submission_for(request.user, submission_id))


class ValuesIn(Schema):
    values: dict[str, str | float | int | None]
    explanations: dict[str, str] = {}
    submit: bool = False
    filled_by: str | None = None


@router.post("/{submission_id}/values", auth=django_auth,
             summary="保存（或保存并提交）本单位报表的数值：与网页表单相同的校验，全部通过才写入")
def save_values(request: HttpRequest, submission_id: int, payload: ValuesIn) -> dict[str, Any]:
    _require_login(request)
    sub = submission_for(request.user, submission_id, write=True)
    inputs = {code: services.ValueInput(raw, payload.explanations.get(code))
              for code, raw in payload.values.items()}
    for code, text in payload.explanations.items():
        inputs.setdefault(code, services.ValueInput(None, text))
        if code not in payload.values:
            # An explanation alone keeps the stored figure.
            inputs[code].raw = queries.stored_values(sub)[0].get(code)
    services.save_values(sub, request.user, inputs, submit=payload.submit, filled_by_name=payload.filled_by,
                         request=request, source="api")
    return _detail(queries.submission_or_404(submission_id))
