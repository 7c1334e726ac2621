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
    from newind.indicators.services import apply_observation_plan, make_batch, plan_observations

    candidates = demo_candidates()
    plan = plan_observations(candidates[candidates["year"] >= 2016].reset_index(drop=True))
    apply_observation_plan(plan, make_batch("示例数据（测试）", "", None, "demo", plan), None, "示例数据")


def require_tool(name: str) -> str:
    """The path of a command-line tool the test needs; fail on CI without it, skip elsewhere."""
    path = shutil.which(name)
    if path:
        return path
    if os.environ.get("CI") == "true":
        pytest.fail(f"找不到 {name}：CI 必须安装 poppler-utils（.ci/run 的 apt-get 一行）。")
    pytest.skip(f"未安装 {name}（Debian: apt-get install poppler-utils），跳过 PDF 文本检查。")
