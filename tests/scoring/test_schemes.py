"""Scoring schemes: every shipped YAML loads and validates; the default is exactly the issue's table; a bad
scheme is refused with a Chinese message naming the field; versions."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from newind.core.errors import AppError
from newind.scoring.schemes import all_schemes, load_scheme, parse_scheme, schemes_dir

SHIPPED = sorted(schemes_dir().glob("*.yaml"))


def test_every_shipped_scheme_loads() -> None:
    assert len(SHIPPED) >= 3
    loaded = all_schemes()
    assert {s.code for s in loaded} >= {"mujun-default", "mujun-huaian-2024", "mujun-shandong-2019"}
    for scheme in loaded:
        assert scheme.sha256 and len(scheme.sha256) == 64
        assert scheme.source, scheme.code
        for group in scheme.groups:
            assert sum(i.weight for i in group.items) == pytest.approx(100), (scheme.code, group.code)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_each_file_validates_on_its_own(path: Path) -> None:
    scheme = parse_scheme(path.read_text(encoding="utf-8"), path.name)
    assert scheme.version >= 1


def test_the_default_scheme_is_exactly_the_issue_table() -> None:
    s = load_scheme("mujun-default")
    table = {
        (g.code, i.code): (i.numerator, i.denominator, i.weight, i.method, i.cap, i.benchmark.kind, i.scale)
        for g in s.groups for i in g.items
    }
    assert table == {
        ("above", "tax_per_mu"): ("tax_paid", "land_area", 30, "ratio_to_benchmark", 1.5, "aggregate", 1),
        ("above", "va_per_mu"): ("value_added", "land_area", 20, "ratio_to_benchmark", 1.5, "aggregate", 1),
        ("above", "va_per_energy"): ("value_added", "energy_use", 20, "ratio_to_benchmark", 1.5, "aggregate", 1),
        ("above", "va_per_emission"): ("value_added", "emissions", 10, "ratio_to_benchmark", 1.5, "aggregate", 1),
        ("above", "labour_productivity"): ("value_added", "avg_employees", 10, "ratio_to_benchmark", 1.5,
                                           "aggregate", 1),
        ("above", "rd_intensity"): ("rd_spending", "sales_revenue", 10, "ratio_to_benchmark", 1.5, "aggregate", 100),
        ("below", "tax_per_mu"): ("tax_paid", "land_area", 50, "ratio_to_benchmark", 1.5, "aggregate", 1),
        ("below", "tax_per_power"): ("tax_paid", "power_use", 50, "ratio_to_benchmark", 1.5, "aggregate", 1),
    }
    units = {(g.code, i.code): i.unit for g in s.groups for i in g.items}
    assert units[("above", "rd_intensity")] == "%" and units[("below", "tax_per_power")] == "万元/万千瓦时"
    fills = {(g.code, i.code): i.fill_missing for g in s.groups for i in g.items if i.fill_missing}
    assert fills == {("above", "va_per_emission"): {"emissions": "mean_points"}}
    assert s.classes.by == "rank_percentile"
    assert [(lv.code, lv.top_share) for lv in s.classes.levels] == [("A", 0.20), ("B", 0.75), ("C", 0.95), ("D", None)]
    assert (s.flags.veto.value, s.flags.veto.best_class) == ("否决", "C")
    assert (s.flags.protect.value, s.flags.protect.worst_class) == ("保护", "C")
    assert s.flags.not_rated_values == ["不参评"]
    assert [c.column for c in s.flags.not_rated_columns] == ["is_utility"]
    assert s.inputs["land_area"].unit == "亩" and s.inputs["energy_use"].label == "综合能耗（等价值）"


def test_the_presets() -> None:
    huaian = load_scheme("mujun-huaian-2024")
    assert [(i.code, i.weight, i.benchmark.kind, i.benchmark.factor) for i in huaian.group("above").items] == [
        ("tax_per_mu", 45, "multiple", 2), ("sales_per_mu", 35, "multiple", 2), ("tax_per_energy", 20, "multiple", 2)]
    assert [lv.top_share for lv in huaian.classes.levels] == [0.20, 0.60, 0.95, None]
    shandong = load_scheme("mujun-shandong-2019")
    assert [i.code for i in shandong.group("above").items] == [
        "tax_per_mu", "sales_per_energy", "sales_per_emission", "rd_intensity", "labour_productivity"]
    assert shandong.group("below") is None  # 规上 only


def _default_data() -> dict:
    return yaml.safe_load((schemes_dir() / "mujun-default.yaml").read_text(encoding="utf-8"))


def _break(mutate) -> AppError:  # noqa: ANN001
    data = _default_data()
    mutate(data)
    with pytest.raises(AppError) as info:
        parse_scheme(yaml.safe_dump(data, allow_unicode=True), "bad.yaml")
    return info.value


def _item(data: dict, n: int = 0) -> dict:
    return data["groups"][0]["items"][n]


BAD = [
    ("unknown key", lambda d: d.update(wieghts=1), "wieghts"),
    ("zero weight", lambda d: _item(d).update(weight=0), "groups.0.items.0.weight"),
    ("unknown method", lambda d: _item(d).update(method="gut_feeling"), "groups.0.items.0.method"),
    ("ratio without benchmark", lambda d: _item(d).pop("benchmark"), "需要 benchmark"),
    ("multiple without factor", lambda d: _item(d).update(benchmark={"kind": "multiple"}), "需要 factor"),
    ("fixed without value", lambda d: _item(d).update(benchmark={"kind": "fixed"}), "需要 value"),
    ("cap on efficacy", lambda d: _item(d).update(method="efficacy_coefficient", benchmark=None), "cap"),
    ("unknown input", lambda d: _item(d).update(numerator="tax_payed"), "tax_payed"),
    ("fill of a non-input", lambda d: _item(d).update(fill_missing={"emissions": "mean_points"}), "fill_missing"),
    ("shares not increasing", lambda d: d["classes"]["levels"][1].update(top_share=0.1), "严格递增"),
    ("last class with share", lambda d: d["classes"]["levels"][3].update(top_share=1.0), "最后一类"),
    ("veto to unknown class", lambda d: d["flags"]["veto"].update(best_class="E"), "不在 classes 中"),
    ("duplicate item", lambda d: d["groups"][0]["items"].append(dict(_item(d))), "重复"),
    ("version zero", lambda d: d.update(version=0), "version"),
]


@pytest.mark.parametrize(("case", "mutate", "fragment"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_scheme_is_refused_naming_the_field(case: str, mutate, fragment: str) -> None:  # noqa: ANN001
    error = _break(mutate)
    assert error.message.startswith("评价方案 bad.yaml 有")
    assert any(fragment in str(p) for p in error.problems), [str(p) for p in error.problems]


def test_not_yaml_and_not_a_mapping_are_refused() -> None:
    with pytest.raises(AppError, match="不是有效的 YAML"):
        parse_scheme("a: [", "x.yaml")
    with pytest.raises(AppError, match="应为 YAML 映射"):
        parse_scheme("- 1", "x.yaml")


def test_versions_latest_by_default_and_duplicates_refused(tmp_path: Path) -> None:
    text = (schemes_dir() / "mujun-default.yaml").read_text(encoding="utf-8")
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(text.replace("version: 1", "version: 2"), encoding="utf-8")
    assert load_scheme("mujun-default", directory=tmp_path).version == 2
    assert load_scheme("mujun-default", 1, directory=tmp_path).version == 1
    with pytest.raises(AppError, match="没有第3版"):
        load_scheme("mujun-default", 3, directory=tmp_path)
    with pytest.raises(AppError, match="未找到评价方案「nope」"):
        load_scheme("nope", directory=tmp_path)
    dup = tmp_path / "dup"
    dup.mkdir()
    (dup / "a.yaml").write_text(text, encoding="utf-8")
    (dup / "b.yaml").write_text(text + "\n# same version, other text\n", encoding="utf-8")
    with pytest.raises(AppError, match="重复定义"):
        load_scheme("mujun-default", directory=dup)
