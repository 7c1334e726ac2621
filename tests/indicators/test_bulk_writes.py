"""Bulk writes store text exactly and nothing else, on SQLite and PostgreSQL (the run's database).

Before, PostgreSQL loaded observations through hand-built tab-separated text (pandas' CSV writer into
`COPY … FORMAT text`): backslashes became escapes, quotes were doubled, a tab or newline broke the load, and
one crafted cell could add rows of its own. Every bulk path now goes through `core.bulk.bulk_insert`.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from newind.core.bulk import bulk_insert
from newind.core.errors import AppError
from newind.imports.services import import_file, prepare_import
from newind.indicators.derived import bulk_insert_derived
from newind.indicators.models import DerivedFigure, ImportBatch, Indicator, Observation
from newind.indicators.periods import Period
from newind.units.models import Unit

pytestmark = pytest.mark.django_db

# Every kind of text that the old COPY path mangled or choked on, each kept inside the cell (the import
# strips leading and trailing blanks, as it should).
TRICKY = [
    r"C:\temp\new\report.xls",
    'He said "ok"',
    "\\N",
    "a\\N\\Nb",
    "tab\there",
    "two\nlines",
    "carriage\rreturn",
    "crlf\r\nline",
    "back\\slash\\\\double and \\t literal",
    "emoji 😀 and 𠀀 (U+20000) and 🇨🇳",
    "'single', comma; semicolon | pipe",
    "统计局《2017年统计月报》第3期",
]
UNITS = ["岳阳市", "岳阳楼区", "云溪区", "君山区", "岳阳县", "华容县", "湘阴县", "平江县", "汨罗市", "临湘市",
         "长沙市", "株洲市"]


def _csv(rows: list[list[object]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue().encode("utf-8")


def _write_csv(tmp_path, rows: list[list[object]], name: str = "tricky.csv"):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_bytes(_csv(rows))
    return path


def test_every_tricky_text_round_trips_and_rows_written_equal_the_preview(reference_data, tmp_path):
    rows: list[list[object]] = [["地区", "年份", "指标", "数值", "计量单位", "来源"]]
    for i, text in enumerate(TRICKY):
        rows.append([UNITS[i], 2016, "地区生产总值", f"{100 + i}.5", "亿元", text])
    path = _write_csv(tmp_path, rows)

    preview = prepare_import(path.read_bytes(), path.name)
    assert preview.counts["added"] == len(TRICKY)
    _, batch = import_file(path)
    assert batch is not None

    stored = dict(Observation.objects.filter(batch=batch).values_list("unit__name", "source"))
    assert Observation.objects.count() == preview.counts["added"] == len(TRICKY)
    assert stored == {UNITS[i]: text for i, text in enumerate(TRICKY)}
    values = dict(Observation.objects.values_list("unit__name", "value"))
    assert values == {UNITS[i]: Decimal(f"{100 + i}.5") for i in range(len(TRICKY))}


def test_a_crafted_cell_writes_nothing_beyond_its_own_row(reference_data, office_user, tmp_path):
    """The cell reproduces the red team's payload: tab-separated text that, fed to `COPY … FORMAT text` after
    pandas quoted it, completed its own row, added a row of its own (another unit, a year the file does not
    name, attributed to a user, no batch) and started a third that the real rest of the row completed."""
    gdp = Indicator.objects.get(code="gdp")
    victim = Unit.objects.get(code="430621")  # 岳阳县, not named in the file
    now = "2017-01-01 00:00:00+00"
    injected = "\t".join([str(gdp.id), str(victim.id), "2030", "Y", "0", "999", "亿元", "current", "official",
                          "注入", "", "f", "1", "\\N", "t", "", "\\N", str(office_user.id), now])
    rest_of_first = "\t".join(["", "f", "1", "\\N", "t", "", "\\N", str(office_user.id), now])
    head_of_third = "\t".join([str(gdp.id), str(victim.id), "2031", "Y", "0", "888", "亿元", "current",
                               "official", "z"])
    payload = f"x\t{rest_of_first}\n{injected}\n{head_of_third}"
    assert len(payload) <= 300  # the whole cell is kept (Observation.source holds 300 characters)
    path = _write_csv(tmp_path, [
        ["地区", "年份", "指标", "数值", "计量单位", "来源"],
        ["岳阳市", 2016, "地区生产总值", "3100.87", "亿元", payload],
        ["华容县", 2016, "地区生产总值", "250.1", "亿元", "统计局"],
    ], "crafted.csv")

    preview = prepare_import(path.read_bytes(), path.name)
    assert preview.counts["added"] == 2
    _, batch = import_file(path)

    assert Observation.objects.count() == preview.counts["added"] == 2
    assert set(Observation.objects.values_list("unit__name", "year")) == {("岳阳市", 2016), ("华容县", 2016)}
    assert not Observation.objects.filter(unit=victim).exists()
    assert not Observation.objects.filter(batch=None).exists()
    assert Observation.objects.get(unit__name="岳阳市").source == payload
    assert ImportBatch.objects.get() == batch and batch.added == 2


def test_the_same_through_the_upload_page(reference_data, office_client, settings, tmp_path):
    """Preview and confirm on the web: the confirm page's count is what the database holds afterwards."""
    settings.VAR_DIR = tmp_path / "var"
    rows: list[list[object]] = [["地区", "年份", "指标", "数值", "计量单位", "来源"]]
    rows += [[UNITS[i], 2015, "gdp", 10 + i, "亿元", text] for i, text in enumerate(TRICKY)]
    page = office_client.post("/imports/", {"file": SimpleUploadedFile("t.csv", _csv(rows))})
    assert page.status_code == 200 and f"确认导入（写入 {len(TRICKY)} 条）" in page.content.decode()
    form = page.context["confirm"]
    done = office_client.post("/imports/confirm/", {k: str(form.initial.get(k, "")) for k in form.fields})
    assert done.status_code == 200
    assert sorted(Observation.objects.values_list("source", flat=True)) == sorted(TRICKY)


