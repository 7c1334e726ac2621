"""No merge-conflict markers are committed (a merge once left three in docs/decisions.md)."""

from __future__ import annotations

import re
import subprocess

from tests.conftest import REPO

MARKER = re.compile(r"^(<{7} |>{7} |={7}$)", re.MULTILINE)


def test_no_tracked_text_file_holds_a_conflict_marker():
    files = subprocess.run(["git", "ls-files", "*.py", "*.md", "*.yaml", "*.yml", "*.html", "*.js", "*.css",
                            "*.toml", "*.cfg", "*.sh", "Makefile"], cwd=REPO, capture_output=True, text=True,
                           check=True).stdout.split()
    assert files, "git ls-files found nothing: the test must run in a checkout"
    marked = [name for name in files if MARKER.search((REPO / name).read_text(encoding="utf-8", errors="replace"))]
    assert marked == []
