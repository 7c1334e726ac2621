from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "newind.units"
    label = "units"
    verbose_name = "单位与层级"
