"""Stored backtest results: each method's error per indicator and the method the platform uses."""

from __future__ import annotations

from django.db import models

from newind.indicators.models import Indicator


class BacktestResult(models.Model):
    """One method's backtest on one indicator's stored history (all units, past years replayed month by
    month). `errors` keeps the errors by month n for the intervals and probabilities of live forecasts."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="backtests",
                                  verbose_name="指标")
    method = models.CharField("方法", max_length=20)
    family = models.CharField("类型", max_length=10)  # flow | point (see forecasts.calc)
    n_cases = models.IntegerField("回测次数", default=0)
    mape = models.FloatField("平均绝对百分比误差(%)", null=True, blank=True)
    mae = models.FloatField("平均绝对误差", null=True, blank=True)
    coverage = models.FloatField("80%区间覆盖率(%)", null=True, blank=True)
    is_chosen = models.BooleanField("采用", default=False)
    beats_baseline = models.BooleanField("优于基准方法", default=False)
    errors = models.JSONField("各月误差", default=dict)
    years = models.JSONField("回测年份", default=list)
    computed_at = models.DateTimeField("计算时间", auto_now=True)

    class Meta:
        verbose_name = "预测回测结果"
        verbose_name_plural = "预测回测结果"
        constraints = [models.UniqueConstraint(fields=["indicator", "method"], name="one_backtest_per_method")]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.method}"


class FittedParams(models.Model):
    """Holt-Winters parameters estimated on one monthly series, keyed by the series' hash: a live forecast
    whose history is unchanged reuses them (no re-estimation, no statsmodels import on the request path)."""

    key = models.CharField("序列哈希", max_length=40, unique=True)
    params = models.JSONField("参数", null=True)  # null: the fit failed for this series
    created_at = models.DateTimeField("计算时间", auto_now_add=True)

    class Meta:
        verbose_name = "模型参数"
        verbose_name_plural = "模型参数"

    def __str__(self) -> str:
        return self.key
