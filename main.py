"""Start the GridDesk desktop app (`python main.py [--demo] [--data-dir DIR]`)."""

from __future__ import annotations

import sys

if __name__ == "__main__":
    from app.ui.app import run

    sys.exit(run(sys.argv[1:]))
