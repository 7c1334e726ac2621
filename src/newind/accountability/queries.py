"""Reads of the accountability list and the alerts: the candidates of each cause (one query a cause, rules in
`calc`), the responsible people, and the rows and histories the pages show."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from django.db.models import F, Max, QuerySet

from newind.accountability import calc
from newind.accountability.choices import Cause
from newind.cases.calc import OPEN_STATES, WAITING_STATES
from newind.cases.choices import CaseKind
from newind.cases.models import Case
from newind.cases.sla import day_of_deadline, end_of_day, format_deadline, load_profile, to_local
from newind.indicators.periods import Period


def period_end(period: Period) -> dt.date:
    """The last day of a month period (the year's last day for an annual one)."""
    month = period.n if period.kind == "M" else 12
    nxt = dt.date(period.year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def as_of(period: Period, now: dt.datetime) -> dt.datetime:
    """The moment a scan judges at: 24:00 of the period's last day, or now for the running month."""
    return min(end_of_day(period_end(period)), to_local(now))


def as_of_text(moment: dt.datetime) -> str:
    return f"{to_local(moment) - dt.timedelta(seconds=1):%Y年%-m月%-d日}"


def principal_heads(unit_ids: set[int]) -> dict[int, str]:
    """unit id → its principal head as "职务姓名" (supervision.UnitHead), one query for all the units."""
    from newind.supervision.models import UnitHead

    out: dict[int, str] = {}
    rows = (UnitHead.objects.filter(unit_id__in=unit_ids).order_by("unit_id", "-is_principal", "id")
            .values_list("unit_id", "post", "name"))
    for unit_id, post, name in rows:
        out.setdefault(unit_id, f"{post}{name}")
    return out


def _unit_names(unit_ids: set[int]) -> dict[int, str]:
    from newind.units.models import Unit

    return dict(Unit.objects.filter(pk__in=unit_ids).values_list("id", "name"))


# --- (a) supervision tasks overdue past the last rung of their ladder -----------------------------------------


def overdue_task_candidates(moment: dt.datetime) -> list[dict[str, Any]]:
    """Open supervision cases (not waiting for their 销号 review) past the last rung of their profile's
    escalation ladder at `moment`: one query for every case past its deadline, the ladder applied set-wise."""
    states = [str(s) for s in OPEN_STATES - WAITING_STATES]
    frame = pd.DataFrame.from_records(list(
        Case.objects.filter(kind=CaseKind.SUPERVISION, state__in=states, close_deadline__lt=moment,
                            lead_unit__isnull=False)
        .values_list("id", "code", "title", "lead_unit_id", "close_deadline", "sla_profile", "handler_name",
                     "is_synthetic")),
        columns=["id", "code", "title", "unit_id", "deadline", "profile", "handler", "is_synthetic"])
    if frame.empty:
        return []
    frame["deadline_day"] = [day_of_deadline(d) for d in frame["deadline"]]
    frame["late_days"] = calc.working_days_late(frame["deadline_day"], to_local(moment))
    out_frames = []
    for code, part in frame.groupby("profile"):  # one ladder per profile (a handful), not per case
        ladder = load_profile(str(code)).escalation
        if not ladder:
            continue
        last = ladder[-1]
        hit = part[calc.past_last_rung(part["late_days"].to_numpy(), last.after_working_days)].copy()
        hit["rung_days"], hit["rung_label"] = last.after_working_days, last.label
        out_frames.append(hit)
    if not out_frames:
        return []
    hits = pd.concat(out_frames)
    heads = principal_heads(set(hits["unit_id"]))
    when = as_of_text(moment)
    return [{"cause": Cause.OVERDUE_TASK, "object_ref": f"case:{r.id}", "period": r.deadline_day.isoformat(),
             "unit_id": int(r.unit_id), "person": heads.get(r.unit_id) or r.handler or calc.NO_HEAD,
             "reason": calc.overdue_reason(r.code, r.title, format_deadline(r.deadline), int(r.late_days),
                                           int(r.rung_days), str(r.rung_label), when),
             "case_id": int(r.id), "project_id": None, "is_synthetic": bool(r.is_synthetic)}
            for r in hits.itertuples()]


# --- (b) stalled major projects ------------------------------------------------------------------------------------


def stalled_project_candidates(period: Period) -> list[dict[str, Any]]:
    """The projects whose 停滞 light is red at the end of `period` (projects.lights, set-wise), with their
    responsible unit (else county), the person (calc.project_person) and the last month they reported (the
    episode's period)."""
    from newind.projects.lights import project_lights
    from newind.projects.models import Project, ProjectProgress

    lights = project_lights(period)
    red = lights[(lights["kind"] == "stalled") & (lights["light"] == "red")] if not lights.empty else lights
    if red.empty:
        return []
    ids = [int(i) for i in red["project_id"]]
    info = {r["id"]: r for r in Project.objects.filter(pk__in=ids).values(
        "id", "responsible_unit_id", "county_id", "responsible_person", "leader_name")}
    last = dict(ProjectProgress.objects.filter(project_id__in=ids, is_current=True).filter(
        year__lte=period.year).exclude(year=period.year, month__gt=period.n).order_by().values("project_id")
        .annotate(last=Max(F("year") * 100 + F("month"))).values_list("project_id", "last"))
    units = {pid: (i["responsible_unit_id"] or i["county_id"]) for pid, i in info.items()}
    heads = principal_heads(set(units.values()))
    out = []
    for r in red.itertuples():
        pid = int(r.project_id)
        mark = last.get(pid)
        since = f"{mark // 100}-{mark % 100:02d}" if mark else "never"
        person = calc.project_person(heads.get(units[pid], ""), info[pid]["responsible_person"],
                                     info[pid]["leader_name"])
        out.append({"cause": Cause.STALLED_PROJECT, "object_ref": f"project:{pid}", "period": since,
                    "unit_id": units[pid], "person": person,
                    "reason": calc.stalled_reason(str(r.name), str(r.code), str(r.reason)),
                    "case_id": None, "project_id": pid, "is_synthetic": bool(r.is_synthetic)})
    return out


# --- (c) repeatedly late monthly reports -------------------------------------------------------------------------


def late_report_candidates(year: int, moment: dt.datetime) -> list[dict[str, Any]]:
    """The units with at least calc.LATE_REPORTS_MIN late or missing monthly reports in `year` whose
    deadline passed by `moment`: one query for the year's monthly reports, counted in a frame."""
    from newind.submissions.queries import monthly_report_rows

    today = to_local(moment).date()  # a deadline before this day has passed (24:00 is the next day's 00:00)
    rows = monthly_report_rows(year, due_before=today)
    if rows.empty:
        return []
    rows["period_label"] = "1—" + rows["n"].astype(int).astype(str) + "月"
    rows = rows.sort_values(["unit_id", "n"])
    counts = calc.repeatedly_late(calc.late_report_counts(rows, today))
    if counts.empty:
        return []
    names = _unit_names(set(counts["unit_id"]))
    heads = principal_heads(set(counts["unit_id"]))
    synthetic = rows.groupby("unit_id")["is_synthetic"].any()
    return [{"cause": Cause.LATE_REPORTS, "object_ref": f"unit:{int(r.unit_id)}", "period": str(year),
             "unit_id": int(r.unit_id), "person": heads.get(r.unit_id) or calc.NO_HEAD,
             "reason": calc.late_reason(names.get(r.unit_id, ""), year, int(r.late), int(r.missing), str(r.periods)),
             "case_id": None, "project_id": None, "is_synthetic": bool(synthetic.get(r.unit_id, False))}
            for r in counts.itertuples()]


# --- the pages ---------------------------------------------------------------------------------------------------------


def entry_rows(entries: QuerySet[Any]) -> list[dict[str, Any]]:
    """The list's rows with the number of measures and the latest one (two queries)."""
    from newind.accountability.models import AccountabilityMeasure

    items = list(entries.select_related("unit"))
    latest: dict[int, Any] = {}
    for m in AccountabilityMeasure.objects.filter(entry__in=[e.pk for e in items]).order_by("taken_on", "id"):
        latest.setdefault(m.entry_id, []).append(m)
    return [{"e": e, "measures": latest.get(e.pk, [])} for e in items]


# --- alerts (issue 13 §7): the causes found by a scan, each one query or one frame -----------------------------


def red_light_alerts(period: Period) -> list[dict[str, Any]]:
    """The targets lit red at `period` (targets.queries.target_progress, set-wise): one alert per target and
    year, so the same red target month after month is one alert that counts its occurrences."""
    from newind.targets.queries import target_progress

    frame = target_progress(period)
    red = frame[frame["light"] == "red"] if not frame.empty else frame
    if red.empty:
        return []
    from newind.units.models import Unit

    codes = set(red["responsible_unit_code"].dropna().astype(str)) | set(red["unit_code"].astype(str))
    ids = dict(Unit.objects.filter(code__in=codes).values_list("code", "id"))
    out = []
    for r in red.itertuples():
        code = str(r.responsible_unit_code or "") or str(r.unit_code)
        out.append({"rule": "red_light", "object_ref": f"target:{int(r.target_id)}", "period": str(int(r.year)),
                    "unit_id": ids.get(code) or ids.get(str(r.unit_code)),
                    "title": f"{r.unit_name}「{r.indicator_name}」亮红灯（{r.period_label}）",
                    "message": f"{r.unit_name}「{r.indicator_name}」{r.period_label}亮红灯：{r.light_reason}",
                    "is_synthetic": bool(r.is_synthetic)})
    return out


def overdue_task_alerts(moment: dt.datetime) -> list[dict[str, Any]]:
    """Open supervision tasks past their closing deadline at `moment` (one query): an alert per task and
    deadline, raised the first scan after it passes — "newly overdue"."""
    states = [str(s) for s in OPEN_STATES - WAITING_STATES]
    rows = (Case.objects.filter(kind=CaseKind.SUPERVISION, state__in=states, close_deadline__lt=moment)
            .values_list("id", "code", "title", "lead_unit_id", "lead_unit__name", "close_deadline", "is_synthetic"))
    return [{"rule": "task_overdue", "object_ref": f"case:{pk}", "period": day_of_deadline(deadline).isoformat(),
             "unit_id": unit_id, "title": f"督办事项 {code}「{title}」逾期未办结",
             "message": f"督办事项 {code}「{title}」（{unit_name or '待交办'}）已超过办结时限 {format_deadline(deadline)}，"
                        f"请立即督促办理。", "is_synthetic": bool(synthetic)}
            for pk, code, title, unit_id, unit_name, deadline, synthetic in rows]


def veto_risk_alerts(period: Period) -> list[dict[str, Any]]:
    """The parks whose 重大项目引进 quota (definitions/projects/quotas.yaml) is not met by `period`: a risk of
    the one-vote veto (一票否决) until the year ends, the veto itself at the year's end (projects.portfolio)."""
    from newind.projects.portfolio import compute

    figures = compute(period).figures
    if figures.empty or "quota_met" not in figures:
        return []
    short = figures[figures["quota_met"].astype(object).eq(False)]  # None: no quota for the unit
    out = []
    for unit_id, r in short.iterrows():
        wan = float(r["quota_min_investment"])
        need = f"{wan / 10000:g}亿元以上产业项目{int(r['quota_required'])}个"
        state = "年底未完成，一票否决" if bool(r["veto"]) else "尚未完成，存在一票否决风险"
        out.append({"rule": "veto_risk", "object_ref": f"unit:{r['code']}", "period": str(period.year),
                    "unit_id": int(unit_id), "title": f"{r['name']}重大项目引进指标{'一票否决' if bool(r['veto']) else '存在一票否决风险'}",
                    "message": f"{r['name']}「{r['quota_label']}」：要求引进{need}，截至{period.label}已引进"
                               f"{int(r['quota_brought_in'])}个，{state}。", "is_synthetic": False})
    return out


def open_alerts(alerts: QuerySet[Any], limit: int = 5) -> tuple[int, list[Any]]:
    """How many alerts are open (not resolved) and the latest `limit` of them, for the dashboard card."""
    from newind.accountability.choices import AlertState

    live = alerts.exclude(state=AlertState.RESOLVED)
    return live.count(), list(live.select_related("unit").order_by("-last_raised_at", "-id")[:limit])
