"""Fixtures for the report tests: the demo's synthetic monthly figures on top of the reference data."""

from __future__ import annotations

import os
import shutil

import pytest


@pytest.fixture
def demo_figures(reference_data) -> None:  # type: ignore[no-untyped-def]
    """Yueyang's synthetic monthly figures (示例数据) for 2016–2017, exactly as `newind demo` loads them.

    The report reads only this year and last, so the earlier years are left out to keep the tests fast.
    """
    from newind.indicators.demo import demo_candidates
    from newind.indicators.services import bulk_insert_observations, make_batch

    candidates = demo_candidates()
    rows = candidates[candidates["year"] >= 2016].reset_index(drop=True)
    # Every figure is new and has one version, so it is current: the spine's bulk insert writes them as
    # such directly (apply_observation_plan would insert, then flip is_current in 900-row updates).
    batch = make_batch("示例数据（测试）", "", None, "demo")
    bulk_insert_observations(rows.assign(version=1, is_current=True, batch_id=batch.id, reason="示例数据"))


def require_tool(name: str) -> str:
    """The path of a command-line tool the test needs; fail on CI without it, skip elsewhere."""
    path = shutil.which(name)
    if path:
        return path
    if os.environ.get("CI") == "true":
        pytest.fail(f"找不到 {name}：CI 必须安装 poppler-utils（.ci/run 的 apt-get 一行）。")
    pytest.skip(f"未安装 {name}（Debian: apt-get install poppler-utils），跳过 PDF 文本检查。")
