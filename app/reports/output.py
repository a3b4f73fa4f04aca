"""Writing a report file: atomically (temp file, fsync, ``os.replace``) and with progress
that can cancel."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Protocol

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


class Spool:
    """Encoded rows set aside while the day is read, until the file's head (the summary,
    which counts those rows) can be written first: an unnamed temp file beside the target,
    so the rows never leave the folder the user chose, and it is gone when closed."""

    def __init__(self, path: Path) -> None:
        self._fh: IO[bytes] = tempfile.TemporaryFile(  # noqa: SIM115 - closed by __exit__
            prefix=f".{Path(path).name}.", suffix=".spool", dir=Path(path).parent)

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        self._fh.close()

    def write(self, data: bytes) -> None:
        """Add encoded rows."""
        self._fh.write(data)

    def tell(self) -> int:
        """How many bytes are set aside."""
        return self._fh.tell()

    def blocks(self, start: int, end: int, size: int = 1 << 20) -> Iterator[bytes]:
        """The bytes from ``start`` to ``end``, in blocks (once all rows are written)."""
        self._fh.seek(start)
        while start < end:
            block = self._fh.read(min(size, end - start))
            if not block:
                raise KnownError(t("临时文件被截断", "the temporary file was truncated"))
            start += len(block)
            yield block

    def copy(self, start: int, end: int, write: Callable[[bytes], object]) -> None:
        """Write the bytes from ``start`` to ``end`` with ``write``."""
        for block in self.blocks(start, end):
            write(block)
