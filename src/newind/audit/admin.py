"""The audit log in the admin: read-only, and visible to the 审计员 only (三员分立)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from newind.audit.models import AuditAnchor, AuditEntry


def _is_auditor(request: HttpRequest) -> bool:
    from newind.accounts.access import AUDIT_PAGE

    return AUDIT_PAGE.allows(request.user)


class ReadOnlyForAuditor(admin.ModelAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_auditor(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_auditor(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyForAuditor):
    list_display = ("id", "at", "actor", "actor_name", "ip", "action", "object_type", "object_id", "unit_code",
                    "summary")
    list_filter = ("action",)
    search_fields = ("actor", "actor_name", "unit_code", "summary", "object_id")
    date_hierarchy = "at"


@admin.register(AuditAnchor)
class AuditAnchorAdmin(ReadOnlyForAuditor):
    list_display = ("at", "purged_before", "count", "last_purged_id", "actor")
