"""Synthetic dispatch meetings and supervision tasks for the demo (示例数据, issue 13 §8), loaded by
`newind demo` after the appeals (whose departments own the tasks).

What it makes (random.Random with a fixed seed: the same on every machine):
- the heads of the city and of the demo departments (`UnitHead`, named 示例…, the city's tied to the demo
  leader account `shilingdao` when it exists);
- 12 monthly dispatch meetings (月调度) of 2017, one a month, held on the first working day from the 10th,
  chaired by the city's head, each with the previous month's monthly dispatch report attached (rendered once
  per month, without charts to keep the demo fast), an agenda item on last month's running, and, when the
  appeals demo left one, an overdue appeal put on the agenda;
- 2–3 decisions per meeting (会议纪要 20 working days, some 紧急 3 or 5, some 复杂疑难 30), each turned into a
  supervision task in one click (`services.decision_to_task`), then worked through the case engine with the
  moments of 2017: accepted the next working day, then closed early, on time or late through the 销号
  checklist and the leader's window, sent back by the review (and left overdue), or left in progress (some
  overdue by the year's end).

Every step goes through `supervision.services` and `cases.services` (the one transition table, audited): about
30 tasks, so no bulk path is needed.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from typing import Any, TextIO

from django.db import transaction

from newind.cases.choices import Action, CaseRole
from newind.cases.sla import (
    TZ,
    add_working_days,
    day_of_deadline,
    is_working_day,
    load_profile,
    next_working_day,
)

SEED = 20170307  # the day of the speech
YEAR = 2017
DEMO_MARK = "示例数据"
CITY = "430600"
END = dt.datetime(YEAR, 12, 29, 17, 30, tzinfo=TZ)  # the last working moment of 2017: nothing happens later

# Department heads: (department code of cases.demo.DEPARTMENTS, name, post).
DEPARTMENT_HEADS: list[tuple[str, str, str]] = [
    ("D430600-FGW", "示例主任甲", "主任"), ("D430600-GXJ", "示例局长乙", "局长"),
    ("D430600-ZRZY", "示例局长丙", "局长"), ("D430600-RSJ", "示例局长丁", "局长"),
    ("D430600-STHJ", "示例局长戊", "局长"), ("D430600-GDGS", "示例总经理己", "总经理"),
]
# Decisions: (text, owner unit code, time class, urgent days). Drawn in order, 2–3 per meeting.
DECISIONS: list[tuple[str, str, str, int | None]] = [
    ("协调解决岳阳绿色化工产业园用电增容问题", "D430600-GDGS", "urgent", 5),
    ("完成城陵矶新港区标准厂房报建手续", "D430600-XZSP", "minutes", None),
    ("落实重点技改项目用地指标", "D430600-ZRZY", "difficult", None),
    ("组织规模以上工业企业用工对接会", "D430600-RSJ", "minutes", None),
    ("督促华容县新增规模以上工业企业入库", "430623", "minutes", None),
    ("解决平江县食品产业园污水处理设施运行问题", "D430600-STHJ", "difficult", None),
    ("兑现一季度工业企业技改奖补资金", "D430600-GXJ", "minutes", None),
    ("协调湘阴县重点项目融资对接", "D430600-JRB", "minutes", None),
    ("清理工业企业涉企收费并公示清单", "D430600-SCJG", "minutes", None),
    ("推进云溪区绿色化工园区循环化改造", "430603", "difficult", None),
    ("完成岳阳县新材料产业园道路配套", "D430600-JTYS", "minutes", None),
    ("协调汨罗循环经济产业园企业天然气价格", "D430600-FGW", "urgent", 3),
    ("制定工业企业亩均效益评价结果运用办法", "D430600-GXJ", "difficult", None),
    ("督促临湘市浮标产业园企业升规", "430682", "minutes", None),
    ("解决君山区食品企业出口检验检疫问题", "D430600-SCJG", "minutes", None),
    ("落实工业项目审批代办制", "D430600-XZSP", "minutes", None),
    ("协调岳阳楼区电子信息产业园人才公寓", "D430600-ZJJ", "minutes", None),
    ("组织重点企业银企对接会", "D430600-JRB", "urgent", 5),
    ("完成三季度工业用电量分析报告", "D430600-GDGS", "minutes", None),
    ("推进湘阴县装配式建筑产业园项目开工", "430624", "difficult", None),
    ("解决重点企业危废处置难题", "D430600-STHJ", "minutes", None),
    ("兑现稳增长奖励资金", "D430600-GXJ", "urgent", 3),
    ("落实新增规模以上工业企业培育计划", "D430600-FGW", "minutes", None),
    ("协调平江县重点项目林地审批", "D430600-ZRZY", "minutes", None),
    ("完成全市工业园区土地集约利用评价", "D430600-ZRZY", "difficult", None),
    ("督促汨罗市再生资源企业环保整改", "430681", "minutes", None),
    ("协调解决重点企业职工子女入学", "D430600-RSJ", "minutes", None),
    ("推进华容县纺织服装产业园标准厂房招商", "430623", "minutes", None),
    ("落实冬季工业企业用气保障", "D430600-FGW", "urgent", 5),
    ("编制2018年新型工业化重点任务清单", "D430600-GXJ", "minutes", None),
    ("完成全年工业投资目标考核数据核查", "D430600-FGW", "urgent", 5),
    ("落实年底前重点项目竣工投产调度", "D430600-GXJ", "minutes", None),
]  # 32: three decisions a month, two in each quarter's last month
# What happens to each task, in turn (the review passes all five items unless sent back).
OUTCOMES = ["early", "on_time", "early", "late", "sent_back", "on_time", "stalled", "early", "late", "on_time"]


def _first_working_day_from(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def meeting_day(month: int) -> dt.date:
    """The day of a month's 月调度: the first working day from the 10th."""
    return _first_working_day_from(dt.date(YEAR, month, 10))


