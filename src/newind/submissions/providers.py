"""Row providers: reporting forms whose rows are not indicator figures (e.g. a unit's major projects).

A form such as 岳新工办统1表 holds one figure per indicator (`SubmissionValue`) and publishes them as
observations. A form whose rows belong to a higher app (the projects app's monthly progress, one row per
project) still goes through this app's workflow — the task, the states and transition table, review,
publication, the board and the reminders — but its rows, their checks and what publishing does are the
higher app's. That app registers a `RowProvider` for its form code in its `AppConfig.ready()`; this app
never imports it (higher apps register with lower ones, docs/decisions.md "Domains plug in").

Where a provider is registered for a task's form code:
- the definition is checked by `validate_definition` instead of the indicator sets;
- `check_issue` may refuse a period or units when the task is issued;
- `check_submit` runs when a report is submitted (instead of the figure checks) and raises an AppError;
- `publish` runs when the office publishes (instead of writing observations) and returns the event's detail;
- `page_url` is where the unit's form lives (the report's page in this app forwards there).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from newind.indicators.periods import Period
    from newind.submissions.models import Submission
    from newind.units.models import Unit


class RowProvider:
    """The hooks a form with its own rows implements (each has a neutral default but `page_url`)."""

    #: The rows' name in messages, e.g. 「项目月度进度」.
    label: str = ""

    def validate_definition(self, definition: dict[str, Any]) -> list[str]:
        """The problems of the form's definition (YAML) beyond code, name and form_number."""
        return []

    def check_issue(self, period: Period, units: list[Unit]) -> list[str]:
        """Why the task cannot be issued for this period to these units (Chinese sentences); [] when it can."""
        return []

    def check_submit(self, submission: Submission, user: Any) -> None:
        """Raise an AppError (400, with problems) when the report's rows may not be submitted yet."""

    def publish(self, submission: Submission, user: Any, *, request: Any = None) -> dict[str, Any]:
        """Make the report's rows the published figures; return what the publish event records."""
        return {}

    def page_url(self, submission: Submission) -> str:
        raise NotImplementedError


_PROVIDERS: dict[str, RowProvider] = {}


def register(form_code: str, provider: RowProvider) -> None:
    """Register (or replace, e.g. on a reload) the provider of a form code."""
    _PROVIDERS[form_code] = provider


def provider_for(form_code: str) -> RowProvider | None:
    """The provider of a form code, None for an indicator form."""
    return _PROVIDERS.get(form_code)


def registered_codes() -> list[str]:
    return sorted(_PROVIDERS)
