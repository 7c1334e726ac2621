"""Synthetic appeals for the demo (示例数据), loaded by `newind demo` after the enterprise registry.

What it makes (random.Random with a fixed seed: the same cases on every machine):
- the city departments that lead cases, as Units of kind department (those the reference data lacks), and one
  department user per department (the 市直部门用户 role; usernames and passwords in `DEPARTMENT_USERS` and in
  README's demo accounts table);
- about 2,000 appeals (企业诉求) received over 2017 from the demo firms, in the taxonomy's categories, through
  mixed channels, each led by a department fitting its category (some with a co-handler): most closed on
  time and rated; some closed late, some still open past the deadline, some extended (approved or rejected),
  some disputed (kept or reassigned), some reopened after an unsatisfied rating for a subjective reason and
  closed again, a few rated unsatisfied for an objective reason; half of the evaluated ones archived.

Every case follows a script of actions that `cases.calc.step` (the one transition table and its time rules)
checks and applies, so the states, deadlines and timeline are the ones the engine produces. The first
`SERVICE_CASES` scripts run through `cases.services` (a transaction, a timeline entry and an audit entry per
action, as on the pages). The rest are written set-wise: the same `step` outcome per action, but the cases,
categories, timeline entries and extension requests go in with bulk_create, producing the same fields the
services would, and one audit entry records the bulk load (an audit entry per action for 2,000 cases would
make `newind demo` several times slower; `tests/cases/test_demo.py` compares the two paths' fields).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat, LPad

from newind.cases.calc import CaseFacts, step
from newind.cases.choices import Action, CaseKind, CaseRole, Channel, EventKind, ExtensionState, Rating, State
from newind.cases.sla import (
    TZ,
    SlaProfile,
    add_working_days,
    add_working_minutes,
    callback_due,
    day_of_deadline,
    end_of_day,
    format_deadline,
    is_working_day,
    load_profile,
    next_working_day,
    previous_working_day,
    to_local,
    working_days_to_close,
)

SEED = 20171018  # the day the 19th Party Congress opened
N_APPEALS = 2000
SERVICE_CASES = 50
PROFILE = "zhongshan"  # contact 1 h, stage reply 3 WD, close 5 WD
YEAR = 2017
DEMO_MARK = "示例数据"

# The city departments that lead cases: (code, name, short name). 市工信局 is in the reference data already.
DEPARTMENTS: list[tuple[str, str, str]] = [
    ("D430600-FGW", "岳阳市发展和改革委员会", "市发改委"),
    ("D430600-GXJ", "岳阳市工业和信息化局", "市工信局"),
    ("D430600-ZRZY", "岳阳市自然资源和规划局", "市自然资源和规划局"),
    ("D430600-RSJ", "岳阳市人力资源和社会保障局", "市人社局"),
    ("D430600-STHJ", "岳阳市生态环境局", "市生态环境局"),
    ("D430600-SWJ", "国家税务总局岳阳市税务局", "市税务局"),
    ("D430600-SCJG", "岳阳市市场监督管理局", "市市场监管局"),
    ("D430600-XZSP", "岳阳市行政审批服务局", "市行政审批服务局"),
    ("D430600-GDGS", "国网湖南省电力有限公司岳阳供电分公司", "国网岳阳供电公司"),
    ("D430600-JRB", "岳阳市人民政府金融工作办公室", "市金融办"),
    ("D430600-JTYS", "岳阳市交通运输局", "市交通运输局"),
    ("D430600-ZJJ", "岳阳市住房和城乡建设局", "市住建局"),
]
# One department user per department: (username, department code, password). Demo passwords meet the policy.
DEPARTMENT_USERS: list[tuple[str, str, str]] = [
    (f"bm_{code.split('-')[1].lower()}", code, f"Demo-2017-{code.split('-')[1].lower()}") for code, _, _ in DEPARTMENTS
]
# Which departments lead a category's cases (weights).
CATEGORY_LEADS: dict[str, list[tuple[str, int]]] = {
    "financing": [("D430600-JRB", 6), ("D430600-FGW", 2), ("D430600-GXJ", 2)],
    "land": [("D430600-ZRZY", 9), ("D430600-ZJJ", 1)],
    "labour": [("D430600-RSJ", 10)],
    "approval": [("D430600-XZSP", 6), ("D430600-SCJG", 3), ("D430600-ZJJ", 1)],
    "utilities": [("D430600-GDGS", 8), ("D430600-ZJJ", 2)],
    "logistics": [("D430600-JTYS", 8), ("D430600-FGW", 2)],
    "environment": [("D430600-STHJ", 10)],
    "policy": [("D430600-GXJ", 5), ("D430600-SWJ", 3), ("D430600-FGW", 2)],
    "other": [("D430600-GXJ", 6), ("D430600-SCJG", 2), ("D430600-FGW", 2)],
}
CATEGORY_WEIGHTS = {"financing": 18, "land": 14, "labour": 12, "approval": 16, "utilities": 9, "logistics": 6,
                    "environment": 8, "policy": 12, "other": 5}
TITLES: dict[str, list[str]] = {
    "financing": ["流动资金贷款到期续贷困难", "申请应急转贷资金", "技改项目融资担保", "银行抽贷压贷", "申请政府性融资担保"],
    "land": ["扩建项目用地指标未落实", "土地证办理进度慢", "厂区红线调整", "标准厂房租赁", "工业用地容积率调整"],
    "labour": ["招工难，需技术工人", "社保缴费基数核定", "员工子女入学", "高校毕业生就业补贴申领", "职业技能培训补贴"],
    "approval": ["环评与施工许可并联审批", "消防验收时间长", "生产许可证延续", "项目备案信息变更", "特种设备登记"],
    "utilities": ["新建厂房供电报装", "用电容量增容", "供水管网接入", "天然气接入费用", "临时停电影响生产"],
    "logistics": ["货车通行证办理", "港口集装箱运费补贴", "铁路专用线接轨", "危化品运输线路审批"],
    "environment": ["排污许可证核发", "环保督察整改验收", "VOCs治理技术指导", "固废处置渠道"],
    "policy": ["技改奖补资金未兑现", "研发费用加计扣除", "高新技术企业认定奖励", "增值税留抵退税", "岳阳市扶持非公经济十条奖励兑现"],
    "other": ["企业周边道路破损", "园区公交线路", "厂区周边治安", "企业用房产权办理"],
}
CHANNELS = [(Channel.PLATFORM, 40), (Channel.VISIT, 25), (Channel.HOTLINE_12345, 20), (Channel.MEETING, 10),
            (Channel.LEADER_INSTRUCTION, 5)]
SUBJECTIVE_REASONS = ["答复敷衍，问题没有实际解决", "办理时间过长，影响生产", "承办人员态度生硬", "未按约定时间反馈进展"]
OBJECTIVE_REASONS = ["诉求超出政策规定范围", "用地指标须省级审批，市级暂不具备条件", "企业自身材料不全，暂不符合条件"]
DISPUTE_REASON = "该事项主要职责不在本单位，建议改由相关部门牵头。"
EXTENSION_REASONS = ["涉及省级部门会签，需延长办理时间", "需企业补充材料并现场核查", "需协调多个部门共同研究"]


@dataclass
class Move:
    """One scripted action: what, by whom (role in the case), when, and its details."""

    action: Action
    role: CaseRole
    at: dt.datetime
    reason: str = ""
    note: str = ""
    new_deadline: dt.datetime | None = None
    lead: str = ""  # department code (assign, reassign)
    co: list[str] = field(default_factory=list)
    rating: str = ""
    reason_kind: str = ""


@dataclass
class Script:
    """A case to file and the actions to take on it."""

    index: int
    title: str
    channel: str
    categories: list[str]
    firm: int | None
    firm_name: str
    received: dt.datetime
    moves: list[Move]


def _weighted(rng: random.Random, pairs: list[tuple[Any, int]]) -> Any:
    return rng.choices([p for p, _ in pairs], [w for _, w in pairs])[0]


def _office_time(rng: random.Random, day: dt.date) -> dt.datetime:
    """A moment inside the office day (08:30–12:00, 14:30–17:30) of a working day."""
    minutes = rng.randrange(0, 390)
    start = 8 * 60 + 30 + (minutes if minutes < 210 else minutes + 150)
    return dt.datetime.combine(day, dt.time(start // 60, start % 60), tzinfo=TZ)


def _later(moment: dt.datetime, than: dt.datetime, minutes: int = 30) -> dt.datetime:
    return moment if moment > than else add_working_minutes(than, minutes)


def _working_day_on_or_after(day: dt.date) -> dt.date:
    return day if is_working_day(day) else next_working_day(day)


def make_scripts(firms: list[tuple[int, str]], profile: SlaProfile, n: int = N_APPEALS,
                 seed: int = SEED) -> list[Script]:
    """The cases and their actions (no database): what happens to each appeal, by whom and when."""
    rng = random.Random(seed)
    categories = list(CATEGORY_WEIGHTS)
    weights = [CATEGORY_WEIGHTS[c] for c in categories]
    scripts: list[Script] = []
    first, last = dt.date(YEAR, 1, 3).toordinal(), dt.date(YEAR, 12, 22).toordinal()
    for i in range(n):
        day = _working_day_on_or_after(dt.date.fromordinal(rng.randrange(first, last)))
        received = _office_time(rng, day)
        tags = rng.choices(categories, weights)
        if rng.random() < 0.2:
            tags = list(dict.fromkeys([*tags, *rng.choices(categories, weights)]))
        lead = _weighted(rng, CATEGORY_LEADS[tags[0]])
        co = [_weighted(rng, CATEGORY_LEADS[tags[1]])] if len(tags) > 1 else []
        co = [c for c in co if c != lead]
        firm_id, firm_name = firms[rng.randrange(len(firms))] if firms else (None, f"示例企业{i % 300 + 1:03d}")
        deadline = profile.close_deadline(received, multi_department=bool(co))
        moves: list[Move] = []
        t = add_working_minutes(received, rng.randrange(20, 240))
        moves.append(Move(Action.ASSIGN, CaseRole.OFFICE, t, lead=lead, co=co))
        if rng.random() < 0.03:
            t = add_working_minutes(t, rng.randrange(30, 300))
            moves.append(Move(Action.DISPUTE, CaseRole.LEAD, t, reason=DISPUTE_REASON))
            t = add_working_minutes(t, rng.randrange(60, 400))
            if rng.random() < 0.5:
                moves.append(Move(Action.SETTLE_KEEP, CaseRole.OFFICE, t, reason="经研究，维持原交办，请按期办理。"))
            else:
                other = _weighted(rng, [(c, w) for c, w in CATEGORY_LEADS["other"] if c != lead] or [(lead, 1)])
                moves.append(Move(Action.SETTLE_REASSIGN, CaseRole.OFFICE, t, lead=other,
                                  reason="经研究，改由该部门牵头办理。"))
        t = add_working_minutes(t, rng.randrange(20, 300))
        moves.append(Move(Action.ACCEPT, CaseRole.LEAD, t))
        if co:
            t = add_working_minutes(t, rng.randrange(120, 700))
            moves.append(Move(Action.REPLY, CaseRole.CO_HANDLER, t, note="协办意见：已按职责提出办理意见，请牵头单位汇总。"))
        if rng.random() < 0.11:
            latest = profile.latest_extension_request(deadline)
            ask = _office_time(rng, previous_working_day(day_of_deadline(latest)))
            if ask > t and ask < latest:
                t = ask
                new = end_of_day(add_working_days(day_of_deadline(deadline), rng.choice([3, 5, 10])))
                moves.append(Move(Action.REQUEST_EXTENSION, CaseRole.LEAD, t, reason=rng.choice(EXTENSION_REASONS),
                                  new_deadline=new))
                t = add_working_minutes(t, rng.randrange(30, 400))
                if rng.random() < 0.75:
                    moves.append(Move(Action.APPROVE_EXTENSION, CaseRole.OFFICE, t, note="同意延期。"))
                    deadline = new
                else:
                    moves.append(Move(Action.REJECT_EXTENSION, CaseRole.OFFICE, t, reason="理由不充分，请按原时限办结。"))
        due = day_of_deadline(deadline)
        fate = rng.random()
        if fate < 0.03:
            scripts.append(Script(i, _title(rng, tags[0]), _weighted(rng, CHANNELS), tags, firm_id, firm_name,
                                  received, moves))
            continue  # still open, past its deadline
        if fate < 0.14:
            close_day = add_working_days(due, rng.randrange(1, 9))  # closed late
        else:
            start = to_local(t).date()
            span = max(0, _working_days(start, due))
            close_day = add_working_days(start, rng.randrange(0, span + 1)) if span else start
        t = _later(_office_time(rng, close_day), t)
        moves.append(Move(Action.CLOSE, CaseRole.LEAD, t, note="已办结，答复企业。"))
        if rng.random() < 0.9:
            t = _later(callback_due(t) + dt.timedelta(minutes=rng.randrange(0, 180)), t)
            judged = rng.random()
            who = CaseRole.FIRM if rng.random() < 0.5 else CaseRole.OFFICE
            if judged < 0.09:
                moves.append(Move(Action.RATE_UNSATISFIED_REDO, who, t, reason=rng.choice(SUBJECTIVE_REASONS),
                                  rating=Rating.UNSATISFIED, reason_kind="subjective"))
                t = add_working_minutes(t, rng.randrange(30, 300))
                moves.append(Move(Action.ACCEPT, CaseRole.LEAD, t))
                t = _later(_office_time(rng, add_working_days(to_local(t).date(), rng.randrange(1, 4))), t)
                moves.append(Move(Action.CLOSE, CaseRole.LEAD, t, note="重新办理完毕，再次答复企业。"))
                t = _later(callback_due(t) + dt.timedelta(minutes=rng.randrange(0, 180)), t)
                moves.append(Move(Action.RATE_SATISFIED, CaseRole.OFFICE, t,
                                  rating=rng.choice([Rating.SATISFIED, Rating.BASICALLY_SATISFIED])))
            elif judged < 0.12:
                moves.append(Move(Action.RATE_UNSATISFIED_FINAL, CaseRole.OFFICE, t,
                                  reason=rng.choice(OBJECTIVE_REASONS), rating=Rating.UNSATISFIED,
                                  reason_kind="objective"))
            else:
                moves.append(Move(Action.RATE_SATISFIED, who, t,
                                  rating=Rating.SATISFIED if judged < 0.8 else Rating.BASICALLY_SATISFIED))
            if rng.random() < 0.5:
                t = _later(_office_time(rng, add_working_days(to_local(t).date(), rng.randrange(2, 10))), t)
                moves.append(Move(Action.ARCHIVE, CaseRole.OFFICE, t))
        scripts.append(Script(i, _title(rng, tags[0]), _weighted(rng, CHANNELS), tags, firm_id, firm_name, received,
                              moves))
    return scripts


def _working_days(start: dt.date, end: dt.date) -> int:
    from newind.cases.sla import working_days_between

    return int(working_days_between([start], [end])[0])


def _title(rng: random.Random, category: str) -> str:
    return rng.choice(TITLES[category])


# --- writing the scripts -------------------------------------------------------------------------------------


def _through_services(script: Script, units: dict[str, Any], firms: dict[int, Any], profile: SlaProfile) -> None:
    """One script as the pages would do it: `services.file_case`, then `apply_action` / `rate` per move."""
    from newind.cases import services
    from newind.cases.models import Case

    case: Case = services.file_case(
        user=None, title=script.title, profile_code=profile.code, received_at=script.received,
        category_codes=script.categories, kind=CaseKind.APPEAL, channel=script.channel,
        concerned_unit=firms.get(script.firm) if script.firm else None, concerned_name=script.firm_name,
        description=f"{script.firm_name}反映：{script.title}。（{DEMO_MARK}）", is_synthetic=True)
    for move in script.moves:
        case = services.apply_action(
            case, move.action, user=None, role=move.role, now=move.at, reason=move.reason, note=move.note,
            new_deadline=move.new_deadline, lead_unit=units.get(move.lead) if move.lead else None,
            co_units=[units[c] for c in move.co] if move.action == Action.ASSIGN else None,
            rating=move.rating, reason_kind=move.reason_kind,
            unit=units.get(move.lead) if move.lead else None)


def _in_memory(script: Script, units: dict[str, Any],
               profile: SlaProfile) -> tuple[Any, list[Any], list[Any], list[int]]:
    """One script applied with `calc.step` in memory: the case's fields, its timeline and extension requests,
    as `services.file_case` and `services.apply_action` would store them (not yet saved)."""
    from newind.cases.models import Case, CaseEvent, ExtensionRequest

    received = to_local(script.received)
    deadlines = profile.deadlines(received)
    close = profile.close_deadline(received)
    case = Case(kind=CaseKind.APPEAL, channel=script.channel, title=script.title,
                description=f"{script.firm_name}反映：{script.title}。（{DEMO_MARK}）", concerned_unit_id=script.firm,
                concerned_name=script.firm_name, sla_profile=profile.code, received_at=received,
                deadlines={k: v.isoformat() for k, v in deadlines.items()}, close_deadline=close,
                original_close_deadline=close, state=State.RECEIVED, is_synthetic=True)
    events = [CaseEvent(at=received, kind=EventKind.CREATED, to_state=State.RECEIVED, actor_name="系统",
                        note=f"按「{profile.name}」计时，办结时限 {format_deadline(close)}。",
                        data={"deadlines": case.deadlines, "categories": script.categories})]
    requests: list[Any] = []
    facts = CaseFacts(state=State.RECEIVED, received_at=received, close_deadline=close)
    for move in script.moves:
        if move.action == Action.ASSIGN and move.co and facts.extensions_approved == 0:
            facts = CaseFacts(**{**facts.__dict__, "close_deadline": profile.close_deadline(
                received, multi_department=True)})
        outcome = step(facts, move.action, move.role, now=move.at, profile=profile, reason=move.reason,
                       new_deadline=move.new_deadline)
        if not outcome.allowed or outcome.facts is None:
            raise RuntimeError(f"demo script {script.index}: {move.action} refused: {outcome.message}")
        from_state = facts.state
        facts = outcome.facts
        case.state, case.close_deadline, case.assigned_at = facts.state, facts.close_deadline, facts.assigned_at
        case.dispute_used, case.redo_count = facts.dispute_used, facts.redo_count
        case.extensions_approved = facts.extensions_approved
        data: dict[str, Any] = {}
        if move.action in (Action.ASSIGN, Action.SETTLE_REASSIGN):
            case.lead_unit_id = units[move.lead].pk
            data["lead_unit"] = move.lead
        if move.action == Action.ASSIGN and case.extensions_approved == 0:
            case.original_close_deadline = case.close_deadline
        if move.action == Action.CLOSE:
            case.closed_at = facts.closed_at
            case.first_closed_at = case.first_closed_at or facts.closed_at
            assert case.closed_at is not None
            case.working_days_to_close = working_days_to_close(case.received_at, case.closed_at)
        if move.action in (Action.RATE_SATISFIED, Action.RATE_UNSATISFIED_REDO, Action.RATE_UNSATISFIED_FINAL):
            case.rating = move.rating
            case.unsatisfied_reason = move.reason if move.rating == Rating.UNSATISFIED else ""
            case.unsatisfied_reason_kind = move.reason_kind if move.rating == Rating.UNSATISFIED else ""
            data.update(rating=case.rating, reason_kind=case.unsatisfied_reason_kind)
        if move.action == Action.RATE_UNSATISFIED_REDO:
            case.closed_at = None
            case.working_days_to_close = None
        if move.action == Action.ARCHIVE:
            case.archived_at = move.at
        if move.action == Action.REQUEST_EXTENSION:
            assert move.new_deadline is not None
            requests.append(ExtensionRequest(requested_at=move.at, reason=move.reason, old_deadline=case.close_deadline,
                                             new_deadline=to_local(move.new_deadline)))
            data["new_deadline"] = to_local(move.new_deadline).isoformat()
        if move.action in (Action.APPROVE_EXTENSION, Action.REJECT_EXTENSION):
            request = requests[-1]
            approved = move.action == Action.APPROVE_EXTENSION
            request.state = ExtensionState.APPROVED if approved else ExtensionState.REJECTED
            request.decided_at, request.decision_note = move.at, move.reason or move.note
            data["extension_request"] = request  # its id once saved (_bulk), as services.apply_action records
        if move.action == Action.ASSIGN:
            data["co_units"] = list(move.co)
        text = "；".join(x for x in (move.reason.strip(), move.note.strip()) if x)
        events.append(CaseEvent(at=move.at, kind=move.action, from_state=from_state, to_state=case.state,
                                actor_name="系统", role=move.role,
                                unit_id=units[move.lead].pk if move.lead else None, note=text, data=data))
    co = [units[c].pk for c in next((m.co for m in script.moves if m.action == Action.ASSIGN), [])]
    return case, events, requests, co


def _bulk(scripts: list[Script], units: dict[str, Any], profile: SlaProfile) -> int:
    """The scripts written set-wise (see the module's docstring): the same fields, bulk inserts."""
    from newind.cases.models import Case, CaseCategory, CaseEvent
    from newind.cases.services import CODE_PREFIX

    built = [(s, *_in_memory(s, units, profile)) for s in scripts]
    cases = [c for _, c, _, _, _ in built]
    for i, case in enumerate(cases):
        case.code = f"tmp-demo-{SEED}-{i}"
    Case.objects.bulk_create(cases, batch_size=500)
    if any(c.pk is None for c in cases):  # (a backend that returns no ids: read them back by code)
        ids = dict(Case.objects.filter(code__startswith=f"tmp-demo-{SEED}-").values_list("code", "pk"))
        for case in cases:
            case.pk = ids[case.code]
    # The code services.file_case gives (kind, year of receipt, row id), in one UPDATE (every script is of YEAR).
    Case.objects.filter(code__startswith=f"tmp-demo-{SEED}-").update(code=Concat(
        Value(f"{CODE_PREFIX[CaseKind.APPEAL]}{YEAR}"), LPad(Cast("id", CharField()), 7, Value("0"))))
    CaseCategory.objects.bulk_create([CaseCategory(case_id=c.pk, category=t) for s, c, _, _, _ in built
                                      for t in dict.fromkeys(s.categories)], batch_size=2000)
    through = Case.co_units.through
    through.objects.bulk_create([through(case_id=c.pk, unit_id=u) for _, c, _, _, co in built for u in co],
                                batch_size=2000)
    events = []
    requests = []
    for _, case, case_events, case_requests, _ in built:
        for event in case_events:
            event.case_id = case.pk
        for request in case_requests:
            request.case_id = case.pk
        events += case_events
        requests += case_requests
    from newind.cases.models import ExtensionRequest

    ExtensionRequest.objects.bulk_create(requests, batch_size=2000)
    for event in events:
        if isinstance(event.data.get("extension_request"), ExtensionRequest):
            event.data["extension_request"] = event.data["extension_request"].pk
    CaseEvent.objects.bulk_create(events, batch_size=2000)
    return len(cases)


def ensure_departments() -> dict[str, Any]:
    """The departments of `DEPARTMENTS` as Units (created, 示例数据, when the reference data lacks them)."""
    from newind.units.models import Unit

    units = {}
    for order, (code, name, short) in enumerate(DEPARTMENTS):
        unit, _ = Unit.objects.get_or_create(code=code, defaults={
            "name": name, "short_name": short, "kind": "department", "is_synthetic": True,
            "division_code": "430600", "sort_order": 900 + order})
        units[code] = unit
    return units


def ensure_department_users() -> int:
    """One 市直部门用户 per demo department (documented demo passwords, no forced change); returns how many
    were created (existing users are left as they are)."""
    from django.contrib.auth import get_user_model

    from newind.accounts.services import create_user

    user_model = get_user_model()
    created = 0
    names = {code: short for code, _, short in DEPARTMENTS}
    for username, code, password in DEPARTMENT_USERS:
        if user_model.objects.filter(username=username).exists():
            continue
        create_user(username, "department", password=password, unit_code=code, name=f"{names[code]}经办人",
                    must_change_password=False)
        created += 1
    return created


FIRM_USER = ("qiye", "Demo-2017-firm")


def ensure_firm_user() -> str | None:
    """One 企业用户 for the demo firm with the most appeals (files, follows and rates its own appeals at
    /cases/mine/); returns the firm's name when the account was created, None otherwise."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from newind.accounts.services import create_user
    from newind.cases.models import Case
    from newind.units.models import Unit

    username, password = FIRM_USER
    if get_user_model().objects.filter(username=username).exists():
        return None
    top = (Case.objects.filter(is_synthetic=True, concerned_unit__isnull=False).values("concerned_unit")
           .annotate(n=Count("id")).order_by("-n", "concerned_unit").first())
    if top is None:
        return None
    firm = Unit.objects.get(pk=top["concerned_unit"])
    create_user(username, "enterprise", password=password, unit_code=firm.code, name=f"{firm.name}（企业用户）",
                must_change_password=False)
    return str(firm.name)


@transaction.atomic
def load_demo(out: TextIO) -> None:
    """The departments, their users and the 2017 appeals (idempotent: a second run adds nothing)."""
    from newind.audit.services import record
    from newind.cases.models import Case
    from newind.units.models import Unit

    started = time.perf_counter()
    units = ensure_departments()
    users = ensure_department_users()
    if Case.objects.filter(is_synthetic=True, kind=CaseKind.APPEAL).exists():
        out.write(f"企业诉求（{DEMO_MARK}）：已存在 {Case.objects.filter(is_synthetic=True).count()} 件，跳过。\n")
        ensure_firm_user()
        return
    profile = load_profile(PROFILE)
    firm_rows = list(Unit.objects.filter(kind="enterprise", is_synthetic=True).order_by("code")
                     .values_list("pk", "name"))
    scripts = make_scripts(firm_rows, profile, n=N_APPEALS)
    firms = {u.pk: u for u in Unit.objects.filter(pk__in={s.firm for s in scripts[:SERVICE_CASES]})}
    for script in scripts[:SERVICE_CASES]:
        _through_services(script, units, firms, profile)
    bulk = _bulk(scripts[SERVICE_CASES:], units, profile)
    record("demo.cases", user=None, summary=f"载入示例企业诉求 {SERVICE_CASES + bulk} 件（{SERVICE_CASES} 件逐项经办理流程，"
                                            f"{bulk} 件按同一流程规则批量写入），{DEMO_MARK}。",
           after={"service_cases": SERVICE_CASES, "bulk_cases": bulk, "seed": SEED})
    out.write(f"企业诉求（{DEMO_MARK}）：{SERVICE_CASES + bulk} 件（2017年），{len(units)} 个承办部门，"
              f"新建部门账号 {users} 个（用户名 bm_…，密码 Demo-2017-…，见 README），用时 {time.perf_counter() - started:.1f} 秒。\n")
    firm = ensure_firm_user()
    if firm:
        out.write(f"企业诉求（{DEMO_MARK}）：企业账号 {FIRM_USER[0]}（{firm}）可提交和评价本企业诉求。\n")
