"""Workbooks that are small on the wire but huge once parsed: refused by the streaming pre-scan with a
Chinese sentence naming the sheet and the limit, with bounded memory, nothing written (issue 7, item 4)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from newind.core.errors import AppError
from newind.imports import parsing
from newind.imports.services import upload_dir
from newind.indicators.models import ImportBatch, Observation
from tests.upload_files import SheetXml, numbered_rows_workbook, rows_xml, workbook

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]
ROW_LIMIT = "工作表「数据」的内容延伸到第100001行，超过每张表 100000 行的上限：请删除表格下方多余的行，或把数据拆分为几个较小的文件后再上传。"


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path / "var"


def post(client, name: str, data: bytes, **fields):  # type: ignore[no-untyped-def]
    return client.post("/imports/", {"file": SimpleUploadedFile(name, data), **fields})


def nothing_written() -> bool:
    return (not Observation.objects.exists() and not ImportBatch.objects.exists()
            and not (upload_dir().exists() and any(upload_dir().iterdir())))


def test_the_red_team_file_passes_the_old_guards(red_team_file, settings):
    # What made it dangerous: every guard before the pre-scan let it through.
    info = zipfile.ZipFile(red_team_file).getinfo("xl/worksheets/sheet1.xml")
    assert red_team_file.stat().st_size < 10 * 1024 * 1024 < settings.NEWIND_IMPORT_MAX_BYTES
    assert 190e6 < info.file_size < settings.NEWIND_XLSX_MAX_UNCOMPRESSED_BYTES
    assert 20 < info.file_size / info.compress_size < settings.NEWIND_XLSX_MAX_RATIO


def test_the_red_team_file_is_refused_on_the_import_page(reference_data, office_client, red_team_file):
    response = post(office_client, "县区月报.xlsx", red_team_file.read_bytes())
    assert response.status_code == 413
    assert ROW_LIMIT in response.content.decode()
    assert nothing_written()


def test_the_red_team_file_is_refused_by_the_cli(reference_data, red_team_file):
    with pytest.raises(AppError) as excinfo:
        call_command("import", str(red_team_file), stdout=io.StringIO())
    assert excinfo.value.status == 413 and excinfo.value.message == ROW_LIMIT
    assert nothing_written()


MEASURE = """
import json, sys
import django
django.setup()
from newind.core.errors import AppError
from newind.imports.parsing import read_sheets

def status(field):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field)) / 1024

data = open(sys.argv[1], "rb").read()
try:
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # reset the peak to the current size, so setting Django up does not count
except OSError:
    pass  # then the peak may include the set-up: an over-estimate
before = status("VmRSS:")
try:
    kind, sheets = read_sheets(data, sys.argv[1])
    result = {"refused": False, "shapes": [list(s.cells.shape) for s in sheets]}
except AppError as error:
    result = {"refused": True, "status": error.status, "message": error.message}
