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
from newind.assessment.models import AssessmentRun
from newind.assessment.schemes import load_scheme
from newind.units.models import Unit

OBJECTOR = "430623"  # 华容县
OBJECTION = ("对「工业投资增速」有异议：我县1—11月工业投资增速以县统计局12月5日修订数为准（比初报高1.2个百分点），"
             "请按修订数重新计分。（示例数据）")


def load_demo(out: TextIO) -> None:
    if AssessmentRun.objects.filter(is_synthetic=True, year=2017).exists():
        return
    t = time.perf_counter()
    county = load_scheme(kind="county")
    for quarter, as_of in ((1, dt.date(2017, 4, 20)), (2, dt.date(2017, 7, 20)), (3, dt.date(2017, 10, 20))):
        review = services.run(county, 2017, quarter=quarter, user=None, as_of=as_of, is_synthetic=True)
        services.publish(review, user=None)
    annual = services.run(county, 2017, user=None, as_of=dt.date(2017, 12, 20), is_synthetic=True)
    services.start_publicity(annual, user=None, days=7, today=dt.date(2017, 12, 22))
    objector = Unit.objects.filter(code=OBJECTOR).first()
    if objector is not None:
        services.file_objection(annual, unit=objector, text=OBJECTION, user=None, is_synthetic=True)
    for kind in ("park", "department"):
        services.run(load_scheme(kind=kind), 2017, user=None, as_of=dt.date(2017, 12, 20), is_synthetic=True)
    out.write(f"考核评价（示例数据）：县市区2017年一至三季度讲评已发布，2017年度考核（按1—11月预评）公示中并有1条异议，"
              f"园区、市直部门年度考核草案已生成；用时 {time.perf_counter() - t:.1f} 秒。\n")
