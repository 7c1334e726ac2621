"""The CJK fonts shipped with the package: they cover what the platform writes, and only they are opened.

This machine has no system CJK font (on purpose: neither has a user's). Charts render Chinese without a
"Glyph … missing" warning (warnings fail the run), and the PDF fetcher opens nothing but the shipped files.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from matplotlib import font_manager

from newind.core import fonts

REPO = Path(__file__).resolve().parents[2]


def _platform_text_characters() -> set[str]:
    """Every non-ASCII character of what pages, reports and definitions show (CLI-only output left out)."""
    chars: set[str] = set()
    paths = [*(REPO / "src").rglob("*.html"), *(REPO / "src").rglob("*.py"), *(REPO / "definitions").rglob("*.yaml")]
    for path in paths:
        if "management" in path.parts or "migrations" in path.parts:
            continue
        chars.update(c for c in path.read_text(encoding="utf-8") if ord(c) > 0x7F)
    return chars


def test_the_shipped_fonts_cover_every_character_the_platform_writes():
    text = _platform_text_characters()
    assert {"岳", "汨", "湘", "—", "（", "％"} <= text  # the scan reads real labels
    for path in fonts.SHIPPED:
        cmap = TTFont(str(path)).getBestCmap()
        missing = sorted(c for c in text if ord(c) not in cmap)
        # A new label with a character outside GB 2312: rebuild with scripts/build_cjk_fonts.py.
        assert not missing, f"{path.name} lacks {''.join(missing)}"
        # GB 2312's 6,763 汉字 are all there, e.g. the first and the last of level 2.
        assert ord("亍") in cmap and ord("齄") in cmap


def test_the_fonts_carry_their_own_family_names_and_licence():
    names = {TTFont(str(p))["name"].getDebugName(1) for p in fonts.SHIPPED}
    assert names == {fonts.PDF_SERIF_FAMILY, fonts.PDF_SANS_FAMILY}
    licence = (fonts.FONT_DIR / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Adobe" in licence


def test_charts_draw_chinese_with_the_shipped_font():
    import pandas as pd

    from newind.reports.charts import league_chart

    family = fonts.matplotlib_family()
    assert family == fonts.PDF_SANS_FAMILY
    assert Path(font_manager.findfont(font_manager.FontProperties(family=family))) == fonts.SANS
    # With filterwarnings=error, a glyph missing from the font ("Glyph 23731 missing") fails here.
    frame = pd.DataFrame({"unit_name": ["岳阳楼区", "汨罗市", "屈原管理区"], "growth_pct": [8.1, -2.5, 6.0]})
    png = league_chart(frame, "岳阳市", 7.2)
    assert png.startswith(b"\x89PNG")


def test_the_pdf_fetcher_opens_only_data_and_the_shipped_fonts(tmp_path):
    fetcher = fonts.pdf_url_fetcher()
    other = tmp_path / "other.otf"
    other.write_bytes(fonts.SANS.read_bytes()[:100])
    for url in (other.as_uri(), "file:///etc/passwd", "http://127.0.0.1/x.png"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    response = fetcher.fetch(fonts.SANS.as_uri())
    try:
        assert response.read(4) == b"OTTO"  # an OpenType (CFF) font
    finally:
        response.close()
    assert fetcher.fetch("data:text/plain,ok").read() == b"ok"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pages_fall_back_to_the_shipped_sans_face_in_a_browser_without_cjk_fonts(client, cast, live_server,
                                                                                 browser_page):
    """Chromium here has no system CJK font: the page's font stack ends in the shipped face, which loads
    from /static/ (CSP font-src 'self'), so layout tests measure real Chinese glyphs, not missing-glyph boxes."""
    from tests.browser_helpers import open_as, session_cookie

    session = session_cookie(client, cast.leader)
    page = browser_page
    errors = open_as(page, live_server, session)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/accounts/me/")
    page.evaluate("document.fonts.ready")
    status = page.evaluate("""() => { const f = [...document.fonts].find(f => f.family.includes('Newind'));
                                      return f ? f.status : 'absent'; }""")
    assert status == "loaded"
    # A line of ten 汉字 at 20px is ten full-width glyphs wide in the shipped face.
    width = page.evaluate("""() => { const s = document.createElement('span'); s.style.fontSize = '20px';
        s.textContent = '岳阳市新型工业化推进'; document.body.appendChild(s); return s.getBoundingClientRect().width; }""")
    assert width == pytest.approx(200, abs=1)
    # On a phone each menu item stays on one line (no item squeezed to one character a line), and the
    # logout button, a form control, uses the page's fonts too.
    heights = page.evaluate("[...document.querySelectorAll('.mainnav a')].map(a => a.getBoundingClientRect().height)")
    from newind.home.menu import entries_for

    # Menu links are 44 px tap targets holding one line; an item squeezed to a character a line is far taller.
    assert len(heights) == len(entries_for(cast.leader)) and max(heights) <= 44, heights
    assert "Newind" in page.evaluate("getComputedStyle(document.querySelector('.who button')).fontFamily")
    page.screenshot(path="/tmp/fonts-phone.png", full_page=True)
    assert not errors
