"""Hidden rows, columns and sheets in an uploaded report (issue 7, item 5): refused in the 「月报」 sheet,
ignored elsewhere; the platform's own template, filled in and uploaded back, still goes through."""

from __future__ import annotations

import io

import openpyxl
import pytest

from newind.imports.parsing import read_sheets
from newind.submissions.models import SubmissionEvent, SubmissionValue
from tests.submissions.conftest import GOOD, fill_template, upload

pytestmark = pytest.mark.django_db


def _template(client, sub) -> bytes:  # type: ignore[no-untyped-def]
    return fill_template(client.get(f"/submissions/{sub.pk}/template.xlsx").content, GOOD)


def _edit(data: bytes, change) -> bytes:  # type: ignore[no-untyped-def]
    wb = openpyxl.load_workbook(io.BytesIO(data))
    change(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _nothing_written(sub) -> bool:  # type: ignore[no-untyped-def]
    sub.refresh_from_db()
    return (not SubmissionValue.objects.filter(submission=sub).exists()
            and not SubmissionEvent.objects.filter(submission=sub).exists() and sub.state == "not_started")


def test_the_platforms_template_hides_only_its_code_column_and_round_trips(client_as, yyx_sub):
    client = client_as("yyx_rep")
    data = _template(client, yyx_sub)
    _, sheets = read_sheets(data, "月报.xlsx")
    # Column B holds the indicator codes the upload matches (hidden and locked for the reader); nothing else
    # is hidden, and no figure is read from column B.
    assert [(s.name, s.hidden, s.hidden_rows, s.hidden_columns) for s in sheets] == [("月报", False, [], [2])]
    assert upload(client, yyx_sub, data).status_code == 302
    assert SubmissionValue.objects.filter(submission=yyx_sub).count() == len(GOOD)


def test_a_hidden_sheet_of_its_own_does_not_stop_the_upload(client_as, yyx_sub):
    # Office add-ins and some WPS versions keep data in hidden sheets of their own; only 「月报」 is read.
    client = client_as("yyx_rep")

    def add_hidden_sheet(wb):  # type: ignore[no-untyped-def]
        extra = wb.create_sheet("插件数据")
        extra["A1"] = "x"
        extra.sheet_state = "veryHidden"

    assert upload(client, yyx_sub, _edit(_template(client, yyx_sub), add_hidden_sheet)).status_code == 302
    assert SubmissionValue.objects.filter(submission=yyx_sub).count() == len(GOOD)


@pytest.mark.parametrize(("hide", "listed"), [
    (lambda ws: setattr(ws.row_dimensions[8], "hidden", True), "隐藏行：工作表「月报」第8行（共1行）"),
    (lambda ws: setattr(ws.column_dimensions["F"], "hidden", True), "隐藏列：工作表「月报」第F列（共1列）"),
])
def test_hidden_rows_or_columns_in_the_report_are_refused(client_as, yyx_sub, hide, listed):
    client = client_as("yyx_rep")
    response = upload(client, yyx_sub, _edit(_template(client, yyx_sub), lambda wb: hide(wb["月报"])))
    page = response.content.decode()
    assert response.status_code == 400
    assert f"上传的文件「月报.xlsx」中有隐藏的内容（{listed}），未写入任何数据" in page
    assert "请在 Excel 中取消隐藏，核对后重新上传" in page
    assert _nothing_written(yyx_sub)


def test_a_hidden_report_sheet_is_refused(client_as, yyx_sub):
    client = client_as("yyx_rep")

    def hide_report(wb):  # type: ignore[no-untyped-def]
        wb.create_sheet("封面")["A1"] = "岳阳县"
        wb["月报"].sheet_state = "hidden"

    response = upload(client, yyx_sub, _edit(_template(client, yyx_sub), hide_report))
    assert response.status_code == 400 and "隐藏工作表：工作表「月报」" in response.content.decode()
    assert _nothing_written(yyx_sub)
