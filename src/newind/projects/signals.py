"""Signals between the parts of the projects app, so each part can be built and tested on its own.

`progress_published` is sent (by the monthly progress workflow) after a unit's project rows for a month
became current: receivers rebuild what depends on them (the portfolio figures published into the spine,
the lights). Keyword arguments: `year`, `month`, `unit_ids` (the reporting units whose rows changed) and
`user`.
"""

from __future__ import annotations

from django.dispatch import Signal

progress_published = Signal()
