"""The assessment's arithmetic, pure (no ORM): a frame of units with their inputs in, scored on the scoring
engine by an assessment scheme, out as one league table per kind of unit with every unit's items explained;
the quarterly review's rank changes, interview list and commentary; and the difference between two runs.

Why one league per kind and not per county type: weights differ by type (an ecological county weighs growth
less), but every type's items add up to the same 100 points, so the totals compare and the office ranks
all its counties together, as its league tables always have. Ranks are competition ranks (1, 2, 2, 4) on the
total rounded half-up to the scheme's decimals. Grades follow the scheme's thresholds on the total; a veto
(一票否决) caps the grade (the engine's veto rule), and the units whose veto blocked the top grade are listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from newind.assessment.schemes import AssessmentScheme
from newind.scoring import calc as engine
from newind.scoring.schemes import METHOD_LABELS

KIND_WORDS = {"county": "县市区", "park": "园区", "department": "市直部门"}
ITEM_COLUMNS = ["code", "item", "label", "input", "raw", "unit", "weight", "points", "rule", "filled"]
UNIT_COLUMNS = ["code", "name", "unit_type", "type_label", "status", "reason", "items_total", "bonus", "malus",
                "veto", "veto_reason", "total", "rank", "rated_among", "grade", "grade_label", "grade_by_score",
                "rank_text", "grade_text"]


@dataclass
class Result:
    scheme: AssessmentScheme
    units: pd.DataFrame  # UNIT_COLUMNS, one row per unit, by rank
    items: pd.DataFrame  # ITEM_COLUMNS, one row per rated unit and item


def _text(values: Any, decimals: int = 2) -> np.ndarray:
    return engine._fmt(np.asarray(values, dtype=float), decimals)


def assess(frame: pd.DataFrame, scheme: AssessmentScheme) -> Result:
    """Score every unit of `frame` (columns: code, name, unit_type, one per input of the scheme, optional
    flag = 否决 and flag_reason) by the scheme; see the module's docstring for ranks and grades."""
    sc = scheme.scoring
    data = frame.reset_index(drop=True).copy()
    data["credit_code"] = data["code"].astype(str)
    for column in ("flag", "flag_reason"):
        if column not in data.columns:
            data[column] = ""
    ev = engine.evaluate(data, sc)
    firms = ev.firms
    rated = (firms["status"] == engine.RATED).to_numpy()
    total = firms["total"].to_numpy(dtype=float)
    rank = np.full(len(firms), np.nan)
    if rated.any():
        rank[rated] = pd.Series(total[rated]).rank(method="min", ascending=False).to_numpy()
    n = int(rated.sum())
    word = KIND_WORDS[scheme.kind]
    levels = sc.class_rules.levels
    codes = [lv.code for lv in levels]
    by_score = firms["class_by_rank"].to_numpy(dtype=object)  # by thresholds: the class before the veto
    grade = firms["class_initial"].to_numpy(dtype=object)
    label_of = {lv.code: lv.label for lv in levels}
    flag = data["flag"].fillna("").astype(str).to_numpy()
    veto = flag == "否决"
    idx = pd.Series(by_score).map({c: i for i, c in enumerate(codes)}).fillna(len(codes) - 1).to_numpy(dtype=int)
    mins = np.array([f"{lv.min_total:g}" if lv.min_total is not None else "" for lv in levels], dtype=object)[idx]
    labels = np.array([lv.label for lv in levels], dtype=object)[idx]
    last_min = f"{levels[-2].min_total:g}"
    grade_text = np.where(idx == len(levels) - 1, "总分低于" + levels[-2].label + "线 " + last_min + " 分，评为" + labels,
                          "总分达到" + labels + "线 " + mins + " 分，评为" + labels)
    grade_text = np.where(veto & rated, grade_text.astype(object) + "；" + firms["reason_flag"].to_numpy(dtype=object),
                          grade_text)
    rank_text = ("总分 " + _text(total, sc.rank_decimals) + " 分，在 " + str(n) + " 个参评" + word + "中排第 " +
                 pd.Series(rank).fillna(0).astype(int).astype(str).to_numpy(dtype=object) + " 名")
    type_label = {g.code: g.label for g in sc.groups}
    units = pd.DataFrame({
        "code": data["code"].astype(str).to_numpy(), "name": data["name"].astype(str).to_numpy(),
        "unit_type": data["unit_type"].astype(str).to_numpy(),
        "type_label": data["unit_type"].map(type_label).fillna("").to_numpy(),
        "status": firms["status"].to_numpy(), "reason": firms["reason"].to_numpy(),
        "items_total": firms["item_points"].to_numpy(dtype=float), "bonus": firms["bonus"].to_numpy(dtype=float),
        "malus": firms["malus"].to_numpy(dtype=float), "veto": veto,
        "veto_reason": np.where(veto, data["flag_reason"].fillna("").astype(str).to_numpy(), ""),
        "total": total, "rank": rank, "rated_among": np.where(rated, n, np.nan),
        "grade": np.where(rated, grade, None), "grade_label": np.where(rated, pd.Series(grade).map(label_of), None),
        "grade_by_score": np.where(rated, by_score, None),
        "rank_text": np.where(rated, rank_text, ""), "grade_text": np.where(rated, grade_text, ""),
    })
    units = units.sort_values(["rank", "code"], na_position="last", kind="mergesort").reset_index(drop=True)
    return Result(scheme=scheme, units=units, items=_items(ev, data, scheme))


