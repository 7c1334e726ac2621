"""Fixtures shared with the registry tests: the five imported firms."""

from tests.enterprises.conftest import imported  # noqa: F401 (a fixture, used by name)
