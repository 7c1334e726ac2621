"""The package metadata (issue 8 item 9): no deprecated licence table, a setuptools that reads the SPDX form."""

from __future__ import annotations

import re
import tomllib

from tests.conftest import REPO


def test_the_licence_is_an_spdx_string_for_a_setuptools_that_reads_it() -> None:
    # `project.license` as a TOML table ({text = …}) is deprecated and warned about on every install;
    # the SPDX string form needs setuptools 77 or later (PEP 639).
    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert data["project"]["license"] == "Apache-2.0"
    requires = data["build-system"]["requires"]
    setuptools = next(r for r in requires if r.startswith("setuptools"))
    minimum = re.match(r"setuptools>=(\d+)", setuptools)
    assert minimum and int(minimum.group(1)) >= 77
