"""Every SLA profile and the category taxonomy load and are checked; bad YAML is refused with reasons."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from newind.cases.queries import categories
from newind.cases.sla import EscalateTo, load_profile, parse_profile, profile_codes, profiles_dir
from newind.core.errors import AppError


def test_every_shipped_profile_loads_with_a_full_escalation_ladder():
    codes = profile_codes()
    assert codes == ["project_problem", "quanzhou", "supervision", "xuchang", "zaozhuang", "zhongshan"]
    for code in codes:
        profile = load_profile(code)
        assert profile.code == code and profile.name and profile.description
        assert [s.to for s in profile.escalation] == [EscalateTo.LEAD_HEAD, EscalateTo.OFFICE, EscalateTo.LEADER]
        assert profile.stage(profile.close_stage).limit.working_days is not None
        assert profile.remind_working_days >= 1 and profile.extension_lead_working_days == 1
        assert profile.office_day.label() == "08:30—12:00、14:30—17:30"


def test_the_presets_carry_the_limits_from_practice():
    def limits(code: str) -> dict[str, str]:
        return {s.code: s.limit.label() for s in load_profile(code).stages}

    assert limits("zhongshan") == {"contact": "1个工作小时", "stage_reply": "3个工作日", "close": "5个工作日"}
    assert limits("zaozhuang") == {"start": "1个工作日", "plan": "2个工作日", "close": "10个工作日",
                                   "multi_department": "25个工作日"}
    assert limits("quanzhou") == {"co_handler": "3个工作日", "lead": "7个工作日"}
    assert limits("xuchang") == {"assign": "3个工作日", "close": "15个工作日", "complex": "30个工作日"}
    assert limits("project_problem") == {"accept": "2个工作日", "close": "10个工作日", "multi_department": "20个工作日"}
    assert load_profile("quanzhou").stage("co_handler").who == "co_handler"


def _raw(code: str = "zhongshan") -> dict:
    return yaml.safe_load((profiles_dir() / f"{code}.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(("change", "message"), [
    (lambda r: r.pop("close_stage"), "缺少「close_stage」"),
    (lambda r: r.update(close_stage="nope"), "close_stage「nope」不是本方案的环节"),
    (lambda r: r.update(close_stage="contact"), "办结环节须以工作日计时"),
    (lambda r: r["stages"][1].update(limit={"working_days": 0}), "须为正整数"),
    (lambda r: r["stages"][1].update(limit={"days": 3}), "working_days: N 或 working_hours: N"),
    (lambda r: r["stages"][0].update(limit={"working_hours": -1}), "须为正数"),
    (lambda r: r["stages"][1].update(code="contact"), "环节代码重复"),
    (lambda r: r["stages"][1].update(who="boss"), "who 须为"),
    (lambda r: r["escalation"].reverse(), "逐级递增"),
    (lambda r: r["escalation"][0].update(to="mayor"), "升级第1级"),
    (lambda r: r.update(office_day=[["14:30", "17:30"], ["08:30", "12:00"]]), "按时间先后排列"),
    (lambda r: r.update(office_day=[["8点半", "12:00"]]), "不是 HH:MM 格式"),
    (lambda r: r.update(remind={"working_days": 0}), "remind 须写成"),
    (lambda r: r.update(colour="red"), "不认识的键：colour"),
])
def test_a_bad_profile_is_refused_with_the_reason(change, message):
    raw = _raw()
    change(raw)
    with pytest.raises(AppError) as error:
        parse_profile(raw, "zhongshan.yaml")
    assert "时限方案 zhongshan.yaml有" in error.value.message
    assert message in error.value.full_text()


def test_an_unknown_or_mismatched_profile_is_refused(tmp_path: Path):
    with pytest.raises(AppError, match="没有名为「../zhongshan」的时限方案"):
        load_profile("../zhongshan")
    (tmp_path / "other.yaml").write_text(yaml.safe_dump(_raw()), encoding="utf-8")
    with pytest.raises(AppError, match="应与文件名「other」一致"):
        load_profile("other", tmp_path)


def test_the_category_taxonomy():
    assert list(categories().values()) == ["融资", "用地", "用工", "审批服务", "用电用水", "物流", "环保", "政策兑现", "其他"]


def test_a_bad_taxonomy_is_refused(tmp_path: Path):
    path = tmp_path / "categories.yaml"
    path.write_text("categories:\n  - {code: a, name: 融资}\n  - {code: a, name: 用地}\n  - {name: 无代码}\n",
                    encoding="utf-8")
    with pytest.raises(AppError) as error:
        categories(path)
    assert "重复" in error.value.full_text() and "第3个分类须有 code 和 name" in error.value.full_text()
