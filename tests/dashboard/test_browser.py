"""The leaders' dashboard in Chromium: on a phone (390×844) and on the meeting-room screen (1920×1080)."""

from __future__ import annotations

import io

import pytest

from tests.browser_helpers import open_as, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def leader_session(demo_figures, client, cast) -> str:  # type: ignore[no-untyped-def]
    """The demo's figures and 2017 targets, and a logged-in 市领导 session, made before the browser starts
    (all database work must happen before `browser_page`; see tests/benchmark/test_browser.py)."""
    from newind.targets.demo import load_demo
    from tests.benchmark.conftest import INDUSTRY_CSV, import_file

    load_demo(io.StringIO())
    import_file(INDUSTRY_CSV)  # the real 1—11月 2017 growth rates, the city's among them, as in the demo
    return session_cookie(client, cast.leader)


def test_the_dashboard_on_a_phone(leader_session, live_server, browser_page) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    errors = open_as(page, live_server, leader_session)

    # A phone: the cards stack in one column, nothing is wider than the screen, the charts are drawn.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/dashboard/?period=2017-03")
    page.wait_for_selector("#chart-trend canvas")
    cards = page.locator("#cards .kpi")
    assert cards.count() >= 10 and cards.first.is_visible()
    first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    assert first and second and second["y"] > first["y"] + first["height"] - 1  # stacked
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    warnings = page.locator("#warnings .warning")
    assert warnings.count() > 0 and "红灯" in page.locator("#warnings").inner_text()
    assert "责任单位" in warnings.first.inner_text()
    box = page.locator("#chart-counties canvas").first.bounding_box()
    assert box is not None and 200 < box["width"] <= 390
    # The league tables show their main columns without side-scrolling: rank, unit, growth, completion,
    # light; the code and the levels are left for a wider screen (and the report).
    for table in page.locator(".league table").all():
        box = table.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        heads = [h for h in table.locator("th").all() if h.is_visible()]
        assert [h.inner_text() for h in heads][:2] == ["位次", table.locator("th").nth(1).inner_text()]
        assert any("增" in h.inner_text() for h in heads) and heads[-1].inner_text() == "预警"
        assert not table.locator("th", has_text="代码").is_visible()
    page.screenshot(path="/tmp/dashboard-phone.png", full_page=True)

    assert not errors, errors


def _contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


_CHART_JS = """(id) => {
  const chart = echarts.getInstanceByDom(document.getElementById(id));
  const option = chart.getOption();
  const boxes = chart.getZr().storage.getDisplayList(true).map((el) => {
    const r = el.getBoundingRect().clone();
    if (el.transform) { r.applyTransform(el.transform); }
    return {type: el.type, text: el.style && el.style.text, x: r.x, y: r.y, w: r.width, h: r.height};
  });
  return {legend: option.legend && option.legend[0] && option.legend[0].textStyle.color,
          axis: option.yAxis[0].axisLabel.color, fontSize: option.textStyle.fontSize, boxes: boxes};
}"""


def test_the_meeting_room_screen_is_one_screen_without_controls(leader_session, live_server,  # type: ignore[no-untyped-def]
                                                                 browser_page) -> None:
    page = browser_page
    errors = open_as(page, live_server, leader_session)
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(live_server.url + "/dashboard/?period=2017-11&mode=screen")
    page.wait_for_selector("#chart-counties canvas")
    page.wait_for_timeout(300)
    # One screen: nothing to scroll, every part inside the 1920×1080 viewport.
    size = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    assert size[0] <= 1920 and size[1] <= 1080, size
    for part in ("#headline", "#cards", "#warnings", "#chart-trend", "#chart-counties", "#chart-parks"):
        box = page.locator(part).bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 1080, (part, box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= 1920, (part, box)
    # No controls: no period selector, buttons or download form in sight.
    for control in ("#period-form", "#report-form", "#fullscreen-btn", "select", "button"):
        assert not any(e.is_visible() for e in page.locator(control).all()), control
    assert float(page.evaluate("getComputedStyle(document.querySelector('.screen-exit')).opacity")) == 0
    # Legible from across the room: the figures large, no text under 16 px, light text on the dark ground.
    assert page.evaluate("parseFloat(getComputedStyle(document.querySelector('.kpi-value b')).fontSize)") >= 36
    smallest = page.evaluate("""Math.min(...[...document.querySelectorAll('#cockpit *')]
        .filter(e => e.offsetParent !== null && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())
                     && getComputedStyle(e).opacity !== '0')
        .map(e => parseFloat(getComputedStyle(e).fontSize)))""")
    assert smallest >= 15.9, smallest
    trend = page.evaluate(_CHART_JS, "chart-trend")
    counties = page.evaluate(_CHART_JS, "chart-counties")
    assert trend["fontSize"] >= 18 and counties["fontSize"] >= 18
    for colour in (trend["legend"], trend["axis"], counties["axis"]):
        assert _contrast(colour, "#16263d") >= 7, colour  # the cards' background
    # The city's reference line is labelled above the bars, not on them.
    bars = [b for b in counties["boxes"] if b["type"] == "rect" and b["h"] > 10]
    labels = [b for b in counties["boxes"] if b["text"] and "岳阳市" in b["text"]]
    assert len(labels) == 1, "|".join(b["text"] for b in counties["boxes"] if b["text"])
    label = labels[0]
    assert bars and all(label["y"] + label["h"] <= bar["y"] or label["y"] >= bar["y"] + bar["h"]
                        or label["x"] + label["w"] <= bar["x"] or label["x"] >= bar["x"] + bar["w"] for bar in bars)
    # The warning card shows its most severe lights, whatever else it holds (a long 转绿 line must not hide them).
    warnings = page.locator("#warnings .warning")
    assert warnings.count() >= 1
    shown = warnings.nth(0).bounding_box()
    card = page.locator("#warnings").bounding_box()
    assert shown and card and shown["height"] > 20 and card["y"] <= shown["y"] and \
        shown["y"] + shown["height"] <= card["y"] + card["height"] + 1, (shown, card)
    cards = page.locator("#cards .kpi")
    first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    assert first and second and abs(second["y"] - first["y"]) < 2  # side by side
    page.screenshot(path="/tmp/dashboard-screen.png")
    assert not errors, errors