def _items(ev: engine.Evaluation, data: pd.DataFrame, scheme: AssessmentScheme) -> pd.DataFrame:
    """One row per rated unit and item with the raw figure, the points and the rule that gave them."""
    long = ev.items
    if long.empty:
        return pd.DataFrame(columns=ITEM_COLUMNS)
    spec = pd.DataFrame([{"group": g.code, "item": i.code, "label": i.label, "input": i.numerator, "unit": i.unit,
                          "weight": i.weight, "method": i.method, "fixed": i.best is not None,
                          "cap_bm": i.benchmark.value if i.benchmark is not None and i.benchmark.kind == "fixed" else np.nan}
                         for g in scheme.scoring.groups for i in g.items])
    out = long.merge(spec, on=["group", "item"], how="left")
    out["code"] = data.loc[out["row"].to_numpy(), "code"].astype(str).to_numpy()
    raw = out["value"].to_numpy(dtype=float)
    pts = out["points"].to_numpy(dtype=float)
    w = out["weight"].to_numpy(dtype=float)
    share = np.where(w > 0, pts / w * 100, np.nan)
    head = out["method"].map(METHOD_LABELS).to_numpy(dtype=object)
    pts_t, w_t = _text(pts), _text(w, 0)
    raw_t = _text(raw)
    efficacy = ("；" + np.where(out["fixed"], "满意值 ", "参评单位最优值 ") + _text(out["best"]) +
                np.where(out["fixed"], "、不允许值 ", "、最差值 ") + _text(out["worst"]) + "，" + raw_t +
                " 的得分率 " + _text(share, 1) + "%（60%—100%），" + w_t + " × " + _text(share, 1) + "% = " + pts_t)
    rate = raw / out["cap_bm"].to_numpy(dtype=float) * 100
    completion = ("；" + raw_t + " ÷ " + _text(out["cap_bm"], 0) + " = " + _text(rate, 1) + "%" +
                  np.where(rate > 100, "，超过100%按100%计", "") + "，" + w_t + " × " + _text(np.minimum(rate, 100), 1) +
                  "% = " + pts_t)
    m = out.groupby(["group", "item"])["filled"].transform(lambda s: (~s).sum()).to_numpy(dtype=float)
    r = np.round(m - pts / np.where(w > 0, w, 1) * m + 1)
    rankp = ("；在 " + _text(m, 0) + " 个有此数据的单位中第 " + _text(r, 0) + " 名，" + w_t + " × (" + _text(m, 0) +
             " − " + _text(r, 0) + " + 1) ÷ " + _text(m, 0) + " = " + pts_t)
    ratio = "；" + raw_t + " ÷ 基准值 " + _text(out["benchmark"]) + " × " + w_t + " = " + pts_t
    method = out["method"].to_numpy(dtype=object)
    detail = np.select([method == "efficacy_coefficient", method == "completion_rate", method == "rank_points"],
                       [efficacy, completion, rankp], ratio)
    filled = out["filled"].to_numpy(dtype=bool)
    rule = np.where(filled, out["note"].to_numpy(dtype=object), head + detail)
    return pd.DataFrame({
        "code": out["code"], "item": out["item"], "label": out["label"], "input": out["input"],
        "raw": np.where(filled, np.nan, raw), "unit": out["unit"], "weight": w, "points": pts,
        "rule": rule, "filled": filled,
    })[ITEM_COLUMNS]


# --- rewards and penalties, vetoes ---------------------------------------------------------------------------

