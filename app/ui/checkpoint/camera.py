"""The camera side of the checkpoint: the decode worker's callbacks as Qt signals, and the
preview that paints the newest frame.

:class:`app.scanner.worker.DecodeWorker` captures and decodes on its own threads. Its
callbacks arrive here on those threads and are re-emitted as signals (queued to the GUI
thread). Frames are not queued one by one: the newest is kept in a slot and one
``frame_ready`` is pending at a time, so a burst of frames costs one repaint. The preview
scales the picture only while painting.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.scanner.sources import Frame, FrameSource, SourceState, SourceStatus
from app.scanner.worker import DecodeWorker, ScanEvent

log = logging.getLogger(__name__)


class CameraFeed(QObject):
    """Runs a frame source through the decode worker.

    Signals: ``scanned(ScanEvent)`` once per presentation of a code;
    ``status(SourceStatus)`` when the source changes state; ``frame_ready()`` when a newer
    frame waits in :meth:`latest_frame` (merged: at most one pending).
    """

    scanned = Signal(object)
    status = Signal(object)
    frame_ready = Signal()

    def __init__(self, source: FrameSource, parent: QObject | None = None,
                 reader_factory: Callable[[], Any] | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self._lock = threading.Lock()
        self._frame: Frame | None = None
        self._pending = False
        kwargs: dict[str, Any] = {}
        if reader_factory is not None:
            kwargs["reader_factory"] = reader_factory
        self.worker = DecodeWorker(source, on_scan=self._on_scan, on_status=self._on_status,
                                   on_frame=self._on_frame, **kwargs)
        self.last_status: SourceStatus | None = None
        self.status.connect(self._remember)

    def start(self) -> None:
        """Start capturing and decoding."""
        self.worker.start()

    def stop(self, timeout: float = 2.0) -> None:
        """Stop the worker threads (bounded wait)."""
        self.worker.stop(timeout)

    @property
    def running(self) -> bool:
        """Whether the worker threads are alive."""
        return self.worker.running

    def latest_frame(self) -> Frame | None:
        """The newest frame (GUI thread); clears the pending flag."""
        with self._lock:
            self._pending = False
            return self._frame

    # worker threads ------------------------------------------------------------
    def _on_scan(self, event: ScanEvent) -> None:
        self.scanned.emit(event)

    def _on_status(self, status: SourceStatus) -> None:
        self.status.emit(status)

    def _on_frame(self, frame: Frame) -> None:
        with self._lock:
            self._frame = frame
            if self._pending:
                return
            self._pending = True
        self.frame_ready.emit()

    def _remember(self, status: SourceStatus) -> None:
        self.last_status = status


def frame_to_qimage(image: np.ndarray) -> QImage:
    """Wrap a BGR or grey ``uint8`` array (no copy; keep the array alive while painting)."""
    arr = np.ascontiguousarray(image)
    h, w = arr.shape[:2]
    if arr.ndim == 2:
        return QImage(arr.data, w, h, arr.strides[0], QImage.Format.Format_Grayscale8)
    if arr.shape[2] == 4:
        return QImage(arr.data, w, h, arr.strides[0], QImage.Format.Format_ARGB32)
    return QImage(arr.data, w, h, arr.strides[0], QImage.Format.Format_BGR888)


class PreviewWidget(QWidget):
    """Paints the newest camera frame, scaled to fit, with the source's state on top."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._feed: CameraFeed | None = None
        self._image: np.ndarray | None = None
        self.message = self.tr("摄像头未启动")
        self.state: SourceState | None = None
        self.frames_painted = 0
        self.setMinimumSize(240, 160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("camera-preview")

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(480, 300)

    def attach(self, feed: CameraFeed | None) -> None:
        """Show frames and states of ``feed`` (None: no camera)."""
        self._feed = feed
        if feed is not None:
            feed.frame_ready.connect(self._take_frame)
            feed.status.connect(self.show_status)

    def show_status(self, status: SourceStatus) -> None:
        """A state of the source, as words over the picture."""
        self.state = status.state
        self.message = "" if status.state is SourceState.RUNNING else status.message
        self.update()

    def show_message(self, text: str) -> None:
        """A message instead of a picture (no camera in this build, …)."""
        self.message = text
        self.update()

    def _take_frame(self) -> None:
        if self._feed is None:
            return
        frame = self._feed.latest_frame()
        if frame is not None:
            self._image = frame.image
            self.update()

    def paintEvent(self, event: object) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#101418"))
        if self._image is not None:
            img = frame_to_qimage(self._image)
            size = img.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRectF((self.width() - size.width()) / 2, (self.height() - size.height()) / 2,
                            size.width(), size.height())
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
            p.drawImage(target, img)
            self.frames_painted += 1
        if self.message:
            p.setPen(QColor("#FFFFFF"))
            p.drawText(self.rect().adjusted(12, 12, -12, -12),
                       int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), self.message)
        p.end()