result["extra_mb"] = status("VmHWM:") - before
print(json.dumps(result, ensure_ascii=False))
"""


def parse_in_subprocess(path: Path, tmp_path: Path, **env: str) -> dict[str, object]:
    """Parse a file in a fresh process; `extra_mb` is its peak resident size while parsing minus its size just
    before (the file already read). Resident size sees calamine's Rust allocations, which tracemalloc does
    not. The peak is the kernel's VmHWM, the same figure as getrusage's ru_maxrss except that ru_maxrss
    of a child keeps its parent's (here pytest's) peak across exec, which would hide the parse."""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "newind.settings", "NEWIND_VAR_DIR": str(tmp_path),
                   "PYTHONPATH": str(REPO / "src"), **env}
    environment.pop("NEWIND_DATABASE_URL", None)
    out = subprocess.run([sys.executable, "-c", MEASURE, str(path)], env=environment, capture_output=True,
                         text=True, timeout=300, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


# Before the pre-scan, parsing the red team file took 908 MB more than the process held (measured with
# this script: 104 → 1,013 MB in 15 s); refused after 100,000 rows, it takes a few MB.
REFUSAL_BOUND_MB = 40


def test_parsing_the_red_team_file_is_refused_within_a_stated_memory_bound(red_team_file, tmp_path):
    result = parse_in_subprocess(red_team_file, tmp_path)
    assert result["refused"] and result["status"] == 413 and result["message"] == ROW_LIMIT
    assert result["extra_mb"] < REFUSAL_BOUND_MB, result


def test_a_csv_of_millions_of_rows_is_refused_without_reading_it_whole(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_bytes(b"1,2\n" * 4_000_000)  # 16 MB: under the upload size, 4 million rows
    result = parse_in_subprocess(path, tmp_path)
    assert result["refused"] and result["message"] == (
        "文件的内容延伸到第100001行，超过每张表 100000 行的上限：请删除表格下方多余的行，或把数据拆分为几个较小的文件后再上传。")
    # Decoding and splitting all 4 million rows took 700+ MB before.
    assert result["extra_mb"] < REFUSAL_BOUND_MB, result


def test_a_workbook_at_the_cell_limit_is_read_within_a_stated_memory_bound(tmp_path):
    # 10,000 rows x 100 columns, at a cell limit of 1,000,000 (half the default, to keep the test short): read
    # whole, as it must be. Memory grows with the cells; at the default 2,000,000 it measured 156 MB.
    path = tmp_path / "full.xlsx"
    path.write_bytes(numbered_rows_workbook(10_000, 100))
    result = parse_in_subprocess(path, tmp_path, NEWIND_IMPORT_MAX_CELLS="1000000")
    assert result == {**result, "refused": False, "shapes": [[10_000, 100]]}
    assert result["extra_mb"] < 120, result  # the dense grid: about 80 bytes a cell at the peak


def test_a_few_bytes_naming_a_far_cell_are_refused_by_rows(reference_data, office_client):
    # Two cells, A1 and ZZ200000: python-calamine would build a 200,000 x 702 grid (5 GB).
    data = workbook(SheetXml("数据", b'<row r="1"><c r="A1"><v>1</v></c></row>'
                                     b'<row r="200000"><c r="ZZ200000"><v>1</v></c></row>'))
    assert len(data) < 2000
    response = post(office_client, "far.xlsx", data)
    assert response.status_code == 413
    assert "工作表「数据」的内容延伸到第200000行，超过每张表 100000 行的上限" in response.content.decode()
    assert nothing_written()


def test_a_far_column_is_refused_by_columns(reference_data, office_client):
    data = workbook(SheetXml("宽表", b'<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>1</v></c></row>'))
    response = post(office_client, "wide.xlsx", data)
    assert response.status_code == 413
    assert ("工作表「宽表」的内容延伸到第16384列（XFD列），超过每张表 500 列的上限：请删除表格右侧多余的列，"
            "或把数据拆分为几个较小的文件后再上传。") in response.content.decode()
    assert nothing_written()


def test_the_cell_limit_counts_every_sheet_of_the_file(reference_data, office_client, settings):
    settings.NEWIND_IMPORT_MAX_CELLS = 1000
    body = rows_xml([[i] * 20 for i in range(30)])  # 30 x 20 = 600 cells a sheet
    response = post(office_client, "two.xlsx", workbook(SheetXml("第一", body), SheetXml("第二", body)))
    assert response.status_code == 413
    assert ("读到工作表「第二」时，单元格总数（各表行数×列数之和）已达 1200，超过每个文件 1000 个的上限"
            in response.content.decode())
    assert nothing_written()


def test_cells_without_references_are_placed_as_calamine_places_them(reference_data, office_client, settings):
    # No r= on rows or cells: the exact (expat) scan counts positions; 6 cells in one row pass 5 columns.
    settings.NEWIND_IMPORT_MAX_COLUMNS = 5
    data = workbook(SheetXml("数据", b"<row>" + b"<c><v>1</v></c>" * 6 + b"</row>"))
    response = post(office_client, "positional.xlsx", data)
    assert response.status_code == 413 and "第6列（F列），超过每张表 5 列的上限" in response.content.decode()
    assert nothing_written()


def test_a_csv_beyond_the_column_limit_is_refused(reference_data, office_client, settings):
    settings.NEWIND_IMPORT_MAX_COLUMNS = 3
    response = post(office_client, "wide.csv", "地区,2015,2016,2017\n岳阳市,1,2,3\n".encode())
    assert response.status_code == 413 and "文件的内容延伸到第4列（D列），超过每张表 3 列的上限" in response.content.decode()
    assert nothing_written()


def test_an_unreadable_csv_field_is_a_clear_error_not_a_500(reference_data, office_client):
    # csv refuses a field over 128 KB (it raised a bare csv.Error before: a 500).
    response = post(office_client, "long.csv", "地区,年份\n岳阳市,2016\n".encode() + b"x," + b"y" * 200_000 + b"\n")
    assert response.status_code == 400
    assert "CSV 文件第3行无法读取（字段过长或含有不可见的控制字符）" in response.content.decode()
    assert nothing_written()


def test_uploads_over_the_parallel_limit_wait_then_get_a_503(reference_data, office_client, settings, make_csv):
    settings.NEWIND_IMPORT_MAX_PARALLEL = 1
    settings.NEWIND_IMPORT_BUSY_WAIT_SECONDS = 0.05
    holding, release = threading.Event(), threading.Event()

    def another_upload() -> None:
        with parsing.upload_slot():
            holding.set()
            release.wait(10)

    other = threading.Thread(target=another_upload)
    other.start()
    try:
        assert holding.wait(10)
        data = "地区,年份,指标,数值\n岳阳市,2016,gdp,3100.87\n".encode()
        busy = post(office_client, "gdp.csv", data)
        assert busy.status_code == 503
        assert "服务器正在处理其他上传的文件（同时最多处理 1 个），本次未读取您的文件：请稍等一两分钟后重新上传。" in busy.content.decode()
        assert nothing_written()
    finally:
        release.set()
        other.join()
    again = post(office_client, "gdp.csv", data)
    assert again.status_code == 200 and "确认导入（写入 1 条）" in again.content.decode()


def test_one_size_check_on_every_path(reference_data, office_client, settings, make_csv):
    settings.NEWIND_IMPORT_MAX_BYTES = 1024
    text = "地区,年份,指标,数值\n" + "岳阳市,2016,gdp,3100.87\n" * 100  # 2,728 bytes: "3 KB"
    page = post(office_client, "big.csv", text.encode())
    assert page.status_code == 413
    assert "文件过大（3 KB），超过上传上限 1 KB：请拆分为较小的文件后再上传。" in page.content.decode()
    with pytest.raises(AppError) as excinfo:
        call_command("import", str(make_csv(text)), stdout=io.StringIO())
    assert excinfo.value.message == "文件过大（3 KB），超过上传上限 1 KB：请拆分为较小的文件后再上传。"
    assert nothing_written()
