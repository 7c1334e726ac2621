"""The demo's policies (definitions/policies/yueyang-demo.yaml, 示例数据) and payouts for some demo firms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import TextIO

import numpy as np
from django.conf import settings
from django.db import transaction

from newind.policies import queries, services
from newind.policies.models import Payout, Policy

DEMO_FILE = "yueyang-demo.yaml"
SEED = 20171011
# Policies paid out in the demo, with the amount range (万元) of one payout.
PAID = {"yy-fgjj-01": (5, 20), "yy-jr-02": (0, 0), "yy-ss-01": (20, 50), "yy-fgjj-03": (10, 60),
        "yyx-01": (5, 5), "yy-yg-01": (0.5, 8)}


def load_demo(out: TextIO) -> None:
    """Load the demo policies (idempotent) and, once, payouts to firms that qualify for some of them."""
    result = services.load_definitions([Path(settings.DEFINITIONS_DIR) / "policies" / DEMO_FILE], synthetic=True)
    out.write(f"示例数据：惠企政策{result.summary()}\n")
    if Payout.objects.filter(is_synthetic=True).exists():
        out.write("示例数据：政策兑现记录已存在，未重复生成。\n")
        return
    year = services.data_year()
    rng = np.random.default_rng(SEED)
    rows = []
    for code, (low, high) in PAID.items():
        policy = Policy.objects.filter(code=code).first()
        if policy is None or high <= 0:
            continue
        firms = queries.qualified_unit_ids(policy, year)
        if not firms:
            continue
        chosen = rng.choice(firms, size=min(len(firms), 40), replace=False)
        amounts = np.round(rng.uniform(low, high, len(chosen)), 2)
        days = rng.integers(0, 180, len(chosen))
        for firm, amount, day in zip(chosen, amounts, days, strict=True):
            rows.append(Payout(policy=policy, firm_id=int(firm), amount=Decimal(str(amount)),
                               paid_on=dt.date(year + 1, 3, 1) + dt.timedelta(days=int(day)),
                               department=policy.department, department_name=policy.department_label,
                               note="示例数据", is_synthetic=True))
    with transaction.atomic():
        Payout.objects.bulk_create(rows, batch_size=1000)
        from newind.audit.services import record

        record("payout.demo", user=None, object_type="policies.payout",
               after={"rows": len(rows)}, summary=f"示例数据：生成政策兑现记录 {len(rows)} 条")
    out.write(f"示例数据：政策兑现记录 {len(rows)} 条（{year + 1}年上半年兑现{year}年度政策）。\n")
