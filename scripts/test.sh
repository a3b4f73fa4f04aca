#!/usr/bin/env bash
# Run the whole test suite: sets up what it needs first (see scripts/setup.sh).
# Extra arguments go to pytest, e.g. scripts/test.sh -m slow, scripts/test.sh tests/unit/codes
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/postgres.sh || echo "test: PostgreSQL is not reachable; tests marked postgres will fail" >&2
export QT_QPA_PLATFORM=offscreen
exec .venv/bin/python -m pytest "$@"
