"""A scriptable stand-in for cv2.VideoCapture: missing, unplugged, black, or fine."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np


class FakeCamera:
    """Shared state of one fake device; tests flip ``present`` and ``black`` while it runs."""

    def __init__(self, present: bool = True, supports: tuple[str, ...] = ("width", "height"),
                 frame: np.ndarray | None = None) -> None:
        self.present = present
        self.black = False
        self.supports = supports
        self.frame = frame if frame is not None else np.full((72, 128, 3), 120, np.uint8)
        self.opens = 0
        self.lock = threading.Lock()

    def factory(self, target: int | str, backend: int) -> FakeCapture:
        with self.lock:
            self.opens += 1
        return FakeCapture(self)


_PROP_NAMES = {3: "width", 4: "height", 15: "exposure", 14: "gain", 10: "brightness",
               39: "autofocus", 21: "auto_exposure"}


class FakeCapture:
    def __init__(self, cam: FakeCamera) -> None:
        self.cam = cam
        self.opened = cam.present
        self.props: dict[int, float] = {3: 1280.0, 4: 720.0}

    def isOpened(self) -> bool:  # noqa: N802
        return self.opened

    def read(self) -> tuple[bool, Any]:
        if not (self.opened and self.cam.present):
            return False, None
        if self.cam.black:
            return True, np.zeros_like(self.cam.frame)
        return True, self.cam.frame.copy()

    def set(self, prop: int, value: float) -> bool:
        if _PROP_NAMES.get(prop) in self.cam.supports:
            self.props[prop] = value
        return True  # like many drivers: "accepted", whether or not it did anything

    def get(self, prop: int) -> float:
        return self.props.get(prop, 0.0)

    def release(self) -> None:
        self.opened = False
