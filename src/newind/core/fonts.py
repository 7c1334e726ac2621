"""The CJK fonts that ship with the package, used explicitly by the charts and the PDF (never fontconfig's pick).

Subsets of Noto Serif/Sans CJK SC (GB 2312 and the repository's own characters; OFL, see fonts/OFL.txt),
built by scripts/build_cjk_fonts.py. A machine without any system CJK font still renders the reports, and
the pages can fall back to the same sans face through /static/. See docs/decisions.md.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

FONT_DIR = Path(__file__).resolve().parent / "static" / "core" / "fonts"
SERIF = FONT_DIR / "NotoSerifSC-Regular.otf"  # body text (the PDF's stand-in for 仿宋)
SERIF_BOLD = FONT_DIR / "NotoSerifSC-Bold.otf"  # masthead and title (小标宋)
SANS = FONT_DIR / "NotoSansSC-Regular.otf"  # headings, table heads, charts (黑体)
SHIPPED = (SERIF, SERIF_BOLD, SANS)

# The shipped files' own family names (renamed "… Newind" by the build script), used by the PDF's
# @font-face rules and by matplotlib: no system font carries them, so nothing can stand in for them.
PDF_SERIF_FAMILY = "Noto Serif CJK SC Newind"
PDF_SANS_FAMILY = "Noto Sans CJK SC Newind"


@lru_cache(maxsize=1)
def matplotlib_family() -> str:
    """Register the shipped sans face with matplotlib and return its family name (for rcParams)."""
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(SANS))
    return font_manager.FontProperties(fname=str(SANS)).get_name()


def pdf_font_faces() -> str:
    """The @font-face rules of the PDF: the shipped files by file:// URL (the only files the fetcher opens)."""
    faces = [(PDF_SERIF_FAMILY, 400, SERIF), (PDF_SERIF_FAMILY, 700, SERIF_BOLD), (PDF_SANS_FAMILY, 400, SANS)]
    return "\n".join(
        f'@font-face {{ font-family: "{family}"; font-weight: {weight}; src: url("{path.as_uri()}"); }}'
        for family, weight, path in faces)


def pdf_url_fetcher() -> Any:
    """A WeasyPrint URL fetcher that opens data: URIs and the shipped font files, and nothing else."""
    from weasyprint.urls import URLFetcher

    allowed = {path.as_uri() for path in SHIPPED}

    class ShippedFontsOnly(URLFetcher):  # type: ignore[misc]  # WeasyPrint is untyped
        def fetch(self, url: str, headers: Any = None) -> Any:
            if not (url.startswith("data:") or url in allowed):
                raise ValueError(f"报告只读取内嵌数据与随平台安装的字体，拒绝读取：{url}")
            return super().fetch(url, headers)

    return ShippedFontsOnly(allowed_protocols={"data", "file"}, allow_redirects=False)
