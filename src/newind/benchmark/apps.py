from django.apps import AppConfig


class BenchmarkConfig(AppConfig):
    name = "newind.benchmark"
    label = "benchmark"
    verbose_name = "对标分析"
