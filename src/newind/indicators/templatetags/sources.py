"""Template tags that show figures' sources by their Chinese label, the provenance in a tooltip."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from newind.indicators.sources import source_labels

register = template.Library()


@register.simple_tag
def source_list(texts: Iterable[object] | str | None, default: str = "本平台数据库") -> SafeString:
    """「；」-separated labels, each in a <span class="source"> whose title holds the note and stored text."""
    if texts is None:
        texts = []
    elif isinstance(texts, str):
        texts = [texts]
    labels = source_labels(texts)
    if not labels:
        return format_html("{}", default)
    parts = [format_html('<span class="source" title="{}">{}</span>', s.detail, s.label) if s.detail
             else format_html("{}", s.label) for s in labels]
    return mark_safe("；".join(parts))  # each part was escaped by format_html