def rewards(units: pd.DataFrame, scheme: AssessmentScheme) -> pd.DataFrame:
    """The rewards and penalties list (奖惩名单) by grade, as the scheme says, best first."""
    hit = units[units["grade"].isin(list(scheme.rewards))]
    return hit.assign(measure=hit["grade"].map(scheme.rewards))[["code", "name", "rank", "total", "grade",
                                                                  "grade_label", "measure"]]


def veto_blocked(units: pd.DataFrame, scheme: AssessmentScheme) -> pd.DataFrame:
    """The units whose veto (一票否决) blocked a grade their total had reached, with the reason."""
    hit = units[units["veto"].astype(bool) & (units["grade_by_score"] != units["grade"]) & units["grade"].notna()]
    return hit[["code", "name", "total", "grade_by_score", "grade", "veto_reason"]]


# --- the quarterly review ------------------------------------------------------------------------------------

def rank_change(now: pd.DataFrame, before: pd.DataFrame | None) -> pd.Series:
    """Places gained (+) or lost (−) since the previous review, by unit code (NaN: not ranked before)."""
    if before is None or before.empty:
        return pd.Series(np.nan, index=now.index)
    prev = before.set_index("code")["rank"]
    return prev.reindex(now["code"]).to_numpy() - now["rank"]


def rank_change_text(change: Any) -> str:
    if change is None or pd.isna(change):
        return "—"
    change = int(change)
    return f"进位{change}" if change > 0 else f"退位{-change}" if change < 0 else "持平"


def interview(units: pd.DataFrame, scheme: AssessmentScheme) -> pd.DataFrame:
    """The units marked for an interview (约谈) and the rule that put each there."""
    rule = scheme.review
    rated = units[units["rank"].notna()]
    n = len(rated)
    word = KIND_WORDS[scheme.kind]
    reasons = pd.Series("", index=rated.index, dtype=object)
    if rule.interview_bottom and n:
        cut = n - rule.interview_bottom + 1
        bottom = rated["rank"] >= cut
        reasons[bottom] = ("排名第 " + rated["rank"].astype(int).astype(str) + " 名，处于 " + str(n) + " 个" + word +
                           "的后 " + str(rule.interview_bottom) + " 名（规则：季度排名后" + str(rule.interview_bottom) +
                           "名约谈主要负责人）")
    if rule.interview_below is not None:
        low = rated["total"] < rule.interview_below
        text = "总分 " + pd.Series(_text(rated["total"]), index=rated.index) + f" 分，低于 {rule.interview_below:g} 分（规则：" \
            f"总分低于{rule.interview_below:g}分约谈）"
        reasons[low] = np.where(reasons[low] != "", reasons[low] + "；" + text[low], text[low])
    hit = rated[reasons != ""]
    return hit.assign(rule=reasons[reasons != ""])[["code", "name", "rank", "total", "rule"]]


def _item_swing(items_now: pd.DataFrame, items_before: pd.DataFrame, code: str, sign: int) -> str:
    """The item that moved a unit most in the direction `sign` (+1 up, −1 down), with its raw figures."""
    a = items_now[items_now["code"] == code].set_index("item")
    b = items_before[items_before["code"] == code].set_index("item")
    if a.empty or b.empty:
        return ""
    delta = (a["points"] - b["points"].reindex(a.index)).dropna() * sign
    if delta.empty or delta.max() <= 0:
        return ""
    item = str(delta.idxmax())
    row, old = a.loc[item], b.loc[item]
    figures = "" if pd.isna(row["raw"]) or pd.isna(old["raw"]) else \
        f"（{_text([old['raw']])[0]}→{_text([row['raw']])[0]}{row['unit']}）"
    verb = "增加" if sign > 0 else "减少"
    return f"主要是「{row['label']}」得分{verb} {_text([delta.max()])[0]} 分{figures}"


def _weakest(items: pd.DataFrame, code: str, k: int = 2) -> str:
    mine = items[(items["code"] == code) & (items["weight"] > 0)]
    if mine.empty:
        return ""
    share = (mine["points"] / mine["weight"] * 100).round(1)
    worst = mine.assign(share=share).nsmallest(k, "share")
    return "、".join(f"「{r.label}」得分率 {r.share:.1f}%" for r in worst.itertuples())


