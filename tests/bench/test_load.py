"""The load benchmark's machinery without a real server: the hello baseline, the statistics, signing in and
driving users against an in-memory transport (httpx.MockTransport), the users it makes and its pages."""

from __future__ import annotations

import threading
from http.cookies import SimpleCookie

import httpx
import pytest
from django.contrib.auth import get_user_model

from newind.bench import load
from newind.bench.load import HELLO, LoadPlan, Sample, percentile_ms, summarise
from newind.core.errors import AppError

# ---------------------------------------------------------------------------------------------------------
# The hello view


def test_hello_is_not_there_unless_the_bench_setting_is_on(office_client, settings):
    settings.NEWIND_BENCH_HELLO = False
    assert office_client.get("/bench/hello/").status_code == 404


def test_hello_answers_a_signed_in_user_when_the_bench_setting_is_on(office_client, office_user, settings):
    settings.NEWIND_BENCH_HELLO = True
    response = office_client.get("/bench/hello/")
    assert response.status_code == 200
    assert response.content.decode() == f"hello {office_user.username}"


def test_hello_needs_a_login_like_the_pages_it_is_compared_with(client, settings, db):
    settings.NEWIND_BENCH_HELLO = True
    response = client.get("/bench/hello/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# ---------------------------------------------------------------------------------------------------------
# Statistics


def test_percentiles_interpolate_between_ranks():
    # 1..100 ms: rank position (n-1)·q = 99·0.95 = 94.05 → 95 + 0.05·(96 − 95) = 95.05, shown to 0.1 ms.
    values = [float(v) for v in range(1, 101)]
    assert percentile_ms(values, 50) == 50.5
    assert percentile_ms(values, 95) == 95.0  # round(95.05, 1) in binary floating point
    assert percentile_ms(values, 99) == 99.0  # 99·0.99 = 98.01 → 99 + 0.01 = 99.01
    assert percentile_ms([], 95) is None


def _samples(page: str, values: list[float], status: int = 200) -> list[Sample]:
    return [Sample(page, v, status, 0.0) for v in values]


def test_the_summary_gives_each_page_its_ratio_to_hello_and_the_goal():
    hello = _samples(HELLO, [10.0] * 20)  # every percentile 10 ms
    fast = _samples("dashboard", [20.0] * 19 + [25.0])  # p95: 20 + 0.05·5 = 20.25 → 20.2 (banker's: 20.2)
    slow = _samples("benchmark", [150.0] * 20)  # over 100 ms
    ratio = _samples("targets", [40.0] * 20)  # under 100 ms but 4× hello
    failing = _samples("api_benchmark", [5.0] * 19) + _samples("api_benchmark", [5.0], status=500)
    summary = summarise(hello + fast + slow + ratio + failing, duration_s=10.0)
    pages = summary["pages"]
    assert pages[HELLO]["p95_ms"] == 10.0 and pages[HELLO]["goal_met"] is None
    assert pages["dashboard"]["p50_ms"] == 20.0 and pages["dashboard"]["p50_ratio"] == 2.0
    assert pages["dashboard"]["p95_ms"] == pytest.approx(20.25, abs=0.06)
    assert pages["dashboard"]["goal_met"] is True
    assert pages["benchmark"]["p95_ratio"] == 15.0 and pages["benchmark"]["goal_met"] is False
    assert pages["targets"]["p95_ratio"] == 4.0 and pages["targets"]["goal_met"] is False
    # A page with an error fails the goal; its percentiles are of the successful requests only.
    assert pages["api_benchmark"]["errors"] == 1 and pages["api_benchmark"]["p95_ms"] == 5.0
    assert pages["api_benchmark"]["goal_met"] is False
    # The board had no requests at all: not met, and no ratio.
    assert pages["board"]["requests"] == 0 and pages["board"]["goal_met"] is False
    assert pages["board"]["p95_ratio"] is None
    assert summary["requests"] == 100 and summary["throughput_rps"] == 10.0
    assert summary["goals_met"] is False
    text = load.table(summary)
    assert "hello（基线）" in text and "15.00×" in text and "否" in text


# ---------------------------------------------------------------------------------------------------------
# Signing in and driving users, against a fake server


class FakeServer:
    """Login form with a CSRF cookie, then pages that answer 200 only with the session cookie it gave."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sessions: dict[str, str] = {}
        self.hits: dict[str, int] = {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        cookies = SimpleCookie(request.headers.get("cookie", ""))
        path = request.url.path
        if path == "/accounts/login/" and request.method == "GET":
            return httpx.Response(200, headers={"set-cookie": "csrftoken=tok; Path=/"}, text="form")
        if path == "/accounts/login/":
            form = dict(httpx.QueryParams(request.content.decode()))
            if form.get("csrfmiddlewaretoken") != "tok" or cookies.get("csrftoken") is None:
                return httpx.Response(403)
            if form["password"] != "Right-pass-1":
                return httpx.Response(200, text="wrong password")
            with self.lock:
                sid = f"s{len(self.sessions)}"
                self.sessions[sid] = form["username"]
            return httpx.Response(302, headers={"location": "/", "set-cookie": f"sessionid={sid}; Path=/"})
        sid = cookies["sessionid"].value if "sessionid" in cookies else ""
        if sid not in self.sessions:
            return httpx.Response(302, headers={"location": "/accounts/login/?next=" + path})
        with self.lock:
            self.hits[path] = self.hits.get(path, 0) + 1
        return httpx.Response(200, text="page")


PATHS = {HELLO: "/bench/hello/", "dashboard": "/dashboard/", "benchmark": "/benchmark/",
         "api_benchmark": "/api/benchmark/", "targets": "/targets/", "board": "/submissions/tasks/1/"}


def test_users_sign_in_then_each_opens_every_page_with_its_own_session():
    server = FakeServer()
    transport = httpx.MockTransport(server)
    plan = LoadPlan(users=3, duration_s=0.5, think_s=0.005, max_rounds=4, warmup_rounds=1)
    clients = load.sign_in_all("http://bench.test", ["a", "b", "c"], "Right-pass-1", plan, transport=transport)
    assert sorted(server.sessions.values()) == ["a", "b", "c"]
    runs, measured = load.drive(clients, PATHS, plan)
    assert 0 < measured < 5
    samples = [s for r in runs for s in r.samples]
    assert samples and all(s.status == 200 for s in samples)
    # Each user goes through whole rounds of the six pages: every page is measured, and no user measured
    # more than max_rounds rounds (the warm-up round is not measured).
    for run in runs:
        assert len(run.samples) <= 6 * plan.max_rounds
        assert not run.error
    assert {s.page for s in samples} == set(PATHS)
    assert all(server.hits[p] >= 3 for p in PATHS.values())  # at least the three warm-up requests each


def test_a_refused_login_stops_the_run_with_the_users_name():
    transport = httpx.MockTransport(FakeServer())
    with pytest.raises(AppError, match="b：登录失败"):
        load.sign_in_all("http://bench.test", ["b"], "wrong", LoadPlan(users=1), transport=transport)


def test_a_page_that_sends_the_user_back_to_login_counts_as_an_error():
    server = FakeServer()
    transport = httpx.MockTransport(server)
    plan = LoadPlan(users=1, duration_s=0.2, think_s=0.0, max_rounds=1, warmup_rounds=0)
    client = load.make_client("http://bench.test", 5, transport)  # never signed in
    runs, _ = load.drive([client], PATHS, plan)
    assert {s.status for s in runs[0].samples} == {302}
    assert summarise(runs[0].samples, 1.0)["pages"]["dashboard"]["errors"] == 1


# ---------------------------------------------------------------------------------------------------------
# The database side and the server's environment


def _user(username: str):  # type: ignore[no-untyped-def]
    return get_user_model().objects.select_related("profile").get(username=username)


def test_it_makes_office_and_leader_users_and_resets_their_password_each_run(reference_data):
    names = load.ensure_users(4, "First-pass-1")
    assert names == ["bench_load_00", "bench_load_01", "bench_load_02", "bench_load_03"]
    assert _user("bench_load_01").check_password("First-pass-1")
    assert [_user(n).profile.role for n in names] == ["office", "leader", "office", "leader"]
    load.ensure_users(4, "Second-pass-2")
    again = _user("bench_load_01")
    assert not again.check_password("First-pass-1") and again.check_password("Second-pass-2")
    assert not again.profile.must_change_password
    assert get_user_model().objects.filter(username__startswith="bench_load_").count() == 4


def test_the_board_needs_a_reporting_task(db):
    with pytest.raises(AppError, match="没有填报任务"):
        load.page_paths()


def test_the_pages_are_the_latest_tasks_board_and_the_four_pages(cast):
    from newind.indicators.periods import Period
    from newind.submissions.services import issue_task
    from newind.units.models import Unit

    units = list(Unit.objects.filter(code__in=["430621", "430603"]).values_list("pk", flat=True))
    issue_task(cast.office, period=Period.month(2017, 2), unit_ids=units)
    task = issue_task(cast.office, period=Period.month(2017, 3), unit_ids=units)
    paths = load.page_paths()
    assert set(paths) == set(load.PAGE_LABELS)
    assert paths["board"] == f"/submissions/tasks/{task.id}/"
    assert paths["api_benchmark"].startswith("/api/benchmark/?unit=430600")


def test_the_server_runs_in_production_mode_with_keys_made_for_the_run():
    env = load.server_env({"NEWIND_DEMO": "1", "NEWIND_DEBUG": "1", "PATH": "/bin"})
    assert "NEWIND_DEMO" not in env and "NEWIND_DEBUG" not in env
    assert len(env["NEWIND_SECRET_KEY"]) >= 50 and env["NEWIND_TOTP_KEY"]
    assert env["NEWIND_BENCH_HELLO"] == "1"
    assert env["NEWIND_THROTTLE_LOGIN"] == "1000/300"
    kept = load.server_env({"NEWIND_SECRET_KEY": "k" * 60, "NEWIND_TOTP_KEY_FILE": "/etc/newind/totp"})
    assert kept["NEWIND_SECRET_KEY"] == "k" * 60 and "NEWIND_TOTP_KEY" not in kept


def test_the_load_command_refuses_to_run_without_a_named_database(monkeypatch):
    from django.core.management import call_command

    monkeypatch.delenv("NEWIND_DATABASE_URL", raising=False)
    with pytest.raises(AppError, match="NEWIND_DATABASE_URL"):
        call_command("bench", "load")


def test_a_connection_closed_while_thinking_is_reopened_once_and_counted():
    calls = {"n": 0}

    def flaky(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] == 1:
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
        return httpx.Response(200, text="page")

    client = load.make_client("http://bench.test", 5, httpx.MockTransport(flaky))
    run = load.UserRun("u")
    assert load._get(client, "/dashboard/", run) == 200
    assert run.retries == 1 and not run.error


def test_a_timeout_is_an_error_not_retried():
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out")

    run = load.UserRun("u")
    assert load._get(load.make_client("http://bench.test", 5, httpx.MockTransport(slow)), "/", run) == 0
    assert run.error == "timed out" and run.retries == 0
