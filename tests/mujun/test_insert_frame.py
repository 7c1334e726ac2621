"""core.bulk.insert_frame (the column-wise write of the 亩均 results) stores exactly what bulk_insert
stores, on SQLite and on PostgreSQL (COPY in CSV): awkward texts, empty strings, NULLs, JSON; NUL refused."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from newind.core.bulk import bulk_insert, insert_frame
from newind.core.errors import AppError
from newind.mujun import services
from newind.mujun.models import FirmResult

pytestmark = pytest.mark.django_db

AWKWARD = ['含"引号"的名称', "换行\n第二行", "反斜杠\\N 与 \\.", "\\.", "制表\t符", "", "逗号,分号;", "回车\r"]
FIELDS = ["credit_code", "name", "size", "county", "park", "industry", "rated", "items", "tax_per_mu", "va_per_mu",
          "total", "rank", "rated_among", "class_initial", "klass", "adjust_reason", "reasons", "what_it_would_take"]


def _frame(n: int) -> pd.DataFrame:
    texts = [AWKWARD[i % len(AWKWARD)] for i in range(n)]
    return pd.DataFrame({
        "credit_code": [f"C{i:017d}" for i in range(n)], "name": texts, "size": "above", "county": "430621",
        "park": ["", "P1"] * (n // 2), "industry": "2611", "rated": [True, False] * (n // 2),
        "items": ['[{"code": "tax_per_mu", "value": 0.1, "note": "含\\"引号\\"\\n换行"}]'] * n,
        "tax_per_mu": np.where(np.arange(n) % 3 == 0, np.nan, np.arange(n) / 7),
        "va_per_mu": np.arange(n) * 1e-9, "total": [1e16, -0.0] * (n // 2),
        "rank": pd.array([1, None] * (n // 2), dtype="Int64"), "rated_among": pd.array([n, None] * (n // 2), dtype="Int64"),
        "class_initial": "A", "class": "A", "adjust_reason": texts, "reasons": ['["初评为A类"]'] * n,
        "what_it_would_take": ["null", '{"increase": 1.5}'] * (n // 2),
    })


def _stored(run_id: int) -> list[tuple[object, ...]]:
    return list(FirmResult.objects.filter(run_id=run_id).order_by("credit_code").values_list(*FIELDS))


def test_insert_frame_stores_what_bulk_insert_stores(figures) -> None:  # type: ignore[no-untyped-def]
    one, two = (services.run_evaluation(2017, "430600") for _ in range(2))
    FirmResult.objects.filter(run__in=[one, two]).delete()
    frame = _frame(16)
    assert bulk_insert(FirmResult, frame, constants={"run_id": one.pk}) == 16
    assert insert_frame(FirmResult, frame, constants={"run_id": two.pk}) == 16
    a, b = _stored(one.pk), _stored(two.pk)
    assert a == b
    by_code = {row[0]: row for row in b}
    assert by_code["C00000000000000000"][1] == '含"引号"的名称' and by_code["C00000000000000003"][1] == "\\."
    assert by_code["C00000000000000005"][1] == "" and by_code["C00000000000000000"][8] is None
    assert by_code["C00000000000000001"][11] is None and by_code["C00000000000000000"][11] == 1
    assert by_code["C00000000000000000"][7][0]["note"] == '含"引号"\n换行'
    assert by_code["C00000000000000000"][17] is None and by_code["C00000000000000001"][17] == {"increase": 1.5}
    assert by_code["C00000000000000002"][10] == 1e16 and by_code["C00000000000000007"][9] == 7 * 1e-9


def test_insert_frame_refuses_nul_and_writes_nothing(figures) -> None:  # type: ignore[no-untyped-def]
    run = services.run_evaluation(2017, "430600")
    frame = _frame(4)
    frame.loc[2, "adjust_reason"] = "坏\x00字符"
    with pytest.raises(AppError) as info:
        insert_frame(FirmResult, frame, constants={"run_id": run.pk})
    assert "第3条数据的「调档原因」含有空字符" in info.value.message
    assert FirmResult.objects.filter(run=run, credit_code__startswith="C0").count() == 0


def test_copy_text_fields_are_escaped_and_null_is_backslash_n() -> None:
    from newind.core.bulk import copy_text_columns

    columns = [[None, "a\tb", "反斜杠\\N", "行1\n行2\r", ""], [1.5, -0.0, 1e16, 7e-09, None],
               [True, False, None, 3, 12]]
    # Worked out by hand from COPY's text format: \ → \\, tab → \t, newline → \n, CR → \r; None → \N;
    # floats as their repr, booleans as True/False (PostgreSQL's boolean input takes them).
    assert copy_text_columns(columns) == [
        ["\\N", "a\\tb", "反斜杠\\\\N", "行1\\n行2\\r", ""],
        ["1.5", "-0.0", "1e+16", "7e-09", "\\N"],
        ["True", "False", "\\N", "3", "12"],
    ]


def test_insert_frame_in_small_blocks_stores_what_bulk_insert_stores(figures, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Blocks of 3 rows: 16 rows go out as 6 blocks (the last of one row), every awkward text crossing them.
    from newind.core import bulk

    monkeypatch.setattr(bulk, "COPY_CHUNK", 3)
    one, two = (services.run_evaluation(2017, "430600") for _ in range(2))
    FirmResult.objects.filter(run__in=[one, two]).delete()
    frame = _frame(16)
    frame["what_it_would_take"] = pd.Series([None, '{"increase": 2.5}'] * 8, dtype=object)  # SQL NULL
    assert bulk_insert(FirmResult, frame, constants={"run_id": one.pk}) == 16
    assert insert_frame(FirmResult, frame, constants={"run_id": two.pk}) == 16
    assert _stored(one.pk) == _stored(two.pk)
    assert FirmResult.objects.filter(run=two, what_it_would_take__isnull=True).count() == 8
    assert FirmResult.objects.get(run=two, credit_code="C00000000000000003").adjust_reason == "\\."
