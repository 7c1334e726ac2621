"""The office's pairing list: refused whole with every problem located, re-imported as a no-op, quotas."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command

from newind.audit.models import AuditEntry
from newind.core.errors import AppError
from newind.pairing.models import KeyFirmFlag, Official, Pairing, PairingBatch
from newind.pairing.services import apply_pairing_import, prepare_pairing_import
from tests.pairing.conftest import HEADER, JS, LI, LIST_ROWS, LZ, MR, NAMES, SH, TODAY, ZB, ZHANG, xlsx_bytes

pytestmark = pytest.mark.django_db


def _written() -> tuple[int, int, int]:
    return Official.objects.count(), Pairing.objects.count(), PairingBatch.objects.count()


def test_a_list_with_bad_cells_is_refused_naming_sheet_row_and_column_and_writes_nothing(cast, imported) -> None:  # type: ignore[no-untyped-def]
    rows = [list(r) for r in LIST_ROWS]
    rows[1][5] = "914403001922038217"  # row 3: wrong check character, column F (统一社会信用代码)
    rows[2][6] = "2017-13-01"  # row 4: no 13th month, column G (开始日期)
    rows[3][2] = "电话"  # row 5: not a phone number, column C (联系电话)
    with pytest.raises(AppError) as refused:
        prepare_pairing_import(xlsx_bytes(rows, title="2017年包联名单"), "名单.xlsx", None, today=TODAY)
    where = {(p.sheet, p.row, p.column) for p in refused.value.problems}
    # The title row pushes the header to row 2, so the list's rows are 3 to 6.
    assert where == {("包联名单", 4, "F"), ("包联名单", 5, "G"), ("包联名单", 6, "C")}
    texts = [str(p) for p in refused.value.problems]
    assert texts[0].startswith("工作表「包联名单」第4行第F列：企业档案中没有统一社会信用代码为「914403001922038217」")
    assert "未导入任何包联关系" in refused.value.message
    assert _written() == (0, 0, 0)


def test_a_missing_column_and_a_wrong_firm_name_are_named(cast, imported) -> None:  # type: ignore[no-untyped-def]
    header = [h for h in HEADER if h != "开始日期"]
    rows = [[*ZHANG, "别的公司", ZB]]
    with pytest.raises(AppError) as refused:
        prepare_pairing_import(xlsx_bytes(rows, header), "名单.xlsx", None, today=TODAY)
    texts = [str(p) for p in refused.value.problems]
    assert "工作表「包联名单」第1行：缺少「开始日期」列" in texts[0]
    assert any(t.startswith("工作表「包联名单」第2行第E列：企业名称「别的公司」与企业档案") for t in texts)
    assert _written() == (0, 0, 0)


def test_the_list_is_imported_and_reimporting_it_is_a_no_op(cast, imported) -> None:  # type: ignore[no-untyped-def]
    data = xlsx_bytes(LIST_ROWS)
    preview = prepare_pairing_import(data, "名单.xlsx", None, today=TODAY)
    assert preview.counts == {"added": 4, "changed": 0, "unchanged": 0} and len(preview.new_officials) == 2
    batch = apply_pairing_import(preview, None, today=TODAY)
    assert batch is not None and _written() == (2, 4, 1)
    zhang = Official.objects.get(name="张三")
    assert zhang.user == cast.yyx_rep and zhang.unit_name == "市工业和信息化局"
    mr = Pairing.objects.get(firm__credit_code=MR)
    assert mr.start_date == dt.date(2017, 3, 1) and (mr.visits_per_month, mr.calls_per_month) == (1, 1)
    assert AuditEntry.objects.filter(action="pairing.import", object_id=str(batch.pk)).count() == 1
    audits = AuditEntry.objects.count()

    again = prepare_pairing_import(data, "名单.xlsx", None, today=TODAY)
    assert again.is_noop and again.counts == {"added": 0, "changed": 0, "unchanged": 4}
    assert apply_pairing_import(again, None, today=TODAY) is None
    assert _written() == (2, 4, 1) and AuditEntry.objects.count() == audits


def test_an_end_date_in_a_second_list_changes_one_pairing(cast, imported, paired) -> None:  # type: ignore[no-untyped-def]
    rows = [[*r, ""] for r in LIST_ROWS]
    rows[3][7] = "2017-10-31"
    preview = prepare_pairing_import(xlsx_bytes(rows, [*HEADER, "结束日期"]), "名单2.xlsx", None, today=TODAY)
    assert preview.counts == {"added": 0, "changed": 1, "unchanged": 3}
    assert preview.changes == [{"pairing_id": paired[MR].pk, "field": "end_date", "old": None,
                                "new": dt.date(2017, 10, 31)}]
    apply_pairing_import(preview, None, today=TODAY)
    assert Pairing.objects.get(pk=paired[MR].pk).end_date == dt.date(2017, 10, 31)


def test_a_changed_plan_between_preview_and_confirm_writes_nothing(cast, imported) -> None:  # type: ignore[no-untyped-def]
    preview = prepare_pairing_import(xlsx_bytes(LIST_ROWS), "名单.xlsx", None, today=TODAY)
    with pytest.raises(AppError) as refused:
        apply_pairing_import(preview, None, expected="0" * 64, today=TODAY)
    assert refused.value.status == 409 and _written() == (0, 0, 0)


def test_an_official_over_the_quota_is_refused_at_the_row_that_goes_over(cast, imported) -> None:  # type: ignore[no-untyped-def]
    # 王五 may pair with 2 key firms: ZB and SH are 规上 (key), MR is 规下 (does not count), LZ is the third.
    header = [*HEADER, "包联上限"]
    wang = ["王五", "市商务局", "13907300003", ""]
    rows = [[*wang, NAMES[c], c, "2017-01-01", "2"] for c in (ZB, MR, SH, LZ)]
    with pytest.raises(AppError) as refused:
        prepare_pairing_import(xlsx_bytes(rows, header), "名单.xlsx", None, today=TODAY)
    [problem] = refused.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("包联名单", 5, "A")
    assert problem.message.startswith("包联干部「王五」已包联2家重点企业，达到上限2家")
    assert _written() == (0, 0, 0)
    # Without the fourth row the list goes in.
    preview = prepare_pairing_import(xlsx_bytes(rows[:3], header), "名单.xlsx", None, today=TODAY)
    assert preview.counts["added"] == 3


def test_the_default_quota_counts_the_pairings_already_held(cast, imported, settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # The rules file with a default quota of 2 (the shipped one says 5).
    rules = (Path(settings.DEFINITIONS_DIR) / "pairing" / "rules.yaml").read_text(encoding="utf-8")
    assert "\nquota: 5\n" in rules
    (tmp_path / "pairing").mkdir()
    (tmp_path / "pairing" / "rules.yaml").write_text(rules.replace("\nquota: 5\n", "\nquota: 2\n"), encoding="utf-8")
    settings.DEFINITIONS_DIR = tmp_path
    KeyFirmFlag.objects.create(firm_id=Pairing._meta.get_field("firm").related_model.objects.get(code=JS).pk)
    first = [[*LI, NAMES[c], c, "2017-01-01"] for c in (ZB, SH)]
    apply_pairing_import(prepare_pairing_import(xlsx_bytes(first), "a.xlsx", None, today=TODAY), None, today=TODAY)
    with pytest.raises(AppError) as refused:
        prepare_pairing_import(xlsx_bytes([[*LI, NAMES[JS], JS, "2017-06-01"]]), "b.xlsx", None, today=TODAY)
    assert [(p.row, p.column) for p in refused.value.problems] == [(2, "A")]
    assert "达到上限2家" in refused.value.problems[0].message
    assert Pairing.objects.count() == 2


def test_the_command_previews_and_applies_with_apply(cast, imported, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "包联名单.xlsx"
    path.write_bytes(xlsx_bytes(LIST_ROWS))
    call_command("pairing", "import", str(path))
    out = capsys.readouterr().out
    assert "新增包联 4 对" in out and "未写入任何内容" in out and _written() == (0, 0, 0)
    call_command("pairing", "import", str(path), "--apply")
    assert "已写入：包联名单批次" in capsys.readouterr().out and Pairing.objects.count() == 4


def test_the_upload_page_previews_then_writes_on_confirm(client_as, cast, imported) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_as("office")
    response = client.post("/pairing/import/", {"file": SimpleUploadedFile("名单.xlsx", xlsx_bytes(LIST_ROWS))})
    assert response.status_code == 200 and "新增包联 <b>4</b> 对" in response.content.decode()
    assert _written() == (0, 0, 0)
    form = response.context["confirm"]
    done = client.post("/pairing/import/confirm/", {k: form.initial[k] for k in ("sha256", "plan", "file_name")})
    assert done.status_code == 200 and Pairing.objects.count() == 4
    bad = [list(r) for r in LIST_ROWS]
    bad[0][5] = "123"
    refused = client.post("/pairing/import/", {"file": SimpleUploadedFile("坏.xlsx", xlsx_bytes(bad))})
    assert refused.status_code == 400 and "第2行第F列" in refused.content.decode()


def test_the_office_marks_a_key_firm_by_hand_and_the_quota_counts_it(cast, imported, capsys) -> None:  # type: ignore[no-untyped-def]
    from newind.pairing.queries import key_firm_sources

    call_command("pairing", "key-firm", MR, "--reason", "重大项目配套企业")
    assert "已标记重点企业" in capsys.readouterr().out
    mr = KeyFirmFlag.objects.get()
    assert mr.reason == "重大项目配套企业" and key_firm_sources()[mr.firm_id] == ["manual"]
    assert AuditEntry.objects.filter(action="pairing.key_firm_flag").exists()
    header = [*HEADER, "包联上限"]
    rows = [[*LI, NAMES[c], c, "2017-01-01", "1"] for c in (MR, JS)]  # JS is 规下 and unmarked: not counted
    prepare_pairing_import(xlsx_bytes(rows, header), "名单.xlsx", None, today=TODAY)
    with pytest.raises(AppError) as refused:
        prepare_pairing_import(xlsx_bytes([*rows, [*LI, NAMES[ZB], ZB, "2017-01-01", "1"]], header), "名单.xlsx",
                               None, today=TODAY)
    assert [(p.row, "达到上限1家" in p.message) for p in refused.value.problems] == [(4, True)]
    call_command("pairing", "key-firm", MR, "--off")
    assert not KeyFirmFlag.objects.exists()
