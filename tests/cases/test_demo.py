"""The demo appeals: about 2,000 over 2017, labelled 示例数据, a mix of outcomes the engine's rules allow; the
bulk path writes the same fields as the services; the department users; a second run adds nothing."""

from __future__ import annotations

import io
import re
from collections import Counter
from types import SimpleNamespace
from typing import Any

import pytest

from newind.cases import demo
from newind.cases.choices import Action, State
from newind.cases.sla import load_profile, to_local

PROFILE = load_profile(demo.PROFILE)


def _fake_units() -> dict[str, Any]:
    return {code: SimpleNamespace(pk=i + 1, code=code) for i, (code, _, _) in enumerate(demo.DEPARTMENTS)}


def test_the_scripts_are_two_thousand_appeals_of_2017_with_every_outcome() -> None:
    firms = [(1000 + i, f"示例企业{i}") for i in range(200)]
    scripts = demo.make_scripts(firms, PROFILE)
    assert len(scripts) == demo.N_APPEALS == 2000
    assert {to_local(s.received).year for s in scripts} == {2017}
    assert {s.firm for s in scripts} <= {f for f, _ in firms}
    units = _fake_units()
    # Every scripted action passes the transition table and its time rules (_in_memory raises otherwise).
    built = [demo._in_memory(s, units, PROFILE) for s in scripts]
    cases = [c for c, _, _, _ in built]
    actions = Counter(e.kind for _, events, _, _ in built for e in events)
    states = Counter(c.state for c in cases)
    closed = [c for c in cases if c.closed_at is not None]
    late = [c for c in closed if c.closed_at > c.close_deadline]
    open_ = [c for c in cases if c.state in {State.IN_PROGRESS, State.EXTENSION_PENDING}]
    # Most closed and rated; some late, some still open; extensions approved and rejected; disputes kept
    # and reassigned; reopened after a subjective unsatisfied rating; objective unsatisfied ratings.
    assert len(closed) > 0.9 * len(cases)
    assert sum(1 for c in cases if c.rating) > 0.75 * len(cases)
    assert 0.05 * len(cases) < len(late) < 0.25 * len(cases)
    assert 20 < len(open_) < 150
    assert actions[Action.APPROVE_EXTENSION] > 50 and actions[Action.REJECT_EXTENSION] > 10
    assert actions[Action.DISPUTE] > 20 and actions[Action.SETTLE_KEEP] > 5 and actions[Action.SETTLE_REASSIGN] > 5
    assert actions[Action.RATE_UNSATISFIED_REDO] > 50 and actions[Action.RATE_UNSATISFIED_FINAL] > 20
    assert sum(1 for c in cases if c.redo_count) == actions[Action.RATE_UNSATISFIED_REDO]
    assert states[State.ARCHIVED] > 500 and states[State.EVALUATED] > 500
    assert len({s.channel for s in scripts}) == 5
    assert {t for s in scripts for t in s.categories} == set(demo.CATEGORY_WEIGHTS)
    assert sum(1 for s in scripts if len(s.categories) > 1) > 100
    # A co-handler for some; every lead unit a demo department.
    assert sum(1 for _, _, _, co in built if co) > 100
    assert {c.lead_unit_id for c in cases} <= {u.pk for u in units.values()}


@pytest.fixture
def firms(db):  # type: ignore[no-untyped-def]
    from newind.units.models import Unit

    return [Unit.objects.create(code=f"91430600MA4DEMO{i:03d}", name=f"岳阳示例企业{i}有限公司", kind="enterprise",
                                is_synthetic=True) for i in range(30)]


FIELDS = ["kind", "channel", "title", "description", "concerned_unit_id", "concerned_name", "lead_unit_id", "state",
          "sla_profile", "is_complex", "received_at", "deadlines", "close_deadline", "original_close_deadline",
          "assigned_at", "dispute_used", "first_closed_at", "closed_at", "working_days_to_close", "redo_count",
          "extensions_approved", "rating", "unsatisfied_reason_kind", "unsatisfied_reason", "archived_at",
          "is_synthetic"]


def _snapshot(case: Any) -> dict[str, Any]:
    values = {f: getattr(case, f) for f in FIELDS}
    values["categories"] = sorted(case.categories.values_list("category", flat=True))
    values["co_units"] = sorted(case.co_units.values_list("pk", flat=True))
    # An event names its extension request by id: compare which of the case's requests it is.
    order = {pk: i for i, pk in enumerate(case.extension_requests.order_by("id").values_list("pk", flat=True))}
    values["events"] = [(*e[:-1], {k: order[v] if k == "extension_request" else v for k, v in e[-1].items()})
                        for e in case.events.order_by("at", "id").values_list(
                            "at", "kind", "from_state", "to_state", "role", "unit_id", "note", "data")]
    values["extensions"] = list(case.extension_requests.order_by("id").values_list(
        "requested_at", "reason", "old_deadline", "new_deadline", "state", "decided_at", "decision_note"))
    return values


