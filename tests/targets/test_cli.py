"""`newind targets share|progress|warnings|rules`."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from newind.core.errors import AppError
from newind.indicators.models import Indicator
from newind.targets.models import Target
from newind.units.models import Unit

from .factories import va_history
from .test_views import _annual_gdp

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("targets", *args, stdout=out)
    return out.getvalue()


def test_share(reference_data):
    _annual_gdp([("430600", 2015, 1000), ("430600", 2016, 1100), ("430000", 2015, 10000), ("430000", 2016, 11000)])
    text = run("share", "--indicator", "gdp", "--unit", "430600", "--target", "12", "--by", "2020",
               "--province-growth", "7")
    assert "2016年占全省10.00%" in text and "全省每年增长7.00%的假设下" in text and "按给定假设" in text
    assert "2020" in text.splitlines()[-1]


def test_share_needs_its_arguments(reference_data):
    with pytest.raises(AppError):
        run("share", "--indicator", "gdp")


def test_progress_and_warnings(reference_data):
    va_history({"430623": 50.0}, growth=0.10, last_n=4)
    Target.objects.create(indicator=Indicator.objects.get(code="industrial_va_above_size"),
                          unit=Unit.objects.get(code="430623"), year=2017, kind="hard", value=Decimal("100"))
    assert "[红灯] 华容县 规模工业增加值硬指标" in run("progress", "--period", "2017-04")
    text = run("warnings", "--period", "2017-04", "--rules", "gap-only")
    # gap-only ignores the forecast: 1—4月 done 66.55×28.5% of 100 = 19.0% against 33.3% → 14.4 behind, yellow
    assert "红灯 0 项，黄灯 1 项" in text and "落后进度14.4个百分点" in text
    assert "default" in run("rules")


def test_progress_and_warnings_default_to_the_latest_period_like_the_web(reference_data, client_as):
    # Figures up to 1—4月 2017 (the latest period with figures for the targets): no --period needed.
    va_history({"430623": 50.0}, growth=0.10, last_n=4)
    Target.objects.create(indicator=Indicator.objects.get(code="industrial_va_above_size"),
                          unit=Unit.objects.get(code="430623"), year=2017, kind="hard", value=Decimal("100"))
    progress = run("progress")
    assert progress.splitlines()[0].startswith("2017年1—4月 目标完成进度")
    assert progress == run("progress", "--period", "2017-04")
    assert run("warnings", "--rules", "gap-only").splitlines()[0] == "2017年1—4月 预警清单（1 项，红灯 0 项，黄灯 1 项）"
    # The page picks the same period.
    assert "目标进度与预警 · 2017年1—4月" in client_as("office").get("/targets/").content.decode()


def test_without_targets_the_default_period_is_explained(reference_data):
    with pytest.raises(AppError, match="还没有目标任务或本年度数据"):
        run("progress")
