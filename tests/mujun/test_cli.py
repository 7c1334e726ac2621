"""`newind mujun evaluate --frame FILE` and `newind mujun bench`, and the frame-file reader behind them."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from django.core.management import call_command

from newind.core.errors import AppError
from newind.mujun.calc import evaluation_document
from newind.mujun.queries import frame_from_file, in_scope, registry_frame
from newind.scoring.schemes import load_scheme
from tests.mujun.test_twelve_firms import COLUMNS, EXPECTED, ROWS

CHINESE = {"credit_code": "统一社会信用代码", "size": "规模", "land_area": "用地面积（含租用）（亩）",
           "tax_paid": "实缴税金（万元）", "value_added": "工业增加值", "sales_revenue": "营业收入",
           "energy_use": "综合能耗（等价值）", "emissions": "主要污染物排放当量", "rd_spending": "研发经费支出",
           "avg_employees": "年平均职工人数", "power_use": "用电量", "flag": "标记", "is_utility": "公用事业"}


def table() -> pd.DataFrame:
    f = pd.DataFrame(ROWS, columns=COLUMNS)
    f["size"] = f["size"].map({"above": "规上", "below": "规下"})
    f["is_utility"] = f["is_utility"].map({True: "是", False: "否"})
    f["county"] = ["430621"] * 6 + ["430623"] * 6
    f["name"] = "企业" + f["credit_code"]
    return f.rename(columns={**CHINESE, "county": "所在县市区", "name": "企业名称"})


def write_csv(tmp_path: Path, frame: pd.DataFrame) -> Path:
    path = tmp_path / "frame.csv"
    frame.to_csv(path, index=False, encoding="utf-8")
    return path


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("mujun", *args, stdout=out)
    return out.getvalue()


def test_evaluate_json_from_a_csv_with_chinese_headers_equals_the_pure_function(tmp_path: Path) -> None:
    path = write_csv(tmp_path, table())
    doc = json.loads(run("evaluate", "--year", "2017", "--scope", "430600", "--format", "json", "--frame", str(path)))
    scheme = load_scheme("mujun-default")
    expected = evaluation_document(frame_from_file(path, scheme), scheme, year=2017, scope="430600")
    assert doc == json.loads(json.dumps(expected, ensure_ascii=False))
    got = {f["credit_code"]: (f["total"], f["rank"], f["class"]) for f in doc["firms"]}
    assert got == {code: (total, rank, cls) for code, (total, rank, _by_rank, cls) in EXPECTED.items()}
    assert doc["class_counts"] == {"A": 1, "B": 7, "C": 2, "D": 0, "T": 1}


def test_evaluate_table_and_an_xlsx_frame(tmp_path: Path) -> None:
    frame = table()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        ws.append([None if isinstance(v, float) and v != v else v for v in row])
    path = tmp_path / "frame.xlsx"
    wb.save(path)
    text = run("evaluate", "--year", "2017", "--scope", "430600", "--frame", str(path))
    assert "2017年 亩均效益综合评价 · 范围 430600" in text
    assert "基准值（规上，8 家参评）：tax_per_mu 2.0 万元/亩" in text
    assert "A9 企业A9：公用事业企业，不参评（T类）" in text
    assert "各类企业数：A 1，B 7，C 2，D 0，T 1" in text


def test_scope_by_county_prefix_or_code(tmp_path: Path) -> None:
    scheme = load_scheme("mujun-default")
    frame = frame_from_file(write_csv(tmp_path, table()), scheme)
    assert len(in_scope(frame, "430600")) == 12
    assert list(in_scope(frame, "430621")["credit_code"]) == ["A1", "A2", "A3", "A4", "A5", "A6"]
    with pytest.raises(AppError, match="评价范围「430700」内没有企业"):
        in_scope(frame, "430700")


def test_bad_cells_are_named_and_nothing_is_evaluated(tmp_path: Path) -> None:
    frame = table().astype(object)
    frame.loc[2, "实缴税金（万元）"] = "二十"
    frame.loc[4, "规模"] = "中型"
    frame.loc[5, "统一社会信用代码"] = "A1"
    with pytest.raises(AppError) as info:
        frame_from_file(write_csv(tmp_path, frame), load_scheme("mujun-default"))
    texts = [str(p) for p in info.value.problems]
    assert "第4行第D列：「二十」不是数字" in texts  # row 4 = header + 3rd firm
    assert "第6行第B列：规模「中型」应为 规上 或 规下" in texts
    assert "第2行第A列：统一社会信用代码「A1」重复" in texts and "第7行第A列：统一社会信用代码「A1」重复" in texts
    assert info.value.message == "评价数据文件有 4 处错误，未作评价。"


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    path = write_csv(tmp_path, table().drop(columns=["用电量"]))
    with pytest.raises(AppError, match="评价数据文件缺少列：用电量"):
        frame_from_file(path, load_scheme("mujun-default"))


# The registry is merged: without --frame the command reads it (tests/mujun/test_store.py evaluates a
# registry by hand); here, a scope it does not know is named, and an empty scope is refused.
@pytest.mark.django_db
def test_without_a_frame_the_registry_is_asked_and_names_an_unknown_scope(reference_data) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AppError, match="999999"):
        registry_frame(2017, "999999", load_scheme("mujun-default"))
    with pytest.raises(AppError, match="没有登记的企业"):
        from newind.mujun.services import run_evaluation

        run_evaluation(2017, "430600")


def test_bench_prints_its_figures_as_a_last_json_line() -> None:
    text = run("bench", "--firms", "400", "--repeat", "1")
    summary = json.loads(text.strip().splitlines()[-1])
    assert summary["firms"] == 400 and summary["bench"] == "mujun"
    assert summary["rated"] + summary["not_rated"] == 400
    assert set(summary["seconds"]) == {"read_frame_file", "evaluate", "what_it_would_take", "json_document"}


def test_county_aggregates_by_hand(tmp_path: Path) -> None:
    scheme = load_scheme("mujun-default")
    frame = frame_from_file(write_csv(tmp_path, table()), scheme)
    doc = evaluation_document(frame, scheme, year=2017, scope="430600")
    counties = {d["county"]: d for d in doc["aggregates"]["county"]}
    # 430621: A1–A6, all rated 规上: Σland 10+20+10+10+10+10 = 70, Σtax 60+40+20+10+30+10 = 170,
    #   Σva 300+200+100+100+150+100 = 950.
    # 430623: rated A7, A8 (规上), B1, B2 (规下); A9 is T, B3 not rated: Σland 20+10+5+15 = 50,
    #   Σtax 10+20+10+10 = 50; value added only for the 规上 firms: (50+50) ÷ (20+10).
    assert counties["430621"]["tax_per_mu"] == round(170 / 70, 4)
    assert counties["430621"]["va_per_mu"] == round(950 / 70, 4)
    assert counties["430623"]["tax_per_mu"] == 1.0
    assert counties["430623"]["va_per_mu"] == round(100 / 30, 4)
    assert (counties["430621"]["rank_by_tax_per_mu"], counties["430623"]["rank_by_tax_per_mu"]) == (1, 2)
    assert counties["430621"]["class_counts"] == {"A": 1, "B": 4, "C": 1, "D": 0, "T": 0}
    assert counties["430623"]["class_counts"] == {"A": 0, "B": 3, "C": 1, "D": 0, "T": 1}
    assert doc["aggregates"]["park"] == []  # no park column in this file


def write_flags(tmp_path: Path, rows: list[tuple]) -> Path:
    path = tmp_path / "flags.csv"
    pd.DataFrame(rows, columns=["统一社会信用代码", "年度", "标记", "原因"]).to_csv(path, index=False)
    return path


def test_a_flags_file_overrides_the_frames_flags(tmp_path: Path) -> None:
    frame = table()
    frame["标记"] = ""  # no flags in the frame itself: they come from the flags file
    flags = write_flags(tmp_path, [("A5", 2017, "否决", "安全生产事故"), ("A7", 2017, "保护", "新建投产不满2年"),
                                   ("A2", 2016, "否决", "上一年的标记不算")])
    doc = json.loads(run("evaluate", "--year", "2017", "--scope", "430600", "--format", "json",
                         "--frame", str(write_csv(tmp_path, frame)), "--flags", str(flags)))
    by_code = {f["credit_code"]: f for f in doc["firms"]}
    assert by_code["A5"]["class"] == "C"
    assert by_code["A5"]["reasons"][1] == "年度标记「否决」（安全生产事故）：最高评为C类，由A类调为C类"
    assert by_code["A2"]["class"] == "B"  # the 2016 flag does not apply to 2017


def test_bad_flags_are_named(tmp_path: Path) -> None:
    from newind.mujun.queries import flags_from_file

    path = write_flags(tmp_path, [("A5", 2017, "否决", ""), ("A5", 2017, "保护", ""), ("A6", "二〇一七", "否决", ""),
                                  ("A7", 2017, "警告", "")])
    with pytest.raises(AppError) as info:
        flags_from_file(path, 2017)
    texts = [str(p) for p in info.value.problems]
    assert "第4行第B列：年度「二〇一七」不是年份" in texts
    assert "第5行第C列：标记「警告」应为 否决、保护 或 不参评" in texts
    assert "第2行第C列：2017年「A5」有不止一个标记：每家企业每年只能有一个标记" in texts
    assert "第3行第C列：2017年「A5」有不止一个标记：每家企业每年只能有一个标记" in texts


def test_the_registry_adapter_calls_the_registrys_evaluation_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    # The registry is on another branch: stand in for its evaluation_frame(year, scope_code, flags) to pin
    # the call this adapter makes once it is merged.
    import sys
    import types

    from django.apps import apps

    calls = []
    fake = types.ModuleType("newind.enterprises.queries")

    def evaluation_frame(year, scope_code, flags=None):  # noqa: ANN001, ANN202
        calls.append((year, scope_code, None if flags is None else flags.to_dict("records")))
        return pd.DataFrame({"credit_code": ["A5", "A6"], "flag": ["否决", ""]})

    fake.evaluation_frame = evaluation_frame  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "newind.enterprises.queries", fake)
    real = apps.is_installed
    monkeypatch.setattr(apps, "is_installed", lambda name: name == "newind.enterprises" or real(name))
    flags = pd.DataFrame({"credit_code": ["A5"], "flag": ["否决"], "flag_reason": ["环境事故"]})
    frame = registry_frame(2017, "430621", load_scheme("mujun-default"), flags)
    assert calls == [(2017, "430621", [{"credit_code": "A5", "flag": "否决"}])]
    assert frame["flag_reason"].tolist() == ["环境事故", ""]
