"""Demo data of the imports app: the real published Hunan statistics, imported through the same service."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from newind.imports.services import import_file

DATA_DIR = Path(__file__).resolve().parent / "data" / "hunan"
# Real figures published by statistical offices (see data/hunan/PROVENANCE.md): not 示例数据.
DEMO_FILES = ["prefectures_annual_2005_2016.csv", "industrial_va_growth_2017_jan_nov.csv"]


def load_demo(out: TextIO) -> None:
    """Import the real Hunan statistics (source kept per row). Idempotent: a second run writes nothing."""
    for name in DEMO_FILES:
        preview, batch = import_file(DATA_DIR / name, user=None, source_kind="demo")
        state = f"导入批次 #{batch.pk}" if batch else "数据均未变化"
        out.write(f"湖南省公开统计数据 {name}：{preview.summary()}（{state}）\n")
