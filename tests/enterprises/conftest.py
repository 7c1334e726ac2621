"""Registry files for the enterprise tests, and a cast with two enterprise users."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

HEADER = ["统一社会信用代码", "企业名称", "所在县市区", "所在园区", "规模", "行业代码", "状态"]
# Valid codes: real firms' published codes (华为、腾讯、阿里巴巴、小米) and two whose check character is
# computed by hand in test_calc.py.
GOOD_ROWS = [
    ["914403001922038216", "岳阳示例装备制造有限公司", "岳阳县", "岳阳县工业园", "规上", "3411", "在产"],
    ["9144030071526726XG", "云溪示例石化有限公司", "430603", "P430603", "规上", "2511", "在产"],
    ["91330100716105852F", "汨罗示例再生资源有限公司", "汨罗市", "汨罗园区", "规下", "4210", "在产"],
    ["91110108551385082Q", "楼区示例食品有限公司", "岳阳楼区", "", "规上", "1331", "停产"],
    ["91430600000000001W", "君山示例药业有限公司", "君山区", "君山工业集中区", "规下", "C2710", "在产"],
]


def csv_bytes(rows: list[list[str]], header: list[str] | None = None, *, title: str | None = None) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    if title:
        writer.writerow([title])
    writer.writerow(header or HEADER)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[list[Any]], header: list[str] | None = None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "企业名录"
    ws.append(header or HEADER)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def imported(reference_data):  # type: ignore[no-untyped-def]
    """The five good firms imported by the system (as the CLI would)."""
    from newind.enterprises.services import apply_registry_import, prepare_registry_import

    preview = prepare_registry_import(csv_bytes(GOOD_ROWS), "名录.csv")
    return apply_registry_import(preview)


@pytest.fixture
def firm_users(cast, imported):  # type: ignore[no-untyped-def]
    """Two enterprise users: 装备 (岳阳县) sees only its firm, 石化 (云溪区) only its own."""
    from newind.accounts.services import create_user

    def make(username: str, code: str):  # type: ignore[no-untyped-def]
        return create_user(username, "enterprise", password=cast.PASSWORD, unit_code=code, name=username,
                           must_change_password=False)

    return {"zb": make("firm_zb", GOOD_ROWS[0][0]), "sh": make("firm_sh", GOOD_ROWS[1][0])}
