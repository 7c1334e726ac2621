from django import template

from newind.imports.calc import decimal_text

register = template.Library()


@register.filter
def plain_number(value: object) -> str:
    """3100.90000000 → 3100.9; 3100 stays 3100 (never 3.1E+3)."""
    return decimal_text(value)
