"""Frame sources behind one interface: a webcam, a video file, a folder of images, recorded frames.

A source is opened, read frame by frame, and closed, all on the capture thread of
:class:`app.scanner.worker.DecodeWorker`. Failures are :class:`SourceError` with a plain
message (Chinese first); a *live* source (the camera) is reopened by the worker until it
comes back, a finite one (file, folder) ends.

OpenCV is passed in as a ``capture_factory`` so tests can play a camera that is missing,
is unplugged mid-shift, or returns black frames.
"""

from __future__ import annotations

import abc
import enum
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np
import numpy.typing as npt

from app.errors import KnownError
from app.text import t

log = logging.getLogger(__name__)

Image = npt.NDArray[np.uint8]
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff"})
VIDEO_SUFFIXES = frozenset({".mp4", ".avi", ".mkv", ".mov", ".webm", ".m4v", ".mjpg", ".mpg"})


@dataclass(frozen=True)
class Frame:
    """One picture from a source, stamped when the source delivered it (monotonic seconds)."""

    image: Image
    index: int
    captured_at: float


class SourceState(enum.Enum):
    """What the worker's source is doing, for the status line of the checkpoint screen."""

    STARTING = "starting"
    RUNNING = "running"
    NO_DEVICE = "no-device"
    LOST = "lost"
    BLACK = "black"
    ENDED = "ended"
    FAILED = "failed"


@dataclass(frozen=True)
class SourceStatus:
    """A state change of the source, with the message to show and the camera's controls."""

    state: SourceState
    message: str
    source: str
    controls: tuple[ControlReport, ...] = ()


class SourceError(KnownError):
    """The source cannot deliver frames now (missing, unplugged, unreadable)."""


class SourceEnded(Exception):
    """A finite source has no more frames."""


class FrameSource(abc.ABC):
    """Delivers frames; ``live`` sources are retried by the worker, finite ones end."""

    live: bool = False

    @property
    @abc.abstractmethod
    def name(self) -> str:
        """A short description for messages (device number, file name)."""

    @abc.abstractmethod
    def open(self) -> None:
        """Prepare to read; raises :class:`SourceError`."""

    @abc.abstractmethod
    def read(self) -> Image:
        """The next picture; raises :class:`SourceError` or :class:`SourceEnded`."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release the device or file; safe to call twice."""

    def controls(self) -> tuple[ControlReport, ...]:
        """What the device did with the requested settings (cameras only)."""
        return ()


# --------------------------------------------------------------------------- camera


class VideoCaptureLike(Protocol):
    """The part of ``cv2.VideoCapture`` the sources use."""

    def isOpened(self) -> bool: ...  # noqa: N802 - OpenCV's name
    def read(self) -> tuple[bool, Any]: ...
    def set(self, prop: int, value: float) -> bool: ...
    def get(self, prop: int) -> float: ...
    def release(self) -> None: ...


CaptureFactory = Callable[[int | str, int], VideoCaptureLike]


def opencv_capture(target: int | str, backend: int = cv2.CAP_ANY) -> VideoCaptureLike:
    """The production capture: ``cv2.VideoCapture``."""
    return cv2.VideoCapture(target, backend)


@dataclass(frozen=True)
class ControlReport:
    """One camera setting: what was asked, whether the camera took it, what it reports."""

    name: str
    requested: float
    applied: bool
    actual: float | None

    def describe(self) -> str:
        """e.g. ``曝光：不支持``."""
        label = CONTROL_LABELS.get(self.name, (self.name, self.name))
        if self.applied:
            return t(f"{label[0]}：{self.actual:g}", f"{label[1]}: {self.actual:g}")
        return t(f"{label[0]}：此摄像头不支持", f"{label[1]}: not supported by this camera")


CONTROL_LABELS = {
    "width": ("宽度", "width"),
    "height": ("高度", "height"),
    "exposure": ("曝光", "exposure"),
    "gain": ("增益", "gain"),
    "brightness": ("亮度", "brightness"),
    "autofocus": ("自动对焦", "autofocus"),
    "auto_exposure": ("自动曝光", "auto exposure"),
}

