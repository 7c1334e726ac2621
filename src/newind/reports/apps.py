from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "newind.reports"
    label = "reports"
    verbose_name = "月度调度通报"
