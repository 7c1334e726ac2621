"""The project's one error type. Services raise it; one place renders it (page, JSON or CLI)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Problem:
    """One located problem, e.g. a bad cell in an import: where it is and what to do about it."""

    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def location(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"工作表「{self.sheet}」")
        if self.row is not None:
            parts.append(f"第{self.row}行")
        if self.column:
            parts.append(f"第{self.column}列")
        return "".join(parts)

    def __str__(self) -> str:
        loc = self.location()
        return f"{loc}：{self.message}" if loc else self.message

    def as_dict(self) -> dict[str, object]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message,
                "text": str(self)}


@dataclass
class AppError(Exception):
    """A complete Chinese sentence saying what went wrong and what to do, with an HTTP status.

    `problems` lists located problems (e.g. every bad cell of an import) when there are several.
    """

    message: str
    status: int = 400
    problems: list[Problem] = field(default_factory=list)
    code: str = "invalid"

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    def as_dict(self) -> dict[str, object]:
        return {"error": self.code, "message": self.message, "problems": [p.as_dict() for p in self.problems]}

    def full_text(self) -> str:
        lines = [self.message] + [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


@dataclass
class Forbidden(AppError):
    """The user may not read or change this (an access function in newind.accounts.access said no)."""

    status: int = 403
    code: str = "forbidden"


@dataclass
class NotFound(AppError):
    """No such object, or one the user may not know exists (a read outside the user's scope)."""

    status: int = 404
    code: str = "not_found"


def not_found(what: str) -> NotFound:
    return NotFound(f"未找到{what}：请检查输入的代码或名称是否正确。")


def forbidden(what: str = "该内容") -> Forbidden:
    return Forbidden(f"您没有权限访问{what}：如需访问，请联系市新型工业化领导小组办公室开通权限。")
