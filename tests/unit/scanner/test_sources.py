"""Frame sources: camera settings reported honestly, files, folders, recorded frames."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from app.scanner import sources as s
from tests.unit.scanner.fakes import FakeCamera


def test_missing_camera_gives_a_plain_message() -> None:
    cam = FakeCamera(present=False)
    src = s.CameraSource(s.CameraSettings(device=2), capture_factory=cam.factory)
    with pytest.raises(s.SourceError) as info:
        src.open()
    assert "2" in str(info.value)


def test_camera_controls_are_reported_as_they_are() -> None:
    cam = FakeCamera(supports=("width", "height", "gain"))
    settings = s.CameraSettings(exposure=-6, gain=4, brightness=10, autofocus=True)
    src = s.CameraSource(settings, capture_factory=cam.factory)
    src.open()
    report = {c.name: c for c in src.controls()}
    assert report["width"].applied and report["height"].applied
    assert report["gain"].applied
    assert not report["exposure"].applied
    assert not report["brightness"].applied
    assert not report["autofocus"].applied
    assert "不支持" in report["exposure"].describe()
    assert src.read().shape == cam.frame.shape


def test_unplugged_camera_raises_source_error_then_reopens() -> None:
    cam = FakeCamera()
    src = s.CameraSource(capture_factory=cam.factory, read_failures_before_lost=2)
    src.open()
    src.read()
    cam.present = False
    with pytest.raises(s.SourceError):
        src.read()
    with pytest.raises(s.SourceError):
        src.open()
    cam.present = True
    src.open()
    assert src.read() is not None


def test_video_file_source_reads_frames_then_ends(tmp_path: Path) -> None:
    path = tmp_path / "clip.avi"
    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30, (160, 90))
    for i in range(4):
        w.write(np.full((90, 160, 3), i * 40, np.uint8))
    w.release()
    src = s.VideoFileSource(path)
    src.open()
    frames = [src.read() for _ in range(4)]
    assert all(f.shape == (90, 160, 3) for f in frames)
    with pytest.raises(s.SourceEnded):
        src.read()
    assert src.fps == pytest.approx(30.0)
    src.close()
    with pytest.raises(s.SourceError):
        s.VideoFileSource(tmp_path / "none.avi").open()


def test_image_folder_reads_in_order_with_unicode_names(tmp_path: Path) -> None:
    for i, name in enumerate(["b-检查点.png", "a-健康码.png"]):
        ok, buf = cv2.imencode(".png", np.full((8, 8, 3), 50 + i * 100, np.uint8))
        assert ok
        (tmp_path / name).write_bytes(buf.tobytes())
    (tmp_path / "notes.txt").write_text("not an image")
    src = s.ImageFolderSource(tmp_path)
    src.open()
    first = src.read()
    assert src.current is not None and src.current.name.startswith("a-")
    assert int(first[0, 0, 0]) == 150
    src.read()
    with pytest.raises(s.SourceEnded):
        src.read()
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"garbage")
    with pytest.raises(s.SourceError):
        s.read_image(broken)
    assert isinstance(s.source_for_path(tmp_path), s.ImageFolderSource)
    assert isinstance(s.source_for_path(broken), s.ImageFolderSource)
    assert isinstance(s.source_for_path(tmp_path / "x.mp4"), s.VideoFileSource)


def test_recorded_source_loops_and_paces() -> None:
    frames = [np.zeros((2, 2, 3), np.uint8), np.ones((2, 2, 3), np.uint8)]
    slept: list[float] = []
    clock = iter(float(i) * 0.001 for i in range(1000))
    src = s.RecordedFrameSource(frames, fps=10, loop=True, sleep=slept.append,
                                clock=lambda: next(clock))
    src.open()
    got = [int(src.read()[0, 0, 0]) for _ in range(5)]
    assert got == [0, 1, 0, 1, 0]
    assert src.live and slept and all(d > 0 for d in slept)
    once = s.RecordedFrameSource(frames)
    once.open()
    once.read()
    once.read()
    with pytest.raises(s.SourceEnded):
        once.read()


def test_black_frame_monitor_flips_and_recovers() -> None:
    mon = s.BlackFrameMonitor(frames=3)
    black = np.zeros((64, 64, 3), np.uint8)
    normal = np.full((64, 64, 3), 128, np.uint8)
    assert [mon.observe(black) for _ in range(3)] == [None, None, True]
    assert mon.observe(black) is None
    assert mon.observe(normal) is False
    assert mon.observe(normal) is None
