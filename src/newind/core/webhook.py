"""Posting a text message to a 企业微信/钉钉-style group-robot webhook (reminders, security alerts)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request


def post_text(url: str, content: str, timeout: float = 5.0) -> str:
    """POST {"msgtype": "text", …}; return '' on success or the error text (never raises: a chat outage
    must not stop a reminder run or a login)."""
    body = json.dumps({"msgtype": "text", "text": {"content": content}}, ensure_ascii=False).encode("utf-8")
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:  # noqa: S310 - configured URL
            return "" if 200 <= response.status < 300 else f"HTTP {response.status}"
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return str(getattr(exc, "reason", exc))[:300]
