"""The production server and settings: `check --deploy` passes with the environment docs/deploy.md documents,
and `newind serve` runs gunicorn with several workers, DEBUG off and static files from whitenoise."""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

REPO = Path(__file__).resolve().parents[2]


def documented_environment(tmp_path: Path) -> dict[str, str]:
    """The env file in docs/deploy.md, with its <placeholders> filled and its paths moved under tmp_path."""
    text = (REPO / "docs" / "deploy.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(# /etc/newind/newind\.env.*?)```", text, re.S)
    assert block, "docs/deploy.md lost its environment file block"
    env = {}
    for line in block.group(1).splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key] = value
    env["NEWIND_SECRET_KEY"] = secrets.token_urlsafe(50)
    env["NEWIND_TOTP_KEY"] = Fernet.generate_key().decode()
    env["NEWIND_AUDIT_KEY"] = secrets.token_urlsafe(40)
    env["NEWIND_AUDIT_ANCHOR_DIR"] = str(tmp_path / "anchors")
    env["NEWIND_DATABASE_URL"] = env["NEWIND_DATABASE_URL"].replace("<数据库口令>", "x")
    env["NEWIND_VAR_DIR"], env["NEWIND_BACKUP_DIR"] = str(tmp_path / "var"), str(tmp_path / "backups")
    assert not [k for k, v in env.items() if "<" in v], env
    return env


def _clean_environment() -> dict[str, str]:
    """This process's environment without newind's settings and without what the test run itself sets
    (the browser fixture's DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly refuses)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("NEWIND_")
            and k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}}


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "newind.cli", *args], env={**_clean_environment(), **env},
                          capture_output=True, text=True, timeout=300)


def test_check_deploy_passes_with_the_documented_production_environment(tmp_path):
    env = documented_environment(tmp_path)
    assert {"NEWIND_HTTPS", "NEWIND_BEHIND_TLS_PROXY", "NEWIND_ALLOWED_HOSTS", "NEWIND_TOTP_KEY"} <= set(env)
    done = _run(["check", "--deploy", "--fail-level", "WARNING"], env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout
    # Without the production settings the same check warns (so the test above is not vacuous).
    dev = _run(["check", "--deploy", "--fail-level", "WARNING"], {"NEWIND_VAR_DIR": str(tmp_path / "dev")})
    assert dev.returncode != 0 and "security.W" in dev.stdout + dev.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_newind_serve_runs_gunicorn_with_workers_static_files_and_no_debug(tmp_path):
    port = _free_port()
    env = {"NEWIND_VAR_DIR": str(tmp_path), "NEWIND_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
           "NEWIND_SECRET_KEY": secrets.token_urlsafe(50), "NEWIND_TOTP_KEY": Fernet.generate_key().decode(),
           "NEWIND_LOG_LEVEL": "WARNING"}
    server = subprocess.Popen([sys.executable, "-m", "newind.cli", "serve", "--addr", f"127.0.0.1:{port}",
                               "--workers", "2"], env={**_clean_environment(), **env}, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # the first start migrates a new database
        while True:
            try:
                status, headers, body = _get(base + "/healthz")
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, server.communicate(timeout=5)[0]
                time.sleep(0.5)
        assert (status, body, headers["Server"]) == (200, b"ok", "gunicorn")
        # The first worker may answer /healthz while the master is still forking the second (a busy machine
        # showed one): wait for both, within the same deadline, then count them.
        while True:
            workers = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
            if len(workers) >= 2 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert len(workers) == 2  # the gunicorn master (this process) and two workers
        # Static files come from whitenoise inside the app, with the security headers, the font included.
        status, headers, body = _get(base + "/static/core/site.css")
        assert status == 200 and b"Noto Sans CJK SC Newind" in body and "max-age" in headers["Cache-Control"]
        status, headers, font = _get(base + "/static/core/fonts/NotoSansSC-Regular.otf")
        assert status == 200 and font[:4] == b"OTTO"
        # DEBUG is off: an unknown address is the platform's own 404 page, never Django's debug page.
        status, _, body = _get(base + "/no-such-page/")
        assert status in (302, 404) and b"URLconf" not in body and b"Traceback" not in body
        status, headers, _ = _get(base + "/")
        assert status == 302 and headers["Location"].startswith("/accounts/login/")
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # gunicorn: a graceful stop
        output = server.communicate(timeout=60)[0]
    assert server.returncode == 0, output
    assert "gunicorn，2 个工作进程" in output


def test_serve_refuses_debug_and_dev_keeps_the_development_server(monkeypatch, settings):
    from django.core.management import call_command

    from newind.core.errors import AppError
    from newind.home.management.commands import serve

    # Real keys from the environment, so the refusal below is the debug one, not the key check's.
    settings.NEWIND_DEMO, settings.NEWIND_SECRET_KEY_FROM_ENV = False, True
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    settings.DEBUG = True
    with pytest.raises(AppError, match="不能在调试模式下运行"):
        call_command("serve")
    calls = []
    monkeypatch.setattr(serve, "call_command", lambda *a, **k: calls.append((a, k)))
    call_command("serve", "--dev", "--addr", "127.0.0.1:8123")
    assert calls == [(("runserver", "127.0.0.1:8123"), {"use_reloader": False})]


def test_gunicorn_settings_are_for_production(monkeypatch):
    from newind.home.management.commands.serve import default_workers, gunicorn_options

    monkeypatch.delenv("NEWIND_WEB_WORKERS", raising=False)
    assert 2 <= default_workers() <= 8
    monkeypatch.setenv("NEWIND_WEB_WORKERS", "3")
    assert default_workers() == 3
    options = gunicorn_options("127.0.0.1:8000", 3)
    assert options["workers"] == 3 and options["preload_app"] and options["timeout"] >= 60
    assert options["forwarded_allow_ips"] == "127.0.0.1,::1"
