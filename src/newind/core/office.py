"""The office's identity as data: city, province, peer groups, headline indicators, issuing office.

`office()` reads `definitions/office.yaml` (or `NEWIND_OFFICE_FILE`) once and checks it; every page, report,
form and default that names the city, the province or a peer group reads it from here, so another city runs
newind by editing that file. A missing key, a wrong type or an unknown key is refused with a Chinese
sentence naming the entry (`OfficeConfigError`), never half-read.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from newind.core.errors import AppError


class OfficeConfigError(AppError):
    """definitions/office.yaml cannot be used (a configuration error, shown at start and by `newind check`)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NamedUnit(_Strict):
    code: str
    name: str

    @field_validator("code", "name")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("blank")
        return value.strip()


class Issuer(_Strict):
    name: str  # 岳阳市新型工业化领导小组办公室
    short_name: str  # 岳新工办


class GroupRef(_Strict):
    code: str
    label: str


class PeerGroups(_Strict):
    counties: GroupRef
    parks: GroupRef
    province: GroupRef


class Headlines(_Strict):
    headline: str
    second: str
    park: str


class BenchmarkDefaults(_Strict):
    group: str
    indicator: str
    from_year: int
    to_year: int


class TargetDefaults(_Strict):
    default_year: int
    share_indicator: str


class Office(_Strict):
    """The parsed office.yaml."""

    office: Issuer
    city: NamedUnit
    province: NamedUnit
    peer_groups: PeerGroups
    headline_indicators: Headlines
    benchmark: BenchmarkDefaults
    targets: TargetDefaults

    @property
    def group_labels(self) -> dict[str, str]:
        """Peer group code → the words the report uses for it."""
        groups = self.peer_groups
        return {g.code: g.label for g in (groups.counties, groups.parks, groups.province)}


_PROBLEMS = {
    "missing": "缺少这一项",
    "extra_forbidden": "不是可以设置的项目（拼写是否有误？）",
    "string_type": "应当是文字（代码请加引号，如 \"430600\"）",
    "int_type": "应当是整数年份，如 2017",
    "int_parsing": "应当是整数年份，如 2017",
    "model_type": "应当是一组「名称: 值」",
    "value_error": "不能为空",
}


def _problem_text(error: Any) -> str:
    where = ".".join(str(part) for part in error["loc"]) or "（整个文件）"
    return f"「{where}」{_PROBLEMS.get(error['type'], '的值不正确')}"


def default_path() -> Path:
    from django.conf import settings

    override = getattr(settings, "NEWIND_OFFICE_FILE", "")
    return Path(override) if override else Path(settings.DEFINITIONS_DIR) / "office.yaml"


def load_office(path: Path) -> Office:
    """Read and check one office file; an OfficeConfigError names every wrong entry."""
    if not path.is_file():
        raise OfficeConfigError(f"找不到本单位配置文件 {path}：请从 definitions/office.yaml 复制一份并按本市情况填写。",
                                status=500, code="office_config")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise OfficeConfigError(f"本单位配置文件 {path} 不是正确的 YAML（{exc}）：请检查缩进和冒号后再启动。",
                                status=500, code="office_config") from None
    try:
        return Office.model_validate(data if data is not None else {})
    except ValidationError as exc:
        problems = "；".join(_problem_text(e) for e in exc.errors())
        raise OfficeConfigError(f"本单位配置文件 {path} 有误：{problems}。请按 definitions/office.yaml 的说明改正后再启动。",
                                status=500, code="office_config") from None


@lru_cache(maxsize=4)
def _cached(path: str) -> Office:
    return load_office(Path(path))


def office() -> Office:
    """The installation's office (read once per process and file)."""
    return _cached(str(default_path()))
