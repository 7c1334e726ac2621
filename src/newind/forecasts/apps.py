from django.apps import AppConfig


class ForecastsConfig(AppConfig):
    name = "newind.forecasts"
    label = "forecasts"
    verbose_name = "预测与回测"
