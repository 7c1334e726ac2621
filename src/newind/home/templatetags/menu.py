"""`{% menu_entries user as entries %}`: the pages of newind.home.menu this user may open."""

from __future__ import annotations

from typing import Any

from django import template

from newind.home.menu import MenuEntry, entries_for

register = template.Library()


@register.simple_tag
def menu_entries(user: Any) -> list[MenuEntry]:
    """The menu entries the user may open (none for anonymous users)."""
    return entries_for(user)
