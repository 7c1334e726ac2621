"""Attachments: type checked by name and contents, size against NEWIND_ATTACHMENT_MAX_BYTES, stored outside
the web root under a random name, served only to those who may read the case, every upload audited."""

from __future__ import annotations

import hashlib

import pytest

from newind.audit.models import AuditEntry
from newind.cases.models import CaseAttachment
from newind.cases.services import add_attachment, attachment_path
from newind.core.errors import AppError, TooLarge
from tests.cases.conftest import PDF, PNG, docx_bytes, upload

pytestmark = pytest.mark.django_db


def test_accepted_types_are_stored_outside_the_web_root_and_audited(people, filed, attachments_dir, settings) -> None:  # type: ignore[no-untyped-def]
    case = filed.mine
    made = [add_attachment(case, upload(name, data), user=people.firm)
            for name, data in (("申请.pdf", PDF), ("照片.PNG", PNG), ("说明.docx", docx_bytes()))]
    assert [(a.name, a.kind) for a in made] == [("申请.pdf", "pdf"), ("照片.PNG", "png"), ("说明.docx", "docx")]
    for a, data in zip(made, (PDF, PNG, docx_bytes()), strict=True):
        path = attachment_path(a)
        assert path.read_bytes() == data and a.size == len(data)
        assert a.sha256 == hashlib.sha256(data).hexdigest()
        assert path.is_relative_to(attachments_dir) and a.name not in str(path)  # a random name, not the user's
        assert not path.is_relative_to(settings.STATIC_ROOT or attachments_dir / "nowhere")
    assert AuditEntry.objects.filter(action="case.attachment").count() == 3


@pytest.mark.parametrize(("name", "data", "message"), [
    ("病毒.exe", b"MZ\x90\x00", "类型不支持"),
    ("脚本.html", b"<script>", "类型不支持"),
    ("假的.pdf", b"MZ\x90\x00 not a pdf", "内容与扩展名 .pdf 不符"),
    ("假的.png", PDF, "内容与扩展名 .png 不符"),
    ("假的.docx", b"PK\x03\x04 broken", "内容与扩展名 .docx 不符"),
    ("表格.xlsx", docx_bytes(), "内容与扩展名 .xlsx 不符"),  # a Word file renamed .xlsx
])
def test_other_types_and_renamed_files_are_refused(people, filed, attachments_dir, name, data, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AppError, match=message):
        add_attachment(filed.mine, upload(name, data), user=people.firm)
    assert not CaseAttachment.objects.exists()
    assert not list(attachments_dir.rglob("*.*")) if attachments_dir.exists() else True


def test_a_file_over_the_limit_is_refused_with_both_sizes(people, filed, attachments_dir, settings) -> None:  # type: ignore[no-untyped-def]
    assert settings.NEWIND_ATTACHMENT_MAX_BYTES == 10 * 1024 * 1024  # the default
    settings.NEWIND_ATTACHMENT_MAX_BYTES = 2048
    with pytest.raises(TooLarge, match=r"文件过大（3 KB），超过上传上限 2 KB：附件「大.pdf」请压缩或拆分后再上传"):
        add_attachment(filed.mine, upload("大.pdf", PDF + b"0" * 3000), user=people.firm)
    assert not CaseAttachment.objects.exists()


def _close_file(response) -> None:  # type: ignore[no-untyped-def]
    for close in response._resource_closers:  # the streamed file's close (not the request's end)
        close()


def test_an_attachment_is_served_only_through_its_case(login, people, filed, attachments_dir) -> None:  # type: ignore[no-untyped-def]
    mine = add_attachment(filed.mine, upload("申请.pdf", PDF), user=people.firm)
    theirs = add_attachment(filed.theirs, upload("用地.pdf", PDF), user=people.other_firm)
    url = f"/cases/{filed.mine.pk}/attachments/{mine.pk}/"
    for who, status in (("firm", 200), ("fgw", 200), ("rsj", 200), ("office", 200), ("leader", 200),
                        ("other_firm", 404), ("zrzy", 404), ("yyx_rep", 403), ("auditor", 403)):
        response = login(who).get(url)
        assert response.status_code == status, who
        if status == 200:
            assert b"".join(response.streaming_content) == PDF
            assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
            # (the file itself, not response.close(): that ends the "request" and closes the test's
            # database connection on PostgreSQL)
            _close_file(response)
    # Another case's attachment under my case's URL (an edited id) is not served.
    assert login("firm").get(f"/cases/{filed.mine.pk}/attachments/{theirs.pk}/").status_code == 404
    # Word and Excel files are downloaded, never shown inline.
    word = add_attachment(filed.mine, upload("说明.docx", docx_bytes()), user=people.firm)
    response = login("firm").get(f"/cases/{filed.mine.pk}/attachments/{word.pk}/")
    assert response["Content-Disposition"].startswith("attachment;")
    _close_file(response)


def test_a_refused_upload_on_the_page_keeps_the_case_unchanged(login, filed, attachments_dir, clock) -> None:  # type: ignore[no-untyped-def]
    clock.set("2017-09-29T11:00")
    response = login("fgw").post(f"/cases/{filed.mine.pk}/act/", {"action": "accept", "attachments": [
        upload("病毒.exe", b"MZ")]})
    assert response.status_code == 400 and "类型不支持" in response.content.decode()
    filed.mine.refresh_from_db()
    assert filed.mine.state == "assigned" and not filed.mine.events.filter(kind="accept").exists()
