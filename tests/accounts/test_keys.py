"""The server does not start on a generated or published secret key outside the demo; HTTPS settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from newind.accounts import keys
from newind.core.errors import AppError
from tests.conftest import TEST_TOTP_KEY

REPO = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 20 + "Z9-x_" * 10  # 70 characters, not the published one


def _python(code: str, var_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run Python with the project's settings in a fresh process (settings are read from the environment)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NEWIND_") and k != "DJANGO_SETTINGS_MODULE"}
    clean.update({"NEWIND_VAR_DIR": str(var_dir), "NEWIND_DATABASE_URL": f"sqlite:///{var_dir / 'db.sqlite3'}",
                  "PYTHONPATH": str(REPO / "src"), **env})
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=clean, cwd=REPO,
                          timeout=120, check=False)


def test_the_wsgi_application_refuses_to_start_without_a_real_key(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """gunicorn imports newind.wsgi: without NEWIND_SECRET_KEY the worker stops, saying why, in Chinese."""
    refused = _python("import newind.wsgi", tmp_path)
    assert refused.returncode != 0
    assert "未设置环境变量 NEWIND_SECRET_KEY" in refused.stderr and "ImproperlyConfigured" in refused.stderr
    weak = _python("import newind.wsgi", tmp_path, NEWIND_SECRET_KEY=keys.KNOWN_DEV_KEY)
    assert weak.returncode != 0 and "NEWIND_SECRET_KEY 太弱" in weak.stderr
    no_totp_key = _python("import newind.wsgi", tmp_path, NEWIND_SECRET_KEY=GOOD_KEY)
    assert no_totp_key.returncode != 0 and "NEWIND_TOTP_KEY" in no_totp_key.stderr
    assert "未设置环境变量 NEWIND_SECRET_KEY" not in no_totp_key.stderr
    started = _python("import newind.wsgi; print('ok')", tmp_path, NEWIND_SECRET_KEY=GOOD_KEY,
                      NEWIND_TOTP_KEY=TEST_TOTP_KEY)
    assert started.returncode == 0 and started.stdout.strip() == "ok", started.stderr
    key_file = tmp_path / "totp.key"
    key_file.write_text(TEST_TOTP_KEY + "\n")
    started = _python("import newind.wsgi; print('ok')", tmp_path, NEWIND_SECRET_KEY=GOOD_KEY,
                      NEWIND_TOTP_KEY_FILE=str(key_file))
    assert started.returncode == 0, started.stderr


def test_newind_serve_refuses_without_a_key_and_the_demo_runs_on_a_generated_one(tmp_path) -> None:  # type: ignore[no-untyped-def]
    serve = _python("from newind.cli import main; raise SystemExit(main(['serve', '--addr', '127.0.0.1:1']))",
                    tmp_path)
    assert serve.returncode == 2 and "未设置环境变量 NEWIND_SECRET_KEY" in serve.stderr
    assert "平台已启动" not in serve.stdout
    runserver = _python("from newind.cli import main; raise SystemExit(main(['runserver']))", tmp_path)
    assert runserver.returncode == 2 and "NEWIND_SECRET_KEY" in runserver.stderr
    # The demo is allowed: its key is generated once into the var directory and stays the same.
    code = ("import os; os.environ['NEWIND_DEMO'] = '1'; import django; os.environ.setdefault("
            "'DJANGO_SETTINGS_MODULE', 'newind.settings'); django.setup(); from django.conf import settings; "
            "from newind.accounts.keys import check_serving_keys; check_serving_keys(); print(settings.SECRET_KEY)")
    first, second = _python(code, tmp_path), _python(code, tmp_path)
    assert first.returncode == 0, first.stderr
    key = (tmp_path / "keys" / "secret_key").read_text().strip()
    assert first.stdout.strip() == second.stdout.strip() == key and len(key) >= 50
    for name in ("secret_key", "totp_key"):  # the demo's TOTP key is generated the same way
        assert oct((tmp_path / "keys" / name).stat().st_mode & 0o777) == "0o600"


def test_serve_checks_the_key_in_process_too(settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from newind.home.management.commands import serve

    started: list[str] = []
    monkeypatch.setattr(serve, "call_command", lambda *a, **k: started.append(a[0]))
    settings.NEWIND_DEMO = False
    settings.NEWIND_SECRET_KEY_FROM_ENV = False
    # --dev: the development server is the stubbed call_command; the production one would take over this process.
    with pytest.raises(AppError, match="NEWIND_SECRET_KEY"):
        call_command("serve", "--dev")
    assert started == []
    settings.NEWIND_SECRET_KEY_FROM_ENV = True
    settings.SECRET_KEY = GOOD_KEY  # (and the tests' TOTP key, tests/conftest.py)
    call_command("serve", "--dev")
    assert started == ["runserver"]


def test_https_turns_on_secure_cookies_hsts_and_the_proxy_header(tmp_path) -> None:  # type: ignore[no-untyped-def]
    code = ("import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'newind.settings'); django.setup(); "
            "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
            "s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER)")
    assert _python(code, tmp_path).stdout.split() == ["False", "False", "0", "None"]
    on = _python(code, tmp_path, NEWIND_HTTPS="1").stdout.strip()
    assert on == "True True 31536000 ('HTTP_X_FORWARDED_PROTO', 'https')"
    # The older name still works.
    assert _python(code, tmp_path, NEWIND_SECURE_COOKIES="1").stdout.strip() == on


@pytest.mark.django_db
def test_over_https_the_session_cookie_is_secure_and_hsts_is_sent(cast, settings, client) -> None:  # type: ignore[no-untyped-def]
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.post("/accounts/login/", {"username": "leader", "password": cast.PASSWORD},
                           HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 302
    assert response.cookies["sessionid"]["secure"] is True
    assert response["Strict-Transport-Security"] == "max-age=31536000"
