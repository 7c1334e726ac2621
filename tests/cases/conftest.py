"""Units for the case tests: two departments, a co-handling department and two firms."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from newind.cases.sla import TZ

PASSWORD = "Cast-Pass-2017"


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


@pytest.fixture
def units(db):  # type: ignore[no-untyped-def]
    from newind.units.models import Unit

    def make(code: str, name: str, kind: str) -> Unit:
        return Unit.objects.create(code=code, name=name, kind=kind, is_synthetic=True)

    return SimpleNamespace(
        fgw=make("D-FGW", "市发展和改革委员会", "department"),
        zrzy=make("D-ZRZY", "市自然资源和规划局", "department"),
        rsj=make("D-RSJ", "市人力资源和社会保障局", "department"),
        firm=make("91430600MA4L000001", "岳阳示例化工有限公司", "enterprise"),
        other_firm=make("91430600MA4L000002", "岳阳示例纺织有限公司", "enterprise"),
    )


@pytest.fixture
def people(units):  # type: ignore[no-untyped-def]
    """A cast for the cases (without the reference catalogue, for speed): office, leader, a county's reporter
    and reviewer, the 三员, two firms' users and three departments' users, each tied to its unit in `units`:
    firm → 岳阳示例化工, other_firm → 岳阳示例纺织, fgw / zrzy / rsj → 市发改委 / 市自然资源和规划局 / 市人社局."""
    from newind.accounts.services import create_user
    from newind.units.models import Unit

    county = Unit.objects.create(code="C-YYX", name="岳阳县（测试）", kind="county", is_synthetic=True)

    def make(username: str, role: str, name: str, unit: str | None = None):  # type: ignore[no-untyped-def]
        return create_user(username, role, password=PASSWORD, unit_code=unit, name=name, must_change_password=False)

    return SimpleNamespace(
        office=make("office", "office", "市工信局管理员"), leader=make("leader", "leader", "市领导"),
        yyx_rep=make("yyx_rep", "reporter", "岳阳县填报员", county.code),
        yyx_rev=make("yyx_rev", "reviewer", "岳阳县审核员", county.code),
        auditor=make("auditor", "auditor", "审计员"), sysadmin=make("sysadmin", "sysadmin", "系统管理员"),
        secadmin=make("secadmin", "secadmin", "安全管理员"),
        firm=make("firm_a", "enterprise", "化工企业联络员", units.firm.code),
        other_firm=make("firm_b", "enterprise", "纺织企业联络员", units.other_firm.code),
        fgw=make("dept_fgw", "department", "市发改委经办人", units.fgw.code),
        zrzy=make("dept_zrzy", "department", "市自然资源局经办人", units.zrzy.code),
        rsj=make("dept_rsj", "department", "市人社局经办人", units.rsj.code),
    )


@pytest.fixture
def login(people):  # type: ignore[no-untyped-def]
    """`login("firm")`: a fresh test client signed in as one of `people` (several may be used at once)."""
    from django.test import Client

    def make(who: str) -> Client:
        client = Client()
        client.force_login(getattr(people, who))
        return client

    return make


class Clock:
    """The clock of the appeal pages and API (services.clock), set by a test: `clock.set("2017-09-29T10:00")`."""

    def __init__(self) -> None:
        self.now = at("2017-09-29T10:00")

    def set(self, text: str) -> dt.datetime:
        self.now = at(text)
        return self.now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch):  # type: ignore[no-untyped-def]
    c = Clock()
    monkeypatch.setattr("newind.cases.services.clock", c)
    return c


@pytest.fixture
def attachments_dir(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.NEWIND_ATTACHMENT_DIR = tmp_path / "attachments"
    return settings.NEWIND_ATTACHMENT_DIR


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def docx_bytes() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(name: str, data: bytes):  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


@pytest.fixture
def filed(people, units, clock, attachments_dir):  # type: ignore[no-untyped-def]
    """Two appeals at 2017-09-29 10:00: 化工's (assigned to 发改委 with 人社局 co-handling) and 纺织's (assigned to
    自然资源局 alone), filed through the service as each firm's user."""
    from newind.cases.choices import Action, CaseRole
    from newind.cases.services import apply_action, file_appeal

    mine = file_appeal(user=people.firm, firm=units.firm, title="新厂房用电增容", description="申请增容至 2000 千伏安。",
                       category_codes=["utilities"])
    theirs = file_appeal(user=people.other_firm, firm=units.other_firm, title="扩建用地报批",
                         description="扩建 30 亩用地指标。", category_codes=["land"])
    mine = apply_action(mine, Action.ASSIGN, user=people.office, role=CaseRole.OFFICE, now=at("2017-09-29T10:10"),
                        lead_unit=units.fgw, co_units=[units.rsj])
    theirs = apply_action(theirs, Action.ASSIGN, user=people.office, role=CaseRole.OFFICE,
                          now=at("2017-09-29T10:10"), lead_unit=units.zrzy)
    return SimpleNamespace(mine=mine, theirs=theirs)
