"""Running one command of a console script, with errors dispatched in one place.

Both ``griddesk`` and ``griddesk-server`` go through :func:`run_command`: ``--lang`` is
honoured before the parser is built (so ``--help`` speaks it), a known fault prints one line
on stderr and exits 1, a usage error exits 2 (argparse), an interrupt exits 130, anything
else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable

from app.errors import Cancelled, KnownError
from app.text import set_language, t


def run_command(prog: str, build_parser: Callable[[], argparse.ArgumentParser],
                argv: list[str],
                explain: Callable[[Exception], str | None] = lambda exc: None) -> int:
    """Parse ``argv`` and run the chosen command's ``func``; returns the exit status.

    A file or disk problem (``OSError``) is a known fault too. ``explain`` turns faults
    particular to one program (a database that does not answer) into a one-line reason, or
    returns None for a bug.
    """
    if "--lang" in argv:
        i = argv.index("--lang")
        if i + 1 < len(argv):
            set_language(argv[i + 1])
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if getattr(args, "verbose", False)
                        else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KnownError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 1
    except Cancelled:
        print(f"{prog}: {t('已取消', 'cancelled')}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        reason = str(exc) if isinstance(exc, OSError) else explain(exc)
        if reason is None:
            raise
        print(f"{prog}: {reason}".splitlines()[0], file=sys.stderr)
        return 1
