"""The pages' read cache (newind.core.readcache): a result is reused until a write changes the data stamp."""

from __future__ import annotations

import re
import threading
import time
from decimal import Decimal

import pytest

from newind.audit.services import record
from newind.core import readcache
from newind.core.errors import AppError
from newind.indicators.models import Indicator
from newind.indicators.periods import Period
from newind.indicators.services import revise_observation
from newind.targets.models import Target, WarningScheme
from newind.units.models import Unit


class Counter:
    """A computation that counts how often it ran and returns that count."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls


def test_the_same_key_is_computed_once_while_nothing_is_written(reference_data):
    compute = Counter()
    assert [readcache.memoised("page", "2017-03", compute) for _ in range(3)] == [1, 1, 1]
    assert readcache.memoised("page", "2017-02", compute) == 2  # another key
    assert readcache.memoised("other", "2017-03", compute) == 3  # another page, same key
    assert compute.calls == 3


def _figure(value: str) -> None:
    revise_observation(Indicator.objects.get(code="industrial_va_above_size"), Unit.objects.get(code="430621").id,
                       Period.month(2017, 3), Decimal(value), source="测试", reason="测试更正")


def test_a_new_or_revised_figure_changes_the_stamp(reference_data):
    compute = Counter()
    readcache.memoised("page", None, compute)
    _figure("48.6")
    assert readcache.memoised("page", None, compute) == 2
    _figure("48.9")  # a revision: a new version row, the old one no longer current
    assert readcache.memoised("page", None, compute) == 3
    assert readcache.memoised("page", None, compute) == 3


def test_a_target_edited_or_deleted_changes_the_stamp(reference_data, office_user):
    target = Target.objects.create(indicator=Indicator.objects.get(code="industrial_va_above_size"),
                                   unit=Unit.objects.get(code="430621"), year=2017, value=Decimal("8"),
                                   target_type="growth")
    compute = Counter()
    readcache.memoised("targets", None, compute)
    before = readcache.data_stamp()
    time.sleep(0.002)  # updated_at must move on even on a fast machine
    target.value = Decimal("9")
    target.save()
    assert readcache.data_stamp() != before
    assert readcache.memoised("targets", None, compute) == 2
    target.delete()
    assert readcache.memoised("targets", None, compute) == 3


def test_the_light_rules_chosen_for_a_year_change_the_stamp(reference_data):
    compute = Counter()
    readcache.memoised("targets", None, compute)
    WarningScheme.objects.create(year=2017, rule_set="strict")
    assert readcache.memoised("targets", None, compute) == 2


def test_any_audited_write_changes_the_stamp(reference_data, office_user):
    """An edit the table parts cannot see (a unit renamed in the admin) is still audited."""
    compute = Counter()
    readcache.memoised("page", None, compute)
    Unit.objects.filter(code="430621").update(name="岳阳县（改名）")
    assert readcache.memoised("page", None, compute) == 1  # an unaudited in-place edit alone is not seen
    record("update", user=office_user, object_type="unit", object_id="430621", summary="改名")
    assert readcache.memoised("page", None, compute) == 2


def test_an_error_is_not_kept(reference_data):
    calls = []

    def failing() -> int:
        calls.append(1)
        raise AppError("没有数据。", status=404, code="not_found")

    for _ in range(2):
        with pytest.raises(AppError):
            readcache.memoised("page", None, failing)
    assert len(calls) == 2


def test_the_oldest_results_go_first_past_the_limit(reference_data, monkeypatch):
    monkeypatch.setattr(readcache, "MAX_ENTRIES", 2)
    compute = Counter()
    for key in ("a", "b", "a", "c"):  # "a" was used again after "b", so "b" is the oldest when "c" comes
        readcache.memoised("page", key, compute)
    assert compute.calls == 3
    assert readcache.memoised("page", "a", compute) == 1
    assert readcache.memoised("page", "b", compute) == 4  # computed again


def test_threads_that_miss_the_same_key_compute_it_once(monkeypatch):
    monkeypatch.setattr(readcache, "data_stamp", lambda: ("fixed",))
    started = threading.Event()
    calls = []

    def slow() -> str:
        calls.append(1)
        started.set()
        time.sleep(0.2)
        return "figures"

    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(readcache.memoised("page", "k", slow)))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["figures"] * 4 and len(calls) == 1


def test_a_groups_own_minimum_changes_the_stamp(reference_data):
    from newind.units.models import PeerGroup

    compute = Counter()
    readcache.memoised("benchmark", None, compute)
    PeerGroup.objects.filter(code="yueyang-counties").update(min_reporting=9)
    assert readcache.memoised("benchmark", None, compute) == 2


def test_a_result_older_than_the_limit_is_computed_again(reference_data, monkeypatch):
    compute = Counter()
    readcache.memoised("page", None, compute)
    monkeypatch.setattr(readcache, "MAX_AGE_S", 0.0)
    time.sleep(0.01)
    assert readcache.memoised("page", None, compute) == 2


def test_the_switch_turns_the_cache_off(reference_data, settings):
    settings.NEWIND_READ_CACHE = False
    compute = Counter()
    assert [readcache.memoised("page", None, compute) for _ in range(2)] == [1, 2]


def test_a_stamp_read_once_serves_several_look_ups(reference_data, django_assert_num_queries):
    compute = Counter()
    stamp = readcache.data_stamp()
    with django_assert_num_queries(0):
        assert readcache.memoised("options", "g", compute, stamp) == 1
        assert readcache.memoised("page", "g", compute, stamp) == 2
        assert readcache.memoised("options", "g", compute, stamp) == 1


def test_a_rendered_fragment_is_kept_and_gets_each_requests_csrf_token(reference_data, office_user, monkeypatch):
    from django.middleware.csrf import _unmask_cipher_token
    from django.test import RequestFactory

    rendered: list[dict] = []

    def render(template_name: str, context: dict) -> str:
        rendered.append(context)
        return f"<form>{context['csrf_token']}</form><p>{context['n']}</p>"

    monkeypatch.setattr(readcache, "render_to_string", render)
    first, second = RequestFactory().get("/"), RequestFactory().get("/")
    a = readcache.fragment(first, "page", "2017-03", "any.html", lambda: {"n": 1})
    b = readcache.fragment(second, "page", "2017-03", "any.html", lambda: {"n": 2})
    # Rendered once; each response carries its own request's token in place of the kept placeholder.
    assert len(rendered) == 1 and rendered[0]["csrf_token"] == readcache.CSRF_SLOT
    token_a, token_b = (re.fullmatch(r"<form>(\w+)</form><p>1</p>", str(x)).group(1) for x in (a, b))  # type: ignore[union-attr]
    # (Django masks the token afresh for each use: unmasked, each is its own request's secret.)
    assert _unmask_cipher_token(token_a) == first.META["CSRF_COOKIE"] != second.META["CSRF_COOKIE"]
    assert _unmask_cipher_token(token_b) == second.META["CSRF_COOKIE"]
    # Any audited write changes the stamp: the next visit renders afresh.
    record("update", user=office_user, object_type="unit", object_id="430621", summary="改名")
    assert readcache.fragment(second, "page", "2017-03", "any.html", lambda: {"n": 3}).endswith("<p>3</p>")
