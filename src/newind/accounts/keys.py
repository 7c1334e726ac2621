"""Keys that must come from the deployment, not from the code or the database, and the check that the
server does not start without them (outside the demo)."""

from __future__ import annotations

from django.conf import settings

from newind.core.errors import AppError

# The fixed key earlier versions fell back to: published in the repository, so never acceptable.
KNOWN_DEV_KEY = "dev-only-insecure-key-change-me-in-production-0123456789"
MIN_SECRET_KEY_LENGTH = 50


def serving_problems() -> list[str]:
    """What is missing for a real deployment (empty in the demo): one Chinese sentence each."""
    if settings.NEWIND_DEMO:
        return []
    problems = []
    key = settings.SECRET_KEY if settings.NEWIND_SECRET_KEY_FROM_ENV else ""
    if not key:
        problems.append("未设置环境变量 NEWIND_SECRET_KEY（会话、CSRF 令牌的签名密钥）")
    elif key == KNOWN_DEV_KEY or len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < 5:
        problems.append(f"NEWIND_SECRET_KEY 太弱（须是至少 {MIN_SECRET_KEY_LENGTH} 个随机字符，且不能是代码中公开过的开发密钥）")
    from newind.accounts import crypto

    if not crypto.configured():
        problems.append("未设置动态口令的加密密钥 NEWIND_TOTP_KEY 或 NEWIND_TOTP_KEY_FILE（Fernet 密钥，可用 "
                        "python3 -c \"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())\" 生成）")
    return problems


def check_serving_keys() -> None:
    """Refuse to start the server on generated or weak keys outside the demo (AppError, shown by the CLI)."""
    problems = serving_problems()
    if problems:
        raise AppError(
            "平台不能在正式环境中启动，密钥须由部署提供（不能用自动生成的或公开的密钥）：" + "；".join(problems) + "。"
            "NEWIND_SECRET_KEY 可用 python3 -c \"import secrets; print(secrets.token_urlsafe(50))\" 生成；把密钥写入服务的环境变量后再启动"
            "（只想看演示时，请运行 newind demo）。详见 docs/security.md“运维要点”。", status=500, code="missing_key")