def report_period_of(month: int) -> str:
    """The monthly report a month's meeting uses: last month's, but January's figures come out with February's
    (1—2月), so the January and February meetings use December's of the year before."""
    return f"{YEAR - 1}-12" if month <= 2 else f"{YEAR}-{month - 1:02d}"


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def ensure_heads() -> tuple[Any, list[Any]]:
    """The city's head (市长) and the departments' heads, 示例数据 (created once)."""
    from django.contrib.auth import get_user_model

    from newind.supervision import services
    from newind.supervision.models import UnitHead
    from newind.units.models import Unit

    city = Unit.objects.get(code=CITY)
    mayor = UnitHead.objects.filter(unit=city, is_synthetic=True, is_principal=True).first()
    if mayor is None:
        leader = get_user_model().objects.filter(username="shilingdao").first()
        mayor = services.add_unit_head(unit=city, name="示例市长", post="市长", user=None, is_principal=True,
                                       account=leader, is_synthetic=True)
    units = {u.code: u for u in Unit.objects.filter(code__in=[c for c, _, _ in DEPARTMENT_HEADS])}
    heads = []
    for code, name, post in DEPARTMENT_HEADS:
        if code not in units:
            continue
        head = UnitHead.objects.filter(unit=units[code], is_synthetic=True, is_principal=True).first()
        heads.append(head or services.add_unit_head(unit=units[code], name=name, post=post, user=None,
                                                    is_principal=True, is_synthetic=True))
    return mayor, heads


def _report(period_key: str, issued: dt.date) -> tuple[bytes, str] | None:
    """The monthly dispatch report of `period_key` as Word, without charts (the demo renders twelve)."""
    from newind.core.errors import AppError
    from newind.indicators.periods import Period
    from newind.reports.content import build_content
    from newind.reports.queries import monthly_overview
    from newind.reports.services import monthly_report

    try:
        period = Period.parse(period_key)
        overview = monthly_overview(period)
    except AppError:  # no figures of that month loaded: the meeting records no report
        return None
    content = build_content(overview, issued=issued, with_charts=False)
    rendered = monthly_report(period, "docx", overview=overview, content=content)
    return rendered.data, rendered.file_name


def _overdue_appeal(moment: dt.datetime, used: set[int]) -> Any:
    """An appeal still open today whose deadline had passed by the meeting: a real pick for the agenda."""
    from newind.cases.calc import OPEN_STATES
    from newind.cases.models import Case

    return (Case.objects.filter(kind="appeal", is_synthetic=True, state__in=[str(s) for s in OPEN_STATES],
                                close_deadline__lt=moment, lead_unit__isnull=False)
            .exclude(pk__in=used).order_by("close_deadline", "id").first())


def _work(task: Any, outcome: str, rng: random.Random) -> str:
    """Work one task through the engine with 2017's moments; returns what became of it by the year's end."""
    from newind.cases import services as case_services
    from newind.cases.calc import leader_window_until
    from newind.supervision import services

    profile = load_profile(services.PROFILE)
    case = task.case
    unit = case.lead_unit
    received = case.received_at
    accept = _at(next_working_day(received.date()), 9, 30)
    if accept > END:
        return "assigned"
    case = case_services.apply_action(case, Action.ACCEPT, user=None, role=CaseRole.LEAD, now=accept, unit=unit,
                                      note=f"已签收，抓紧办理。（{DEMO_MARK}）")
    deadline_day = day_of_deadline(case.close_deadline)
    if outcome == "stalled":
        return "in_progress"
    if outcome == "late":
        submit = _at(add_working_days(deadline_day, rng.randint(2, 4)), 15, 0)
    elif outcome == "on_time":
        submit = _at(deadline_day, 15, 0)
    else:  # early, sent_back: a few working days before the deadline's day
        submit = _at(deadline_day, 15, 0)
        for _ in range(rng.randint(1, 3)):
            earlier = _at(_previous(submit.date()), 15, 0)
            if earlier > accept:
                submit = earlier
    if submit > END:
        return "in_progress"
    case = case_services.apply_action(case, Action.SUBMIT_CLOSURE, user=None, role=CaseRole.LEAD, now=submit,
                                      unit=unit, note=f"已按议定事项办结，申请销号。（{DEMO_MARK}）")
    review = _at(next_working_day(submit.date()), 10, 0)
    if review > END:
        return "review"
    items = [code for code, _ in services.checklist()]
    if outcome == "sent_back":
        failed = rng.choice(items[1:3])  # 问题解决 or 任务完成
        services.review_task(task, checks={c: c != failed for c in items},
                             reason=f"现场核查未达到议定要求，请继续办理。（{DEMO_MARK}）", user=None, now=review)
        return "sent_back"
    services.review_task(task, checks=dict.fromkeys(items, True), user=None, now=review)
    case.refresh_from_db()
    assert case.review_passed_at is not None
    window_end = leader_window_until(case.review_passed_at, profile)
    if window_end > END:
        return "awaiting_leader"
    case_services.apply_action(case, Action.SIGN_OFF, user=None, role=CaseRole.OFFICE, now=window_end,
                               note="交办领导审定期满未补充批示，自动销号。")
    return "closed"


