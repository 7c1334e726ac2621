"""The demo's park registry (示例数据: levels as designated, areas and industries made up)."""

from __future__ import annotations

from typing import TextIO


def load_demo(out: TextIO) -> None:
    """Load the Yueyang demo parks (idempotent); the demo firms of `enterprises.demo` sit in them."""
    from django.conf import settings

    from newind.parks.services import load_park_registry

    parks = load_park_registry(settings.DEFINITIONS_DIR / "parks" / "yueyang-demo.yaml", synthetic=True)
    out.write(f"示例数据：园区档案 {parks} 个已更新。\n" if parks else "示例数据：园区档案已是最新。\n")
