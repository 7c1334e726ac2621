"""A synthetic reform task list for the demo (示例数据, issue 13 §8), loaded by `newind demo` after the appeals
(whose departments own some tasks): 2017年工业领域「三去一降一补」任务清单, eight tasks with milestones, most
done on time, some late, some not done by the year's end, so the lights differ through the year.

The list, its tasks and milestones go in with bulk_create and one audit entry for the load (like the
appeals' bulk path); the reports are dated the day each milestone was done."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TextIO

from django.db import transaction

from newind.cases.sla import TZ

YEAR = 2017
DEMO_MARK = "示例数据"
SET_CODE = "sqyjyb-2017"
SET_NAME = f"{YEAR}年工业领域「三去一降一补」任务清单（{DEMO_MARK}）"
SOURCE = f"岳阳市推进供给侧结构性改革工作方案（{DEMO_MARK}）"

D = dt.date
# (code, title, owner unit code, weight, [(milestone, planned, weight, done or None)])
TASKS: list[tuple[str, str, str, int, list[tuple[str, dt.date, int, dt.date | None]]]] = [
    ("QCN-01", "化解煤炭过剩产能，关闭退出小煤矿", "D430600-FGW", 2, [
        ("摸底核查并确定关闭名单", D(2017, 3, 31), 1, D(2017, 3, 28)),
        ("制定关闭退出方案并公示", D(2017, 6, 30), 1, D(2017, 7, 15)),
        ("完成关闭矿井验收", D(2017, 9, 30), 2, D(2017, 10, 20)),
        ("职工安置和资金奖补到位", D(2017, 12, 31), 1, D(2017, 12, 25))]),
    ("QCN-02", "淘汰造纸、化工落后产能", "430681", 1, [
        ("确定淘汰企业和生产线", D(2017, 4, 30), 1, D(2017, 4, 26)),
        ("停产断电并拆除主体设备", D(2017, 8, 31), 1, D(2017, 8, 30)),
        ("完成场地环境治理", D(2017, 11, 30), 2, None)]),
    ("QKC-01", "消化工业园区闲置标准厂房", "D430600-ZJJ", 1, [
        ("摸清闲置厂房底数", D(2017, 5, 31), 1, D(2017, 5, 20)),
        ("出台厂房租售补贴办法", D(2017, 9, 30), 1, D(2017, 9, 28)),
        ("闲置厂房利用率达到80%", D(2017, 12, 31), 1, D(2017, 12, 20))]),
    ("QGG-01", "推动重点工业企业直接融资，降低资产负债率", "D430600-JRB", 1, [
        ("建立拟上市和发债企业后备库", D(2017, 6, 30), 1, D(2017, 6, 29)),
        ("组织企业发行债券融资", D(2017, 10, 31), 1, None),
        ("重点企业资产负债率下降2个百分点", D(2017, 12, 31), 1, None)]),
    ("JCB-01", "扩大工业用电直接交易，降低企业用电成本", "D430600-GDGS", 2, [
        ("确定直接交易准入企业", D(2017, 3, 31), 1, D(2017, 4, 10)),
        ("组织上半年直接交易", D(2017, 6, 30), 1, D(2017, 6, 20)),
        ("组织下半年直接交易", D(2017, 9, 30), 1, D(2017, 9, 25)),
        ("全年交易电量达到目标", D(2017, 12, 31), 1, None)]),
    ("JCB-02", "清理规范涉企收费", "D430600-SCJG", 1, [
        ("公布涉企收费目录清单", D(2017, 4, 30), 1, D(2017, 4, 28)),
        ("开展涉企收费专项检查", D(2017, 7, 31), 1, D(2017, 7, 31)),
        ("通报检查结果并整改", D(2017, 10, 31), 1, D(2017, 11, 10))]),
    ("BDB-01", "补齐园区污水集中处理设施短板", "430624", 2, [
        ("完成污水处理厂立项和环评", D(2017, 5, 31), 1, D(2017, 6, 5)),
        ("管网主体工程完工", D(2017, 9, 30), 2, None),
        ("污水处理厂通水试运行", D(2017, 12, 31), 2, None)]),
    ("BDB-02", "培育新增规模以上工业企业100家", "D430600-GXJ", 2, [
        ("建立小微企业升规培育库", D(2017, 3, 31), 1, D(2017, 3, 30)),
        ("上半年新增升规企业40家", D(2017, 6, 30), 1, D(2017, 6, 30)),
        ("前三季度新增升规企业70家", D(2017, 9, 30), 1, D(2017, 9, 29)),
        ("全年新增升规企业100家", D(2017, 12, 31), 1, D(2017, 12, 28))]),
]


@transaction.atomic
def load_demo(out: TextIO) -> None:
    """The 三去一降一补 list of 2017 (idempotent: a second run adds nothing)."""
    from newind.audit.services import record
    from newind.cases.demo import ensure_departments
    from newind.reform.models import Milestone, ReformTask, TaskSet
    from newind.units.models import Unit

    if TaskSet.objects.filter(code=SET_CODE).exists():
        out.write(f"改革任务清单（{DEMO_MARK}）：已存在，跳过。\n")
        return
    ensure_departments()
    units = {u.code: u for u in Unit.objects.filter(code__in={t[2] for t in TASKS})}
    task_set = TaskSet.objects.create(code=SET_CODE, name=SET_NAME, year=YEAR, source_document=SOURCE,
                                      is_synthetic=True)
    tasks = ReformTask.objects.bulk_create([
        ReformTask(task_set=task_set, code=code, title=title, owner_unit=units[owner], weight=Decimal(weight),
                   is_synthetic=True) for code, title, owner, weight, _ in TASKS if owner in units])
    by_code = {t.code: t for t in tasks}
    milestones = [
        Milestone(task=by_code[code], seq=seq, title=title, planned_on=planned, weight=Decimal(weight), done_on=done,
                  evidence=f"{title}：已完成，佐证材料已报市新型工业化办公室。（{DEMO_MARK}）" if done else "",
                  reported_at=dt.datetime.combine(done, dt.time(17, 0), tzinfo=TZ) if done else None)
        for code, _, _, _, steps in TASKS if code in by_code
        for seq, (title, planned, weight, done) in enumerate(steps, 1)]
    Milestone.objects.bulk_create(milestones)
    done = sum(1 for m in milestones if m.done_on)
    record("demo.reform", user=None, object_type="reform.taskset", object_id=task_set.pk,
           summary=f"载入示例改革任务清单「{SET_NAME}」：任务 {len(tasks)} 项、节点 {len(milestones)} 个（已完成 {done} 个）。",
           after={"code": SET_CODE, "tasks": len(tasks), "milestones": len(milestones), "done": done})
    out.write(f"改革任务清单（{DEMO_MARK}）：「{SET_NAME}」任务 {len(tasks)} 项、节点 {len(milestones)} 个，"
              f"已报告完成 {done} 个。\n")
