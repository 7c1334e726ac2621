from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "newind.home"
    label = "home"
    verbose_name = "首页"
