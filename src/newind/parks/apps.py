from django.apps import AppConfig


class ParksConfig(AppConfig):
    name = "newind.parks"
    label = "parks"
    verbose_name = "园区"