def test_the_bulk_path_writes_what_the_services_write(firms) -> None:  # type: ignore[no-untyped-def]
    from newind.cases.models import Case

    units = demo.ensure_departments()
    scripts = demo.make_scripts([(f.pk, f.name) for f in firms], PROFILE, n=400)
    wanted = [Action.DISPUTE, Action.SETTLE_REASSIGN, Action.APPROVE_EXTENSION, Action.REJECT_EXTENSION,
              Action.REPLY, Action.RATE_UNSATISFIED_REDO, Action.RATE_UNSATISFIED_FINAL, Action.ARCHIVE]
    chosen = [next(s for s in scripts if any(m.action == a for m in s.moves)) for a in wanted]
    chosen.append(next(s for s in scripts if s.moves[-1].action in (Action.ACCEPT, Action.REPLY)))  # still open
    by_pk = {f.pk: f for f in firms}
    for script in chosen:
        demo._through_services(script, units, by_pk, PROFILE)
    served = list(Case.objects.order_by("id"))
    demo._bulk(chosen, units, PROFILE)
    bulk = list(Case.objects.exclude(pk__in=[c.pk for c in served]).order_by("id"))
    assert len(served) == len(bulk) == len(chosen)
    for a, b in zip(served, bulk, strict=True):
        left, right = _snapshot(a), _snapshot(b)
        for x, y in zip(left.pop("events"), right.pop("events"), strict=True):
            assert x == y, a.title
        assert left == right, a.title
        assert re.fullmatch(r"SQ2017\d{7}", a.code) and b.code == f"SQ2017{b.pk:07d}"


def test_load_demo_makes_labelled_appeals_and_department_users_once(firms, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from newind.accounts.models import Profile
    from newind.audit.models import AuditEntry
    from newind.cases.models import Case, CaseEvent

    monkeypatch.setattr(demo, "N_APPEALS", 150)
    monkeypatch.setattr(demo, "SERVICE_CASES", 10)
    out = io.StringIO()
    demo.load_demo(out)
    cases = Case.objects.all()
    assert cases.count() == 150
    assert set(cases.values_list("is_synthetic", flat=True)) == {True}
    assert set(cases.values_list("kind", flat=True)) == {"appeal"}
    assert {to_local(c).year for c in cases.values_list("received_at", flat=True)} == {2017}
    assert set(cases.values_list("concerned_unit_id", flat=True)) <= {f.pk for f in firms}
    assert "示例数据" in out.getvalue() and "150 件" in out.getvalue()
    # Ten walked through the services (an audit entry per filing), every case with its timeline.
    assert AuditEntry.objects.filter(action="case.file").count() == 10
    assert AuditEntry.objects.filter(action="demo.cases").count() == 1
    assert CaseEvent.objects.filter(kind="created").values("case").distinct().count() == 150
    # One department user per department, scoped to it.
    profiles = Profile.objects.filter(role="department").select_related("unit", "user")
    assert {(p.user.username, p.unit.code) for p in profiles} == {(u, c) for u, c, _ in demo.DEPARTMENT_USERS}
    assert len(demo.DEPARTMENT_USERS) == len(demo.DEPARTMENTS) >= 10
    assert all(p.user.check_password(dict((u, pw) for u, _, pw in demo.DEPARTMENT_USERS)[p.user.username])
               for p in profiles)
    # One firm account, for the firm with the most appeals (ties: the lowest unit id), seeing its own cases.
    from django.db.models import Count

    from newind.accounts.access import cases_in_scope

    firm_user = Profile.objects.get(role="enterprise", user__username=demo.FIRM_USER[0])
    counts = dict(cases.values_list("concerned_unit").annotate(n=Count("id")).values_list("concerned_unit", "n"))
    most = max(counts.values())
    assert firm_user.unit_id == min(unit for unit, n in counts.items() if n == most)
    assert firm_user.user.check_password(demo.FIRM_USER[1])
    assert cases_in_scope(firm_user.user).count() == most
    assert "企业账号 qiye" in out.getvalue()
    demo.load_demo(io.StringIO())
    assert Case.objects.count() == 150 and Profile.objects.filter(role="department").count() == len(profiles)
    assert Profile.objects.filter(role="enterprise").count() == 1


def test_the_readme_lists_every_department_demo_account() -> None:
    from tests.conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [u for u, _, pw in demo.DEPARTMENT_USERS if f"| {u} | {pw} | 市直部门用户" not in readme]
    assert missing == []
    assert f"| {demo.FIRM_USER[0]} | {demo.FIRM_USER[1]} | 企业用户" in readme
