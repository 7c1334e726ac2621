"""Reads of the audit log: the auditor's filters, and the entries of a page as the auditor reads them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from newind.audit import labels
from newind.audit.models import AuditEntry
from newind.core.errors import AppError

FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2099, 12, 31)


@dataclass(frozen=True)
class AuditFilter:
    person: str = ""
    unit: str = ""
    action: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    object: str = ""  # "type:id", e.g. "submissions.submission:4": every entry about one object

    @classmethod
    def from_params(cls, params: dict[str, str]) -> AuditFilter:
        def day(name: str, label: str) -> dt.date | None:
            raw = (params.get(name) or "").strip()
            if not raw:
                return None
            try:
                day = dt.date.fromisoformat(raw)
            except ValueError:
                raise AppError(f"「{label}」的日期「{raw}」格式不对：请写成 YYYY-MM-DD，例如 2026-11-01。") from None
            # Dates near year 1 or 9999 overflow once shifted by a day or a time zone (a 500 before).
            if not FIRST_DAY <= day <= LAST_DAY:
                raise AppError(f"「{label}」的日期「{raw}」超出范围：请填写 {FIRST_DAY:%Y-%m-%d} 至 {LAST_DAY:%Y-%m-%d} "
                               "之间的日期。")
            return day

        return cls(person=(params.get("person") or "").strip(), unit=(params.get("unit") or "").strip(),
                   action=(params.get("action") or "").strip(), date_from=day("from", "起始日期"),
                   date_to=day("to", "截止日期"), object=(params.get("object") or "").strip())

    def as_params(self) -> dict[str, str]:
        return {"person": self.person, "unit": self.unit, "action": self.action,
                "from": self.date_from.isoformat() if self.date_from else "",
                "to": self.date_to.isoformat() if self.date_to else "", "object": self.object}


def filtered_entries(f: AuditFilter, entries: QuerySet[AuditEntry] | None = None) -> QuerySet[AuditEntry]:
    """Entries (of `entries`: the log the reader may read, accounts.access.audit_log_for) matching person
    (username or name), unit code, action (prefix) and the date range, newest first."""
    qs = AuditEntry.objects.all() if entries is None else entries
    if f.person:
        qs = qs.filter(Q(actor__iexact=f.person) | Q(actor_name__icontains=f.person))
    if f.unit:
        qs = qs.filter(unit_code=f.unit)
    if f.action:
        qs = qs.filter(Q(action=f.action) | Q(action__startswith=f.action + "."))
    if f.object:
        object_type, _, object_id = f.object.partition(":")
        qs = qs.filter(object_type=object_type, object_id=object_id)
    tz = timezone.get_current_timezone()
    if f.date_from:
        qs = qs.filter(at__gte=dt.datetime.combine(f.date_from, dt.time.min, tzinfo=tz))
    if f.date_to:
        qs = qs.filter(at__lt=dt.datetime.combine(f.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    return qs.order_by("-id")


def known_actions() -> list[tuple[str, str]]:
    """Each action recorded so far, once, with its Chinese name: (code, label), by label."""
    # order_by("action") replaces the model's default ordering (-id), which DISTINCT would otherwise
    # include and so return one row per entry.
    codes = AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct()
    return sorted(((c, labels.action_label(c)) for c in codes), key=lambda pair: (pair[1], pair[0]))


# --- one page of entries, as the auditor reads them ------------------------------------------------------

@dataclass
class Change:
    field: str
    before: str
    after: str


@dataclass
class EntryView:
    """One entry for the page: the stored entry with its action, object and before → after in Chinese."""

    entry: AuditEntry
    action: str
    object_type: str = ""
    object_name: str = ""
    object_filter: str = ""  # the `object` filter of every entry about this object ("" when none)
    unit: str = ""
    changes: list[Change] = field(default_factory=list)


# Keys of before/after values that hold codes or ids looked up in the database for their names.
_UNIT_CODE_KEYS = ("unit", "units", "responsible_unit")


def describe_entries(entries: Iterable[AuditEntry]) -> list[EntryView]:
    """The page's entries in Chinese: action names, object names, unit names, field labels and values."""
    entries = list(entries)
    objects = _object_names(entries)
    names = _value_names(entries)
    unit_names = names.get("unit", {})
    out = []
    for e in entries:
        key = (e.object_type, e.object_id)
        type_label, name, model = objects.get(key, (e.object_type, e.object_id, None))
        view = EntryView(e, labels.action_label(e.action), type_label, name,
                         f"{e.object_type}:{e.object_id}" if e.object_type and e.object_id else "")
        if e.unit_code:
            view.unit = f"{unit_names[e.unit_code]}（{e.unit_code}）" if e.unit_code in unit_names else e.unit_code
        view.changes = _changes(e.before, e.after, model, names)
        out.append(view)
    return out


def _model(object_type: str) -> type[Model] | None:
    app_label, _, model_name = object_type.partition(".")
    if not model_name:
        return None
    try:
        return apps.get_model(app_label, model_name)
    except LookupError:
        return None


