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


# The typed errors: each says its status and code once. Raise the type that says what happened; the one
# renderer (core.middleware.AppErrorMiddleware, the API's handler, the CLI) turns any of them into a page,
# a JSON body or a message, like any AppError.


@dataclass
class NotFound(AppError):
    """404: what was asked for does not exist (or the user may not know that it does)."""

    status: int = 404
    code: str = "not_found"


@dataclass
class Forbidden(AppError):
    """403: the user is signed in but may not do or see this."""

    status: int = 403
    code: str = "forbidden"


@dataclass
class Conflict(AppError):
    """409: the request is valid but clashes with the current state (changed meanwhile, done already)."""

    status: int = 409
    code: str = "conflict"


@dataclass
class TooLarge(AppError):
    """413: a file or a request body over its limit."""

    status: int = 413
    code: str = "too_large"


def not_found(what: str) -> NotFound:
    return NotFound(f"未找到{what}：请检查输入的代码或名称是否正确。")


def forbidden(what: str = "该内容") -> Forbidden:
    return Forbidden(f"您没有权限访问{what}：如需访问，请联系市新型工业化领导小组办公室开通权限。")
