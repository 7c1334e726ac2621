from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "newind.funding"
    label = "funding"
    verbose_name = "向上争取"
