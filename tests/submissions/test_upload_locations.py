"""An uploaded report's ±30% check names the sheet, row and column of the figure (issue 8 item 7)."""

from __future__ import annotations

import pytest

from newind.submissions.models import SubmissionValue
from tests.submissions.conftest import GOOD, LAST_YEAR, fill_template, upload

pytestmark = pytest.mark.django_db


def test_the_yoy_check_of_an_upload_names_sheet_row_and_column(client_as, yyx_sub):  # type: ignore[no-untyped-def]
    client = client_as("yyx_rep")
    template = client.get(f"/submissions/{yyx_sub.pk}/template.xlsx").content
    # 规模工业总产值 is the first figure of the template (header on row 6, so row 7, value in column F):
    # 290 against last year's 180.5 is 290 / 180.5 − 1 = +60.66…% → +60.7%, beyond ±30%, and no explanation.
    assert LAST_YEAR["industrial_output_above_size"] == 180.5
    response = upload(client, yyx_sub, fill_template(template, {**GOOD, "industrial_output_above_size": "290"}))
    page = response.content.decode()
    assert response.status_code == 400
    assert ("工作表「月报」第7行第F列：「规模工业总产值」比上年同期变化 +60.7%，超过 ±30%：请在「说明」栏写明原因。"
            in page)
    assert not SubmissionValue.objects.filter(submission=yyx_sub).exists()  # all or nothing
