"""Periods are values: an annual figure, a cumulative quarter (1–N季度) or a cumulative month (1–N月).

Monthly figures are cumulative from January and there is no January release: the first release of a
year is 1–2月 (n=2), so month n=1 is not a valid period.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import total_ordering

from newind.core.errors import AppError, NotFound

# The one grammar of period texts, for typed parameters, URLs, forms and imported cells alike. Separators
# between year and month may be "-", "/" or "." (what spreadsheets and offices write: 2017-03, 2017/03,
# 2017.03); a number read from a cell as 2017.0 is the year 2017.
_SEPARATORS = {"—": "-", "–": "-", "－": "-", "／": "/", "．": ".", " ": "", "\u3000": ""}
_ANNUAL_RE = re.compile(r"(\d{4})(?:\.0)?年?(?:度)?")
_MONTH_RE = re.compile(r"(\d{4})[-/.](\d{1,2})|(\d{4})年(?:1-)?(\d{1,2})月(?:份)?(?:累计)?")
_QUARTER_RE = re.compile(r"(\d{4})[Qq]([1-4])|(\d{4})年(?:1-)?([1-4])季度|(\d{4})年([一二三四])季度")
PERIOD_HELP = "请写成 2016（年度）、2017-03（1—3月累计，也可写 2017/03、2017.03、2017年1—3月）或 2017Q1（一季度）"


class PeriodKind(StrEnum):
    ANNUAL = "Y"
    QUARTER_CUM = "Q"
    MONTH_CUM = "M"


_ORDER = {PeriodKind.ANNUAL: 0, PeriodKind.QUARTER_CUM: 1, PeriodKind.MONTH_CUM: 2}


@total_ordering
@dataclass(frozen=True)
class Period:
    year: int
    kind: PeriodKind = PeriodKind.ANNUAL
    n: int = 0  # 0 for annual; the last quarter or month covered by a cumulative figure

    def __post_init__(self) -> None:
        if not 1900 <= self.year <= 2100:
            raise AppError(f"年份{self.year}超出范围：请填写1900—2100之间的年份。")
        if self.kind == PeriodKind.ANNUAL and self.n != 0:
            raise AppError("年度数据不应带月份或季度。")
        if self.kind == PeriodKind.QUARTER_CUM and not 1 <= self.n <= 4:
            raise AppError(f"季度{self.n}无效：季度应为1—4。")
        if self.kind == PeriodKind.MONTH_CUM and not 2 <= self.n <= 12:
            raise AppError(
                f"月份{self.n}无效：月度数据为1—N月累计，1月与2月合并发布（1—2月），月份应为2—12。"
            )

    # --- construction -------------------------------------------------------------------------
    @classmethod
    def annual(cls, year: int) -> Period:
        return cls(year, PeriodKind.ANNUAL, 0)

    @classmethod
    def month(cls, year: int, n: int) -> Period:
        return cls(year, PeriodKind.MONTH_CUM, n)

    @classmethod
    def quarter(cls, year: int, n: int) -> Period:
        return cls(year, PeriodKind.QUARTER_CUM, n)

    @classmethod
    def parse(cls, text: object) -> Period:
        """The period a text names (`parse_period`, the project's one period parser)."""
        return parse_period(text)

    # --- relations ------------------------------------------------------------------------------
    def same_period_last_year(self) -> Period:
        return Period(self.year - 1, self.kind, self.n)

    def previous(self) -> Period | None:
        """The previous period of the same kind within the year (for de-cumulating); None at the start."""
        if self.kind == PeriodKind.ANNUAL:
            return Period.annual(self.year - 1)
        first = 2 if self.kind == PeriodKind.MONTH_CUM else 1
        if self.n <= first:
            return None
        return Period(self.year, self.kind, self.n - 1)

    @property
    def months_covered(self) -> int:
        """How many calendar months the cumulative figure covers (12 for a year)."""
        if self.kind == PeriodKind.ANNUAL:
            return 12
        if self.kind == PeriodKind.QUARTER_CUM:
            return self.n * 3
        return self.n

    # --- text -----------------------------------------------------------------------------------
    @property
    def key(self) -> str:
        if self.kind == PeriodKind.ANNUAL:
            return f"{self.year}"
        if self.kind == PeriodKind.QUARTER_CUM:
            return f"{self.year}Q{self.n}"
        return f"{self.year}-{self.n:02d}"

    @property
    def label(self) -> str:
        """Chinese label, e.g. 2016年, 2017年1—3月, 2017年1—2月, 2017年一季度, 2017年1—3季度."""
        if self.kind == PeriodKind.ANNUAL:
            return f"{self.year}年"
        if self.kind == PeriodKind.QUARTER_CUM:
            return f"{self.year}年一季度" if self.n == 1 else f"{self.year}年1—{self.n}季度"
        return f"{self.year}年1—{self.n}月"

    @property
    def short_label(self) -> str:
        """Label without the year: 1—3月."""
        return self.label[5:] or self.label

    def __str__(self) -> str:
        return self.key

    def _sort_key(self) -> tuple[int, int, int]:
        return (self.year, _ORDER[self.kind], self.n)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._sort_key() < other._sort_key()


def _normalise(text: object) -> str:
    s = str(text).strip()
    for old, new in _SEPARATORS.items():
        s = s.replace(old, new)
    return s


def parse_period(text: object) -> Period:
    """Parse a period text: '2016', '2016年', '2017-03', '2017/03', '2017.03', '2017-3', '2017年1-3月',
    '2017年1—3月', '2017年3月', '2017Q1', '2017年一季度', '2017年1—3季度'.

    Raises AppError with a Chinese sentence saying what was not understood and how to write it.
    """
    s = _normalise(text)
    if not s:
        raise AppError(f"没有填写时期：{PERIOD_HELP}。")
    if m := _ANNUAL_RE.fullmatch(s):
        return Period.annual(int(m.group(1)))
    if m := _MONTH_RE.fullmatch(s):
        year, n = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        return Period.month(int(year), int(n))
    if m := _QUARTER_RE.fullmatch(s):
        if m.group(1):
            return Period.quarter(int(m.group(1)), int(m.group(2)))
        if m.group(3):
            return Period.quarter(int(m.group(3)), int(m.group(4)))
        return Period.quarter(int(m.group(5)), "一二三四".index(m.group(6)) + 1)
    raise AppError(f"无法识别时期「{text}」：{PERIOD_HELP}。")


def looks_like_period(text: object) -> bool:
    """Whether a header cell names a period in `parse_period`'s grammar (even one out of range, such as
    2017-01, so that the importer reports it instead of taking the column for something else)."""
    s = _normalise(text)
    return bool(_ANNUAL_RE.fullmatch(s) or _MONTH_RE.fullmatch(s) or _QUARTER_RE.fullmatch(s)
                or re.fullmatch(r"\d{4}年.*", s))


def resolve_period(text: str | None, latest: Period | None, *, kind: PeriodKind | None = PeriodKind.MONTH_CUM,
                   what: str = "月度数据") -> Period:
    """The period a page, API or command was asked for, or else `latest` (the default month): one rule for
    every page, so the dashboard, the report and the targets pages open on the same month.

    `kind` (when given) is the kind the caller needs; an AppError names what to write instead. With no
    text and no latest period, a 404 AppError says there are no figures yet.
    """
    if text:
        period = parse_period(text)
        if kind is not None and period.kind != kind:
            example = {PeriodKind.MONTH_CUM: "2017-03", PeriodKind.QUARTER_CUM: "2017Q1",
                       PeriodKind.ANNUAL: "2016"}[kind]
            raise AppError(f"「{text}」不是{_KIND_WORDS[kind]}时期：请写成 {example} 这样的形式。")
        return period
    if latest is None:
        # (A page never tells its user to run a command: the office imports or fills the figures in.)
        raise NotFound(f"还没有{what}：请先在「数据导入」导入，或在「月度报表」中填报、审核并发布后再查看。")
    return latest


_KIND_WORDS = {PeriodKind.MONTH_CUM: "月度（1—N月累计）", PeriodKind.QUARTER_CUM: "季度累计", PeriodKind.ANNUAL: "年度"}
