from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "newind.targets"
    label = "targets"
    verbose_name = "目标任务与预警"