_PROPS = {
    "width": cv2.CAP_PROP_FRAME_WIDTH,
    "height": cv2.CAP_PROP_FRAME_HEIGHT,
    "auto_exposure": cv2.CAP_PROP_AUTO_EXPOSURE,
    "exposure": cv2.CAP_PROP_EXPOSURE,
    "gain": cv2.CAP_PROP_GAIN,
    "brightness": cv2.CAP_PROP_BRIGHTNESS,
    "autofocus": cv2.CAP_PROP_AUTOFOCUS,
}


@dataclass(frozen=True)
class CameraSettings:
    """What to ask the camera for. ``None`` leaves a control at the camera's own setting."""

    device: int = 0
    width: int = 1280
    height: int = 720
    exposure: float | None = None
    gain: float | None = None
    brightness: float | None = None
    autofocus: bool | None = None
    backend: int = cv2.CAP_ANY

    def requested(self) -> list[tuple[str, float]]:
        """The controls to set, in the order cameras expect (size first, auto modes early)."""
        items: list[tuple[str, float]] = [("width", self.width), ("height", self.height)]
        if self.autofocus is not None:
            items.append(("autofocus", 1.0 if self.autofocus else 0.0))
        if self.exposure is not None:
            items.append(("auto_exposure", 1.0))  # V4L2 "manual" (DirectShow ignores it)
            items.append(("exposure", self.exposure))
        for name in ("gain", "brightness"):
            value = getattr(self, name)
            if value is not None:
                items.append((name, float(value)))
        return items


def apply_controls(cap: VideoCaptureLike, settings: CameraSettings) -> tuple[ControlReport, ...]:
    """Set each requested control and read it back; a control the camera ignores is reported."""
    reports = []
    for name, value in settings.requested():
        prop = _PROPS[name]
        try:
            accepted = bool(cap.set(prop, value))
            actual: float | None = float(cap.get(prop))
        except cv2.error:
            accepted, actual = False, None
        # Drivers often accept a value and ignore it: only a read-back that matches counts.
        tolerance = 0.5 if name in ("width", "height") else max(1e-3, abs(value) * 0.02)
        applied = accepted and actual is not None and abs(actual - value) <= tolerance
        reports.append(ControlReport(name, value, applied, actual))
    return tuple(reports)


class CameraSource(FrameSource):
    """A webcam through OpenCV. Live: the worker reopens it when it fails."""

    live = True

    def __init__(self, settings: CameraSettings | None = None, *,
                 capture_factory: CaptureFactory = opencv_capture,
                 read_failures_before_lost: int = 5) -> None:
        self.settings = settings or CameraSettings()
        self._factory = capture_factory
        self._cap: VideoCaptureLike | None = None
        self._controls: tuple[ControlReport, ...] = ()
        self._failures = 0
        self._max_failures = read_failures_before_lost

    @property
    def name(self) -> str:
        """``camera 0``."""
        return t(f"摄像头 {self.settings.device}", f"camera {self.settings.device}")

    def open(self) -> None:
        """Open the device and apply the settings; :class:`SourceError` if there is none."""
        self.close()
        try:
            cap = self._factory(self.settings.device, self.settings.backend)
        except cv2.error as exc:
            raise self._missing() from exc
        if not cap.isOpened():
            cap.release()
            raise self._missing()
        self._controls = apply_controls(cap, self.settings)
        self._cap = cap
        self._failures = 0

    def _missing(self) -> SourceError:
        return SourceError(
            t(f"未找到摄像头 {self.settings.device}", f"camera {self.settings.device} not found"),
            hint=t("请检查摄像头是否插好，或在设置中选择其他摄像头；也可使用扫码枪",
                   "check the cable or choose another camera in the settings; "
                   "a handheld scanner still works"),
        )

    def read(self) -> Image:
        """One frame; a few failed reads in a row mean the camera is gone."""
        while True:
            if self._cap is None:
                raise SourceError(t("摄像头未打开", "camera not open"))
            try:
                ok, image = self._cap.read()
            except cv2.error:
                ok, image = False, None
            if ok and image is not None and int(getattr(image, "size", 0)) > 0:
                self._failures = 0
                return np.asarray(image, dtype=np.uint8)
            self._failures += 1
            if self._failures >= self._max_failures:
                self.close()
                raise SourceError(
                    t("摄像头已断开", "the camera stopped delivering pictures"),
                    hint=t("请重新插好摄像头，连接恢复后会自动继续",
                           "plug it back in; scanning resumes by itself"),
                )
            time.sleep(0.01)

    def close(self) -> None:
        """Release the device."""
        if self._cap is not None:
            try:
                self._cap.release()
            except cv2.error:
                log.debug("camera release failed", exc_info=True)
            self._cap = None

    def controls(self) -> tuple[ControlReport, ...]:
        """The report from the last :meth:`open`."""
        return self._controls


