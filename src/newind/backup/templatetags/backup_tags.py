"""`{% last_backup_panel %}`: the last backup's time and result, for the 安全管理员's page."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("backup/last_backup.html")
def last_backup_panel() -> dict[str, Any]:
    from newind.backup.services import backup_dir, last_backup

    return {"last": last_backup(), "directory": backup_dir(), "keep": getattr(settings, "NEWIND_BACKUP_KEEP", 14)}
