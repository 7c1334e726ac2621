"""The auditor's page: filters by person, unit, action and time; wrong dates get a Chinese sentence."""

from __future__ import annotations

import pytest
from django.utils import timezone

from newind.audit.services import record
from newind.units.models import Unit

pytestmark = pytest.mark.django_db


def test_the_auditor_filters_by_person_unit_action_and_time(client_as, cast) -> None:  # type: ignore[no-untyped-def]
    yyx = Unit.objects.get(code="430621")
    record("submission.save", user=cast.yyx_rep, unit=yyx, summary="岳阳县草稿")
    record("submission.save", user=cast.yx_rep, unit=Unit.objects.get(code="430603"), summary="云溪区草稿")
    record("export", user=cast.office, summary="导出通报")
    client = client_as("auditor")
    today = timezone.localdate().isoformat()

    def shown(**params: str) -> str:
        response = client.get("/audit/", params)
        assert response.status_code == 200
        return response.content.decode()

    assert "岳阳县草稿" in shown(person="yyx_rep") and "云溪区草稿" not in shown(person="yyx_rep")
    assert "岳阳县草稿" in shown(person="岳阳县") and "导出通报" not in shown(person="岳阳县")  # by name
    page = shown(unit="430603")
    assert "云溪区草稿" in page and "岳阳县草稿" not in page
    page = shown(action="submission")  # an action prefix
    assert "云溪区草稿" in page and "导出通报" not in page
    assert "导出通报" in shown(**{"from": today, "to": today})
    assert "导出通报" not in shown(**{"from": "2001-01-01", "to": "2001-12-31"})
    response = client.get("/audit/", {"from": "2026-13-01"})
    assert response.status_code == 400 and "格式不对" in response.content.decode()


def test_the_log_reads_in_chinese_with_object_names_links_and_a_before_after_table(client_as, cast) -> None:  # type: ignore[no-untyped-def]
    import re

    from newind.indicators.periods import Period
    from newind.submissions.services import issue_task
    from tests.page_helpers import visible_text

    task = issue_task(cast.office, period=Period.month(2017, 3), unit_ids=[Unit.objects.get(code="430621").pk])
    sub = task.submissions.get()
    for _ in range(3):
        record("login", user=cast.yyx_rep, summary="登录成功。")
    record("submission.approve", user=cast.yyx_rev, obj=sub, unit=sub.unit, before={"state": "submitted"},
           after={"state": "approved", "reason": ""}, summary="岳阳县 2017年1—3月 报表审核通过")
    record("submission.value_edit", user=cast.yyx_rep, obj=sub, unit=sub.unit,
           before={"indicator": "industrial_tax", "value": None, "explanation": ""},
           after={"indicator": "industrial_tax", "value": "4.4", "explanation": "", "via": "excel"})
    record("observations.write", user=cast.office, unit=sub.unit, object_type="indicators.importbatch",
           object_id="999", after={"batch": 999, "reason": None, "added": 9, "changed": 0})
    html = client_as("auditor").get("/audit/").content.decode()
    text = visible_text(html)

    # Chinese action names, never the codes or Python dicts.
    for code in ("login", "observations.write", "submission.approve", "submission.value_edit"):
        assert f">{code}<" not in html
    assert "登录" in text and "审核通过报表" in text and "写入数据" in text and "修改报表数值" in text
    assert "{'state'" not in html and "{&#x27;state&#x27;" not in html and "submissions.submission" not in text
    # The object by its name, linked to every entry about it; the unit by its name.
    link = f'href="?object=submissions.submission%3A{sub.pk}"'
    assert link in html and "单位报表：" in text and "岳阳县 2017年1—3月" in text
    assert "导入批次：#999（已删除）" in text and "岳阳县（430621）" in text
    # Before → after with field labels and value labels.
    assert re.search(r'<th scope="row">状态</th><td>已提交</td><td>已审核</td>', html)
    assert re.search(r'<th scope="row">指标</th><td>工业税收</td><td>工业税收</td>', html)
    assert re.search(r'<th scope="row">数值</th><td>—</td><td>4.4</td>', html)
    assert re.search(r'<th scope="row">填报方式</th><td>—</td><td>Excel 上传</td>', html)
    assert re.search(r'<th scope="row">新增</th><td>—</td><td>9</td>', html)
    # The action filter lists each action once, by its Chinese name.
    options = re.findall(r'<option value="([^"]+)"[^>]*>([^<]+)</option>',
                         html.split('id="action-filter"')[1].split("</select>")[0])
    assert len(options) == len({code for code, _ in options})
    assert ("login", "登录") in options and ("submission.approve", "审核通过报表") in options

    # Following the object's link shows only the entries about it.
    page = client_as("auditor").get("/audit/", {"object": f"submissions.submission:{sub.pk}"}).content.decode()
    assert "只显示与「单位报表：岳阳县 2017年1—3月」有关的记录" in page
    assert "审核通过报表" in page and "写入数据" not in visible_text(page).split("共")[1]


def test_an_unknown_action_shows_its_family_and_code(client_as, cast) -> None:  # type: ignore[no-untyped-def]
    record("submission.batch_publish", user=cast.office, summary="批量发布")
    text = client_as("auditor").get("/audit/").content.decode()
    assert "月度报表（submission.batch_publish）" in text


def test_the_action_filter_lists_each_action_once(client_as, cast) -> None:  # type: ignore[no-untyped-def]
    import re

    for _ in range(3):
        record("login", user=cast.yyx_rep, summary="登录成功。")
    record("export", user=cast.office, summary="导出通报")
    html = client_as("auditor").get("/audit/").content.decode()
    select = html.split('name="action"')[1].split("</select>")[0]
    values = re.findall(r'<option value="([^"]*)"', select)
    assert values.count("login") == 1 and values.count("export") == 1
