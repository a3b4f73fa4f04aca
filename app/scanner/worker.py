"""The decoding worker: capture and decoding off the GUI thread, events through callbacks.

Two daemon threads per worker:

- *capture* owns the :class:`FrameSource`: opens it, reads frames, reopens a live source
  after a failure every ``retry_interval_s``, watches for black pictures, and puts each
  frame in a one-slot mailbox (a newer frame replaces an undecoded older one, so a slow
  decode never builds a backlog; a finite, non-live source waits instead and loses none);
- *decode* takes the newest frame, decodes it with the :class:`QrReader`, passes the
  result through the :class:`PresentationGate`, and reports.

Callbacks run **on the worker threads**: ``on_scan(ScanEvent)`` and ``on_frame(Frame)``
on the decode and capture threads, ``on_status(SourceStatus)`` on the capture thread. A Qt
adapter re-emits them as signals (queued to the GUI thread); a callback that raises is
logged and does not stop the worker. :meth:`DecodeWorker.stop` sets the stop flag and
joins both threads.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from app.scanner.debounce import PresentationGate, Sighting
from app.scanner.reader import DecodedCode, QrReader, Quad, make_reader, payload_text
from app.scanner.sources import (
    BlackFrameMonitor,
    Frame,
    FrameSource,
    SourceEnded,
    SourceError,
    SourceState,
    SourceStatus,
    black_message,
)
from app.text import t

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScanEvent:
    """A code presented to the camera (or typed by a handheld scanner), once per presentation.

    ``captured_at`` is when the source delivered the frame, ``emitted_at`` when the event
    left the worker (both ``time.monotonic`` seconds); ``origin`` is ``camera`` or ``wedge``.
    """

    payload: bytes
    text: str
    origin: str
    frame_index: int
    captured_at: float
    emitted_at: float
    decode_ms: float
    decoder: str
    quad: Quad | None = None

    @property
    def latency_ms(self) -> float:
        """Frame-in to event, in milliseconds."""
        return (self.emitted_at - self.captured_at) * 1000.0


def wedge_event(text: str, at: float) -> ScanEvent:
    """A :class:`ScanEvent` for text from a keyboard-wedge scanner (same path as the camera)."""
    return ScanEvent(text.encode("utf-8"), text, "wedge", -1, at, at, 0.0, "keyboard")


class FrameMailbox:
    """A one-frame slot between the capture and decode threads."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._frame: Frame | None = None
        self._closed = False
        self.dropped = 0

    def put(self, frame: Frame, *, wait: bool, stop: threading.Event) -> None:
        """Offer a frame; replaces the waiting one unless ``wait`` (then waits for room)."""
        with self._cond:
            if wait:
                while self._frame is not None and not stop.is_set():
                    self._cond.wait(0.05)
            elif self._frame is not None:
                self.dropped += 1
            self._frame = frame
            self._cond.notify_all()

    def take(self, timeout: float) -> Frame | None:
        """The waiting frame, or ``None`` after ``timeout`` seconds."""
        with self._cond:
            if self._frame is None and not self._closed:
                self._cond.wait(timeout)
            frame, self._frame = self._frame, None
            self._cond.notify_all()
            return frame

    def close(self) -> None:
        """No more frames will come."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    @property
    def closed(self) -> bool:
        """Whether the capture side has finished."""
        with self._cond:
            return self._closed and self._frame is None


ScanCallback = Callable[[ScanEvent], None]
StatusCallback = Callable[[SourceStatus], None]
FrameCallback = Callable[[Frame], None]


class DecodeWorker:
    """Runs one frame source through the reader and the presentation gate (see module doc)."""

    def __init__(self, source: FrameSource, *, on_scan: ScanCallback,
                 on_status: StatusCallback | None = None,
                 on_frame: FrameCallback | None = None,
                 reader_factory: Callable[[], QrReader] = make_reader,
                 gate: PresentationGate | None = None,
                 retry_interval_s: float = 2.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.source = source
        self._on_scan, self._on_status, self._on_frame = on_scan, on_status, on_frame
        self._reader_factory = reader_factory
        self.gate = gate or PresentationGate()
        self._retry = retry_interval_s
        self._clock = clock
        self._stop = threading.Event()
        self._mailbox = FrameMailbox()
        self._threads: list[threading.Thread] = []
        self._state: SourceState | None = None
        self.frames_read = 0
        self.frames_decoded = 0
        self.decode_ms_total = 0.0

    # ------------------------------------------------------------------ control

    def start(self) -> None:
        """Start the capture and decode threads."""
        if self._threads:
            raise RuntimeError("DecodeWorker already started")
        self._threads = [
            threading.Thread(target=self._capture_loop, name="scanner-capture", daemon=True),
            threading.Thread(target=self._decode_loop, name="scanner-decode", daemon=True),
        ]
        for th in self._threads:
            th.start()

    def stop(self, timeout: float = 3.0) -> None:
        """Ask both threads to stop and wait for them (at most ``timeout`` seconds each)."""
        self._stop.set()
        self._mailbox.close()
        for th in self._threads:
            if th is not threading.current_thread():
                th.join(timeout)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until a finite source has been read and decoded; True if finished."""
        deadline = None if timeout is None else time.monotonic() + timeout
        for th in self._threads:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            th.join(remaining)
        return not any(th.is_alive() for th in self._threads)

    @property
    def running(self) -> bool:
        """Whether a worker thread is still alive."""
        return any(th.is_alive() for th in self._threads)

    @property
    def dropped_frames(self) -> int:
        """Frames replaced in the mailbox before they could be decoded."""
        return self._mailbox.dropped

    # ------------------------------------------------------------------ capture thread

    def _status(self, state: SourceState, message: str) -> None:
        if state is self._state:
            return
        self._state = state
        status = SourceStatus(state, message, self.source.name, self.source.controls())
        if self._on_status is not None:
            try:
                self._on_status(status)
            except Exception:
                log.exception("on_status callback failed")

    def _open(self, lost_before: bool) -> bool:
        try:
            self.source.open()
        except SourceError as exc:
            state = SourceState.LOST if lost_before else SourceState.NO_DEVICE
            if not self.source.live:
                state = SourceState.FAILED
            self._status(state, str(exc))
            return False
        ready = t(f"{self.source.name} 已就绪", f"{self.source.name} ready")
        unsupported = [c.describe() for c in self.source.controls() if not c.applied]
        if unsupported:
            ready += t("（", " (") + t("；", "; ").join(unsupported) + t("）", ")")
        self._status(SourceState.RUNNING, ready)
        return True

    def _capture_loop(self) -> None:
        self._status(SourceState.STARTING, t(f"正在打开 {self.source.name}…",
                                             f"opening {self.source.name}…"))
        monitor = BlackFrameMonitor()
        is_open, lost = False, False
        index = 0
        try:
            while not self._stop.is_set():
                if not is_open:
                    is_open = self._open(lost)
                    if not is_open:
                        if not self.source.live:
                            return
                        self._stop.wait(self._retry)
                        continue
                try:
                    image = self.source.read()
                except SourceEnded:
                    self._status(SourceState.ENDED, t("视频已播放完毕", "end of the video"))
                    return
                except SourceError as exc:
                    self.source.close()
                    is_open, lost = False, True
                    self._status(SourceState.LOST if self.source.live else SourceState.FAILED,
                                 str(exc))
                    if not self.source.live:
                        return
                    self._stop.wait(self._retry)
                    continue
                frame = Frame(image, index, self._clock())
                index += 1
                self.frames_read += 1
                self._watch_black(monitor, image)
                self._emit_frame(frame)
                self._mailbox.put(frame, wait=not self.source.live, stop=self._stop)
        except Exception:
            log.exception("capture thread failed")
            self._status(SourceState.FAILED, t("摄像头读取出错，请重新打开扫码",
                                               "the camera failed; restart scanning"))
        finally:
            self.source.close()
            self._mailbox.close()

    def _watch_black(self, monitor: BlackFrameMonitor, image: object) -> None:
        change = monitor.observe(image)  # type: ignore[arg-type]
        if change is True:
            self._status(SourceState.BLACK, black_message())
        elif change is False:
            self._status(SourceState.RUNNING, t("摄像头画面已恢复", "the camera picture is back"))

    def _emit_frame(self, frame: Frame) -> None:
        if self._on_frame is None:
            return
        try:
            self._on_frame(frame)
        except Exception:
            log.exception("on_frame callback failed")

    # ------------------------------------------------------------------ decode thread

    def _decode_loop(self) -> None:
        reader = self._reader_factory()
        while not (self._stop.is_set() or self._mailbox.closed):
            frame = self._mailbox.take(0.1)
            if frame is None:
                continue
            t0 = time.perf_counter()
            try:
                codes = reader.decode(frame.image)
            except Exception:  # a decoder bug must not end the shift's scanning
                log.exception("decoder failed on frame %d", frame.index)
                codes = []
            ms = (time.perf_counter() - t0) * 1000.0
            self.frames_decoded += 1
            self.decode_ms_total += ms
            self._report(frame, codes, ms)

    def _report(self, frame: Frame, codes: list[DecodedCode], ms: float) -> None:
        fired = self.gate.observe(frame.captured_at,
                                  [Sighting(c.payload, c.decoder) for c in codes])
        if not fired:
            return
        by_payload = {c.payload: c for c in codes}
        for payload in fired:
            code = by_payload[payload]
            event = ScanEvent(payload, payload_text(payload), "camera", frame.index,
                              frame.captured_at, self._clock(), ms, code.decoder, code.quad)
            try:
                self._on_scan(event)
            except Exception:
                log.exception("on_scan callback failed")
