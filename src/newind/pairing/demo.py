"""Synthetic pairings and visits for the demo (示例数据), loaded by `newind demo` after the firms and 亩均.

What it makes (numpy Generator, fixed seed):
- key firms: the demo's 规上 firms (and 亩均 A-class ones once a demo evaluation is published), plus a few
  规下 firms the office marks by hand (重大项目配套, standing in for the projects hook);
- about 92% of the key firms paired, five to an official: officials are named contacts of city departments
  (市工信局, 市发改委, …) and three platform accounts of 市工信局 (市直部门用户, documented passwords), who log
  their own visits; every pairing runs from 2017-01-01 with the default cadence (1 visit and 1 call a month);
- visits over 2017: most pairings meet the cadence each month; in December (the latest month) about a
  quarter fall short, so the gaps page has something to show; some visits record problems, and a dozen of
  those are turned into appeals (企业诉求) through the case engine, filed on the visit's day.

The pairings go through the import's own plan (`plan_pairings` → `apply_pairing_import`), so a second run
writes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TextIO

import numpy as np
import pandas as pd

SEED = 20171201
DEPARTMENTS = ["市工业和信息化局", "市发展和改革委员会", "市商务局", "市科学技术局", "市财政局", "市自然资源和规划局",
               "市生态环境局", "市人力资源和社会保障局", "市住房和城乡建设局", "市交通运输局", "市市场监督管理局",
               "市应急管理局", "市政务服务中心", "市税务局", "市金融办"]
SURNAMES = list("王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段")
GIVEN = list("建国军华明伟芳强磊洋勇艳杰娟涛超秀敏静丽刚平辉鹏飞俊峰红波宇浩亮斌文英霞凯琳")
# The three officials with a platform account (市直部门用户 of 市工信局), with documented demo passwords.
ACCOUNTS = [("baolian_zjg", "张建国", "Demo-2017-pair1"), ("baolian_lxh", "李晓红", "Demo-2017-pair2"),
            ("baolian_wq", "王强", "Demo-2017-pair3")]
MANUAL_KEY_FIRMS = 10
PAIRED_SHARE = 0.92
START = dt.date(2017, 1, 1)
TOPICS = ["生产经营和订单情况", "扩产技改计划", "用工招聘需求", "融资需求和银行授信", "惠企政策申报", "用电用气保障",
          "物流运输成本", "环评和排污许可", "项目审批进度", "产品市场开拓"]
PROBLEMS = [("扩建用地指标尚未落实", "land"), ("流动资金贷款审批慢", "financing"), ("熟练技工招聘困难", "labour"),
            ("项目施工许可办理时间长", "approval"), ("专线电力增容未完成", "utilities"), ("园区道路破损影响货运", "logistics"),
            ("排污许可证延续办理", "environment"), ("技改奖补资金未兑现", "policy"), ("厂区周边治安需加强", "other")]


def _people(rng: np.random.Generator, n: int) -> list[tuple[str, str, str]]:
    """n officials: (name, department, phone), names and phones unique."""
    seen: set[str] = set()
    out: list[tuple[str, str, str]] = []
    while len(out) < n:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN, rng.integers(1, 3)))
        if name in seen or name in {a[1] for a in ACCOUNTS}:
            continue
        seen.add(name)
        out.append((name, str(rng.choice(DEPARTMENTS)), f"1397300{len(out):04d}"))
    return out


def _accounts(out: TextIO) -> dict[str, int]:
    from django.contrib.auth import get_user_model

    from newind.accounts.services import create_user

    users = get_user_model().objects
    for username, name, password in ACCOUNTS:
        if not users.filter(username=username).exists():
            create_user(username, "department", password=password, unit_code="D430600-GXJ", name=name,
                        must_change_password=False)
    out.write("示例数据：包联干部的平台账号（市直部门用户，市工信局）：" +
              "；".join(f"{n} 用户名 {u} 密码 {p}" for u, n, p in ACCOUNTS) + "。\n")
    return dict(users.filter(username__in=[a[0] for a in ACCOUNTS]).values_list("username", "id"))


def demo_records(key_firms: pd.DataFrame, users: dict[str, int], seed: int = SEED) -> pd.DataFrame:
    """The demo's pairing list as checked records (the columns `plan_pairings` takes)."""
    rng = np.random.default_rng(seed)
    firms = key_firms.sample(frac=PAIRED_SHARE, random_state=seed).sort_values("credit_code").reset_index(drop=True)
    n_officials = -(-len(firms) // 5)
    people = _people(rng, n_officials - len(ACCOUNTS))
    officials = [(name, "市工业和信息化局", f"1390730{i:04d}", users.get(u)) for i, (u, name, _p) in enumerate(ACCOUNTS)]
    officials += [(name, unit, phone, None) for name, unit, phone in people]
    rows = []
    for i, firm in enumerate(firms.to_dict("records")):
        name, unit, phone, user_id = officials[i // 5]
        rows.append({"sheet": "", "row": i + 2, "official": name, "official_unit": unit, "phone": phone,
                     "user_id": user_id, "firm_id": int(firm["unit_id"]), "credit_code": firm["credit_code"],
                     "start_date": START, "end_date": None, "visits_per_month": 1, "calls_per_month": 1, "quota": None})
    frame = pd.DataFrame(rows)
    for col in ("user_id", "quota", "end_date"):
        frame[col] = pd.Series([None if v is None or pd.isna(v) else v for v in frame[col]], dtype=object)
    return frame


def demo_visits(pairings: pd.DataFrame, seed: int = SEED) -> pd.DataFrame:
    """Visits and calls of 2017 (columns pairing_id, official_id, firm_id, date, kind, topic, problem), set-wise:
    one draw per pairing and month; December (the latest month) has more gaps."""
    rng = np.random.default_rng(seed + 1)
    months = np.arange(1, 13)
    grid = pairings.merge(pd.DataFrame({"month": months}), how="cross")
    n = len(grid)
    keep = np.where(grid["month"] == 12, 0.72, 0.94)
    days_in = grid["month"].map(lambda m: (dt.date(2017 + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)).day)
    frames = []
    for what, share in (("visit", keep), ("call", keep + 0.02)):
        chosen = rng.random(n) < share
        part = grid[chosen].copy()
        day = (rng.random(len(part)) * days_in[chosen].to_numpy()).astype(int) + 1
        part["date"] = [dt.date(2017, int(m), int(d)) for m, d in zip(part["month"], day, strict=True)]
        if what == "visit":
            part["kind"] = np.where(rng.random(len(part)) < 0.15, "meeting", "visit")
        else:
            part["kind"] = "call"
        frames.append(part)
    visits = pd.concat(frames, ignore_index=True)
    visits["topic"] = rng.choice(TOPICS, len(visits))
    has_problem = (visits["kind"] != "call") & (rng.random(len(visits)) < 0.04)
    visits["problem"] = np.where(has_problem, rng.integers(0, len(PROBLEMS), len(visits)), -1)
    return visits.sort_values(["date", "pairing_id", "kind"]).reset_index(drop=True)


def load_demo(out: TextIO, seed: int = SEED) -> None:
    from django.db import transaction
    from django.utils import timezone

    from newind.audit.services import record
    from newind.enterprises.choices import BELOW
    from newind.enterprises.models import EnterpriseProfile
    from newind.pairing.models import KeyFirmFlag, Official, Pairing, PairingBatch, Visit, VisitProblem
    from newind.pairing.queries import key_firm_ids
    from newind.pairing.services import apply_pairing_import, plan_pairings, problem_to_appeal

    if not EnterpriseProfile.objects.filter(is_synthetic=True).exists():
        out.write("示例数据：没有示例企业，未建立包联关系。\n")
        return
    if PairingBatch.objects.filter(source_kind="demo").exists():
        out.write(f"示例数据：包联关系已存在（{Pairing.objects.filter(is_synthetic=True).count()} 对）。\n")
        return
    users = _accounts(out)
    rng = np.random.default_rng(seed)
    below = list(EnterpriseProfile.objects.filter(is_synthetic=True, size=BELOW).order_by("credit_code")
                 .values_list("unit_id", flat=True))
    for unit_id in rng.choice(below, min(MANUAL_KEY_FIRMS, len(below)), replace=False):
        KeyFirmFlag.objects.get_or_create(firm_id=int(unit_id), defaults={
            "reason": "示例数据：重大项目配套企业（办公室标记）", "is_synthetic": True})
    keys = key_firm_ids()
    key_firms = pd.DataFrame(list(EnterpriseProfile.objects.filter(unit_id__in=keys, is_synthetic=True)
                                  .values_list("unit_id", "credit_code")), columns=["unit_id", "credit_code"])
    records = demo_records(key_firms, users, seed)
    digest = hashlib.sha256(f"newind-demo-pairing-seed-{seed}".encode()).hexdigest()
    preview = plan_pairings(records, {"": {}}, f"示例数据：岳阳市重点企业包联名单（随机种子 {seed}）", digest,
                            today=dt.date(2017, 12, 31))
    apply_pairing_import(preview, None, "demo", synthetic=True, today=dt.date(2017, 12, 31))
    pairings = pd.DataFrame(list(Pairing.objects.filter(is_synthetic=True).values_list("id", "official_id", "firm_id")),
                            columns=["pairing_id", "official_id", "firm_id"])
    visits = demo_visits(pairings, seed)
    names = dict(Official.objects.filter(is_synthetic=True).values_list("id", "name"))
    with transaction.atomic():
        Visit.objects.bulk_create([
            Visit(pairing_id=int(v.pairing_id), official_id=int(v.official_id), firm_id=int(v.firm_id), date=v.date,
                  kind=v.kind, participants=f"{names[int(v.official_id)]}、企业负责人",
                  discussed=f"示例数据：了解{v.topic}。", is_synthetic=True)
            for v in visits.itertuples()], batch_size=5000)
        stored = pd.DataFrame(list(Visit.objects.filter(is_synthetic=True).values_list("id", "pairing_id", "date", "kind")),
                              columns=["visit_id", "pairing_id", "date", "kind"])
        with_problem = visits[visits["problem"] >= 0].merge(stored, on=["pairing_id", "date", "kind"]) \
            .drop_duplicates("visit_id")
        VisitProblem.objects.bulk_create([VisitProblem(visit_id=int(v.visit_id), description=PROBLEMS[int(v.problem)][0])
                                          for v in with_problem.itertuples()], batch_size=5000)
        record("pairing.demo_visits", user=None, object_type="pairing.visit",
               after={"visits": len(visits), "problems": len(with_problem)},
               summary=f"示例数据：2017年走访和电话记录 {len(visits)} 条，发现问题 {len(with_problem)} 个。")
    categories = {p: c for p, c in PROBLEMS}
    appealed = 0
    for problem in VisitProblem.objects.filter(visit__is_synthetic=True).select_related("visit") \
            .order_by("visit__date", "id")[::97][:12]:
        moment = timezone.make_aware(dt.datetime.combine(problem.visit.date, dt.time(16, 0)))
        problem_to_appeal(None, problem.pk, category=categories.get(problem.description, "other"), now=moment)
        appealed += 1
    december = visits[visits["date"] >= dt.date(2017, 12, 1)]
    out.write(f"示例数据：重点企业 {len(key_firms)} 家，包联 {len(records)} 对（{records['official'].nunique()} 名干部）；"
              f"2017年走访和电话 {len(visits)} 条（12月 {len(december)} 条，部分包联未达要求），发现问题 "
              f"{len(with_problem)} 个，其中 {appealed} 个已转为企业诉求。\n")