def test_a_nul_in_an_import_cell_is_refused_naming_sheet_row_and_column(reference_data, tmp_path):
    # openpyxl refuses to write NUL, so the cell is written as Excel's own escape for it (_x0000_).
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "数据"
    for row in (["地区", "年份", "指标", "数值", "来源"], ["岳阳市", 2016, "gdp", 3100.87, "统计局"],
                ["华容县", 2016, "gdp", 250.1, "统计_x0000_局"]):
        ws.append(row)
    path = tmp_path / "nul.xlsx"
    wb.save(path)
    with pytest.raises(AppError) as excinfo:
        import_file(path)
    assert [str(p) for p in excinfo.value.problems] == [
        "工作表「数据」第3行第E列：单元格含有空字符（NUL），无法保存：请删除该字符后重新导入。"]
    assert "未导入任何数据" in excinfo.value.message
    csv_path = tmp_path / "nul.csv"
    csv_path.write_bytes("地区,年份,指标,数值,来源\n岳阳市,2016,gdp,1,统计\x00局\n".encode())
    with pytest.raises(AppError) as excinfo:
        import_file(csv_path)
    assert [str(p) for p in excinfo.value.problems] == [
        "第2行第E列：单元格含有空字符（NUL），无法保存：请删除该字符后重新导入。"]
    assert Observation.objects.count() == 0 and ImportBatch.objects.count() == 0


def test_bulk_insert_round_trips_text_and_refuses_nul_naming_the_field(reference_data):
    """The shared function itself: typed rows in, the same values out; NUL refused before anything is written."""
    gdp = Indicator.objects.get(code="gdp")
    units = list(Unit.objects.order_by("id")[: len(TRICKY)])
    now = datetime(2017, 3, 1, 8, 30, tzinfo=UTC)
    frame = pd.DataFrame({
        "indicator_id": gdp.id, "unit_id": [u.id for u in units], "year": 2017, "period_kind": "Y", "period_n": 0,
        "value": [Decimal(f"{i}.125") for i in range(len(TRICKY))], "measure_unit": "亿元",
        "price_basis": "current", "release": "official", "source": TRICKY, "original": "", "is_synthetic": False,
        "version": 1, "supersedes_id": pd.array([None] * len(TRICKY), dtype="Int64"), "is_current": True,
        "reason": list(reversed(TRICKY)), "batch_id": None, "created_by_id": None,
    })
    assert bulk_insert(Observation, frame, constants={"created_at": now}) == len(TRICKY)
    stored = list(Observation.objects.order_by("unit_id").values_list("source", "reason", "value", "created_at"))
    assert stored == [(s, r, Decimal(f"{i}.125"), now) for i, (s, r) in enumerate(
        zip(TRICKY, reversed(TRICKY), strict=True))]

    bad = frame.assign(year=2018, reason=["ok"] * (len(TRICKY) - 1) + ["坏\x00原因"])
    with pytest.raises(AppError) as excinfo:
        bulk_insert(Observation, bad, constants={"created_at": now})
    assert excinfo.value.message == (f"第{len(TRICKY)}条数据的「修改原因」含有空字符（NUL），无法保存，未写入任何数据："
                                     "请删除该字符后重试。")
    assert Observation.objects.filter(year=2018).count() == 0


def test_derived_figures_go_through_the_same_function(reference_data):
    gdp = Indicator.objects.get(code="gdp")
    unit = Unit.objects.get(code="430600")
    frame = pd.DataFrame({
        "indicator_id": [gdp.id, gdp.id], "unit_id": [unit.id, unit.id], "kind": ["rollup", "rank"],
        "scope": ["admin", "group:a\tb\\N\nc"], "value": [1.5, float("nan")], "last_year_value": [None, None],
        "rank": pd.array([None, 1], dtype="Int64"), "reported": pd.array([3, 2], dtype="Int64"),
        "tied": [False, True], "is_synthetic": [False, False],
    })
    bulk_insert_derived(frame, Period.annual(2017))
    rows = list(DerivedFigure.objects.order_by("id").values_list("kind", "scope", "value", "rank", "reported", "tied"))
    assert rows == [("rollup", "admin", 1.5, None, 3, False), ("rank", "group:a\tb\\N\nc", None, 1, 2, True)]

