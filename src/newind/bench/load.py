"""The load benchmark (issue 9, item 8): signed-in users on the production server, page by page, against hello.

`newind bench load` (code here, command in core/management/commands/bench.py):

1. Prepares the database given by NEWIND_DATABASE_URL (PostgreSQL for the figures that count): the spine
   benchmark's province-scale synthetic data (20,000 enterprises × 12 indicators × 55 periods, 13.2 million
   observations, `bench.spine`) unless they are there already, the demo's reference units, figures,
   targets and reporting tasks (`newind demo --no-serve`, idempotent), and N users (`bench_load_00` …,
   office and leader in turn) with a password made for this run.
2. Starts the production server (`newind serve`: gunicorn, its default workers and threads, DEBUG off) on a
   free port of 127.0.0.1, with NEWIND_BENCH_HELLO=1 so that /bench/hello/ (the baseline) answers.
3. Signs the N users in through the login form (bounded: one try each, and a time limit).
4. Each user, in its own thread with its own keep-alive connection and cookies, opens the pages in a
   shuffled order, round after round, waiting a random think time (exponential, mean `think_s`) between
   requests; hello is one of the pages, so it is measured under the same load in the same run. One
   unmeasured warm-up round by the first ten users first (each server process's first request of a page
   imports modules and fills its read cache).
   The run is bounded by `duration_s` and by `max_rounds` per user.
5. Prints p50, p95 and p99 per page with the ratio of each to hello's, and the goal (p95 ≤ 100 ms and ≤ 3×
   hello's p95), then one JSON line with everything and the load average before and after.

`profile_pages` renders each page once in this process (Django's test client) and gives its SQL query
count and time, optionally a pyinstrument profile: where to look when a page is over its goal.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from newind.core.errors import AppError

USER_PREFIX = "bench_load_"
GOAL_P95_MS = 100.0
GOAL_RATIO = 3.0
HELLO = "hello"
# Labels in the order the table prints them.
PAGE_LABELS = {
    HELLO: "hello（基线）",
    "dashboard": "领导驾驶舱 /dashboard/",
    "benchmark": "对标分析 /benchmark/",
    "api_benchmark": "对标 API /api/benchmark/",
    "targets": "目标预警 /targets/",
    "board": "填报看板 /submissions/tasks/N/",
}


@dataclass(frozen=True)
class LoadPlan:
    users: int = 50
    duration_s: float = 60.0
    max_rounds: int = 200  # per user: bounds the request count as duration_s bounds the time
    think_s: float = 1.0  # mean of the exponential pause between one user's requests
    warmup_rounds: int = 1
    warmup_users: int = 10  # enough to reach every server process; the others wait at the start line
    sign_in_timeout_s: float = 180.0
    request_timeout_s: float = 60.0
    seed: int = 20171231


@dataclass
class Sample:
    page: str
    ms: float
    status: int
    at: float  # seconds since the measured run started


@dataclass
class UserRun:
    username: str
    samples: list[Sample] = field(default_factory=list)
    error: str = ""
    retries: int = 0


# ---------------------------------------------------------------------------------------------------------
# Statistics (pure)


def percentile_ms(values: Iterable[float], q: float) -> float | None:
    """The q-th percentile (linear interpolation, numpy's default) of response times; None when empty."""
    array = np.fromiter(values, dtype=float)
    return None if array.size == 0 else round(float(np.percentile(array, q)), 1)


def summarise(samples: list[Sample], duration_s: float) -> dict[str, Any]:
    """Per page: requests, errors (not 200), p50/p95/p99 of the successful ones, the ratio of each to
    hello's, and whether the page meets the goal (p95 ≤ 100 ms and p95 ≤ 3 × hello's p95)."""
    pages: dict[str, Any] = {}
    for page in PAGE_LABELS:
        mine = [s for s in samples if s.page == page]
        ok = [s.ms for s in mine if s.status == 200]
        pages[page] = {"requests": len(mine), "errors": len(mine) - len(ok),
                       "p50_ms": percentile_ms(ok, 50), "p95_ms": percentile_ms(ok, 95),
                       "p99_ms": percentile_ms(ok, 99)}
    hello = pages[HELLO]
    for page, row in pages.items():
        for q in ("p50", "p95", "p99"):
            mine, base = row[f"{q}_ms"], hello[f"{q}_ms"]
            row[f"{q}_ratio"] = round(mine / base, 2) if mine is not None and base else None
        row["goal_met"] = (None if page == HELLO else
                           row["requests"] > 0 and row["errors"] == 0 and row["p95_ms"] is not None
                           and row["p95_ms"] <= GOAL_P95_MS and (row["p95_ratio"] or 0) <= GOAL_RATIO)
    total = len(samples)
    return {"pages": pages, "requests": total,
            "throughput_rps": round(total / duration_s, 1) if duration_s > 0 else None,
            "goals_met": all(r["goal_met"] for p, r in pages.items() if p != HELLO)}


def table(summary: dict[str, Any]) -> str:
    """The per-page table the command prints (Chinese headings, figures in ms)."""
    def ms(v: float | None) -> str:
        return "—" if v is None else f"{v:.1f}"

    def x(v: float | None) -> str:
        return "—" if v is None else f"{v:.2f}×"

    lines = [f"{'页面':<28}{'请求':>6}{'错误':>5}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
             f"{'p50/hello':>10}{'p95/hello':>10}{'p99/hello':>10}  达标"]
    for page, row in summary["pages"].items():
        met = "—" if row["goal_met"] is None else ("是" if row["goal_met"] else "否")
        lines.append(f"{PAGE_LABELS[page]:<28}{row['requests']:>6}{row['errors']:>5}{ms(row['p50_ms']):>9}"
                     f"{ms(row['p95_ms']):>9}{ms(row['p99_ms']):>9}{x(row['p50_ratio']):>10}"
                     f"{x(row['p95_ratio']):>10}{x(row['p99_ratio']):>10}  {met}")
    return "\n".join(lines)


def loadavg() -> str:
    """The machine's load averages (1, 5, 15 minutes) as /proc/loadavg gives them: other work inflates timings."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return " ".join(f"{v:.2f}" for v in os.getloadavg())


# ---------------------------------------------------------------------------------------------------------
# The database


def ensure_data(progress: Callable[[str], None], enterprises: int | None = None) -> dict[str, Any]:
    """Province-scale spine data (unless present), then the demo's data; return what the run will use."""
    from dataclasses import replace

    from django.core.management import call_command

    from newind.bench.spine import SCALES, run_spine
    from newind.indicators.models import Observation

    spine: dict[str, Any] | None = None
    bench_rows = Observation.objects.filter(batch__source_kind="bench").count()
    if not bench_rows:
        scale = SCALES["province"] if enterprises is None else replace(SCALES["province"], enterprises=enterprises)
        progress(f"写入全省规模合成数据（{scale.enterprises:,} 家企业，{scale.observations:,} 个观测值），"
                 "只在第一次运行时写入……")
        spine = run_spine(scale, progress=progress)
        bench_rows = spine["observations"]
    else:
        progress(f"沿用已写入的 {bench_rows:,} 个基准测试观测值。")

    class _Out:
        def write(self, text: str) -> None:
            progress(text.rstrip("\n"))

    analyse_tables(progress)  # before the demo's forecast backtest reads the figures
    # By the command's name: the demo app sits above the benchmarks (its `bench` command runs them).
    call_command("demo", "--no-serve", stdout=_Out())
    analyse_tables(progress)
    return {"bench_observations": bench_rows, "observations": Observation.objects.count(),
            "spine": spine}


def analyse_tables(progress: Callable[[str], None]) -> None:
    """Refresh PostgreSQL's planner statistics of the figure tables (a bulk COPY of millions of rows leaves
    them empty until autovacuum gets to it, and the planner then picks whole-indicator index scans)."""
    from django.db import connection

    from newind.indicators.models import DerivedFigure, Observation

    if connection.vendor != "postgresql":
        return
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for model in (Observation, DerivedFigure):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    progress(f"已更新观测值表的统计信息（ANALYZE，{time.perf_counter() - started:.1f} 秒）。")


def ensure_users(count: int, password: str) -> list[str]:
    """`bench_load_00` … office and leader in turn (both may open every measured page), with `password`."""
    from django.contrib.auth import get_user_model

    from newind.accounts.models import Role
    from newind.accounts.services import create_user, reset_password

    user_model = get_user_model()
    names = []
    for i in range(count):
        username = f"{USER_PREFIX}{i:02d}"
        role = Role.OFFICE if i % 2 == 0 else Role.LEADER
        user = user_model.objects.filter(username=username).first()
        if user is None:
            create_user(username, role, password=password, name=f"压测用户{i + 1}", must_change_password=False)
        else:
            reset_password(user, password, by="bench load")
            user.profile.must_change_password = False
            user.profile.save(update_fields=["must_change_password"])
        names.append(username)
    return names


def page_paths() -> dict[str, str]:
    """The measured pages' paths; the board is the latest reporting task's (the one the office opens)."""
    from newind.submissions.models import ReportingTask

    task = ReportingTask.objects.order_by("-year", "-period_n", "-id").values_list("id", flat=True).first()
    if task is None:
        raise AppError("数据库中没有填报任务，无法测量填报看板：请先准备演示数据（newind demo --no-serve）。")
    return {
        HELLO: "/bench/hello/",
        "dashboard": "/dashboard/",
        "benchmark": "/benchmark/",
        "api_benchmark": "/api/benchmark/?unit=430600&group=hunan-14&indicator=gdp&from=2012&to=2016",
        "targets": "/targets/",
        "board": f"/submissions/tasks/{task}/",
    }


def new_password() -> str:
    """A password for this run's users that satisfies the default policy (3 classes, 8+ characters)."""
    return f"Bench-{secrets.token_urlsafe(12)}-9a"


# ---------------------------------------------------------------------------------------------------------
# The server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The production server's environment for the run: real keys made for it (not the demo's), the
    hello baseline on, and the login throttle raised (all N users sign in from one address here, where in
    an office they come from N machines)."""
    from cryptography.fernet import Fernet

    env = dict(os.environ if base is None else base)
    env.pop("NEWIND_DEMO", None)
    env.pop("NEWIND_DEBUG", None)
    env.setdefault("NEWIND_SECRET_KEY", secrets.token_urlsafe(50))
    if not (env.get("NEWIND_TOTP_KEY") or env.get("NEWIND_TOTP_KEY_FILE")):
        env["NEWIND_TOTP_KEY"] = Fernet.generate_key().decode()
    env["NEWIND_BENCH_HELLO"] = "1"
    env["NEWIND_THROTTLE_LOGIN"] = "1000/300"
    return env


def start_server(port: int, log_path: Path, workers: int | None = None, timeout_s: float = 90.0
                 ) -> subprocess.Popen[bytes]:
    """`newind serve` on 127.0.0.1:port in its own process group; return once /healthz answers."""
    import httpx

    cmd = [sys.executable, "-m", "newind.cli", "serve", "--addr", f"127.0.0.1:{port}"]
    if workers:
        cmd += ["--workers", str(workers)]
    log = log_path.open("wb")
    proc = subprocess.Popen(cmd, env=server_env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AppError(f"生产服务器启动失败（退出码 {proc.returncode}）：详见 {log_path}。")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    stop_server(proc)
    raise AppError(f"生产服务器在 {timeout_s:.0f} 秒内没有响应：详见 {log_path}。")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """Stop the gunicorn master this run started (it stops its workers), by its process group id."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=40)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


# ---------------------------------------------------------------------------------------------------------
# The users


def sign_in(client: Any, username: str, password: str) -> None:
    """Log in through the form as a browser does (GET for the CSRF cookie, then POST); raise if refused."""
    page = client.get("/accounts/login/")
    token = client.cookies.get("csrftoken")
    if page.status_code != 200 or not token:
        raise AppError(f"{username}：登录页没有返回 CSRF 令牌（状态 {page.status_code}）。")
    answer = client.post("/accounts/login/", data={"username": username, "password": password,
                                                   "csrfmiddlewaretoken": token},
                         headers={"Referer": f"{str(client.base_url).rstrip('/')}/accounts/login/"})
    if answer.status_code != 302 or "/accounts/login" in answer.headers.get("location", ""):
        raise AppError(f"{username}：登录失败（状态 {answer.status_code}）。")


def make_client(base_url: str, timeout_s: float, transport: Any = None) -> Any:
    import httpx

    return httpx.Client(base_url=base_url, timeout=timeout_s, follow_redirects=False, transport=transport,
                        limits=httpx.Limits(max_connections=1, max_keepalive_connections=1))


def sign_in_all(base_url: str, usernames: list[str], password: str, plan: LoadPlan,
                transport: Any = None) -> list[Any]:
    """Sign every user in, 10 at a time, within plan.sign_in_timeout_s; return their clients."""
    from concurrent.futures import ThreadPoolExecutor, wait

    clients = [make_client(base_url, plan.request_timeout_s, transport) for _ in usernames]
    with ThreadPoolExecutor(max_workers=10) as pool:
        futures = [pool.submit(sign_in, c, u, password) for c, u in zip(clients, usernames, strict=True)]
        done, pending = wait(futures, timeout=plan.sign_in_timeout_s)
        for f in pending:
            f.cancel()
    if pending:
        raise AppError(f"{len(pending)} 个用户在 {plan.sign_in_timeout_s:.0f} 秒内没有完成登录。")
    for f in done:
        f.result()  # re-raises the first refusal
    return clients


def _get(client: Any, path: str, run: UserRun) -> int:
    """One measured request; its status, or 0 for a timeout or a failure (kept in run.error).

    A keep-alive connection the server closed while the user was thinking (gunicorn closes idle ones after
    2 s) fails when reused; a browser then opens a new one and sends again, and so does this, once: the
    time of both tries is what the user waited. Retries are counted."""
    import httpx

    for attempt in (1, 2):
        try:
            return int(client.get(path).status_code)
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as error:
            if attempt == 2:
                run.error = str(error)
                return 0
            run.retries += 1
        except Exception as error:  # noqa: BLE001  # a timeout counts as an error
            run.error = str(error)
            return 0
    return 0


def drive(clients: list[Any], paths: dict[str, str], plan: LoadPlan) -> tuple[list[UserRun], float]:
    """Run every signed-in user at once for the plan's time and rounds; return each one's samples and
    the measured duration (warm-up excluded)."""
    barrier = threading.Barrier(len(clients) + 1)
    stop_at: list[float] = [0.0]
    t0: list[float] = [0.0]
    runs = [UserRun(username=f"user{i:02d}") for i in range(len(clients))]

    def one_user(i: int) -> None:
        client, run = clients[i], runs[i]
        rng = random.Random(plan.seed + i)
        pages = list(paths)
        try:
            for _ in range(plan.warmup_rounds if i < plan.warmup_users else 0):
                for page in pages:
                    client.get(paths[page])
        except Exception as error:  # noqa: BLE001  # a user's failure is reported, not fatal to the run
            run.error = f"预热失败：{error}"
        barrier.wait()
        if run.error:
            return
        # Users start spread over the first think time, not all at the same instant.
        time.sleep(rng.uniform(0, plan.think_s))
        for _ in range(plan.max_rounds):
            rng.shuffle(pages)
            for page in pages:
                if time.perf_counter() >= stop_at[0]:
                    return
                started = time.perf_counter()
                status = _get(client, paths[page], run)
                run.samples.append(Sample(page, (time.perf_counter() - started) * 1000.0, status,
                                          started - t0[0]))
                if plan.think_s > 0:
                    time.sleep(rng.expovariate(1.0 / plan.think_s))

    threads = [threading.Thread(target=one_user, args=(i,), daemon=True) for i in range(len(clients))]
    for t in threads:
        t.start()
    barrier.wait()  # everyone has warmed up
    t0[0] = time.perf_counter()
    stop_at[0] = t0[0] + plan.duration_s
    for t in threads:
        t.join(timeout=plan.duration_s + plan.request_timeout_s + 30)
    return runs, time.perf_counter() - t0[0]


def run_load(plan: LoadPlan, progress: Callable[[str], None], var_dir: Path, workers: int | None = None,
             enterprises: int | None = None) -> dict[str, Any]:
    """Prepare, serve, sign in, drive and summarise (the whole `newind bench load`)."""
    from django.db import connection, connections

    before_prepare = loadavg()
    data = ensure_data(progress, enterprises=enterprises)
    password = new_password()
    usernames = ensure_users(plan.users, password)
    paths = page_paths()
    connections.close_all()
    port = free_port()
    log_path = var_dir / "bench-load-server.log"
    var_dir.mkdir(parents=True, exist_ok=True)
    progress(f"启动生产服务器 newind serve（127.0.0.1:{port}，日志 {log_path}）……")
    proc = start_server(port, log_path, workers=workers)
    try:
        t = time.perf_counter()
        clients = sign_in_all(f"http://127.0.0.1:{port}", usernames, password, plan)
        sign_in_s = time.perf_counter() - t
        progress(f"{len(clients)} 个用户已登录（{sign_in_s:.1f} 秒）。开始测量：{plan.duration_s:.0f} 秒，"
                 f"每人两次请求之间平均停顿 {plan.think_s} 秒……")
        load_before = loadavg()
        runs, measured_s = drive(clients, paths, plan)
        load_after = loadavg()
        for c in clients:
            c.close()
    finally:
        stop_server(proc)
    samples = [s for r in runs for s in r.samples]
    summary = summarise(samples, measured_s)
    failed = [r.error for r in runs if r.error]
    return {
        "bench": "load",
        "database": connection.vendor,
        "observations": data["observations"],
        "bench_observations": data["bench_observations"],
        "users": len(usernames),
        "signed_in": len(clients),
        "sign_in_s": round(sign_in_s, 1),
        "duration_s": round(measured_s, 1),
        "think_s": plan.think_s,
        "server_workers": workers or "default",
        "read_cache": os.environ.get("NEWIND_READ_CACHE", "1") != "0",
        "paths": paths,
        **summary,
        "user_errors": failed[:5],
        "reconnects": sum(r.retries for r in runs),
        "goal": {"p95_ms": GOAL_P95_MS, "ratio_to_hello": GOAL_RATIO},
        "loadavg_before_prepare": before_prepare,
        "loadavg_before": load_before,
        "loadavg_after": load_after,
        "spine": data["spine"],
    }


# ---------------------------------------------------------------------------------------------------------
# Where a page's time goes


def profile_pages(username: str, paths: dict[str, str], repeat: int = 3, with_profiler: bool = False,
                  progress: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """Open each page `repeat` times in this process as `username`: SQL queries and time of the first try,
    the median and range of the others (warm), and with `with_profiler` pyinstrument's text profile of one
    more."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=username))
    out: dict[str, Any] = {}
    with override_settings(NEWIND_BENCH_HELLO=True):
        for page, path in paths.items():
            tries = []
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as queries:
                    started, cpu = time.perf_counter(), time.process_time()
                    response = client.get(path)
                    tries.append(((time.perf_counter() - started) * 1000.0, len(queries),
                                  (time.process_time() - cpu) * 1000.0))
            # The first try computes (the read cache is empty for it); the others are what later visitors get
            # (their median, and their range: the machine may be shared).
            (first_ms, first_queries, _), warm = tries[0], [t[0] for t in tries[1:]]
            ms = float(np.median(warm))
            # This process's CPU time (the page's Python and, on SQLite, its SQL): less moved by other work on
            # a shared machine than the wall clock.
            cpu_ms = float(np.median([t[2] for t in tries[1:]]))
            out[page] = {"status": response.status_code, "first_ms": round(first_ms, 1), "first_queries": first_queries,
                         "ms": round(ms, 1), "ms_min": round(min(warm), 1), "ms_max": round(max(warm), 1),
                         "cpu_ms": round(cpu_ms, 1),
                         "queries": len(queries),
                         "sql_ms": round(sum(float(q["time"]) for q in queries.captured_queries) * 1000, 1)}
            progress(f"{PAGE_LABELS[page]:<28} 状态 {response.status_code}  首次 {first_ms:8.1f} ms {first_queries:4d} 条 SQL；"
                     f"其后中位 {ms:8.1f} ms（{min(warm):.1f}–{max(warm):.1f}；CPU {cpu_ms:.1f} ms）{len(queries):4d} 条 SQL"
                     f"（{out[page]['sql_ms']} ms）")
            if with_profiler:
                from pyinstrument import Profiler

                profiler = Profiler()
                profiler.start()
                client.get(path)
                profiler.stop()
                progress(profiler.output_text(unicode=True, color=False, show_all=False))
    return out


def summary_line(summary: dict[str, Any]) -> str:
    return json.dumps(summary, ensure_ascii=False)
