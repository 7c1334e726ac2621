from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "newind.scoring"
    label = "scoring"
    verbose_name = "评分引擎"
