"""Writing a report file: atomically (temp file, fsync, ``os.replace``) and with progress
that can cancel."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from app.errors import KnownError
from app.text import t


class Progress(Protocol):
    """Told how far an export is; raises ``app.errors.Cancelled`` to stop it."""

    def update(self, done: int, total: int, label: str) -> None:
        """Report progress (and maybe raise Cancelled)."""


class Tracker:
    """Counts written rows and tells ``progress`` every ``step`` rows."""

    def __init__(self, progress: Progress | None, total: int, step: int = 5000) -> None:
        self.progress, self.total, self.step = progress, max(total, 1), step
        self.done = 0
        self._next = 0  # the first chunk reports at once

    def advance(self, rows: int, label: str) -> None:
        """``rows`` more are written."""
        self.done += rows
        if self.progress is not None and (self.done >= self._next or rows == 0):
            self._next = self.done + self.step
            self.progress.update(min(self.done, self.total), self.total, label)

    def finish(self, label: str) -> None:
        """The file is complete."""
        if self.progress is not None:
            self.progress.update(self.total, self.total, label)


@contextlib.contextmanager
def atomic_target(path: Path) -> Iterator[Path]:
    """A temp path beside ``path``; replaces ``path`` only if the block completes."""
    path = Path(path)
    if not path.parent.is_dir():
        raise KnownError(t(f"文件夹不存在：{path.parent}", f"no such folder: {path.parent}"))
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part",
                                        dir=path.parent)
    except OSError as exc:
        raise KnownError(t(f"无法在 {path.parent} 中写文件：{exc.strerror}",
                           f"cannot write in {path.parent}: {exc.strerror}")) from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
