"""The target pages through the test client: who may see and change what, forms, import, share target."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from newind.indicators.models import Indicator
from newind.indicators.services import apply_observation_plan, candidate_frame, plan_observations
from newind.targets.models import Target, WarningScheme
from newind.units.models import Unit

from .factories import va_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_like(cast):
    va_history({"430621": 100.0, "430623": 50.0}, growth=0.10, last_n=4)
    va = Indicator.objects.get(code="industrial_va_above_size")
    for code, value in (("430621", 133.1), ("430623", 100.0)):
        Target.objects.create(indicator=va, unit=Unit.objects.get(code=code), year=2017, kind="hard",
                              value=Decimal(str(value)))


def test_office_sees_the_warning_list_with_the_red_unit(demo_like, client_as):
    page = client_as("office").get("/targets/?period=2017-04")
    html = page.content.decode()
    assert page.status_code == 200
    assert "预警清单（1 项）" in html and "华容县" in html and "持续红灯" in html
    assert "2017年1—4月" in html and "示例数据" in html and "设为2017年预警规则" in html


def test_leader_reads_but_cannot_manage(demo_like, client_as):
    c = client_as("leader")
    assert c.get("/targets/").status_code == 200
    assert c.get("/targets/manage/").status_code == 403
    response = c.post("/targets/rules/", {"year": 2017, "rule_set": "strict-5-15"})
    assert response.status_code == 403 and not WarningScheme.objects.exists()


def test_a_reporter_sees_only_their_own_units_targets(demo_like, client_as):
    c = client_as("yyx_rep")
    html = c.get("/targets/?period=2017-04").content.decode()
    assert "岳阳县" in html and "华容县" not in html
    assert c.get("/targets/?unit=430623").status_code == 403


def test_auditor_and_anonymous_are_kept_out(demo_like, client, client_as):
    assert client.get("/targets/").status_code == 302
    assert client_as("auditor").get("/targets/").status_code == 403


def test_previewing_another_rule_set_does_not_change_the_year(demo_like, client_as):
    html = client_as("office").get("/targets/?period=2017-04&rules=gap-only").content.decode()
    assert "预览，未改变本年度设置" in html and not WarningScheme.objects.exists()


def test_office_chooses_the_years_rules(demo_like, client_as):
    c = client_as("office")
    response = c.post("/targets/rules/", {"year": 2017, "rule_set": "strict-5-15"})
    assert response.status_code == 302
    assert WarningScheme.objects.get(year=2017).rule_set == "strict-5-15"
    assert c.post("/targets/rules/", {"year": 2017, "rule_set": "nope"}).status_code == 404
    assert "较严规则" in c.get("/targets/manage/?year=2017").content.decode()


def form_data(**over):
    data = {"indicator": "industrial_va_above_size", "unit": "430600", "year": 2017, "kind": "hard",
            "target_type": "level", "value": "1000", "schedule_basis": "", "responsible_unit": "",
            "source": "2017年目标任务分解文件", "note": ""}
    data.update(over)
    return data


def test_office_enters_a_target_and_sees_the_decomposition(demo_like, client_as):
    c = client_as("office")
    response = c.post("/targets/new/", form_data())
    assert response.status_code == 302
    t = Target.objects.get(unit__code="430600")
    assert t.value == Decimal("1000") and t.created_by.username == "office" and not t.is_synthetic
    html = c.get("/targets/manage/?year=2017").content.decode()
    assert "分解合计比全市目标少 766.90亿元" in html  # 1000 − (133.1 + 100.0)


def test_a_duplicate_or_invalid_target_is_refused_in_chinese(demo_like, client_as):
    c = client_as("office")
    c.post("/targets/new/", form_data())
    dup = c.post("/targets/new/", form_data(value="1200"))
    assert dup.status_code == 409 and "已存在" in dup.content.decode()
    bad = c.post("/targets/new/", form_data(indicator="industrial_va_above_size_growth_pct", kind="floor"))
    assert bad.status_code == 400 and "只能设增速目标" in bad.content.decode()
    assert Target.objects.filter(unit__code="430600").count() == 1


def test_edit_and_delete(demo_like, client_as):
    c = client_as("office")
    t = Target.objects.get(unit__code="430623")
    assert c.get(f"/targets/{t.pk}/edit/").status_code == 200
    assert c.post(f"/targets/{t.pk}/edit/", form_data(unit="430623", value="70")).status_code == 302
    t.refresh_from_db()
    assert t.value == Decimal("70")
    assert client_as("leader").post(f"/targets/{t.pk}/delete/").status_code == 403
    assert client_as("office").post(f"/targets/{t.pk}/delete/").status_code == 302
    assert not Target.objects.filter(pk=t.pk).exists()


def _workbook(rows):
    wb = Workbook()
    ws = wb.active
    ws.title = "目标任务"
    ws.append(["年度", "指标代码", "指标名称", "单位代码", "单位名称", "目标类别", "目标形式", "目标值", "计量单位",
               "进度口径", "责任单位代码", "来源", "备注"])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "targets.xlsx"
    return buf


def test_template_download_is_a_workbook_with_the_codes(demo_like, client_as):
    response = client_as("office").get("/targets/template.xlsx?year=2017")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["目标任务", "代码表"]
    assert wb["目标任务"]["H1"].value == "目标值"
    assert client_as("leader").get("/targets/template.xlsx").status_code == 403


def test_import_good_file(demo_like, client_as):
    f = _workbook([
        [2017, "industrial_va_above_size", "", "430600", "", "硬指标", "总量目标", 300, "亿元", "序时进度",
         "D430600-GXJ", "", ""],
        [2017, "", "规模工业增加值增速", "", "岳阳县", "底线指标", "增速目标", "7.5%", "%", "", "", "", ""],
        [2017, "industrial_va_above_size", "", "430621", "", "硬指标", "总量目标", 140, "亿元", "", "", "", ""],
    ])
    c = client_as("office")
    response = c.post("/targets/import/", {"file": f, "year": 2017})
    assert response.status_code == 302
    assert Target.objects.get(unit__code="430600").responsible_unit.code == "D430600-GXJ"
    assert Target.objects.get(unit__code="430621", kind="floor").value == Decimal("7.5")
    assert Target.objects.get(unit__code="430621", kind="hard").value == Decimal("140")  # changed from 133.1
    follow = c.get("/targets/manage/?year=2017").content.decode()
    assert "新增 2 项，修改 1 项" in follow


def test_import_bad_file_changes_nothing_and_names_sheet_row_and_column(demo_like, client_as):
    before = list(Target.objects.values_list("id", "value"))
    f = _workbook([
        [2017, "industrial_va_above_size", "", "430600", "", "硬指标", "总量目标", 300, "亿元", "", "", "", ""],
        [2017, "no_such_indicator", "", "430621", "", "硬指标", "总量目标", 10, "", "", "", "", ""],
        [2017, "industrial_va_above_size", "", "430621", "", "硬任务", "总量目标", "很多", "万元", "", "", "", ""],
    ])
    response = client_as("office").post("/targets/import/", {"file": f, "year": 2017})
    html = response.content.decode()
    assert response.status_code == 400
    assert "整个文件未导入" in html
    assert "工作表「目标任务」第3行第B「指标代码」列：找不到指标「no_such_indicator」" in html
    assert "第4行第F「目标类别」列：目标类别「硬任务」无效" in html
    assert "第4行第H「目标值」列：目标值「很多」不是数字" in html
    assert "第4行第I「计量单位」列：计量单位「万元」与「规模工业增加值」的计量单位「亿元」不符" in html
    assert list(Target.objects.values_list("id", "value")) == before


def test_import_refuses_a_non_excel_file(demo_like, client_as):
    f = io.BytesIO(b"\x00\x01binary")
    f.name = "x.xlsx"
    response = client_as("office").post("/targets/import/", {"file": f, "year": 2017})
    assert response.status_code == 400 and "不是 CSV 文本" in response.content.decode()


def _annual_gdp(rows):
    ind = Indicator.objects.get(code="gdp")
    units = dict(Unit.objects.values_list("code", "id"))
    cands = [{"indicator_id": ind.id, "unit_id": units[c], "year": y, "period_kind": "Y", "period_n": 0,
              "value": Decimal(str(v)), "measure_unit": "亿元", "price_basis": "current", "release": "yearbook",
              "source": "测试年鉴", "original": "", "is_synthetic": False} for c, y, v in rows]
    apply_observation_plan(plan_observations(candidate_frame(cands)), None)


def test_share_page(cast, client_as):
    _annual_gdp([("430600", 2014, 900), ("430600", 2015, 1000), ("430600", 2016, 1100),
                 ("430000", 2014, 9000), ("430000", 2015, 10000), ("430000", 2016, 11000)])
    page = client_as("leader").get("/targets/share/?indicator=gdp&unit=430600&target=12&by=2020&recent=2")
    html = page.content.decode()
    assert page.status_code == 200
    assert "2016年占全省10.00%" in html and "不能达到目标" in html and "share-chart" in html
    assert "测试年鉴" in html


def test_share_page_says_what_is_missing(cast, client_as):
    html = client_as("office").get("/targets/share/?indicator=gdp&unit=430600&target=12&by=2020&recent=3") \
        .content.decode()
    assert "缺少岳阳市或湖南省的「地区生产总值」年度数据" in html


def test_every_target_write_is_in_the_audit_log(demo_like, client_as):
    from newind.audit.models import AuditEntry
    from newind.audit.services import verify_chain

    c = client_as("office")
    c.post("/targets/new/", form_data())
    t = Target.objects.get(unit__code="430600")
    c.post(f"/targets/{t.pk}/edit/", form_data(value="1100"))
    c.post(f"/targets/{t.pk}/delete/")
    c.post("/targets/rules/", {"year": 2017, "rule_set": "strict-5-15"})
    entries = list(AuditEntry.objects.filter(action__in=["target.add", "target.change", "target.delete",
                                                         "setting.change"]).order_by("id"))
    assert [e.action for e in entries] == ["target.add", "target.change", "target.delete", "setting.change"]
    assert Decimal(entries[1].before["value"]) == 1000 and Decimal(entries[1].after["value"]) == 1100
    assert entries[2].before["unit"] == "430600" and entries[2].actor == "office"
    assert entries[3].after == {"rule_set": "strict-5-15"}
    assert verify_chain().ok


def test_share_page_shows_sources_by_their_chinese_label(cast, client_as):
    from newind.indicators.models import Observation
    from tests.page_helpers import tooltips, visible_text

    _annual_gdp([("430600", 2015, 1000), ("430600", 2016, 1100), ("430000", 2015, 10000), ("430000", 2016, 11000)])
    stored = "National Bureau of Statistics provincial series (public copies)"
    Observation.objects.filter(unit__code="430000").update(source=stored)
    html = client_as("leader").get("/targets/share/?indicator=gdp&unit=430600&target=12&by=2020&recent=1").content.decode()
    text = visible_text(html)
    assert "来源：国家统计局分省年度数据；测试年鉴" in text and "National Bureau" not in text
    assert any(stored in t for t in tooltips(html))
    assert Observation.objects.filter(source=stored).count() == 2  # the stored text is unchanged