def _strongest(items: pd.DataFrame, code: str, k: int = 2) -> str:
    """The items where the unit is furthest above the mean share of the weight of all rated units."""
    if items.empty:
        return ""
    frame = items.assign(share=items["points"] / items["weight"].where(items["weight"] > 0) * 100)
    mean = frame.groupby("item")["share"].mean()
    mine = frame[frame["code"] == code].set_index("item")
    lead = (mine["share"] - mean.reindex(mine.index)).dropna()
    lead = lead[lead > 0].nlargest(k)
    return "、".join(f"「{mine.loc[i, 'label']}」" for i in lead.index)


def commentary(units: pd.DataFrame, items: pd.DataFrame, before_units: pd.DataFrame | None,
               before_items: pd.DataFrame | None, scheme: AssessmentScheme, period_label: str,
               interviews: pd.DataFrame) -> list[str]:
    """The review's commentary from the numbers: who led and on which items, who rose and who fell and on
    which item, who is at the bottom and where they lost points."""
    rated = units[units["rank"].notna()].sort_values(["rank", "code"])
    word = KIND_WORDS[scheme.kind]
    if rated.empty:
        return [f"{period_label}没有可参评的{word}。"]
    out = []
    first = rated.iloc[0]
    head = f"{period_label}，{len(rated)}个{word}参评。{first['name']}以 {_text([first['total']])[0]} 分排名第一"
    strong = _strongest(items, first["code"])
    head += f"，领先主要在{strong}" if strong else ""
    followers = rated.iloc[1:3]["name"].tolist()
    if followers:
        head += f"；{'、'.join(followers)}分列第{'二、三'[:len(followers) * 2 - 1]}名"
    out.append(head + "。")
    if before_units is None or before_units.empty:
        out.append("本期为首次讲评，没有上期名次可比。")
    else:
        change = pd.Series(rank_change(rated, before_units).to_numpy(), index=rated.index)
        up, down = change[change > 0], change[change < 0]
        if not up.empty:
            i = up.idxmax()
            row = rated.loc[i]
            prev = int(row["rank"] + up[i])
            why = _item_swing(items, before_items if before_items is not None else items.iloc[0:0], row["code"], 1)
            out.append(f"进位最多的是{row['name']}，由第 {prev} 名升至第 {int(row['rank'])} 名（进位{int(up[i])}）"
                       + (f"，{why}" if why else "") + "。")
        if not down.empty:
            i = down.idxmin()
            row = rated.loc[i]
            prev = int(row["rank"] + down[i])
            why = _item_swing(items, before_items if before_items is not None else items.iloc[0:0], row["code"], -1)
            out.append(f"退位最多的是{row['name']}，由第 {prev} 名降至第 {int(row['rank'])} 名（退位{int(-down[i])}）"
                       + (f"，{why}" if why else "") + "。")
        if up.empty and down.empty:
            out.append("各单位名次与上期相同。")
    for r in interviews.itertuples():
        weak = _weakest(items, r.code)
        out.append(f"{r.name}排第 {int(r.rank)} 名（{_text([r.total])[0]} 分），" +
                   (f"失分主要在{weak}，" if weak else "") + f"列入约谈：{r.rule}。")
    return out


# --- two runs compared ---------------------------------------------------------------------------------------

def diff(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per unit, what changed from one run's result to the next: total, rank, grade, and the items whose raw
    figure or points changed (with the figures' versions). Units that did not change are left out."""
    old = {u["code"]: u for u in before}
    out = []
    for unit in after:
        prev = old.get(unit["code"])
        if prev is None:
            out.append({"code": unit["code"], "name": unit["name"], "change": "新增", "items": []})
            continue
        prev_items = {i["code"]: i for i in prev.get("items", [])}
        items = []
        for item in unit.get("items", []):
            p = prev_items.get(item["code"], {})
            if p.get("raw") != item.get("raw") or p.get("points") != item.get("points"):
                items.append({"code": item["code"], "label": item.get("label", item["code"]),
                              "raw_before": p.get("raw"), "raw_after": item.get("raw"),
                              "version_before": p.get("version"), "version_after": item.get("version"),
                              "points_before": p.get("points"), "points_after": item.get("points")})
        fields = {k: (prev.get(k), unit.get(k)) for k in ("total", "rank", "grade", "malus", "bonus", "veto")}
        changed = {k: v for k, v in fields.items() if v[0] != v[1]}
        if items or changed:
            out.append({"code": unit["code"], "name": unit["name"], "change": "变化",
                        **{f"{k}_before": v[0] for k, v in changed.items()},
                        **{f"{k}_after": v[1] for k, v in changed.items()}, "items": items})
    return out
