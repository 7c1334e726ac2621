#!/usr/bin/env bash
# Run the spine benchmark at both scales on the database in NEWIND_DATABASE_URL (or temporary SQLite
# files) and print only each run's JSON summary line. See bench/README.md and docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
for scale in city province; do
  .venv/bin/newind bench spine --scale "$scale" "$@" | tail -n 1
done
