from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "newind.audit"
    label = "audit"
    verbose_name = "安全审计"
