from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "newind.accountability"
    label = "accountability"
    verbose_name = "问责清单与预警推送"
