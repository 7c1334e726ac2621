"""Encrypting the TOTP secrets at rest, with a key kept outside the database (Fernet: AES-128-CBC + HMAC).

The key comes from `NEWIND_TOTP_KEY` (one or more Fernet keys, comma-separated) or `NEWIND_TOTP_KEY_FILE`
(one key a line). The first key encrypts; every key decrypts, so a key is rotated by putting the new one
first. `newind demo` generates one into the var directory; elsewhere the deployment must give one
(the server refuses to start without it, see accounts.keys).
"""

from __future__ import annotations

from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from newind.core.errors import AppError

# A Fernet token is URL-safe base64 of a version byte 0x80 and a timestamp: it always starts like this,
# while a base32 TOTP secret (A–Z, 2–7) never does.
TOKEN_PREFIX = "gAAAAA"


def _keys() -> list[str]:
    text = str(getattr(settings, "NEWIND_TOTP_KEY", "") or "")
    path = str(getattr(settings, "NEWIND_TOTP_KEY_FILE", "") or "")
    if not text and path:
        try:
            text = Path(path).read_text()
        except OSError as exc:
            raise AppError(f"读不到动态口令加密密钥文件 NEWIND_TOTP_KEY_FILE（{path}）：{exc.strerror}。请联系系统管理员。",
                           status=500, code="missing_key") from None
    return [k.strip() for k in text.replace(",", "\n").splitlines() if k.strip()]


def configured() -> bool:
    """Is a TOTP encryption key given (environment, key file, or the demo's generated file)?"""
    return bool(_keys())


def _fernet() -> MultiFernet:
    keys = _keys()
    if not keys:
        raise AppError("服务器没有配置动态口令的加密密钥（NEWIND_TOTP_KEY）：暂时不能启用或使用动态口令，请联系系统管理员。",
                       status=500, code="missing_key")
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except ValueError:
        raise AppError("动态口令加密密钥的格式不对（应为 Fernet 密钥，44 个字符）：请联系系统管理员检查 NEWIND_TOTP_KEY。",
                       status=500, code="bad_key") from None


def encrypt_secret(secret: str) -> str:
    """The stored form of a TOTP secret ("" stays "")."""
    return _fernet().encrypt(secret.encode()).decode() if secret else ""


def decrypt_secret(token: str) -> str:
    """The TOTP secret from its stored form ("" stays "")."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise AppError("动态口令密钥无法解密（服务器的加密密钥与保存时不同）：请联系系统管理员。",
                       status=500, code="bad_key") from None


def new_key() -> str:
    """A fresh Fernet key, for the deployment's NEWIND_TOTP_KEY."""
    return Fernet.generate_key().decode()
