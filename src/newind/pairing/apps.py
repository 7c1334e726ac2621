from django.apps import AppConfig


class PairingConfig(AppConfig):
    name = "newind.pairing"
    label = "pairing"
    verbose_name = "包联走访"
