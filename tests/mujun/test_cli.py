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


def test_without_a_frame_the_registry_is_asked_and_says_it_is_not_there() -> None:
    with pytest.raises(AppError, match="企业名录（一企一档）尚未合入：请用 --frame"):
        registry_frame(2017, "430600", load_scheme("mujun-default"))
    with pytest.raises(AppError, match="尚未合入"):
        run("evaluate", "--year", "2017", "--scope", "430600")


def test_bench_prints_its_figures_as_a_last_json_line() -> None:
    text = run("bench", "--firms", "400", "--repeat", "1")
    summary = json.loads(text.strip().splitlines()[-1])
    assert summary["firms"] == 400 and summary["bench"] == "mujun"
    assert summary["rated"] + summary["not_rated"] == 400
    assert set(summary["seconds"]) == {"read_frame_file", "evaluate", "what_it_would_take", "json_document"}
