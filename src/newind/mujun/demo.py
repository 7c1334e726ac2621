"""The demo's 2017 亩均 evaluation (示例数据), at the 公示 stage: the registry demo's flags are imported and
the city is evaluated once, then moved through 企业填报 → 部门核实 → 企业确认 to 公示. Run by `newind demo`
after the enterprises demo (INSTALLED_APPS order); a second run changes nothing."""

from __future__ import annotations

import io
from typing import TextIO

DEMO_YEAR, DEMO_SCOPE = 2017, "430600"


def load_demo(out: TextIO) -> None:
    from newind.enterprises.demo import demo_flags
    from newind.enterprises.models import EnterpriseProfile
    from newind.mujun import services
    from newind.mujun.models import EvaluationRun, YearFlag

    if not EnterpriseProfile.objects.filter(is_synthetic=True).exists():
        out.write("示例数据：没有示例企业，未作亩均效益评价。\n")
        return
    if EvaluationRun.objects.filter(year=DEMO_YEAR, scope_code=DEMO_SCOPE).exists():
        out.write(f"示例数据：{DEMO_YEAR}年亩均效益评价已存在。\n")
        return
    if not YearFlag.objects.filter(year=DEMO_YEAR).exists():
        buffer = io.StringIO()
        demo_flags(DEMO_YEAR).to_csv(buffer, index=False)
        services.import_flags(buffer.getvalue().encode("utf-8"), f"示例数据：{DEMO_YEAR}年度标记.csv")
    run = services.run_evaluation(DEMO_YEAR, DEMO_SCOPE)
    # The demo's workflow steps are the system's (no user): allowed as the office's.
    for step in ("close_filling", "verify", "start_notice"):
        run = services.advance(run, step, user=None, as_office=True)
    out.write(f"示例数据：{DEMO_YEAR}年亩均效益评价（{run.firm_count} 家企业）已进入公示，"
              f"公示期 {run.notice_start} 至 {run.notice_end}。\n")