def list_cameras(max_devices: int = 6, capture_factory: CaptureFactory = opencv_capture
                 ) -> list[int]:
    """Device numbers that open; probing is slow, call it from a worker, not the GUI thread."""
    found = []
    for device in range(max_devices):
        cap = capture_factory(device, cv2.CAP_ANY)
        try:
            if cap.isOpened():
                found.append(device)
        finally:
            cap.release()
    return found


# --------------------------------------------------------------------------- files


def read_image(path: Path) -> Image:
    """Read an image file; works with non-ASCII paths (``cv2.imread`` does not on Windows)."""
    try:
        data = np.fromfile(str(path), dtype=np.uint8)
    except OSError as exc:
        raise SourceError(t(f"无法读取文件：{path.name}", f"cannot read {path.name}"),
                          hint=str(exc)) from exc
    image = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    if image is None:
        raise SourceError(t(f"不是可识别的图片：{path.name}", f"not a readable image: {path.name}"))
    return np.asarray(image, dtype=np.uint8)


class VideoFileSource(FrameSource):
    """A video file. ``realtime`` paces frames at the file's rate, as a camera would."""

    def __init__(self, path: Path | str, *, realtime: bool = False, fps: float | None = None,
                 capture_factory: CaptureFactory = opencv_capture,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.path = Path(path)
        self.realtime = realtime
        self._fps = fps
        self._factory = capture_factory
        self._cap: VideoCaptureLike | None = None
        self._sleep, self._clock = sleep, clock
        self._next_due = 0.0

    @property
    def name(self) -> str:
        """The file name."""
        return self.path.name

    @property
    def fps(self) -> float:
        """Frames per second: as given, else the file's, else 30."""
        if self._fps:
            return self._fps
        if self._cap is not None:
            rate = float(self._cap.get(cv2.CAP_PROP_FPS))
            if 1.0 <= rate <= 240.0:
                return rate
        return 30.0

    def open(self) -> None:
        """Open the file; :class:`SourceError` if it is missing or not a video."""
        self.close()
        if not self.path.is_file():
            raise SourceError(t(f"找不到文件：{self.path}", f"file not found: {self.path}"))
        cap = self._factory(str(self.path), cv2.CAP_ANY)
        if not cap.isOpened():
            cap.release()
            raise SourceError(t(f"无法打开视频：{self.path.name}",
                                f"cannot open video: {self.path.name}"))
        self._cap = cap
        self._next_due = self._clock()

    def read(self) -> Image:
        """The next frame, waiting for its time in real-time mode."""
        if self._cap is None:
            raise SourceError(t("视频未打开", "video not open"))
        if self.realtime:
            delay = self._next_due - self._clock()
            if delay > 0:
                self._sleep(delay)
            self._next_due = max(self._next_due + 1.0 / self.fps, self._clock() - 0.5)
        ok, image = self._cap.read()
        if not ok or image is None:
            raise SourceEnded
        return np.asarray(image, dtype=np.uint8)

    def close(self) -> None:
        """Release the file."""
        if self._cap is not None:
            self._cap.release()
            self._cap = None


class ImageFolderSource(FrameSource):
    """The image files of a folder (or an explicit list of files), in name order."""

    def __init__(self, folder_or_files: Path | str | Sequence[Path | str]) -> None:
        if isinstance(folder_or_files, (str, Path)):
            self._folder: Path | None = Path(folder_or_files)
            self._files: list[Path] = []
        else:
            self._folder = None
            self._files = [Path(p) for p in folder_or_files]
        self._iter: Iterator[Path] | None = None
        self.current: Path | None = None

    @property
    def name(self) -> str:
        """The folder name."""
        return self._folder.name if self._folder else t("图片", "images")

    def open(self) -> None:
        """List the images; :class:`SourceError` if the folder is missing."""
        if self._folder is not None:
            if not self._folder.is_dir():
                raise SourceError(t(f"找不到文件夹：{self._folder}",
                                    f"folder not found: {self._folder}"))
            self._files = sorted(p for p in self._folder.iterdir()
                                 if p.suffix.lower() in IMAGE_SUFFIXES)
        self._iter = iter(self._files)

    def read(self) -> Image:
        """The next image; an unreadable file raises :class:`SourceError` and is skipped."""
        if self._iter is None:
            raise SourceError(t("图片来源未打开", "image source not open"))
        path = next(self._iter, None)
        if path is None:
            raise SourceEnded
        self.current = path
        return read_image(path)


class RecordedFrameSource(FrameSource):
    """Frames from memory or a generator: the camera stand-in for tests and the demo.

    ``fps`` paces delivery like a camera (``None``: as fast as the reader takes them);
    ``loop`` replays a finite sequence for ever, which behaves like a live source.
    """

    def __init__(self, frames: Iterable[Image] | Callable[[], Iterable[Image]], *,
                 fps: float | None = None, loop: bool = False, label: str = "recorded",
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._make: Callable[[], Iterable[Image]]
        if callable(frames):
            self._make = frames
        else:
            stored = list(frames)
            self._make = lambda: stored
        self._fps, self._loop, self._label = fps, loop, label
        self.live = loop
        self._it: Iterator[Image] | None = None
        self._sleep, self._clock = sleep, clock
        self._next_due = 0.0
        self.delivered = 0

    @property
    def name(self) -> str:
        """The label given."""
        return self._label

    def open(self) -> None:
        """Start from the first frame."""
        self._it = iter(self._make())
        self._next_due = self._clock()

    def read(self) -> Image:
        """The next frame, paced at ``fps``."""
        if self._it is None:
            raise SourceError(t("来源未打开", "source not open"))
        if self._fps:
            delay = self._next_due - self._clock()
            if delay > 0:
                self._sleep(delay)
            self._next_due = max(self._next_due + 1.0 / self._fps, self._clock() - 0.5)
        image = next(self._it, None)
        if image is None and self._loop:
            self._it = iter(self._make())
            image = next(self._it, None)
        if image is None:
            raise SourceEnded
        self.delivered += 1
        return image


def source_for_path(path: Path | str, *, realtime: bool = False) -> FrameSource:
    """A video, a single image, or a folder of images, judged by what ``path`` is."""
    p = Path(path)
    if p.is_dir():
        return ImageFolderSource(p)
    if p.suffix.lower() in IMAGE_SUFFIXES:
        return ImageFolderSource([p])
    return VideoFileSource(p, realtime=realtime)


# --------------------------------------------------------------------------- picture health


@dataclass
class BlackFrameMonitor:
    """Notices a camera that delivers only black (or frozen-dark) pictures, and its recovery.

    A frame counts as black when its mean is below ``max_mean`` and it is nearly flat; the
    state flips after ``frames`` black frames in a row, and back on the first normal one.
    """

    max_mean: float = 12.0
    max_std: float = 6.0
    frames: int = 15
    _run: int = field(default=0, init=False)
    black: bool = field(default=False, init=False)

    def observe(self, image: Image) -> bool | None:
        """Feed one frame; returns the new state when it changed, else ``None``."""
        small = image[::16, ::16]
        is_black = float(small.mean()) < self.max_mean and float(small.std()) < self.max_std
        if is_black:
            self._run += 1
            if not self.black and self._run >= self.frames:
                self.black = True
                return True
            return None
        self._run = 0
        if self.black:
            self.black = False
            return False
        return None


def black_message() -> str:
    """The message for a camera that delivers black pictures."""
    return t("摄像头画面全黑：请检查镜头是否被遮挡、补光是否打开，或摄像头是否被其他程序占用",
             "the camera picture is black: check the lens cover and the lighting, "
             "or whether another program holds the camera")
