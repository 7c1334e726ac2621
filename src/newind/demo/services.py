"""Preparing the demo database: reference data, the catalogue, then each app's own demo data."""

from __future__ import annotations

from typing import TextIO

from newind.core.parts import app_modules
from newind.indicators.services import load_indicator_catalogue
from newind.units.services import load_reference_units


def prepare_demo(out: TextIO) -> None:
    """Load everything the demo shows. Idempotent: running it twice changes nothing the second time."""
    counts = load_reference_units()
    out.write(f"参考单位：{counts['units']} 个单位，{counts['groups']} 个对标组已就绪。\n")
    out.write(f"指标目录：{load_indicator_catalogue()} 项指标已就绪。\n")
    # Each app may ship `demo.py` with `load_demo(out)`; they run in INSTALLED_APPS order.
    for _, module in app_modules("demo", newind_only=True):
        loader = getattr(module, "load_demo", None)
        if loader is not None:
            loader(out)
