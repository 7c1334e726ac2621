"""Rebuild the CJK fonts shipped in src/newind/core/static/core/fonts/ (run by hand, not at install or run time).

The reports (matplotlib charts, WeasyPrint PDF) and the pages need a Simplified Chinese font that comes with
the Python install, so a machine without fonts-noto-cjk still renders Chinese. The sources are Debian's
fonts-noto-cjk collections, unpacked without installing them:

    apt-get download fonts-noto-cjk && dpkg-deb -x fonts-noto-cjk_*.deb /tmp/noto
    .venv/bin/python scripts/build_cjk_fonts.py /tmp/noto/usr/share/fonts/opentype/noto

Each font keeps the Simplified Chinese face (SC) of the collection, subset to GB 2312 (6,763 汉字 and its
682 symbols), ASCII and Latin-1, the common punctuation blocks, and every character the repository's own
text uses (templates, code, definitions), so a label the platform writes is never missing. Glyph names,
hinting and layout features other than those CJK text needs are dropped to keep the files small. See
docs/decisions.md ("A CJK font ships with the package").
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "src" / "newind" / "core" / "static" / "core" / "fonts"
# (collection file, output file): serif for the body (the stand-in for 仿宋/宋体), bold serif for the
# masthead and title (小标宋), sans for headings, tables and charts (黑体).
FACES = [
    ("NotoSerifCJK-Regular.ttc", "NotoSerifSC-Regular.otf"),
    ("NotoSerifCJK-Bold.ttc", "NotoSerifSC-Bold.otf"),
    ("NotoSansCJK-Regular.ttc", "NotoSansSC-Regular.otf"),
]
TEXT_SUFFIXES = {".py", ".html", ".css", ".js", ".yaml", ".yml", ".md", ".csv", ".txt"}


def gb2312_characters() -> set[str]:
    """Every character of GB 2312 (rows 0xA1–0xF7, cells 0xA1–0xFE), decoded with Python's codec."""
    chars = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                chars.add(bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def repository_characters() -> set[str]:
    """Every non-ASCII character in the repository's own text files (labels, templates, definitions)."""
    chars: set[str] = set()
    for top in ("src", "definitions"):
        for path in (REPO / top).rglob("*"):
            if path.suffix in TEXT_SUFFIXES and path.is_file() and "vendor" not in path.parts:
                chars.update(c for c in path.read_text(encoding="utf-8", errors="ignore") if ord(c) > 0x7F)
    return chars


def wanted_codepoints() -> list[int]:
    """The code points each shipped font covers (those the source font has are kept)."""
    ranges = [range(0x20, 0x7F), range(0xA0, 0x100), range(0x2000, 0x2070), range(0x2150, 0x2190),
              range(0x2460, 0x24A0), range(0x3000, 0x3040), range(0xFF00, 0xFFF0)]
    points = {cp for r in ranges for cp in r}
    points |= {ord(c) for c in gb2312_characters() | repository_characters()}
    return sorted(points)


def rename(font: TTFont) -> None:
    """Give the subset its own family name ("… Newind"), so no system copy of the full font can stand in."""
    name = font["name"]
    family = name.getDebugName(1)
    style = name.getDebugName(2)
    postscript = name.getDebugName(6)
    new_family = f"{family} Newind"
    new_postscript = postscript.replace("-", "Newind-", 1)
    name.setName(new_family, 1, 3, 1, 0x409)
    name.setName(new_family if style == "Regular" else f"{new_family} {style}", 4, 3, 1, 0x409)
    name.setName(new_postscript, 6, 3, 1, 0x409)
    name.setName(name.getDebugName(3).replace(postscript, new_postscript), 3, 3, 1, 0x409)


def build(source_dir: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    codepoints = wanted_codepoints()
    options = subset.Options()
    options.layout_features = ["kern", "vert", "vkrn", "vpal", "halt", "palt", "fwid", "hwid", "locl"]
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # keep copyright and licence
    options.hinting = False
    options.desubroutinize = False
    options.glyph_names = False
    options.notdef_outline = True
    for collection_name, out_name in FACES:
        collection = TTCollection(str(source_dir / collection_name))
        font = next(f for f in collection.fonts if f["name"].getDebugName(1).endswith("CJK SC"))
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=codepoints)
        subsetter.subset(font)
        rename(font)
        font.save(str(OUT / out_name))
        print(f"{out_name}: {(OUT / out_name).stat().st_size / 1e6:.2f} MB, {len(font.getBestCmap())} characters")


if __name__ == "__main__":
    build(Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/opentype/noto"))
