"""The accountability list's demo (示例数据), loaded by `newind demo` after the supervision tasks and the
monthly reports: the scan of 2017年11月 as at 20 December 2017 lists the overdue supervision tasks, the
stalled projects and the units with repeated late reports, and the office records an 约谈 on the first entry
and a 通报批评 on the second. Through `accountability.services` (audited); idempotent."""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from newind.accountability import services
from newind.accountability.alerts import scan_alerts
from newind.accountability.choices import MeasureKind
from newind.accountability.models import AccountabilityEntry, AccountabilityMeasure
from newind.cases.sla import TZ

AS_AT = dt.datetime(2017, 12, 20, 10, 0, tzinfo=TZ)


def load_demo(out: TextIO) -> None:
    if AccountabilityMeasure.objects.filter(document_no="岳新工办函〔2017〕31号").exists():
        return
    services.scan("2017-11", now=AS_AT)
    entries = list(AccountabilityEntry.objects.order_by("id")[:2])
    for entry, (kind, text, doc) in zip(entries, (
            (MeasureKind.INTERVIEW, "市新型工业化领导小组办公室约谈该单位主要负责人，要求10个工作日内报送整改方案。（示例数据）",
             "岳新工办函〔2017〕31号"),
            (MeasureKind.CRITICISM, "在全市新型工业化调度会上通报批评，限期整改。（示例数据）", "岳新工办〔2017〕45号")),
            strict=False):
        services.record_measure(entry, kind=kind, taken_on=dt.date(2017, 12, 18), text=text, document_no=doc,
                                user=None, now=AS_AT)
    count = AccountabilityEntry.objects.count()
    # The alerts of the same month (red lights, tasks newly overdue, veto risks), as the hourly job raises them;
    # nothing is pushed unless the demo machine configures a robot (NEWIND_ALERT_WEBHOOK_URLS).
    alerts = scan_alerts("2017-11", now=AS_AT)
    out.write(f"问责清单（示例数据）：2017年11月扫描列入 {count} 条，已记录约谈、通报批评各1条；"
              f"预警 {len(alerts.raised)} 条。\n")
