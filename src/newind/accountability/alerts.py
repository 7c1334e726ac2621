"""Writes of the alerts (预警推送, issue 13 §7): the scan that raises, counts and reopens them and pushes each
new or reopened one; a person's acknowledge and resolve; the leaders' subscriptions by unit. Audited, with a
line in the alert's history for every state change. Callers have decided access (accounts.access: ALERTS_PAGE,
alert_for, alert_subscriptions_for).

The push reuses the case engine's robot client (core.webhook.post_text, the 企业微信/钉钉 text JSON), to
every URL of NEWIND_ALERT_WEBHOOK_URLS (or NEWIND_WEBHOOK_URL when none is set): once when an alert is raised
and once when it reopens; a scan that finds an alert still open pushes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction

from newind.accountability import calc, queries
from newind.accountability.choices import AlertEventKind, AlertRule, AlertState
from newind.accountability.models import Alert, AlertEvent, AlertSubscription
from newind.accountability.services import SCANNER, actor_name, as_month, clock, default_period, signed_in
from newind.audit.services import record
from newind.cases.sla import to_local
from newind.core.errors import AppError
from newind.core.webhook import post_text
from newind.indicators.periods import Period

log = logging.getLogger("newind.accountability")


def webhook_urls() -> list[str]:
    urls = list(getattr(settings, "NEWIND_ALERT_WEBHOOK_URLS", []) or [])
    fallback = getattr(settings, "NEWIND_WEBHOOK_URL", "")
    return urls or ([fallback] if fallback else [])


@dataclass
class AlertScan:
    period: Period
    raised: list[Alert] = field(default_factory=list)
    reopened: list[Alert] = field(default_factory=list)
    seen: int = 0
    push_failures: int = 0

    def summary(self) -> str:
        by_rule = "，".join(f"{AlertRule(r).label} {n} 条" for r in AlertRule
                            if (n := sum(1 for a in self.raised if a.rule == r)))
        text = (f"{self.period.label}预警扫描：新触发 {len(self.raised)} 条" + (f"（{by_rule}）" if by_rule else "")
                + f"，重新打开 {len(self.reopened)} 条，持续 {self.seen} 条。")
        return text + (f"推送失败 {self.push_failures} 次。" if self.push_failures else "")


def alert_candidates(period: Period, moment: dt.datetime) -> list[dict[str, Any]]:
    found = (queries.red_light_alerts(period) + queries.overdue_task_alerts(moment)
             + queries.veto_risk_alerts(period))
    for c in found:
        c["fingerprint"] = calc.fingerprint(c["rule"], c["object_ref"], c["period"])
    return found


def _event(alert: Alert, kind: str, at: dt.datetime, user: Any, note: str = "", before: str = "",
           after: str = "") -> AlertEvent:
    return AlertEvent(alert=alert, at=at, kind=kind, from_state=before, to_state=after, actor=signed_in(user),
                      actor_name=actor_name(user), note=note[:500])


def scan_alerts(period: Any = None, *, now: dt.datetime | None = None, user: Any = None) -> AlertScan:
    """Raise an alert for each cause found and not on file; count a cause found again in a later scan
    period, reopening it if it was resolved; push the new and the reopened ones."""
    moment = to_local(now or clock())
    month = as_month(period) if period is not None else default_period(moment)
    judged = queries.as_of(month, moment)
    with transaction.atomic():
        result = _record_scan(month, moment, judged, user)
    # Pushed after the commit: a chat robot that is slow or down neither holds the transaction nor undoes it.
    for alert in result.raised:
        result.push_failures += push(alert, at=moment)
    for alert in result.reopened:
        result.push_failures += push(alert, reopened=True, at=moment)
    return result


def _record_scan(month: Period, moment: dt.datetime, judged: dt.datetime, user: Any) -> AlertScan:
    found = {c["fingerprint"]: c for c in alert_candidates(month, judged)}
    existing = {a.fingerprint: a for a in Alert.objects.filter(fingerprint__in=list(found))}
    result = AlertScan(month)
    result.raised = Alert.objects.bulk_create([Alert(
        fingerprint=fp, rule=c["rule"], object_ref=c["object_ref"], period=c["period"], unit_id=c["unit_id"],
        title=c["title"][:300], message=c["message"], first_raised_at=moment, last_raised_at=moment,
        last_seen_at=moment, last_scan_period=month.key, is_synthetic=c["is_synthetic"])
        for fp, c in found.items() if fp not in existing])
    if result.raised and result.raised[0].pk is None:
        result.raised = list(Alert.objects.filter(fingerprint__in=[a.fingerprint for a in result.raised]))
    events = [_event(a, AlertEventKind.RAISED, moment, user, a.message, "", AlertState.OPEN) for a in result.raised]
    touched = []
    for fp, alert in existing.items():
        # Only a later scan period counts as the cause recurring: the hourly scans of one month find a
        # persisting cause every hour, and a person who resolved it is not paged again until the next month.
        again = alert.last_scan_period != month.key
        if not again:
            continue
        state, reopened = calc.alert_transition(alert.state, True)
        alert.message, alert.title = found[fp]["message"], found[fp]["title"][:300]
        alert.last_seen_at, alert.last_scan_period = moment, month.key
        alert.occurrences += 1
        if reopened:
            events.append(_event(alert, AlertEventKind.REOPENED, moment, user, alert.message, alert.state, state))
            alert.state, alert.last_raised_at = state, moment
            result.reopened.append(alert)
        else:
            result.seen += 1
        touched.append(alert)
    Alert.objects.bulk_update(touched, ["message", "title", "last_seen_at", "last_scan_period", "occurrences",
                                        "state", "last_raised_at"])
    AlertEvent.objects.bulk_create(events)
    for a in result.raised:
        record("alert.raise", user=user, actor=SCANNER, obj=a, unit=a.unit_id,
               after={"fingerprint": a.fingerprint, "rule": a.rule}, summary=f"触发预警：{a.message}")
    for a in result.reopened:
        record("alert.reopen", user=user, actor=SCANNER, obj=a, unit=a.unit_id,
               before={"state": AlertState.RESOLVED}, after={"state": a.state, "occurrences": a.occurrences},
               summary=f"预警再次触发，重新打开（第 {a.occurrences} 次）：{a.message}")
    return result


def push_text(alert: Alert, *, reopened: bool = False) -> str:
    """The robot's text: the rule, the message and the leaders who subscribed to the alert's unit."""
    subs = AlertSubscription.objects.filter(unit_id=alert.unit_id).select_related("user") if alert.unit_id else []
    who = calc.subscribers_text(str(s.user.get_full_name() or s.user.get_username()) for s in subs)
    head = "【预警·再次触发】" if reopened else "【预警】"
    return f"{head}{AlertRule(alert.rule).label}：{alert.message}{who}"


def push(alert: Alert, *, reopened: bool = False, at: dt.datetime | None = None) -> int:
    """Post the alert to every configured robot; returns the number of failures (recorded on the alert)."""
    urls = webhook_urls()
    if not urls:
        return 0
    text = push_text(alert, reopened=reopened)
    errors = [e for e in (post_text(url, text) for url in urls) if e]
    status = "；".join(errors)[:300] if errors else "已推送"
    Alert.objects.filter(pk=alert.pk).update(pushes=alert.pushes + 1, last_push_status=status)
    AlertEvent.objects.create(alert=alert, at=to_local(at or clock()), kind=AlertEventKind.PUSHED, actor=None,
                              actor_name=SCANNER, note=f"推送至 {len(urls)} 个机器人：{status}")
    if errors:
        log.warning("alert webhook failed: %s", status)
    return len(errors)


@transaction.atomic
def move(alert: Alert, action: str, *, user: Any, note: str = "", now: dt.datetime | None = None) -> Alert:
    """A person acknowledges (确认) or resolves (解除) an alert."""
    target = calc.alert_move(alert.state, action)
    if target is None:
        raise AppError(f"该预警当前为「{AlertState(alert.state).label}」，不能{'确认' if action == 'acknowledge' else '解除'}。",
                       status=409)
    moment = to_local(now or clock())
    before = alert.state
    alert.state = target
    alert.save(update_fields=["state"])
    kind = AlertEventKind.ACKNOWLEDGED if action == "acknowledge" else AlertEventKind.RESOLVED
    AlertEvent.objects.create(alert=alert, at=moment, kind=kind, from_state=before, to_state=target,
                              actor=signed_in(user), actor_name=actor_name(user), note=note.strip()[:500])
    record(f"alert.{action}", user=user, obj=alert, unit=alert.unit_id, before={"state": before},
           after={"state": target, "note": note.strip()}, summary=f"预警「{alert.title}」{kind.label}。")
    return alert


@transaction.atomic
def subscribe(user: Any, unit: Any) -> AlertSubscription:
    sub, made = AlertSubscription.objects.get_or_create(user=user, unit=unit)
    if not made:
        raise AppError(f"您已订阅{unit.name}的预警。", status=409)
    record("alert.subscribe", user=user, obj=sub, unit=unit, after={"unit": unit.code},
           summary=f"订阅{unit.name}的预警推送。")
    return sub


@transaction.atomic
def unsubscribe(sub: AlertSubscription, *, user: Any) -> None:
    unit = sub.unit
    record("alert.unsubscribe", user=user, obj=sub, unit=unit, before={"unit": unit.code},
           summary=f"取消订阅{unit.name}的预警推送。")
    sub.delete()
