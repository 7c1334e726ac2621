"""Sources are shown by a Chinese label (definitions/sources.yaml); the stored text stays behind it."""

from __future__ import annotations

import csv
import re

import pytest

from newind.indicators.sources import source_label, source_labels, sources_text
from tests.conftest import SHARED_DATA

CSMAR = ("China City Statistical Yearbook, as compiled in CSMAR CRE_Gdpct "
         "(redistributed in a public research repository)")
HUNAN_2018 = "Hunan provincial government data release dated 2018-01-04 (mirrored copy)"
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def _shipped_sources() -> set[str]:
    found = set()
    for path in SHARED_DATA.glob("*.csv"):
        with path.open(encoding="utf-8") as f:
            found |= {row["source"] for row in csv.DictReader(f)}
    return found


def test_every_source_shipped_with_the_platform_has_a_chinese_label() -> None:
    sources = _shipped_sources()
    assert len(sources) >= 8
    for text in sources:
        shown = source_label(text)
        assert shown.known, f"definitions/sources.yaml 没有「{text}」的中文名称"
        # No English words in the label (CSMAR is the database's own name).
        assert not LATIN_WORD.search(shown.label.replace("CSMAR", "")), shown.label
        assert shown.texts == (text,) and shown.note  # the stored text and a Chinese note stay behind it


@pytest.mark.parametrize(("text", "label"), [
    (CSMAR, "《中国城市统计年鉴》（经CSMAR整理）"),
    (HUNAN_2018, "湖南省人民政府2018年1月4日发布数据"),
    ("first release, Hunan provincial government", "湖南省人民政府初步核算数"),
    ("National Bureau of Statistics provincial series (public copies)", "国家统计局分省年度数据"),
    ("岳阳县 2017年1—3月 报表（审核人 张审核）", "各单位报送并经审核的月度报表"),
])
def test_known_sources_get_their_label(text: str, label: str) -> None:
    shown = source_label(text)
    assert shown.label == label
    assert text in shown.detail  # the provenance: the stored text, unchanged


def test_unknown_sources_fall_back_without_losing_the_text() -> None:
    chinese = source_label("岳阳市统计局《统计月报》")
    assert (chinese.label, chinese.known, chinese.detail) == ("岳阳市统计局《统计月报》", False, "")
    web = source_label("https://tjj.example.cn/a/b.html (copied 2018)")
    assert web.label == "网络公开资料（tjj.example.cn）" and "https://tjj.example.cn/a/b.html" in web.detail
    other = source_label("Some English yearbook")
    assert other.label == "其他公开资料" and other.detail == "原始记录：Some English yearbook。"
    assert source_label("").label == "本平台数据库"


def test_several_texts_with_one_label_are_shown_once_with_every_text_behind_it() -> None:
    texts = ["岳阳县 2017年1—3月 报表（审核人 甲）", "云溪区 2017年1—3月 报表（审核人 乙）", HUNAN_2018,
             "岳阳县 2017年1—3月 报表（审核人 甲）", None]
    labels = source_labels(texts)
    assert [s.label for s in labels] == ["各单位报送并经审核的月度报表", "湖南省人民政府2018年1月4日发布数据"]
    assert labels[0].texts == ("岳阳县 2017年1—3月 报表（审核人 甲）", "云溪区 2017年1—3月 报表（审核人 乙）")
    assert sources_text(texts) == "各单位报送并经审核的月度报表；湖南省人民政府2018年1月4日发布数据"
    assert sources_text([], "本平台数据库") == "本平台数据库"
