#!/usr/bin/env bash
# Start the desktop app on its embedded default (a local encrypted station in the user data
# folder; no server needed). Sets up what it needs first. Arguments go to main.py, e.g. --demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  echo "run: no display found; starting under a virtual screen (xvfb-run)" >&2
  exec xvfb-run -a -s "-screen 0 1600x900x24" .venv/bin/python main.py "$@"
fi
exec .venv/bin/python main.py "$@"
