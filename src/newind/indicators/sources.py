"""Chinese labels of figures' sources: the one function every page, API, CLI and report displays them with.

A figure keeps the source text it was imported with (`Observation.source`): that text is its provenance
and never changes. What a reader sees is the Chinese label of `definitions/sources.yaml`, with the note
and the stored text kept behind it (a tooltip on pages, the 数据来源说明 of the report).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

import yaml
from django.conf import settings

from newind.core.errors import AppError

_CJK = re.compile(r"[\u3400-\u9fff]")
OTHER_LABEL = "其他公开资料"
WEB_LABEL = "网络公开资料"


@dataclass(frozen=True)
class SourceLabel:
    """How one source is shown: the Chinese label, its note, and the stored texts it stands for."""

    label: str
    note: str = ""
    texts: tuple[str, ...] = field(default_factory=tuple)
    known: bool = True  # False: no entry of the sources file matched (a fallback label)

    @property
    def detail(self) -> str:
        """The provenance behind the label: the note and the stored texts where they differ from the label."""
        originals = [t for t in self.texts if t != self.label]
        parts = [self.note] if self.note else []
        if originals:
            parts.append("原始记录：" + "；".join(originals))
        return "。".join(p.rstrip("。") for p in parts) + ("。" if parts else "")

    def as_dict(self) -> dict[str, object]:
        """The API form: label, note and the stored texts."""
        return {"label": self.label, "note": self.note, "texts": list(self.texts), "known": self.known}


@dataclass(frozen=True)
class _Rule:
    label: str
    note: str
    prefix: str | None
    pattern: re.Pattern[str] | None

    def apply(self, text: str) -> str | None:
        if self.prefix is not None:
            return self.label if text.startswith(self.prefix) else None
        assert self.pattern is not None
        match = self.pattern.match(text)
        if match is None:
            return None
        groups = {k: (str(int(v)) if v.isdigit() else v) for k, v in match.groupdict().items() if v is not None}
        return self.label.format(**groups)


def sources_file() -> Path:
    return Path(settings.DEFINITIONS_DIR) / "sources.yaml"


@lru_cache(maxsize=4)
def _rules(path: Path, mtime: float) -> tuple[_Rule, ...]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    rules = []
    for i, entry in enumerate(data.get("sources") or [], start=1):
        label, prefix, pattern = entry.get("label"), entry.get("prefix"), entry.get("pattern")
        if not label or (prefix is None) == (pattern is None):
            raise AppError(f"来源定义 {path.name} 第{i}项有误：每项须有 label，并且 prefix 与 pattern 二选一。")
        try:
            compiled = re.compile(pattern) if pattern is not None else None
        except re.error as error:
            raise AppError(f"来源定义 {path.name} 第{i}项的 pattern 不是有效的正则表达式：{error}。") from None
        rules.append(_Rule(str(label), str(entry.get("note") or ""), prefix, compiled))
    return tuple(rules)


def _load() -> tuple[_Rule, ...]:
    path = sources_file()
    if not path.exists():
        return ()
    return _rules(path, path.stat().st_mtime)


def source_label(text: str) -> SourceLabel:
    """The Chinese label of one stored source text (a fallback label when the sources file has none)."""
    text = (text or "").strip()
    if not text:
        return SourceLabel("本平台数据库", "", (), known=False)
    for rule in _load():
        label = rule.apply(text)
        if label is not None:
            return SourceLabel(label, rule.note, (text,))
    if _CJK.search(text):
        return SourceLabel(text, "", (text,), known=False)
    host = urlparse(text.split()[0]).hostname if "://" in text else None
    if host:
        return SourceLabel(f"{WEB_LABEL}（{host}）", "", (text,), known=False)
    return SourceLabel(OTHER_LABEL, "", (text,), known=False)


def source_labels(texts: Iterable[object]) -> list[SourceLabel]:
    """Distinct labels of several stored texts, in first-seen order; texts with one label are merged."""
    merged: dict[str, SourceLabel] = {}
    for raw in texts:
        if raw is None or (isinstance(raw, float) and raw != raw):  # None or NaN from a frame
            continue
        one = source_label(str(raw))
        seen = merged.get(one.label)
        if seen is None:
            merged[one.label] = one
        elif one.texts and one.texts[0] not in seen.texts:
            merged[one.label] = SourceLabel(seen.label, seen.note, seen.texts + one.texts, seen.known)
    return list(merged.values())


def sources_text(texts: Iterable[object], default: str = "") -> str:
    """The labels of several sources as one line, 「；」-separated (the `default` when there are none)."""
    return "；".join(s.label for s in source_labels(texts)) or default