def _object_names(entries: list[AuditEntry]) -> dict[tuple[str, str], tuple[str, str, type[Model] | None]]:
    """(object type, id) → (type label, object name, model), one query per model on the page."""
    ids: dict[str, set[str]] = defaultdict(set)
    for e in entries:
        if e.object_type:
            ids[e.object_type].add(e.object_id)
    out: dict[tuple[str, str], tuple[str, str, type[Model] | None]] = {}
    for object_type, object_ids in ids.items():
        model = _model(object_type)
        type_label = labels.OBJECT_TYPE_LABELS.get(
            object_type, str(model._meta.verbose_name) if model is not None else object_type)
        found = _instances(model, object_ids) if model is not None else {}
        for object_id in object_ids:
            if not object_id:
                name = ""
            elif object_type == "reports.monthly":
                namer = _VALUE_NAMERS.get("period")
                name = namer({object_id}).get(object_id, object_id) if namer else object_id
            elif object_id in found:
                name = _instance_name(found[object_id])
            elif model is not None:
                name = f"#{object_id}（已删除）"
            else:
                name = f"#{object_id}"
            out[(object_type, object_id)] = (type_label, name, model)
    return out


def _instances(model: type[Model], object_ids: set[str]) -> dict[str, Model]:
    """The objects by stored id: the primary key, or the code for ids that are codes (indicators)."""
    manager = model._default_manager
    numeric = {i for i in object_ids if i.isdigit()}
    found = {str(o.pk): o for o in manager.filter(pk__in=numeric).select_related()} if numeric else {}
    codes = object_ids - numeric - {""}
    if codes and any(f.name == "code" for f in model._meta.get_fields()):
        found |= {str(o.code): o for o in manager.filter(code__in=codes)}  # type: ignore[attr-defined]
    return found


def _instance_name(obj: Model) -> str:
    full_name = getattr(obj, "get_full_name", None)
    if callable(full_name) and hasattr(obj, "get_username"):
        name = full_name()
        username = obj.get_username()  # type: ignore[attr-defined]
        return f"{name}（{username}）" if name else str(username)
    return str(obj)


# Names of codes held by audit values under a key ("indicator", "period"), given by the apps that own those
# codes (indicators registers both in its AppConfig.ready()): audit sits below them and never imports them.
_VALUE_NAMERS: dict[str, Callable[[set[str]], dict[str, str]]] = {}


def register_value_names(key: str, namer: Callable[[set[str]], dict[str, str]]) -> None:
    """Let the audit log name the values stored under `key` (namer: the set of values → their names)."""
    _VALUE_NAMERS[key] = namer


def _walk(value: Any, key: str = "") -> Iterable[tuple[str, Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v, key)
    else:
        yield key, value


def _value_names(entries: list[AuditEntry]) -> dict[str, dict[str, str]]:
    """Names of the codes the page's values hold: units (by code and by id), and what other apps name
    (indicators, periods: `register_value_names`)."""
    from newind.units.models import Unit

    unit_codes = {e.unit_code for e in entries if e.unit_code}
    unit_ids: set[int] = set()
    named: dict[str, set[str]] = {key: set() for key in _VALUE_NAMERS}
    for e in entries:
        for key, value in [*_walk(e.before), *_walk(e.after)]:
            if value is None:
                continue
            if key in _UNIT_CODE_KEYS:
                unit_codes.add(str(value))
            elif key == "unit_id" and str(value).isdigit():
                unit_ids.add(int(value))
            elif key in named:
                named[key].add(str(value))
    by_code = dict(Unit.objects.filter(code__in=unit_codes).values_list("code", "name")) if unit_codes else {}
    by_id = {str(k): v for k, v in Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name")} if unit_ids else {}
    names = {"unit_id": by_id, **{key: _VALUE_NAMERS[key](values) if values else {} for key, values in named.items()}}
    names |= {k: by_code for k in _UNIT_CODE_KEYS}
    return names


def _model_labels(model: type[Model] | None) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """The model's field labels (by name and by column name) and the labels of its fields' choices."""
    if model is None:
        return {}, {}
    field_labels: dict[str, str] = {}
    choices: dict[str, dict[str, str]] = {}
    for f in model._meta.concrete_fields:
        field_labels[f.name] = field_labels[f.attname] = str(f.verbose_name)
        if f.choices:
            choices[f.name] = {str(k): str(v) for k, v in f.flatchoices}
    return field_labels, choices


def _changes(before: Any, after: Any, model: type[Model] | None,
             names: dict[str, dict[str, str]]) -> list[Change]:
    """Before → after, one row per key with its label (a value that is not a dict is one row)."""
    if before is None and after is None:
        return []
    field_labels, choices = _model_labels(model)
    looked_up = {**names, **choices}
    if not isinstance(before, dict) and not isinstance(after, dict):
        return [Change("内容", labels.value_text("", before, looked_up), labels.value_text("", after, looked_up))]
    old = before if isinstance(before, dict) else {}
    new = after if isinstance(after, dict) else {}
    keys = list(dict.fromkeys([*old, *new]))
    return [Change(labels.field_label(k, field_labels),
                   labels.value_text(k, old.get(k), looked_up) if before is not None else "",
                   labels.value_text(k, new.get(k), looked_up) if after is not None else "")
            for k in keys]
