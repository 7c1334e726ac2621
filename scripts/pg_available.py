"""Exit 0 when the PostgreSQL server in NEWIND_TEST_DATABASE_URL answers, 1 otherwise (with the reason)."""

import os
import sys

import psycopg

url = os.environ.get("NEWIND_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
try:
    psycopg.connect(url, connect_timeout=3).close()
except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"; the reason is printed
    print(f"PostgreSQL {url} 不可用：{exc}", file=sys.stderr)
    sys.exit(1)
sys.exit(0)
