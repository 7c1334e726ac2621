"""Backtest storage, year-end forecasts and the CLI on a small database."""

from __future__ import annotations

import io
from decimal import Decimal

import numpy as np
import pytest
from django.core.management import call_command

from newind.forecasts.models import BacktestResult
from newind.forecasts.queries import FORECAST_COLUMNS, year_end_forecasts
from newind.forecasts.services import run_backtest
from newind.indicators.models import Indicator
from newind.indicators.periods import Period
from newind.targets.models import Target
from newind.units.models import Unit
from tests.targets.factories import va_history, write_monthly

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(reference_data):
    va_history({"430621": 100.0, "430623": 50.0, "430624": 80.0}, growth=0.10, last_n=5)
    write_monthly("industrial_va_above_size_growth_pct", {
        "430621": {2014: [9.0] * 11, 2015: [8.0] * 11, 2016: [7.5, 7.4, 7.3, 7.2, 7.1, 7.0, 7.0, 7.0, 7.0, 7.0, 7.0],
                   2017: [6.0, 6.2, 6.4, 6.6]},
    })


def test_run_backtest_stores_each_method_and_the_chosen_one(history):
    run = run_backtest(["industrial_va_above_size", "industrial_va_above_size_growth_pct"])
    stored = BacktestResult.objects.filter(indicator__code="industrial_va_above_size")
    assert set(stored.values_list("method", flat=True)) == {"seasonal_naive", "run_rate", "ets", "combo"}
    chosen = stored.get(is_chosen=True)
    # A perfectly seasonal history: seasonal naive is exact and no other method beats it.
    assert chosen.method == "seasonal_naive" and chosen.mape == pytest.approx(0.0, abs=1e-9)
    # Methods are compared on the years all of them forecast: ETS needs two full years first (2014, 2015).
    assert chosen.years == [2016] and set(chosen.errors) == {str(n) for n in range(2, 12)}
    assert stored.get(method="run_rate").mape > 1.0
    growth = BacktestResult.objects.get(indicator__code="industrial_va_above_size_growth_pct", is_chosen=True)
    assert growth.family == "point" and growth.mae is not None
    assert set(run.summary["indicator_code"]) == {"industrial_va_above_size", "industrial_va_above_size_growth_pct"}


def test_year_end_forecasts_columns_interval_and_probabilities(history):
    run_backtest(["industrial_va_above_size"])
    Target.objects.create(indicator=Indicator.objects.get(code="industrial_va_above_size"),
                          unit=Unit.objects.get(code="430621"), year=2017, kind="hard", value=Decimal("130"))
    f = year_end_forecasts(Period.parse("2017-05"), indicator_codes=["industrial_va_above_size"])
    assert list(f.columns) == FORECAST_COLUMNS
    row = f[f["unit_code"] == "430621"].iloc[0]
    assert row["forecast"] == pytest.approx(133.1, rel=1e-6)
    assert row["lower"] <= row["forecast"] <= row["upper"]
    assert row["method"] == "seasonal_naive" and "季节朴素" in row["method_label"]
    assert row["prob_meet_hard"] == 1.0 and np.isnan(row["prob_meet_stretch"])
    assert np.isnan(f[f["unit_code"] == "430623"].iloc[0]["prob_meet_hard"])  # no target there


def test_without_a_stored_backtest_a_quick_one_is_used_and_said(history):
    f = year_end_forecasts(Period.parse("2017-05"), unit_codes=["430621"],
                           indicator_codes=["industrial_va_above_size"])
    row = f.iloc[0]
    assert "即时回测" in row["backtest_note"] and row["method"] in ("seasonal_naive", "combo")


def test_growth_rate_forecast_carries_or_drifts(history):
    run_backtest(["industrial_va_above_size_growth_pct"])
    row = year_end_forecasts(Period.parse("2017-05"), indicator_codes=["industrial_va_above_size_growth_pct"]) \
        .iloc[0]
    assert row["family"] == "point" and row["method"] in ("carry", "drift", "point_combo")
    assert row["actual_to_date"] == 6.6


def test_cli_backtest_prints_errors_and_the_verdict(history):
    out = io.StringIO()
    call_command("forecast", "backtest", "--indicator", "industrial_va_above_size", stdout=out)
    text = out.getvalue()
    assert "季节朴素" in text and "MAPE" in text and "覆盖率" in text
    assert "所选方法优于基准方法" in text and "/1。" in text
    assert BacktestResult.objects.filter(is_chosen=True).count() == 1


