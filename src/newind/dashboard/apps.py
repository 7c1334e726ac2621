from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "newind.dashboard"
    label = "dashboard"
    verbose_name = "领导驾驶舱"
