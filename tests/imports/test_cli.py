"""`newind import`: dry-run preview, writing, no-op re-import, problems on stderr with exit 2."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from newind.core.errors import AppError
from newind.imports.demo import load_demo
from newind.indicators.models import ImportBatch, Observation

pytestmark = pytest.mark.django_db

HUNAN = Path(__file__).resolve().parents[2] / "src" / "newind" / "imports" / "data" / "hunan"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import", *args, stdout=out)
    return out.getvalue()


def test_dry_run_previews_and_writes_nothing(reference_data):
    text = run(str(HUNAN / "prefectures_annual_2005_2016.csv"), "--dry-run")
    assert "新增 645 条，变更 0 条，未变 0 条，跳过空缺 0 个。" in text
    assert "试运行（--dry-run）：未写入任何数据。" in text
    assert Observation.objects.count() == 0 and ImportBatch.objects.count() == 0


def test_import_writes_then_dry_run_of_a_changed_file_lists_old_to_new(reference_data, make_csv):
    header = "地区,代码,年份,指标,数值,计量单位\n"
    written = run(str(make_csv(header + "岳阳市,430600,2016,gdp,3100.87,亿元\n长沙市,430100,2016,gdp,9323.7,亿元\n",
                               "v1.csv")))
    assert "已写入：导入批次" in written and Observation.objects.count() == 2
    changed = make_csv(header + "岳阳市,430600,2016,gdp,31009000,万元\n长沙市,430100,2016,gdp,9323.7,亿元\n", "v2.csv")
    text = run(str(changed), "--dry-run")
    assert "新增 0 条，变更 1 条，未变 1 条，跳过空缺 0 个。" in text
    assert "  岳阳市 地区生产总值 2016年（正式）：3100.87 → 3100.9 亿元" in text
    assert "说明：已将万元换算为亿元：1个数值" in text
    assert Observation.objects.count() == 2


def test_reimport_says_nothing_changed(reference_data):
    path = str(HUNAN / "industrial_va_growth_2017_jan_nov.csv")
    run(path)
    assert "数据均未变化，未写入任何内容。" in run(path)
    assert ImportBatch.objects.count() == 1


def test_problems_are_one_app_error_that_the_cli_prints_with_exit_code_2(reference_data, make_csv):
    # newind.cli prints AppError.full_text() to stderr and exits 2 (main() itself closes the test's
    # database connection, so the command is called directly here).
    path = make_csv("地区,年份,指标,数值\n岳阳市,2016,gdp,—\n岳阳市,2017,gdp,abc\n")
    with pytest.raises(AppError) as excinfo:
        run(str(path))
    err = excinfo.value.full_text()
    assert err.startswith("文件「table.csv」有1处问题，未导入任何数据")
    assert "第3行第D列：「数值」的值「abc」不是数字" in err
    assert Observation.objects.count() == 0


def test_options_for_a_wide_table(reference_data, make_xlsx):
    path = make_xlsx([["地区", "规模工业增加值增速"], ["岳阳县", 8.1], ["平江县", 7.6]])
    text = run(str(path), "--period", "2017-11", "--source", "岳阳市统计局", "--release", "快报")
    assert "新增 2 条" in text
    assert set(Observation.objects.values_list("release", "source", "year", "period_n")) == {
        ("flash", "岳阳市统计局", 2017, 11)}


def test_demo_loader_imports_the_real_files_once(reference_data):
    out = io.StringIO()
    load_demo(out)
    assert Observation.objects.count() == 660 and not Observation.objects.filter(is_synthetic=True).exists()
    assert ImportBatch.objects.filter(source_kind="demo").count() == 2
    load_demo(out)
    assert Observation.objects.count() == 660 and ImportBatch.objects.count() == 2
    assert out.getvalue().count("数据均未变化") == 2
    sources = set(Observation.objects.values_list("source", flat=True))
    assert any("2018-01-04" in s for s in sources) and len(sources) >= 2
