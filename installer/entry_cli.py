"""Entry of the packaged `griddesk` command (the same program as the `griddesk` console script).

`griddesk --self-check` is accepted here as well as by the dispatcher, so the installed
bundle always answers the flag the installers and the support guide use.
"""

from __future__ import annotations

import sys

from app.cli.main import main

if __name__ == "__main__":
    args = sys.argv[1:]
    if "--self-check" in args:
        args[args.index("--self-check")] = "self-check"
    sys.exit(main(args))
