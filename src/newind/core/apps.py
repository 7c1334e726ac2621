from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "newind.core"
    label = "core"
    verbose_name = "公共"
