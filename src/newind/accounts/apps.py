from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "newind.accounts"
    label = "accounts"
    verbose_name = "用户与权限"

    def ready(self) -> None:
        # Signal receivers (audit of logins, role changes, lock-outs) are connected on import.
        from newind.accounts import signals  # noqa: F401
