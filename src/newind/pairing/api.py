"""JSON API of pairing: the pairings in one's scope (with a pairing's visits) and the month's gaps; the same
access rules as the pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from newind.accounts.access import PAIRING_GAPS_PAGE, PAIRINGS_PAGE, pairing_for, pairings_in_scope
from newind.core.errors import AppError
from newind.pairing import calc, queries

router = Router(tags=["包联走访"])


def _month(month: str | None) -> tuple[int, int]:
    try:
        return calc.parse_month(month, timezone.localdate())
    except ValueError as error:
        raise AppError(str(error)) from None


@router.get("/gaps", summary="某月包联走访缺口：未达要求的包联关系、干部和企业，以及无人包联的重点企业（month=2017-12）")
def gaps(request: HttpRequest, month: str | None = Query(None)) -> dict[str, Any]:
    PAIRING_GAPS_PAGE.require(request.user)
    year, m = _month(month)
    found = queries.month_gaps(pairings_in_scope(request.user), year, m)
    return {
        "month": f"{year}-{m:02d}", "counts": found.counts,
        "pairings": [{"pairing_id": r["pairing"].pk, "official": r["official"].name, "official_unit": r["official"].unit_name,
                      "firm": r["firm"].name, "credit_code": r["firm"].credit_code, "visits": int(r["visits"]),
                      "need_visits": int(r["need_visits"]), "calls": int(r["calls"]), "need_calls": int(r["need_calls"])}
                     for r in queries.gap_detail(found)],
        "officials": [{"official_id": int(r["official_id"]), "name": r["name"], "unit": r["unit_name"],
                       "phone": r["phone"], "firms": int(r["firms"]), "missing_visits": int(r["missing_visits"]),
                       "missing_calls": int(r["missing_calls"])} for r in found.officials.to_dict("records")],
        "firms": [{"firm_id": int(r["firm_id"]), "name": r["firm_name"], "credit_code": r["credit_code"],
                   "visits": int(r["visits"]), "need_visits": int(r["need_visits"]), "calls": int(r["calls"]),
                   "need_calls": int(r["need_calls"])} for r in found.firms.to_dict("records")],
        "key_firms_unpaired": [{"firm_id": int(r["firm_id"]), "name": r["firm_name"], "credit_code": r["credit_code"],
                                "sources": r["sources"]} for r in found.unpaired.to_dict("records")],
    }


def _pairing(p: Any) -> dict[str, Any]:
    return {"id": p.pk, "official": p.official.name, "official_unit": p.official.unit_name, "phone": p.official.phone,
            "firm": p.firm.name, "credit_code": p.firm.credit_code, "start_date": p.start_date, "end_date": p.end_date,
            "visits_per_month": p.visits_per_month, "calls_per_month": p.calls_per_month}


@router.get("/pairings", summary="可查看的包联关系（包联干部、企业、起止日期、每月走访和电话要求）")
def pairings(request: HttpRequest, limit: int = Query(500, ge=1, le=5000)) -> list[dict[str, Any]]:
    PAIRINGS_PAGE.require(request.user)
    found = pairings_in_scope(request.user).select_related("official", "firm").order_by("id")[:limit]
    return [_pairing(p) for p in found]


@router.get("/pairings/{pairing_id}", summary="一对包联关系及其走访记录（含发现的问题和转成的诉求编号）")
def pairing_detail(request: HttpRequest, pairing_id: int) -> dict[str, Any]:
    p = pairing_for(request.user, pairing_id)
    visits = [{"id": v.pk, "date": v.date, "kind": v.kind, "kind_label": v.get_kind_display(),
               "participants": v.participants, "discussed": v.discussed,
               "problems": [{"id": q.pk, "description": q.description, "case": q.case.code if q.case else None}
                            for q in v.problems.all()]}
              for v in p.visits.prefetch_related("problems__case").order_by("-date", "-id")]
    return {**_pairing(p), "visits": visits}