def test_cli_show(history):
    out = io.StringIO()
    call_command("forecast", "show", "--period", "2017-05", "--unit", "430621",
                 "--indicator", "industrial_va_above_size", stdout=out)
    assert "岳阳县 规模工业增加值：至今" in out.getvalue() and "示例数据" in out.getvalue()


def test_backtest_page(history, client_as):
    run_backtest(["industrial_va_above_size"])
    html = client_as("leader").get("/forecasts/").content.decode()
    assert "季节朴素法" in html and "所选方法优于基准方法" in html
    assert client_as("auditor").get("/forecasts/").status_code == 403


def test_the_statistical_method_is_named_in_chinese(history, client_as):
    from tests.page_helpers import visible_text

    run_backtest(["industrial_va_above_size"])
    assert BacktestResult.objects.filter(indicator__code="industrial_va_above_size", method="ets").exists()
    text = visible_text(client_as("office").get("/forecasts/").content.decode())
    assert "霍尔特-温特斯指数平滑（按月度值）" in text
    assert "组合预测（季节朴素法与霍尔特-温特斯指数平滑的平均）" in text
    assert "Holt" not in text and "Winters" not in text
    out = io.StringIO()
    call_command("forecast", "backtest", "--indicator", "industrial_va_above_size", "--no-store", stdout=out)
    assert "Holt" not in out.getvalue()


def test_live_forecasts_reuse_stored_model_parameters(history, monkeypatch):
    """After the backtest, a fresh process forecasts with the stored parameters: no re-estimation."""
    from newind.forecasts import ets
    from newind.forecasts.models import FittedParams

    run_backtest(["industrial_va_above_size"])
    assert FittedParams.objects.filter(params__isnull=False).exists()
    BacktestResult.objects.filter(indicator__code="industrial_va_above_size").update(is_chosen=False)
    BacktestResult.objects.filter(indicator__code="industrial_va_above_size", method="ets").update(is_chosen=True)
    monkeypatch.setattr(ets, "_FIT_CACHE", {})

    def no_fitting(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("parameters were re-estimated")

    monkeypatch.setattr(ets, "_model", no_fitting)
    f = year_end_forecasts(Period.parse("2017-05"), indicator_codes=["industrial_va_above_size"])
    assert (f["method"] == "ets").all() and f["forecast"].notna().all()
    assert f.loc[f["unit_code"] == "430621", "forecast"].iloc[0] == pytest.approx(133.1, rel=0.02)


def test_the_office_reruns_the_backtest_from_the_page(history, client_as):
    from newind.audit.models import AuditEntry
    from tests.page_helpers import visible_text

    office = client_as("office")
    page = office.get("/forecasts/").content.decode()
    assert 'action="/forecasts/run/"' in page and "csrfmiddlewaretoken" in page and "运行回测" in page
    assert "newind forecast" not in visible_text(page)  # a page never asks a user to run a command
    response = office.post("/forecasts/run/", follow=True)
    assert response.redirect_chain == [("/forecasts/", 302)]
    html = response.content.decode()
    assert "回测完成：" in html and "所选方法优于基准方法的指标" in html and "重新运行回测" in html
    assert BacktestResult.objects.filter(indicator__code="industrial_va_above_size", is_chosen=True).count() == 1
    entry = AuditEntry.objects.get(action="forecast.backtest")
    assert entry.actor == "office" and entry.after["indicators"] >= 2 and "运行预测回测" in entry.summary


def test_only_the_office_may_run_the_backtest_and_only_by_post(history, cast, client_as):
    from django.test import Client

    from newind.audit.models import AuditEntry

    leader = client_as("leader")
    assert "运行回测" not in leader.get("/forecasts/").content.decode()
    assert "回测由市新型工业化领导小组办公室在本页运行" in leader.get("/forecasts/").content.decode()
    assert leader.post("/forecasts/run/").status_code == 403
    assert client_as("yyx_rep").post("/forecasts/run/").status_code == 403
    assert client_as("office").get("/forecasts/run/").status_code == 405
    # Without the CSRF token the post is refused.
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(cast.office)
    assert strict.post("/forecasts/run/").status_code == 403
    assert not BacktestResult.objects.exists() and not AuditEntry.objects.filter(action="forecast.backtest").exists()


def test_running_the_backtest_without_history_says_what_to_do(reference_data, office_client):
    response = office_client.post("/forecasts/run/")
    html = response.content.decode()
    assert response.status_code == 409 and "没有可回测的月度历史数据" in html and "newind" not in html.split("<main")[1]
