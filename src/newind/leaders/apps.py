from django.apps import AppConfig


class LeadersConfig(AppConfig):
    name = "newind.leaders"
    label = "leaders"
    verbose_name = "主要领导责任"
