"""The base of `newind` commands that write: their audit entries name the command line and the OS user."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from newind.audit.context import command_line


class AuditedCommand(BaseCommand):
    """A management command whose audited writes are recorded as `cli:<OS user>` (role `cli`).

    Through `execute`, so `call_command` (tests, a job runner) gets the same actor as the console script.
    """

    def execute(self, *args: Any, **options: Any) -> Any:
        with command_line():
            return super().execute(*args, **options)
