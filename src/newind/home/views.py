"""The home page, the top bar's search and the role guides (使用说明): the site around the domain apps."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from newind.accounts.access import role_of
from newind.core.errors import NotFound
from newind.home.help import GUIDES
from newind.home.menu import entries_for
from newind.home.search import search
from newind.indicators.models import ImportBatch, Indicator
from newind.units.models import Unit


def home(request: HttpRequest) -> HttpResponse:
    stats = {
        "units": Unit.objects.count(),
        "indicators": Indicator.objects.count(),
        # Not a count of observations: at province scale that is a scan of millions of rows on every visit.
        "latest_batch": ImportBatch.objects.order_by("-created_at").only("created_at", "file_name").first(),
    }
    return render(request, "home/home.html", {"stats": stats, "tiles": entries_for(request.user)})


def search_page(request: HttpRequest) -> HttpResponse:
    """The top bar's search: pages, units and indicators the user may open (newind.home.search)."""
    results = search(request.user, request.GET.get("q", ""))
    return render(request, "home/search.html", {"results": results})


def help_page(request: HttpRequest, role: str = "") -> HttpResponse:
    """使用说明: the signed-in user's role's guide, or another role's (/help/<role>/), with links to all."""
    own = role_of(request.user)
    wanted = role or (own.value if own else "")
    guide = GUIDES.get(wanted)
    if guide is None:
        if role:
            raise NotFound(f"没有角色「{role}」的使用说明：请从使用说明页面的角色列表中选择。")
        raise NotFound("您的账号尚未分配角色，没有对应的使用说明：请联系系统管理员分配角色。")
    return render(request, "home/help.html", {"guide": guide, "own": own.value if own else "",
                                              "others": [g for g in GUIDES.values() if g.role != guide.role]})
