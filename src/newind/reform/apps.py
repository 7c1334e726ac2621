from django.apps import AppConfig


class ReformConfig(AppConfig):
    name = "newind.reform"
    label = "reform"
    verbose_name = "改革与行动任务"
