"""The office's identity is data: definitions/office.yaml, read and checked by newind.core.office."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.test import override_settings

from newind.core.apps import check_office
from newind.core.office import OfficeConfigError, load_office, office

SHIPPED = Path(settings.DEFINITIONS_DIR) / "office.yaml"


def _copy(tmp_path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "office.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_the_shipped_file_is_yueyangs_office():
    ident = load_office(SHIPPED)
    assert (ident.city.code, ident.city.name) == ("430600", "岳阳市")
    assert (ident.province.code, ident.province.name) == ("430000", "湖南省")
    assert ident.office.name == "岳阳市新型工业化领导小组办公室"
    assert ident.group_labels == {"yueyang-counties-zones": "县市区及功能区", "yueyang-parks": "园区",
                                  "hunan-14": "全省14个市州"}
    assert ident.headline_indicators.headline == "industrial_va_above_size"
    assert office() == ident  # the installation reads the shipped file by default


def _changsha(data: dict) -> None:  # type: ignore[type-arg]
    data["office"] = {"name": "长沙市新型工业化领导小组办公室", "short_name": "长新工办"}
    data["city"] = {"code": "430100", "name": "长沙市"}
    data["peer_groups"]["counties"] = {"code": "changsha-counties", "label": "区县（市）"}
    data["benchmark"]["from_year"] = 2013
    data["targets"]["default_year"] = 2018


def test_another_city_runs_newind_by_editing_the_file(tmp_path, db):
    from newind.benchmark.views import defaults
    from newind.targets.forms import ShareForm

    path = _copy(tmp_path, _changsha)
    with override_settings(NEWIND_OFFICE_FILE=str(path)):
        ident = office()
        assert ident.city.code == "430100" and ident.office.name == "长沙市新型工业化领导小组办公室"
        assert ident.peer_groups.counties.label == "区县（市）"
        # What the pages open with follows the file, not constants in the code.
        assert defaults() == {"unit": "430100", "group": "hunan-14", "indicator": "gdp", "from": "2013",
                              "to": "2016", "period": ""}
        form = ShareForm()
        assert form.fields["unit"].initial == "430100" and form.fields["indicator"].initial == "gdp"
        assert check_office() == []
    assert office().city.code == "430600"  # and back to the shipped file


def test_the_report_names_the_office_of_the_file(tmp_path, db):
    """The report's 发文机关, the province in the chart's legend and the league table's group label."""
    import pandas as pd

    from newind.indicators.periods import Period
    from newind.reports.content import build_content
    from newind.reports.queries import Overview

    empty = pd.DataFrame(columns=["indicator_code", "unit_code", "unit_name", "indicator_name", "measure_unit",
                                  "value", "growth_pct", "growth_basis", "rank", "tied", "member_order",
                                  "decimals", "province_rank", "province_tied", "province_reported",
                                  "province_min_reporting", "completion_pct", "vs_target_gap_text",
                                  "vs_target_text", "schedule_pct", "light", "ye_forecast"])
    overview = Overview(period=Period.month(2018, 3), city_code="430100", city_name="长沙市", key=empty,
                        counties=empty, parks=empty, trend=pd.DataFrame())
    with override_settings(NEWIND_OFFICE_FILE=str(_copy(tmp_path, _changsha))):
        content = build_content(overview, with_charts=False)
    assert content.issuer == "长沙市新型工业化领导小组办公室"
    assert content.sections[1].heading == "二、区县（市）赛马排名"


@pytest.mark.parametrize(("change", "words"), [
    (lambda d: d.pop("city"), "「city」缺少这一项"),
    (lambda d: d["city"].update(code=430100), "「city.code」应当是文字"),
    (lambda d: d["targets"].update(default_year="明年"), "「targets.default_year」应当是整数年份"),
    (lambda d: d.update(cty={"code": "1"}), "「cty」不是可以设置的项目"),
    (lambda d: d["city"].update(name="  "), "「city.name」不能为空"),
])
def test_a_wrong_entry_is_refused_in_chinese_naming_it(tmp_path, change, words):
    path = _copy(tmp_path, change)
    with pytest.raises(OfficeConfigError) as caught:
        load_office(path)
    assert words in caught.value.message and str(path) in caught.value.message
    with override_settings(NEWIND_OFFICE_FILE=str(path)):
        errors = check_office()
    assert [e.id for e in errors] == ["newind.E001"] and words in errors[0].msg


def test_a_missing_or_unreadable_file_says_what_to_do(tmp_path):
    with pytest.raises(OfficeConfigError, match="找不到本单位配置文件.*请从 definitions/office.yaml 复制"):
        load_office(tmp_path / "none.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("city: [\n", encoding="utf-8")
    with pytest.raises(OfficeConfigError, match="不是正确的 YAML"):
        load_office(bad)
