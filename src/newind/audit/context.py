"""Who is acting: the current request (so signal receivers can name the user who did it), or the command line.

A `newind` command runs inside `command_line()` (set by `newind.cli.main` for every command, Django's own
included, and by `AuditedCommand` for the project's writing commands, also when they are called through
`call_command`): entries written there without a signed-in user name `cli:<OS user>`, role `cli`.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse

_request: ContextVar[HttpRequest | None] = ContextVar("newind_audit_request", default=None)


def current_request() -> HttpRequest | None:
    return _request.get()


def current_user() -> Any:
    request = _request.get()
    return getattr(request, "user", None) if request is not None else None


class AuditContextMiddleware:
    """Keeps the request in a context variable for the duration of the view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


@dataclass(frozen=True)
class CommandLineActor:
    """Who runs a `newind` command: the operating-system account (and the sudo caller, when there is one)."""

    os_user: str
    sudo_user: str = ""

    @property
    def actor(self) -> str:
        return f"cli:{self.os_user}"[:150]

    @property
    def name(self) -> str:
        return f"命令行（经 sudo，原用户 {self.sudo_user}）"[:150] if self.sudo_user else "命令行"


_command_line: ContextVar[CommandLineActor | None] = ContextVar("newind_audit_command_line", default=None)


def os_user() -> str:
    """The effective OS account of this process (from the uid, not from $USER, which anyone can set)."""
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError, AttributeError):  # no pwd (Windows) or a uid without a passwd entry
        try:
            return getpass.getuser()
        except Exception:  # getpass raises OSError or KeyError, depending on the platform
            return f"uid{os.getuid()}" if hasattr(os, "getuid") else "unknown"


@contextmanager
def command_line() -> Iterator[CommandLineActor]:
    """Within this block, entries written without a signed-in user are the command line's (`cli:<OS user>`)."""
    current = _command_line.get()
    if current is not None:  # nested (a command calling another): keep the outer one
        yield current
        return
    sudo = os.environ.get("SUDO_USER", "")
    actor = CommandLineActor(os_user(), sudo if sudo and sudo != os_user() else "")
    token = _command_line.set(actor)
    try:
        yield actor
    finally:
        _command_line.reset(token)


def current_command_line() -> CommandLineActor | None:
    return _command_line.get()
