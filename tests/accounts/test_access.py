"""The access rules, read as sentences about the cast."""

from __future__ import annotations

import pytest

from newind.accounts.access import (
    Role,
    can_read_unit,
    can_write_unit,
    filter_units_for_read,
    require_read_unit,
    require_role,
    require_write_unit,
    role_of,
    scope_unit_ids,
)
from newind.core.errors import AppError
from newind.units.models import Unit

pytestmark = pytest.mark.django_db


def uid(code: str) -> int:
    return Unit.objects.get(code=code).pk


def test_roles_of_the_cast(cast) -> None:  # type: ignore[no-untyped-def]
    assert role_of(cast.office) == Role.OFFICE
    assert role_of(cast.yyx_rep) == Role.REPORTER
    assert role_of(cast.yyx_rev) == Role.REVIEWER
    assert role_of(cast.leader) == Role.LEADER
    assert role_of(cast.auditor) == Role.AUDITOR
    assert role_of(None) is None


def test_scope_of_a_county_reporter_is_the_county_and_below(cast) -> None:  # type: ignore[no-untyped-def]
    scope = scope_unit_ids(cast.yyx_rep)
    assert scope is not None and uid("430621") in scope
    assert uid("430603") not in scope and uid("430600") not in scope
    assert scope_unit_ids(cast.office) is None
    assert scope_unit_ids(cast.leader) is None
    assert scope_unit_ids(cast.auditor) == set()


# (who, unit, published, may read)
READ_CASES = [
    ("office", "430603", False, True),
    ("leader", "430603", False, True),
    ("yyx_rep", "430621", False, True),
    ("yyx_rep", "430603", False, False),  # 岳阳县填报员 cannot read 云溪区's unpublished figures
    ("yyx_rep", "430603", True, True),  # … but may read its published ones
    ("yx_rep", "430621", False, False),
    ("yyx_rev", "430600", False, False),  # the city is above the county, not inside its scope
    ("auditor", "430621", True, False),  # 三员分立: no business figures
    ("sysadmin", "430621", True, False),
    ("secadmin", "430621", True, False),
]


@pytest.mark.parametrize(("who", "code", "published", "expected"), READ_CASES)
def test_who_may_read_which_unit(cast, who, code, published, expected) -> None:  # type: ignore[no-untyped-def]
    user = getattr(cast, who)
    assert can_read_unit(user, uid(code), published=published) is expected
    if expected:
        require_read_unit(user, uid(code), published=published)
    else:
        with pytest.raises(AppError) as exc:
            require_read_unit(user, uid(code), published=published)
        assert exc.value.status == 403


WRITE_CASES = [
    ("office", "430603", True),
    ("leader", "430603", False),
    ("leader", "430621", False),
    ("yyx_rep", "430621", True),
    ("yyx_rev", "430621", True),
    ("yyx_rep", "430603", False),  # 岳阳县填报员 cannot change 云溪区
    ("yx_rep", "430603", True),
    ("auditor", "430621", False),
    ("sysadmin", "430621", False),
]


@pytest.mark.parametrize(("who", "code", "expected"), WRITE_CASES)
def test_who_may_write_which_unit(cast, who, code, expected) -> None:  # type: ignore[no-untyped-def]
    user = getattr(cast, who)
    assert can_write_unit(user, uid(code)) is expected
    if not expected:
        with pytest.raises(AppError) as exc:
            require_write_unit(user, uid(code))
        assert exc.value.status == 403 and "权限" in exc.value.message or "只能查看" in exc.value.message


def test_require_role_names_the_allowed_roles(cast) -> None:  # type: ignore[no-untyped-def]
    assert require_role(cast.office, Role.OFFICE, Role.LEADER) == Role.OFFICE
    with pytest.raises(AppError) as exc:
        require_role(cast.yyx_rep, Role.AUDITOR)
    assert exc.value.status == 403
    assert "审计员" in exc.value.message and "单位填报员" in exc.value.message


def test_filter_units_for_read(cast) -> None:  # type: ignore[no-untyped-def]
    ids = {uid("430621"), uid("430603")}
    assert filter_units_for_read(cast.yyx_rep, ids) == {uid("430621")}
    assert filter_units_for_read(cast.yyx_rep, ids, published=True) == ids
    assert filter_units_for_read(cast.office, ids) == ids
    assert filter_units_for_read(cast.auditor, ids, published=True) == set()
    qs = filter_units_for_read(cast.yx_rep, Unit.objects.filter(code__in=["430621", "430603"]))
    assert list(qs.values_list("code", flat=True)) == ["430603"]
    assert not filter_units_for_read(cast.sysadmin, Unit.objects.all()).exists()
