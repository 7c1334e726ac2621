from typing import Any

from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    name = "newind.core"
    label = "core"
    verbose_name = "公共"

    def ready(self) -> None:
        checks.register(check_office, checks.Tags.compatibility)


def check_office(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """`manage.py check` (and every command's start) refuses a broken definitions/office.yaml, in Chinese."""
    from newind.core.office import OfficeConfigError, default_path, load_office

    try:
        load_office(default_path())
    except OfficeConfigError as exc:
        return [checks.Error(exc.message, id="newind.E001")]
    return []
