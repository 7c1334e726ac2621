from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "newind.accounts"
    label = "accounts"
    verbose_name = "用户与权限"

    def ready(self) -> None:
        # Signal receivers (audit of logins, role changes, lock-outs) are connected on import.
        from newind.accounts import signals  # noqa: F401
        from newind.accounts.access import role_of
        from newind.audit.services import set_role_resolver

        # The audit chain records each actor's role without importing accounts (it sits below it).
        set_role_resolver(role_of)
