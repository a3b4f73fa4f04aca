"""The decoding worker: events once per presentation, status changes, recovery, stop."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np

from app.scanner.reader import DecodedCode, QrReader
from app.scanner.sources import CameraSource, RecordedFrameSource, SourceState, SourceStatus
from app.scanner.worker import DecodeWorker, ScanEvent, wedge_event
from tests.helpers import frames as F
from tests.unit.scanner.fakes import FakeCamera

QUAD = ((0, 0), (1, 0), (1, 1), (0, 1))


class MarkerReader(QrReader):
    """Decodes a frame whose first pixel is 200 as payload b"GX1:MARK" (no real decoding)."""

    def decode(self, image: np.ndarray) -> list[DecodedCode]:
        return [DecodedCode(b"GX1:MARK", QUAD, "zxing")] if int(image[0, 0, 0]) == 200 else []


def wait_for(cond: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.01)
    return False


def test_real_frames_give_one_event_per_presentation() -> None:
    blank = F.generate("blank", 0).image
    a = F.generate("medium", 0)
    b = F.generate("yellow", 0)
    seq = [blank] * 3 + [a.image] * 6 + [b.image] * 4
    events: list[ScanEvent] = []
    worker = DecodeWorker(RecordedFrameSource(seq), on_scan=events.append)
    worker.start()
    assert worker.wait(timeout=30)
    assert [e.text for e in events] == [a.payload, b.payload]
    assert events[0].frame_index == 3 and events[0].origin == "camera"
    assert events[0].latency_ms >= 0 and events[0].decode_ms > 0


def test_missing_camera_then_plugged_in_then_unplugged_then_back() -> None:
    cam = FakeCamera(present=False)
    cam.frame = np.full((36, 64, 3), 120, np.uint8)
    statuses: list[SourceStatus] = []
    worker = DecodeWorker(
        CameraSource(capture_factory=cam.factory, read_failures_before_lost=2),
        on_scan=lambda e: None, on_status=statuses.append,
        reader_factory=MarkerReader, retry_interval_s=0.02)
    worker.start()
    try:
        assert wait_for(lambda: any(s.state is SourceState.NO_DEVICE for s in statuses))
        cam.present = True
        assert wait_for(lambda: statuses[-1].state is SourceState.RUNNING)
        cam.present = False
        assert wait_for(lambda: statuses[-1].state is SourceState.LOST)
        cam.present = True
        assert wait_for(lambda: statuses[-1].state is SourceState.RUNNING)
        cam.black = True
        assert wait_for(lambda: statuses[-1].state is SourceState.BLACK)
        cam.black = False
        assert wait_for(lambda: statuses[-1].state is SourceState.RUNNING)
    finally:
        worker.stop()
    assert not worker.running
    assert all(s.message for s in statuses)
    assert "摄像头" in next(s for s in statuses if s.state is SourceState.NO_DEVICE).message


def test_callback_errors_do_not_stop_the_worker_and_stop_is_prompt() -> None:
    marked = np.zeros((36, 64, 3), np.uint8)
    marked[0, 0, 0] = 200
    plain = np.zeros((36, 64, 3), np.uint8)
    calls = threading.Event()

    def boom(event: ScanEvent) -> None:
        calls.set()
        raise RuntimeError("a careless callback")

    src = RecordedFrameSource([plain] * 60 + [marked] * 5, fps=200, loop=True)
    worker = DecodeWorker(src, on_scan=boom, on_frame=lambda f: None,
                          reader_factory=MarkerReader)
    worker.start()
    assert calls.wait(10)
    time.sleep(0.05)
    assert worker.running
    t0 = time.monotonic()
    worker.stop()
    assert time.monotonic() - t0 < 3
    assert not worker.running
    assert worker.frames_read >= worker.frames_decoded > 0


def test_wedge_event_goes_the_same_path() -> None:
    e = wedge_event("GX1:ABC", 5.0)
    assert (e.text, e.origin, e.payload) == ("GX1:ABC", "wedge", b"GX1:ABC")
