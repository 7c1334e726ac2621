from typing import Any

from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "newind.targets"
    label = "targets"
    verbose_name = "目标任务与预警"

    def ready(self) -> None:
        from newind.forecasts.queries import set_target_reader

        # Forecasts give the chance of meeting each target; they read the targets through this (forecasts
        # sit below targets, which use them for "forecast to miss").
        set_target_reader(targets_for_forecast)


def targets_for_forecast(indicator: Any, year: int, target_type: str) -> list[tuple[str, str, Any]]:
    """(unit code, kind, value) of the year's targets of one indicator and type."""
    from newind.targets.models import Target

    return list(Target.objects.filter(indicator=indicator, year=year, target_type=target_type)
                .values_list("unit__code", "kind", "value"))
