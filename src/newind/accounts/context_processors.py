"""Template context: the signed-in user's role, for the top bar and role-specific links."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from newind.accounts.access import role_of
from newind.accounts.models import ADMIN_ROLES


def current_role(request: HttpRequest) -> dict[str, Any]:
    role = role_of(getattr(request, "user", None))
    # 三员 see no business pages, so the top bar shows them none (accounts.access refuses them anyway).
    return {"current_role": role, "current_role_value": role.value if role else "",
            "current_role_is_admin": role in ADMIN_ROLES}
