"""The leaders' dashboard and the report download, through the test client: who may see them, and that they
show the very ranks and lights the report prints."""

from __future__ import annotations

import json
import re

import pytest

from newind.indicators.periods import Period
from newind.reports.queries import monthly_overview


def _chart_data(page: str) -> dict:  # type: ignore[type-arg]
    m = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', page, re.S)
    assert m, "the chart data is delivered as json_script"
    return json.loads(m.group(1))


def test_it_shows_the_latest_period_by_default_with_cards_warnings_and_charts(client_as, demo_figures):
    page = client_as("leader").get("/dashboard/").content.decode()
    assert "领导驾驶舱" in page and "2017年1—11月" in page  # the latest period with data
    overview = monthly_overview(Period.month(2017, 11))
    assert overview.headline_sentence() in page
    assert page.count('<article class="kpi') == len(overview.key)
    assert 'id="warnings"' in page and 'id="chart-trend"' in page and 'id="chart-counties"' in page
    assert "示例数据" in page
    # CSP-friendly: the only inline <script> is the JSON data block; JS comes from static files.
    scripts = re.findall(r"<script(?P<attrs>[^>]*)>", page)
    assert all("src=" in a or 'type="application/json"' in a for a in scripts)
    assert "onclick" not in page and "onchange" not in page


def test_it_shows_the_ranks_the_report_prints(client_as, demo_figures):
    response = client_as("office").get("/dashboard/?period=2017-03")
    page = response.content.decode()
    overview = monthly_overview(Period.month(2017, 3))
    counties = overview.counties[overview.counties["indicator_code"] == "industrial_va_above_size"]
    data = _chart_data(page)
    # The county chart is sorted by the overview's growth; names and values are the overview's own.
    expected = counties.sort_values("growth_pct", ascending=False)
    assert data["counties"]["names"] == expected["unit_name"].tolist()
    assert data["counties"]["values"] == [round(v, 1) for v in expected["growth_pct"]]
    assert data["trend"]["city"][-1] == round(float(overview.headline["growth_pct"]), 1)
    # The league table rows: rank, unit, code (the report's own table).
    rows = re.findall(r"<tr><td class=\"[^\"]*\">([^<]+)</td><td class=\"[^\"]*\">([^<]+)</td>"
                      r"<td class=\"[^\"]*\">(\d{6}|Z\d{6})</td>", page)
    by_code = {code: (rank, name) for rank, name, code in rows}
    for r in counties.itertuples():
        rank, name = by_code[r.unit_code]
        assert name == r.unit_name and rank == f"{r.rank}" + ("（并列）" if r.tied else "")
    rank = int(overview.headline["province_rank"])
    assert f"全省第 <b>{rank}/14</b> 位" in page


def test_screen_mode_and_period_selector(client_as, demo_figures):
    page = client_as("leader").get("/dashboard/?period=2017-05&mode=screen").content.decode()
    assert 'class="cockpit screen"' in page
    assert '<option value="2017-05" selected>2017年1—5月</option>' in page
    assert 'id="fullscreen-btn"' in page and "普通模式" in page


@pytest.mark.parametrize("who", ["yyx_rep", "auditor", "sysadmin"])
def test_only_the_office_and_leaders_see_the_dashboard(client_as, who):
    client = client_as(who)
    assert client.get("/dashboard/").status_code == 403
    assert client.get("/reports/monthly?period=2017-03&format=xlsx").status_code == 403


