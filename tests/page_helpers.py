"""Helpers for reading pages in tests."""

from __future__ import annotations

import re

_TITLE = re.compile(r'\stitle="[^"]*"')
_TAG = re.compile(r"<[^>]+>")


def visible_text(html: str) -> str:
    """The text a reader sees: tags and tooltips (title attributes) removed, scripts and styles dropped."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return _TAG.sub("", _TITLE.sub("", html))


def tooltips(html: str) -> list[str]:
    """The title attributes of a page (tooltips), unescaped."""
    import html as html_module

    return [html_module.unescape(m[8:-1]) for m in _TITLE.findall(html)]
