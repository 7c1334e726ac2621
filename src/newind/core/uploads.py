"""The one upload-size check: every page, API and CLI path that takes a file reads it through here.

`read_upload` checks a Django UploadedFile's size before reading it into memory; `check_upload_size` checks
a size already known (a file on disk, bytes from the API); both refuse with `TooLarge` (413) and a Chinese
sentence with both sizes and what to do. The limit is NEWIND_IMPORT_MAX_BYTES.
"""

from __future__ import annotations

from typing import Any

from newind.core.errors import TooLarge

DEFAULT_HINT = "请拆分为较小的文件后再上传。"


def size_text(n: int) -> str:
    """1.5 MB / 12 KB."""
    return f"{n / 1048576:.1f} MB" if n >= 1048576 else f"{max(n, 1) / 1024:.0f} KB"


def check_size(size: int, limit: int, hint: str = DEFAULT_HINT) -> None:
    """Refuse `size` bytes over `limit` (a TooLarge naming both)."""
    if size > limit:
        raise TooLarge(f"文件过大（{size_text(size)}），超过上传上限 {size_text(limit)}：{hint}")


def upload_limit() -> int:
    from django.conf import settings

    return int(settings.NEWIND_IMPORT_MAX_BYTES)


def check_upload_size(size: int, *, hint: str = DEFAULT_HINT) -> None:
    """Refuse a file larger than NEWIND_IMPORT_MAX_BYTES (413), before it is read into memory."""
    check_size(size, upload_limit(), hint)


def read_upload(upload: Any, *, hint: str = DEFAULT_HINT) -> bytes:
    """The bytes of an uploaded file (a Django UploadedFile), its size checked before reading it."""
    check_upload_size(upload.size, hint=hint)
    return bytes(upload.read())


def upload_limit_mb() -> int:
    """The upload size limit in MB, for the upload pages' "最大 N MB" (the check itself is `read_upload`)."""
    return upload_limit() // (1024 * 1024)
