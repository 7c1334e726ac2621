from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "newind.indicators"
    label = "indicators"
    verbose_name = "指标与数据"

    def ready(self) -> None:
        from newind.audit.queries import register_value_names

        # The audit log names indicator codes and period keys through these (audit sits below indicators).
        register_value_names("indicator", indicator_names)
        register_value_names("period", period_labels)


def indicator_names(codes: set[str]) -> dict[str, str]:
    from newind.indicators.models import Indicator

    return dict(Indicator.objects.filter(code__in=codes).values_list("code", "name"))


def period_labels(keys: set[str]) -> dict[str, str]:
    """'2017-03' → '2017年1—3月'; a key that is no period stays as it is."""
    from newind.core.errors import AppError
    from newind.indicators.periods import Period

    out = {}
    for key in keys:
        try:
            out[key] = Period.parse(key).label
        except AppError:
            out[key] = key
    return out
