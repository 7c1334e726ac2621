"""Importing the registry: all-or-nothing, every problem named by sheet, row and column; re-import is a
no-op; a change keeps its history; through the service, the CLI and the office's upload page."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from newind.audit.models import AuditEntry
from newind.core.errors import AppError
from newind.enterprises.models import EnterpriseChange, EnterpriseProfile, RegistryBatch
from newind.enterprises.services import apply_registry_import, prepare_registry_import
from newind.units.models import Unit, UnitLink
from tests.enterprises.conftest import GOOD_ROWS, HEADER, csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db


def _import(data: bytes, name: str = "名录.csv"):  # type: ignore[no-untyped-def]
    return apply_registry_import(prepare_registry_import(data, name))


def test_a_good_file_imports_every_firm_with_its_county_park_and_history(reference_data) -> None:
    batch = _import(csv_bytes(GOOD_ROWS))
    assert batch is not None and (batch.added, batch.changed, batch.unchanged) == (5, 0, 0)
    zb = EnterpriseProfile.objects.select_related("unit", "county", "park").get(credit_code=GOOD_ROWS[0][0])
    assert zb.unit.kind == "enterprise" and zb.unit.code == zb.credit_code == "914403001922038216"
    assert (zb.county.code, zb.park.code, zb.size, zb.status) == ("430621", "P430609", "above", "producing")
    assert zb.unit.industry_code == "3411"
    # County given by code and park by code; industry given with its section letter is stored without it.
    sh = EnterpriseProfile.objects.get(credit_code=GOOD_ROWS[1][0])
    assert (sh.county.code, sh.park.code) == ("430603", "P430603")
    assert EnterpriseProfile.objects.get(credit_code=GOOD_ROWS[4][0]).unit.industry_code == "2710"
    lz = EnterpriseProfile.objects.get(credit_code=GOOD_ROWS[3][0])
    assert lz.park is None and lz.status == "suspended"
    # The firm sits under its county (admin) and its park (park hierarchy), so roll-ups follow both.
    assert UnitLink.objects.get(hierarchy__code="admin", child=zb.unit).parent.code == "430621"
    assert UnitLink.objects.get(hierarchy__code="park", child=zb.unit).parent.code == "P430609"
    assert not UnitLink.objects.filter(hierarchy__code="park", child=lz.unit).exists()
    assert EnterpriseChange.objects.filter(kind="created").count() == 5
    entry = AuditEntry.objects.get(action="enterprises.import")
    assert entry.after["added"] == [r[0] for r in GOOD_ROWS]


def test_one_bad_credit_code_writes_nothing_and_names_its_cell(reference_data) -> None:
    rows = [*GOOD_ROWS, ["91430600000000001X", "错码公司", "岳阳县", "", "规上", "1331", "在产"]]
    units_before = Unit.objects.count()
    with pytest.raises(AppError) as err:
        _import(csv_bytes(rows))
    assert "未导入任何企业" in err.value.message
    [problem] = err.value.problems
    # The header is row 1, so the sixth firm is on row 7; the credit code is column A.
    assert (problem.row, problem.column) == (7, "A")
    assert str(problem).startswith("第7行第A列：") and "应为「W」" in problem.message
    assert Unit.objects.count() == units_before
    assert not EnterpriseProfile.objects.exists() and not RegistryBatch.objects.exists()


def test_every_problem_of_an_xlsx_is_named_by_sheet_row_and_column(reference_data) -> None:
    rows = [GOOD_ROWS[0], ["9144030071526726XG", "", "不存在县", "", "大型", "C99", "在产"]]
    with pytest.raises(AppError) as err:
        prepare_registry_import(xlsx_bytes(rows), "名录.xlsx")
    where = [(p.sheet, p.row, p.column) for p in err.value.problems]
    assert where == [("企业名录", 3, "B"), ("企业名录", 3, "C"), ("企业名录", 3, "E"), ("企业名录", 3, "F")]
    assert str(err.value.problems[0]).startswith("工作表「企业名录」第3行第B列：")


def test_reimporting_the_same_file_changes_nothing(imported) -> None:
    preview = prepare_registry_import(csv_bytes(GOOD_ROWS), "名录.csv")
    assert preview.is_noop and preview.counts == {"added": 0, "changed": 0, "unchanged": 5}
    assert apply_registry_import(preview) is None
    assert RegistryBatch.objects.count() == 1 and EnterpriseChange.objects.count() == 5
    assert AuditEntry.objects.filter(action="enterprises.import").count() == 1


def test_moving_park_and_becoming_above_size_keep_history(imported) -> None:
    rows = [list(r) for r in GOOD_ROWS]
    rows[2][3] = "临湘工业园"  # 汨罗示例再生资源 moves from 汨罗园区 …
    rows[2][4] = "规上"  # … and becomes 规上 (小升规)
    rows[0][1] = "岳阳示例重工股份有限公司"  # renamed: the old name becomes a former name
    preview = prepare_registry_import(csv_bytes(rows), "名录2.csv")
    assert preview.counts == {"added": 0, "changed": 2, "unchanged": 3}
    batch = apply_registry_import(preview)
    assert batch is not None
    mr = EnterpriseProfile.objects.select_related("park").get(credit_code=GOOD_ROWS[2][0])
    assert (mr.park.code, mr.size) == ("P430605", "above")
    assert UnitLink.objects.get(hierarchy__code="park", child=mr.unit).parent.code == "P430605"
    history = {(c.field, c.old_value, c.new_value) for c in mr.changes.filter(kind="changed")}
    assert history == {("park_id", "汨罗循环经济产业园（P430604）", "临湘工业园（P430605）"), ("size", "规下", "规上")}
    assert all(c.batch_id == batch.pk for c in mr.changes.filter(kind="changed"))
    zb = EnterpriseProfile.objects.select_related("unit").get(credit_code=GOOD_ROWS[0][0])
    assert zb.unit.name == "岳阳示例重工股份有限公司" and zb.former_names == ["岳阳示例装备制造有限公司"]
    entry = AuditEntry.objects.filter(action="enterprises.import").latest("id")
    assert {(c["credit_code"], c["field"]) for c in entry.after["changes"]} == {
        (GOOD_ROWS[2][0], "park_id"), (GOOD_ROWS[2][0], "size"), (GOOD_ROWS[0][0], "name")}
    # And the same second file again is a no-op.
    assert prepare_registry_import(csv_bytes(rows), "名录2.csv").is_noop


def test_a_file_without_the_park_column_leaves_parks_alone(imported) -> None:
    header = [h for h in HEADER if h != "所在园区"]
    rows = [[v for i, v in enumerate(r) if i != 3] for r in GOOD_ROWS]
    assert prepare_registry_import(csv_bytes(rows, header), "无园区列.csv").is_noop


def test_the_cli_previews_with_dry_run_and_then_writes(reference_data, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "名录.csv"
    path.write_bytes(csv_bytes(GOOD_ROWS, title="2017年岳阳市企业名录"))
    call_command("enterprises", "import", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "新增企业 5 家" in out and "未写入" in out
    assert not EnterpriseProfile.objects.exists()
    call_command("enterprises", "import", str(path))
    assert EnterpriseProfile.objects.count() == 5
    assert AuditEntry.objects.get(action="enterprises.import").actor_role == "cli"
    call_command("enterprises", "import", str(path))
    assert "均未变化" in capsys.readouterr().out


def test_the_office_uploads_previews_and_confirms(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("office")
    upload = SimpleUploadedFile("名录.xlsx", xlsx_bytes(GOOD_ROWS))
    page = client.post("/enterprises/import/", {"file": upload})
    assert page.status_code == 200 and "新增 <b>5</b> 家" in page.content.decode()
    assert not EnterpriseProfile.objects.exists()  # the preview writes nothing
    confirm = page.context["confirm"]
    done = client.post("/enterprises/import/confirm/", {k: confirm.initial[k] for k in ("sha256", "plan", "file_name")})
    assert done.status_code == 200 and "新增 5 家" in done.content.decode()
    assert EnterpriseProfile.objects.count() == 5
    assert AuditEntry.objects.get(action="enterprises.import").actor == "office"


def test_the_upload_page_lists_every_problem_and_writes_nothing(client_as) -> None:  # type: ignore[no-untyped-def]
    bad = [*GOOD_ROWS[:2], ["91430600000000001X", "错码公司", "岳阳县", "", "规上", "1331", "在产"]]
    page = client_as("office").post("/enterprises/import/", {"file": SimpleUploadedFile("名录.csv", csv_bytes(bad))})
    assert page.status_code == 400
    assert "第4行第A列" in page.content.decode()
    assert not EnterpriseProfile.objects.exists()


@pytest.mark.parametrize("who", ["leader", "yyx_rep", "auditor"])
def test_only_the_office_imports_the_registry(client_as, who: str) -> None:  # type: ignore[no-untyped-def]
    client = client_as(who)
    assert client.get("/enterprises/import/").status_code == 403
    page = client.post("/enterprises/import/", {"file": SimpleUploadedFile("名录.csv", csv_bytes(GOOD_ROWS))})
    assert page.status_code == 403
    assert not EnterpriseProfile.objects.exists()


def test_the_long_figure_format_takes_a_credit_code_in_region_code(imported) -> None:
    from newind.imports.services import import_file
    from newind.indicators.models import Observation

    text = ("region,region_code,year,indicator,value,unit,release,source\n"
            f"岳阳示例装备制造有限公司,{GOOD_ROWS[0][0]},2017,tax_paid,1234.5,万元,official,企业年报\n"
            f",{GOOD_ROWS[1][0].lower()},2017,land_area,88,亩,official,企业年报\n")
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "企业数据.csv"
        path.write_text(text, encoding="utf-8")
        preview, batch = import_file(path)
    assert batch is not None and preview.counts["added"] == 2
    tax = Observation.objects.get(indicator__code="tax_paid", unit__code=GOOD_ROWS[0][0], year=2017)
    assert str(tax.value.normalize()) == "1234.5" and tax.measure_unit == "万元"
    assert Observation.objects.get(indicator__code="land_area", unit__code=GOOD_ROWS[1][0]).value == 88
