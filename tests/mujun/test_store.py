"""Stored evaluations read from the registry and the spine: flags import, results written set-wise, the
workflow (企业填报 → 部门核实 → 企业确认 → 公示 → 异议 → 发布), adjustments and access, all audited."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command

from newind.audit.models import AuditEntry
from newind.core.errors import AppError
from newind.enterprises.models import EnterpriseProfile
from newind.mujun import services
from newind.mujun.models import EvaluationRun, FirmResult, YearFlag
from tests.enterprises.conftest import GOOD_ROWS, csv_bytes

pytestmark = pytest.mark.django_db

ZB, SH, MR, LZ, JS = (r[0] for r in GOOD_ROWS)  # MR and JS are the two 规下 firms
FLAG_HEADER = ["统一社会信用代码", "年度", "标记", "原因"]


def test_the_registry_evaluation_equals_a_hand_calculation(figures) -> None:  # type: ignore[no-untyped-def]
    from newind.mujun.calc import evaluation_document
    from newind.mujun.queries import registry_frame
    from newind.scoring.schemes import load_scheme

    scheme = load_scheme("mujun-default")
    doc = evaluation_document(registry_frame(2017, "430600", scheme), scheme, year=2017, scope="430600")
    # Benchmarks of the 规下 set: tax per mu 140 / 30 = 4.6667; tax per power 140 / 60 = 2.3333.
    assert doc["benchmarks"]["below"] == {"tax_per_mu": 4.6667, "tax_per_power": 2.3333}
    firms = {f["credit_code"]: f for f in doc["firms"]}
    # MR: 50 × min(10/4.6667, 1.5) = 75; 50 × (2/2.3333) = 42.857143 → 117.857143.
    # JS: 50 × (2/4.6667) = 21.428571; 50 × min(4/2.3333, 1.5) = 75 → 96.428571.
    # Totals are ranked as rounded to 2 decimals.
    assert firms[MR]["total"] == 117.86 and firms[JS]["total"] == 96.43
    assert [i["points"] for i in firms[MR]["items"]] == [75.0, pytest.approx(42.8571, abs=1e-4)]
    # n = 2: A if r ≤ round(0.4) = 0 (none), B if r ≤ round(1.5) = 2: both B.
    assert (firms[MR]["rank"], firms[MR]["class"], firms[JS]["rank"], firms[JS]["class"]) == (1, "B", 2, "B")
    assert {d["credit_code"] for d in doc["not_rated"]} == {ZB, SH, LZ}


def test_the_command_reads_the_registry_without_a_frame_file(figures, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("mujun", "evaluate", "--year", "2017", "--scope", "430600", "--format", "json")
    doc = json.loads(capsys.readouterr().out)
    assert {"year", "scheme", "scope", "benchmarks", "firms", "not_rated", "class_counts"} <= set(doc)
    assert doc["year"] == 2017 and doc["scope"] == "430600" and doc["scheme"] == "mujun-default"
    first = doc["firms"][0]
    assert {"credit_code", "name", "size", "items", "total", "rank", "rated_among", "class_initial", "class",
            "reasons"} <= set(first)
    assert {"code", "value", "benchmark", "points"} <= set(first["items"][0])
    assert [f["credit_code"] for f in doc["firms"]] == [MR, JS]


def test_flags_import_is_all_or_nothing_and_names_row_and_column(figures, tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "标记.csv"
    bad.write_bytes(csv_bytes([[MR, "2017", "否决", "安全事故"], ["91430600MA4L000000", "2017", "保护", ""],
                               [JS, "2017", "警告", ""]], header=FLAG_HEADER))
    with pytest.raises(AppError) as info:
        call_command("mujun", "flags", "import", str(bad))
    assert "第4行第C列：标记「警告」应为 否决、保护 或 不参评" in [str(p) for p in info.value.problems]
    bad.write_bytes(csv_bytes([[MR, "2017", "否决", "安全事故"], ["91430600MA4L000000", "2017", "保护", ""]],
                              header=FLAG_HEADER))
    with pytest.raises(AppError) as info:
        call_command("mujun", "flags", "import", str(bad))
    assert [str(p) for p in info.value.problems] == ["第3行第A列：统一社会信用代码「91430600MA4L000000」不在企业名录中"]
    assert not YearFlag.objects.exists()

    good = tmp_path / "标记2.csv"
    good.write_bytes(csv_bytes([[MR, "2017", "否决", "安全事故"], [JS, "2017", "不参评", "新建"]], header=FLAG_HEADER))
    call_command("mujun", "flags", "import", str(good))
    assert sorted(YearFlag.objects.values_list("credit_code", "flag", "reason")) == sorted(
        [(MR, "否决", "安全事故"), (JS, "不参评", "新建")])
    assert AuditEntry.objects.filter(action="mujun.flags.import").count() == 1
    # Re-importing replaces a firm's flag for the year (not a second row).
    good.write_bytes(csv_bytes([[MR, "2017", "保护", "小升规"]], header=FLAG_HEADER))
    call_command("mujun", "flags", "import", str(good))
    assert YearFlag.objects.get(credit_code=MR).flag == "保护" and YearFlag.objects.count() == 2


def test_stored_flags_enter_the_evaluation(figures) -> None:  # type: ignore[no-untyped-def]
    services.import_flags(csv_bytes([[JS, "2017", "不参评", "新建企业"]], header=FLAG_HEADER), "f.csv")
    run = services.run_evaluation(2017, "430600")
    js = FirmResult.objects.get(run=run, credit_code=JS)
    assert (js.rated, js.klass) == (False, "T") and "新建企业" in js.reasons[0]
    # MR alone in the rated 规下 set: its ratios equal the benchmarks, 50 + 50 = 100 points, rank 1 of 1.
    mr = FirmResult.objects.get(run=run, credit_code=MR)
    assert (mr.total, mr.rank, mr.rated_among) == (pytest.approx(100.0), 1, 1)


def test_a_run_stores_every_firm_set_wise_and_a_re_evaluation_is_a_new_version(figures) -> None:  # type: ignore[no-untyped-def]
    run = services.run_evaluation(2017, "430600")
    assert (run.version, run.state, run.firm_count, run.scheme_code) == (1, "filling", 5, "mujun-default")
    assert len(run.scheme_sha256) == 64
    mr = FirmResult.objects.get(run=run, credit_code=MR)
    assert mr.unit_id == EnterpriseProfile.objects.get(credit_code=MR).unit_id
    assert (mr.rated, mr.rank, mr.rated_among, mr.class_initial, mr.klass) == (True, 1, 2, "B", "B")
    assert mr.tax_per_mu == pytest.approx(10.0) and mr.county == "430681"
    assert [i["code"] for i in mr.items] == ["tax_per_mu", "tax_per_power"]
    assert mr.items[0]["points"] == pytest.approx(75.0)
    assert mr.what_it_would_take["next_class"] == "A"
    zb = FirmResult.objects.get(run=run, credit_code=ZB)
    assert not zb.rated and zb.rank is None and zb.reasons
    assert AuditEntry.objects.filter(action="mujun.evaluate", object_id=str(run.pk)).exists()
    again = services.run_evaluation(2017, "430600")
    assert again.version == 2 and EvaluationRun.objects.count() == 2


def test_the_workflow_objection_decision_and_publication_are_audited(figures, cast, mr_user) -> None:  # type: ignore[no-untyped-def]
    run = services.run_evaluation(2017, "430600", user=cast.office)
    mr = FirmResult.objects.get(run=run, credit_code=MR)
    with pytest.raises(AppError, match="不能执行「提出异议」"):
        services.file_objection(mr, "排名有误", user=mr_user)
    services.advance(run, "close_filling", user=cast.office)
    with pytest.raises(AppError, match="须填写理由"):
        services.adjust_class(mr, "A", "  ", user=cast.office)
    services.adjust_class(mr, "A", "列入省重点项目", user=cast.office)
    mr.refresh_from_db()
    assert (mr.class_initial, mr.klass, mr.adjust_reason) == ("B", "A", "列入省重点项目")
    services.advance(run, "verify", user=cast.office)
    services.confirm_result(mr, user=mr_user)
    with pytest.raises(AppError):
        services.advance(run, "start_notice", user=mr_user)  # the office's step
    day = dt.date(2018, 7, 2)
    run = services.advance(run, "start_notice", user=cast.office, today=day)
    assert (run.notice_start, run.notice_end) == (day, dt.date(2018, 7, 8))  # 7 days: 2–8 July
    objection = services.file_objection(mr, "税金口径有误", user=mr_user, today=dt.date(2018, 7, 5))
    with pytest.raises(AppError, match="还有 1 件异议未处理"):
        services.advance(run, "publish", user=cast.office, today=dt.date(2018, 7, 9))
    services.decide_objection(objection, "upheld", "经核实税金漏计", user=cast.office, klass="B")
    with pytest.raises(AppError, match="公示期未满"):
        services.advance(run, "publish", user=cast.office, today=dt.date(2018, 7, 8))
    run = services.advance(run, "publish", user=cast.office, today=dt.date(2018, 7, 9))
    mr.refresh_from_db()
    assert run.state == "published" and run.published_at is not None and mr.klass == "B"
    assert "异议成立" in mr.adjust_reason
    with pytest.raises(AppError, match="已发布的评价结果不能再修改"):
        services.adjust_class(mr, "C", "再调", user=cast.office)
    actions = list(AuditEntry.objects.filter(action__startswith="mujun.").order_by("id").values_list("action", flat=True))
    assert actions == ["mujun.evaluate", "mujun.close_filling", "mujun.adjust", "mujun.verify", "mujun.confirm",
                       "mujun.start_notice", "mujun.object", "mujun.adjust", "mujun.decide", "mujun.publish"]


def test_an_objection_outside_the_notice_is_refused(figures, cast, mr_user) -> None:  # type: ignore[no-untyped-def]
    run = services.run_evaluation(2017, "430600")
    for step in ("close_filling", "verify"):
        services.advance(run, step, user=cast.office)
    services.advance(run, "start_notice", user=cast.office, today=dt.date(2018, 7, 2))
    mr = FirmResult.objects.get(run=run, credit_code=MR)
    with pytest.raises(AppError, match="不在公示期内"):
        services.file_objection(mr, "晚了", user=mr_user, today=dt.date(2018, 7, 9))


def test_access_enterprise_users_see_only_their_own_result(figures, cast, mr_user) -> None:  # type: ignore[no-untyped-def]
    from newind.accounts.access import mujun_result_for, mujun_results_in_scope

    run = services.run_evaluation(2017, "430600")
    mine = FirmResult.objects.get(run=run, credit_code=MR)
    other = FirmResult.objects.get(run=run, credit_code=JS)
    assert list(mujun_results_in_scope(mr_user).values_list("credit_code", flat=True)) == [MR]
    assert mujun_result_for(mr_user, mine.pk, write=True) == mine
    with pytest.raises(AppError) as info:
        mujun_result_for(mr_user, other.pk)
    assert info.value.status == 403
    assert mujun_results_in_scope(cast.leader).count() == 5
    with pytest.raises(AppError):
        mujun_result_for(cast.leader, mine.pk, write=True)
    assert mujun_results_in_scope(cast.auditor).count() == 0
    # 岳阳县's reporter sees 岳阳县's firm only (ZB).
    assert list(mujun_results_in_scope(cast.yyx_rep).values_list("credit_code", flat=True)) == [ZB]


def test_publication_writes_county_and_park_aggregates_as_spine_observations(figures, cast) -> None:  # type: ignore[no-untyped-def]
    from newind.indicators.models import Observation

    run = services.run_evaluation(2017, "430600")
    for step in ("close_filling", "verify"):
        services.advance(run, step, user=cast.office)
    services.advance(run, "start_notice", user=cast.office, today=dt.date(2018, 7, 2))
    assert not Observation.objects.filter(indicator__code="mujun_tax_per_mu").exists()  # not before 发布
    services.advance(run, "publish", user=cast.office, today=dt.date(2018, 7, 9))
    got = {(o.unit.code, o.indicator.code): float(o.value) for o in Observation.objects.filter(
        indicator__code__in=["mujun_tax_per_mu", "mujun_va_per_mu"], year=2017, is_current=True)
        .select_related("unit", "indicator")}
    mr_county = EnterpriseProfile.objects.get(credit_code=MR).county.code
    js = EnterpriseProfile.objects.select_related("county", "park").get(credit_code=JS)
    # 亩均税收 by hand: MR alone in its county 100 / 10 = 10; JS alone in 君山 40 / 20 = 2 (also its park).
    # No value-added figures: no 亩均增加值 is published.
    assert got[(mr_county, "mujun_tax_per_mu")] == 10.0
    assert got[(js.county.code, "mujun_tax_per_mu")] == 2.0
    assert got[(js.park.code, "mujun_tax_per_mu")] == 2.0
    assert not any(code == "mujun_va_per_mu" for _, code in got)
    obs = Observation.objects.get(indicator__code="mujun_tax_per_mu", unit__code=mr_county, year=2017)
    assert obs.measure_unit == "万元/亩" and "亩均效益综合评价" in obs.source


def test_evaluate_save_stores_a_new_version(figures, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("mujun", "evaluate", "--year", "2017", "--scope", "430600", "--save")
    call_command("mujun", "evaluate", "--year", "2017", "--scope", "430600", "--save")
    assert list(EvaluationRun.objects.order_by("version").values_list("version", "state")) == [
        (1, "filling"), (2, "filling")]
    assert "已保存" in capsys.readouterr().err