def _previous(day: dt.date) -> dt.date:
    from newind.cases.sla import previous_working_day

    return previous_working_day(day)


@transaction.atomic
def load_demo(out: TextIO) -> None:
    """The heads, the 12 monthly meetings of 2017, their decisions and tasks (idempotent)."""
    from collections import Counter

    from newind.audit.services import record
    from newind.cases.demo import ensure_departments
    from newind.supervision import services
    from newind.supervision.choices import AgendaSource, MeetingKind
    from newind.supervision.models import Meeting
    from newind.units.models import Unit

    if Meeting.objects.filter(is_synthetic=True).exists():
        out.write(f"调度会议（{DEMO_MARK}）：已存在 {Meeting.objects.filter(is_synthetic=True).count()} 次，跳过。\n")
        return
    started = time.perf_counter()
    rng = random.Random(SEED)
    ensure_departments()
    mayor, heads = ensure_heads()
    owners = {u.code: u for u in Unit.objects.filter(code__in={c for _, c, _, _ in DECISIONS})}
    decisions = iter(DECISIONS)
    outcomes: Counter[str] = Counter()
    reports: dict[str, tuple[bytes, str] | None] = {}  # January and February use the same report
    used: set[int] = set()
    n_tasks = 0
    for month in range(1, 13):
        day = meeting_day(month)
        report_period = report_period_of(month)
        if report_period not in reports:
            reports[report_period] = _report(report_period, day)
        report = reports[report_period]
        label = f"{report_period[:4]}年1—{int(report_period[5:])}月"
        meeting = services.record_meeting(
            kind=MeetingKind.MONTHLY, held_on=day, title=f"{YEAR}年{month}月新型工业化月调度会（{DEMO_MARK}）",
            chair=mayor, attendees=heads, user=None, is_synthetic=True, report_period=report_period if report else "",
            agenda=f"通报{label}工业经济运行和目标完成情况；研究解决重点问题；部署下阶段工作。",
            report=report, now=_at(day, 8, 30))
        services.add_agenda_item(meeting, kind=AgendaSource.OTHER, title=f"通报{label}工业经济运行情况",
                                 user=None)
        appeal = _overdue_appeal(_at(day, 9, 0), used)
        if appeal is not None:
            used.add(appeal.pk)
            services.add_agenda_item(meeting, kind=AgendaSource.OVERDUE_CASE, ref=str(appeal.pk), user=None,
                                     now=_at(day, 9, 0))
        for _ in range(3 if month % 3 else 2):  # 2 decisions in the quarter's last month, 3 otherwise
            text, code, urgency, days = next(decisions)
            if code not in owners:
                continue
            decision = services.add_decision(meeting, text=text, owner_unit=owners[code], urgency=urgency,
                                             urgent_days=days, user=None)
            task = services.decision_to_task(decision, user=None)
            outcomes[_work(task, OUTCOMES[n_tasks % len(OUTCOMES)], rng)] += 1
            n_tasks += 1
    record("demo.supervision", user=None, summary=f"载入示例调度会议 12 次、督办任务 {n_tasks} 件，{DEMO_MARK}。",
           after={"meetings": 12, "tasks": n_tasks, "outcomes": dict(outcomes), "seed": SEED})
    text = "，".join(f"{label} {outcomes[k]} 件" for k, label in (
        ("closed", "已销号"), ("awaiting_leader", "待领导审定"), ("review", "销号审核中"), ("sent_back", "退回重办"),
        ("in_progress", "办理中"), ("assigned", "待签收")) if outcomes[k])
    out.write(f"调度会议（{DEMO_MARK}）：2017年月调度 12 次，议定事项转督办任务 {n_tasks} 件（{text}），"
              f"用时 {time.perf_counter() - started:.1f} 秒。\n")
