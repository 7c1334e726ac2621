"""The demo's 2017 evaluation: loaded after the registry demo, at the 公示 stage, once."""

from __future__ import annotations

import io

import pytest

from newind.mujun.models import EvaluationRun, FirmResult, YearFlag

pytestmark = pytest.mark.django_db


def test_the_demo_evaluation_is_at_the_notice_stage_and_loads_once(reference_data) -> None:
    from newind.enterprises.demo import load_demo as load_registry
    from newind.mujun.demo import load_demo

    load_registry(io.StringIO())
    out = io.StringIO()
    load_demo(out)
    run = EvaluationRun.objects.get(year=2017, scope_code="430600")
    assert run.state == "notice" and run.notice_end is not None and "进入公示" in out.getvalue()
    assert run.firm_count == 2000 and FirmResult.objects.filter(run=run).count() == 2000
    assert YearFlag.objects.filter(year=2017).count() == 12
    # The two 不参评 flags and the 8 utilities are class T.
    assert FirmResult.objects.filter(run=run, klass="T").count() == 10
    vetoed = YearFlag.objects.filter(year=2017, flag="否决").values_list("credit_code", flat=True)
    assert set(FirmResult.objects.filter(run=run, credit_code__in=list(vetoed)).values_list("klass", flat=True)) <= {
        "C", "D", ""}
    load_demo(out)
    assert EvaluationRun.objects.count() == 1 and "已存在" in out.getvalue()
