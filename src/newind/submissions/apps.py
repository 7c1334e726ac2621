from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "newind.submissions"
    label = "submissions"
    verbose_name = "月度报表填报"
