"""`newind user list` prints the last login in Beijing time, as the web pages do (issue 8 item 9)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_user_list_shows_the_last_login_in_beijing_time(cast) -> None:  # type: ignore[no-untyped-def]
    # 2017-03-31 18:30 UTC is 2017-04-01 02:30 in Beijing (UTC+8): the day changes too.
    cast.leader.last_login = dt.datetime(2017, 3, 31, 18, 30, tzinfo=dt.UTC)
    cast.leader.save(update_fields=["last_login"])
    out = io.StringIO()
    call_command("user", "list", stdout=out)
    line = next(x for x in out.getvalue().splitlines() if x.startswith("leader\t"))
    assert line.endswith("\t启用\t2017-04-01 02:30")
