"""The JSON API (django-ninja). Each domain adds its router here."""

from typing import Any

from ninja import NinjaAPI
from ninja.errors import ValidationError

from newind.core.errors import AppError

api = NinjaAPI(title="newind API", version="1", urls_namespace="api")


@api.exception_handler(AppError)
def app_error(request, exc: AppError):  # type: ignore[no-untyped-def]
    return api.create_response(request, exc.as_dict(), status=exc.status)


# Pydantic's error types, said in Chinese (the API's users are the same offices as the pages').
_VALIDATION_TEXT = {
    "missing": "缺少必填参数",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "decimal_parsing": "应为数字",
    "bool_parsing": "应为“是”或“否”（true/false）",
    "string_type": "应为文字",
    "string_too_long": "文字过长",
    "string_too_short": "文字过短",
    "date_parsing": "应为日期（如 2017-03-31）",
    "date_from_datetime_parsing": "应为日期（如 2017-03-31）",
    "datetime_parsing": "应为日期时间",
    "enum": "不是可选的值之一",
    "literal_error": "不是可选的值之一",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_attributes_type": "应为对象",
    "json_invalid": "不是有效的 JSON",
    "greater_than_equal": "太小",
    "less_than_equal": "太大",
}
# Where a parameter came from, as a reader of the error would say it.
_SOURCE_TEXT = {"query": "查询参数", "path": "路径参数", "body": "请求体", "form": "表单", "file": "文件",
                "header": "请求头", "cookie": "Cookie"}


def validation_problems(errors: list[dict[str, Any]]) -> list[dict[str, object]]:
    """Each pydantic error as a located problem in the shape of `AppError.as_dict()`'s `problems`."""
    problems: list[dict[str, object]] = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        source = _SOURCE_TEXT.get(loc[0], loc[0]) if loc else ""
        field = ".".join(loc[1:]) if len(loc) > 1 else ""
        # A body whose shape is wrong names the payload's own field path; a body that is not JSON names none.
        text = _VALIDATION_TEXT.get(str(error.get("type", "")), "不符合要求")
        where = f"{source}「{field}」" if field else source
        problems.append({"sheet": None, "row": None, "column": field or None, "message": text,
                         "text": f"{where}：{text}" if where else text})
    return problems


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):  # type: ignore[no-untyped-def]
    problems = validation_problems(list(exc.errors))
    summary = "；".join(str(p["text"]) for p in problems[:5]) + ("等" if len(problems) > 5 else "")
    body = {"error": "invalid_request", "message": f"请求参数有误：{summary}。请按接口文档修改后重试。",
            "problems": problems}
    return api.create_response(request, body, status=422)


def _register_routers() -> None:
    from newind.benchmark.api import router as benchmark_router

    api.add_router("/benchmark", benchmark_router)
    from newind.imports.api import router as imports_router

    api.add_router("/imports", imports_router)
    from newind.submissions.api import router as submissions_router

    api.add_router("/submissions", submissions_router)
    from newind.targets.api import router as targets_router

    api.add_router("/targets", targets_router)
    from newind.reports.api import router as reports_router

    api.add_router("/reports", reports_router)
    from newind.mujun.api import router as mujun_router

    api.add_router("/mujun", mujun_router)
    from newind.funding.api import router as funding_router

    api.add_router("/funding", funding_router)
    from newind.cases.api import router as cases_router

    api.add_router("/cases", cases_router)

    from newind.pairing.api import router as pairing_router

    api.add_router("/pairing", pairing_router)
    # projects: the portfolio figures and the county 赛马
    from newind.projects.league_api import router as projects_league_router

    api.add_router("/projects", projects_league_router)
    # assessment: the stored annual assessments and quarterly reviews
    from newind.assessment.api import router as assessment_router

    api.add_router("/assessment", assessment_router)


_register_routers()