def test_anonymous_users_are_sent_to_log_in(client, reference_data):
    response = client.get("/dashboard/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_leader_downloads_the_report_and_the_download_is_audited(client_as, demo_figures):
    from newind.audit.models import AuditEntry

    response = client_as("leader").get("/reports/monthly?period=2017-03&format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in response["Content-Disposition"]
    entry = AuditEntry.objects.filter(action="export").latest("id")
    assert entry.object_id == "2017-03" and "月度调度通报" in entry.summary and entry.actor == "leader"


def test_a_bad_period_or_format_is_explained(client_as):
    client = client_as("office")
    page = client.get("/dashboard/?period=2030-03").content.decode()
    assert "没有任何月度数据" in page
    response = client.get("/reports/monthly?period=2017-03&format=exe")
    assert response.status_code == 400 and "docx、pdf 或 xlsx" in response.content.decode()


def test_the_api_gives_the_same_overview(client_as, demo_figures):
    overview = monthly_overview(Period.month(2017, 3))
    data = client_as("leader").get("/api/reports/monthly-overview?period=2017-03").json()
    assert data["headline"] == overview.headline_sentence() and data["is_synthetic"] is True
    head = next(r for r in data["key_indicators"] if r["indicator_code"] == "industrial_va_above_size")
    assert head["province_rank"] == int(overview.headline["province_rank"]) and head["growth_basis"] == "可比价"
    counties = [r for r in data["counties"] if r["indicator_code"] == "industrial_va_above_size"]
    assert len(counties) == 13 and {r["rank"] for r in counties} == set(
        overview.counties.loc[overview.counties["indicator_code"] == "industrial_va_above_size", "rank"].astype(int))
    response = client_as("yx_rep").get("/api/reports/monthly-overview")
    assert response.status_code == 403 and "市领导" in response.json()["message"]


def test_sources_show_their_chinese_label_with_the_stored_text_behind_it(client_as, demo_figures):
    from tests.benchmark.conftest import INDUSTRY_CSV, import_file
    from tests.page_helpers import tooltips, visible_text

    import_file(INDUSTRY_CSV)  # the province's real 1—11月 growth rates, as the demo has them
    html = client_as("leader").get("/dashboard/?period=2017-11").content.decode()
    text = visible_text(html)
    assert "湖南省人民政府2018年1月4日发布数据" in text
    assert "mirrored copy" not in text and "Hunan provincial" not in text
    assert any("Hunan provincial government data release dated 2018-01-04 (mirrored copy)" in t
               for t in tooltips(html))


# No CJK font is installed on this machine (another issue ships one): matplotlib warns about each missing
# glyph of the charts, which the Word and PDF downloads draw. The layout and text are unaffected.
NO_CJK_FONT = pytest.mark.filterwarnings("ignore:Glyph .* missing from font")


def test_the_download_form_offers_the_issuing_date_and_the_document_number(client_as, demo_figures):
    import datetime as dt

    from django.utils import timezone

    html = client_as("office").get("/dashboard/?period=2017-03").content.decode()
    form = html.split('id="report-form"')[1].split("</form>")[0]
    assert 'name="period" value="2017-03"' in form
    assert f'type="date" name="date" value="{timezone.localdate():%Y-%m-%d}"' in form
    assert 'name="doc_number"' in form and all(f'value="{f}"' in form for f in ("docx", "pdf", "xlsx"))
    assert isinstance(timezone.localdate(), dt.date)


@NO_CJK_FONT
def test_the_report_is_dated_and_numbered_as_chosen_on_the_form(client_as, demo_figures, tmp_path):
    import io
    import subprocess

    from docx import Document
    from docx.oxml.ns import qn
    from openpyxl import load_workbook

    from newind.audit.models import AuditEntry

    client = client_as("office")
    query = {"period": "2017-03", "date": "2017-04-12", "doc_number": "岳新工办[2017]012号"}
    doc = Document(io.BytesIO(client.get("/reports/monthly", {**query, "format": "docx"}).content))
    texts = [p.text for p in doc.paragraphs]
    # 发文字号 in the official form, two empty lines under the office's name, centred, over the red rule.
    assert texts[:4] == ["岳阳市新型工业化领导小组办公室", "", "", "岳新工办〔2017〕12号"]
    number = doc.paragraphs[3]
    assert number.alignment == 1  # centred
    rule = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert rule.get(qn("w:color")) == "C00000"
    assert doc.paragraphs[0]._p.pPr.find(qn("w:pBdr")) is None  # the rule moved under the number
    assert "2017年4月12日" in texts

    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(client.get("/reports/monthly", {**query, "format": "pdf"}).content)
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "岳新工办〔2017〕12号" in text and "2017年4月12日" in text

    wb = load_workbook(io.BytesIO(client.get("/reports/monthly", {**query, "format": "xlsx"}).content))
    footer = [c.value for c in wb["主要指标"]["A"] if isinstance(c.value, str) and "领导小组办公室" in c.value]
    assert footer == ["岳阳市新型工业化领导小组办公室  岳新工办〔2017〕12号  2017年4月12日"]
    entry = AuditEntry.objects.filter(action="export").latest("id")
    assert entry.after["doc_number"] == "岳新工办〔2017〕12号" and entry.after["date"] == "2017年4月12日"


def test_a_wrong_issuing_date_or_document_number_is_explained(client_as, demo_figures):
    from newind.audit.models import AuditEntry

    client = client_as("office")
    response = client.get("/reports/monthly", {"period": "2017-03", "format": "xlsx", "date": "2017-13-01"})
    assert response.status_code == 400 and "成文日期「2017-13-01」的格式不对" in response.content.decode()
    response = client.get("/reports/monthly", {"period": "2017-03", "format": "xlsx", "doc_number": "12号"})
    assert response.status_code == 400 and "例如 岳新工办〔2017〕12号" in response.content.decode()
    assert not AuditEntry.objects.filter(action="export").exists()
