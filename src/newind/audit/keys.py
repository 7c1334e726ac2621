"""The audit key: read from NEWIND_AUDIT_KEY or a key file, never stored in the database.

Order: `NEWIND_AUDIT_KEY` (the key itself, at least 32 characters), else the file `NEWIND_AUDIT_KEY_FILE`.
When neither is set the key file is `VAR_DIR/audit.key`, generated once (32 random bytes, hex, mode 0600),
so the demo and a first `newind import` work without setup. An explicitly configured key file that is
missing is an error, never silently replaced: a new key would make every existing entry unverifiable.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from django.conf import settings

from newind.core.errors import AppError

MIN_KEY_CHARS = 32
log = logging.getLogger("newind.audit")
# Key files read in this process, by (NEWIND_AUDIT_KEY_FILE, VAR_DIR): the key never changes while running.
_file_keys: dict[tuple[str, object], bytes] = {}


def key_file_path() -> Path:
    """Where the key file is: NEWIND_AUDIT_KEY_FILE, or VAR_DIR/audit.key by default."""
    configured = getattr(settings, "NEWIND_AUDIT_KEY_FILE", "")
    return Path(configured) if configured else Path(settings.VAR_DIR) / "audit.key"


def audit_key() -> bytes:
    """The key of the audit chain's HMAC (cached per key file)."""
    configured = getattr(settings, "NEWIND_AUDIT_KEY", "")
    if configured:
        return _checked(configured, "环境变量 NEWIND_AUDIT_KEY")
    # Looked up by the two settings that decide the path, so an append costs no path arithmetic.
    source = (getattr(settings, "NEWIND_AUDIT_KEY_FILE", ""), settings.VAR_DIR)
    cached = _file_keys.get(source)
    if cached is not None:
        return cached
    path = key_file_path()
    if not path.exists():
        if getattr(settings, "NEWIND_AUDIT_KEY_FILE", ""):
            raise _unavailable(f"找不到审计密钥文件 {path}（NEWIND_AUDIT_KEY_FILE）：请检查路径，或从离线备份恢复该文件；"
                               "不要换用新密钥，否则已有的审计记录都将无法校验。")
        create_key_file(path)
    key = _checked(path.read_text(encoding="utf-8").strip(), f"审计密钥文件 {path} ")
    _file_keys[source] = key
    return key


def create_key_file(path: Path) -> bool:
    """Write a new random key to `path` unless one exists (safe if two processes race); True if written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_hex(32) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        # link() refuses an existing name, so the first process to get here wins and the others read its key.
        os.link(temp, path)
    except FileExistsError:
        return False
    finally:
        temp.unlink(missing_ok=True)
    log.warning("已生成审计密钥文件 %s：请离线备份；生产环境请用 NEWIND_AUDIT_KEY_FILE 指定数据库管理员读不到的位置。", path)
    return True


def _checked(text: str, where: str) -> bytes:
    if len(text) < MIN_KEY_CHARS:
        raise _unavailable(f"{where}中的审计密钥太短（{len(text)} 个字符）：至少需要 {MIN_KEY_CHARS} 个字符，"
                           "可用 64 位十六进制随机串。")
    return text.encode("utf-8")


def _unavailable(detail: str) -> AppError:
    # The detail (paths, settings) goes to the server log; a page shows only what the user can act on.
    log.error("审计密钥不可用：%s", detail)
    return AppError("审计日志的密钥不可用，无法写入或校验审计记录：请系统管理员检查审计密钥的配置（详情见服务器日志）。",
                    status=500, code="audit_key")
