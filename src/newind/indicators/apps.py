from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "newind.indicators"
    label = "indicators"
    verbose_name = "指标与数据"
