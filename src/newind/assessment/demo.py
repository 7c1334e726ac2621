"""The assessment's demo (示例数据), loaded by `newind demo` after the supervision and leaders' records:

- the county quarterly reviews of 2017 Q1–Q3, each computed on the demo figures and published (the Q2 and Q3
  reviews compare with the stored review of the quarter before);
- the 2017 annual assessment of the counties in 公示 (a preliminary run on 1—11月, the demo's last month),
  with one objection filed by 华容县 and not yet decided, and the parks' and departments' annual drafts.

Every run goes through `assessment.services` (versions, audit), on the shipped schemes, and is labelled
示例数据. Idempotent: nothing is written when the demo's runs exist.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import TextIO

from newind.assessment import services
from newind.assessment.models import AssessmentRun, Objection
from newind.assessment.schemes import load_scheme
from newind.cases.sla import TZ
from newind.units.models import Unit

OBJECTOR = "430623"  # 华容县
OBJECTION = ("对「工业投资增速」有异议：我县1—11月工业投资增速以县统计局12月5日修订数为准（比初报高1.2个百分点），"
             "请按修订数重新计分。（示例数据）")


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10, 0), tzinfo=TZ)


def _dated(run: AssessmentRun, day: dt.date, *, published: bool = False) -> None:
    """The demo's own dates on its runs (computed that day, published five days later), not today's: the
    pages show 2017 runs as made in 2017. The audit trail keeps the real time of the demo load."""
    AssessmentRun.objects.filter(pk=run.pk).update(
        created_at=_at(day), **({"published_at": _at(day + dt.timedelta(days=5))} if published else {}))


def load_demo(out: TextIO) -> None:
    if AssessmentRun.objects.filter(is_synthetic=True, year=2017).exists():
        return
    t = time.perf_counter()
    county = load_scheme(kind="county")
    for quarter, as_of in ((1, dt.date(2017, 4, 20)), (2, dt.date(2017, 7, 20)), (3, dt.date(2017, 10, 20))):
        review = services.run(county, 2017, quarter=quarter, user=None, as_of=as_of, is_synthetic=True)
        services.publish(review, user=None)
        _dated(review, as_of, published=True)
    annual = services.run(county, 2017, user=None, as_of=dt.date(2017, 12, 20), is_synthetic=True)
    _dated(annual, dt.date(2017, 12, 20))
    services.start_publicity(annual, user=None, days=7, today=dt.date(2017, 12, 22))
    objector = Unit.objects.filter(code=OBJECTOR).first()
    if objector is not None:
        objection = services.file_objection(annual, unit=objector, text=OBJECTION, user=None, is_synthetic=True)
        Objection.objects.filter(pk=objection.pk).update(filed_at=_at(dt.date(2017, 12, 25)))
    for kind in ("park", "department"):
        draft = services.run(load_scheme(kind=kind), 2017, user=None, as_of=dt.date(2017, 12, 20), is_synthetic=True)
        _dated(draft, dt.date(2017, 12, 20))
    out.write(f"考核评价（示例数据）：县市区2017年一至三季度讲评已发布，2017年度考核（按1—11月预评）公示中并有1条异议，"
              f"园区、市直部门年度考核草案已生成；用时 {time.perf_counter() - t:.1f} 秒。\n")
