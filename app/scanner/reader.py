"""QR readers: one interface over zxing-cpp and zbar, and the checkpoint's decoding pipeline.

A reader takes one camera frame (a numpy array, BGR or grayscale, ``uint8``) and returns
the codes it decoded, as raw bytes. Readers never raise on picture content; a missing
decoder library is reported once, by :func:`make_reader`, in plain words.

The checkpoint pipeline (:class:`CheckpointQrReader`):

1. a grey conversion that keeps yellow and red codes dark: the minimum over the colour
   channels (:func:`min_channel`; on the benchmark's 40 yellow codes it decodes 40 where
   ordinary grey decodes about 20; the alternatives are measured by ``bench/scan``);
2. a box-mean adaptive threshold whose offset follows the frame's exposure
   (:func:`exposure_offset`), then zxing-cpp on that mask at full resolution, QR codes
   only, no pyramid downscaling; the inverted mask (light-on-dark codes) only when nothing
   was found. zxing's ``BoolCast`` binarizer reads 0 as dark, so :func:`binarize` writes
   dark modules as 0;
3. only when zxing *located* a code but could not decode it (a checksum or format error):
   zxing's own LocalAverage binarizer, then zbar, on a crop around the located code;
4. optional (``second_look=True``, off by default): when a colour frame still gave
   nothing, a second look in ordinary grey (:func:`luma`) at half resolution,
   dark-on-light only. The darkest channel turns skin dark, so a finger over a code's edge
   can merge with a finder pattern or make zxing locate a wrong, smaller code; in ordinary
   grey the finger stays lighter than the dark modules. It reads most such codes (on 360
   occluded frames of three seeds: 349 with it, 340 without, raw zxing 352) but costs
   about 0.65 ms on every frame without a code, which takes the empty-frame mean past its
   3 ms budget; hence off by default.

``bench/scan`` measures each stage against raw zxing-cpp and raw zbar.
"""

from __future__ import annotations

import abc
import importlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from app.errors import KnownError
from app.text import t

log = logging.getLogger(__name__)

Image = npt.NDArray[np.uint8]
Quad = tuple[tuple[int, int], tuple[int, int], tuple[int, int], tuple[int, int]]


class DecoderMissing(KnownError):
    """A decoding library is not installed or cannot load its native part."""


@dataclass(frozen=True)
class DecodedCode:
    """One decoded QR code: its raw bytes, the text for verification, where it was."""

    payload: bytes
    quad: Quad
    decoder: str

    @property
    def text(self) -> str:
        """The payload as text: UTF-8, else GB 18030 (common in Chinese QR content)."""
        return payload_text(self.payload)


@dataclass
class ReadStats:
    """What the last :meth:`QrReader.decode` call did; for benchmarks and diagnostics."""

    passes: list[str] = field(default_factory=list)
    located_undecoded: int = 0
    ms: float = 0.0


def payload_text(payload: bytes) -> str:
    """Decode QR bytes to text without ever raising."""
    for encoding in ("utf-8", "gb18030"):
        try:
            return payload.decode(encoding)
        except UnicodeDecodeError:
            continue
    return payload.decode("utf-8", errors="replace")


class QrReader(abc.ABC):
    """Decodes QR codes in one frame. Implementations are not thread-safe; use one per thread."""

    name: str = "reader"

    def __init__(self) -> None:
        self.stats = ReadStats()

    @abc.abstractmethod
    def decode(self, image: Image) -> list[DecodedCode]:
        """All codes decoded in ``image`` (BGR or grayscale), in no particular order."""


# --------------------------------------------------------------------------- luminance


_MIN_KERNEL = np.ones((1, 3), np.uint8)


def min_channel(image: Image) -> Image:
    """Per-pixel minimum over the colour channels (grayscale input is returned as is).

    A 1×3 erosion over the interleaved row gives the minimum of each pixel's three samples
    at its middle sample; several times faster than a per-channel minimum.
    """
    if image.ndim == 2:
        return image
    h, w, c = image.shape
    if c != 3:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)  # type: ignore[assignment]
    flat = np.ascontiguousarray(image).reshape(h, w * 3)
    eroded = cv2.erode(flat, _MIN_KERNEL, borderType=cv2.BORDER_REPLICATE)
    return cv2.extractChannel(eroded.reshape(h, w, 3), 1)  # type: ignore[return-value]


def luma(image: Image) -> Image:
    """Ordinary grey conversion (ITU-R BT.601 weights: blue 0.11, green 0.59, red 0.30)."""
    if image.ndim == 2:
        return image
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)  # type: ignore[return-value]
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)  # type: ignore[return-value]


def blue_weighted(image: Image) -> Image:
    """Grey with the blue and red weights swapped (blue 0.30, green 0.59, red 0.11).

    Yellow, red and green codes all lack blue, so they stay darker than in :func:`luma`
    (yellow: 0.66 → 0.55 of white); noise is averaged exactly as much as in :func:`luma`,
    and it costs the same single conversion.
    """
    if image.ndim == 2:
        return image
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_RGBA2GRAY)  # type: ignore[return-value]
    return cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)  # type: ignore[return-value]


LUMINANCE: dict[str, Callable[[Image], Image]] = {
    "luma": luma,
    "blue-weighted": blue_weighted,
    "min-channel": min_channel,
}


def binarize(gray: Image, block: int = 41, offset: int = 10) -> Image:
    """Module mask in zxing's polarity: 0 = dark (darker than the local mean by more than
    ``offset``), 255 = light.

    zxing's ``BoolCast`` binarizer reads 0 as black and anything else as white, so this
    mask reads dark-on-light codes directly and its inverse reads light-on-dark ones. A
    box-mean threshold over ``block`` px covers a module size of 2 to ~12 px at 720p and
    leaves flat, noisy areas light, which keeps zxing's finder search short on empty frames.
    """
    return cv2.adaptiveThreshold(  # type: ignore[return-value]
        gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, block, offset)


def exposure_offset(gray: Image) -> int:
    """The threshold offset for :func:`binarize`, scaled with the frame's mean brightness.

    12 % of the mean grey, kept within 10..14: a dim frame keeps the sensitive offset of
    10 its faint codes need; a well-lit frame, whose sensor noise and module contrast are
    both larger, gets a stricter one that leaves fewer noise pixels dark (a shorter finder
    search on empty frames) and fewer stray dark pixels next to a code.
    """
    return int(min(max(round(cv2.mean(gray)[0] * 0.12), 10), 14))


# --------------------------------------------------------------------------- zxing


def _load(module: str, library: str, hint: str) -> Any:
    try:
        return importlib.import_module(module)
    except (ImportError, OSError) as exc:
        raise DecoderMissing(
            t(f"缺少二维码解码库 {library}，无法扫码",
              f"the QR decoding library {library} is missing"),
            hint=hint,
        ) from exc


def _zxing() -> Any:
    return _load("zxingcpp", "zxing-cpp",
                 t("请安装：pip install zxing-cpp", "pip install zxing-cpp"))


def _zbar() -> Any:
    return _load(
        "pyzbar.pyzbar",
        "zbar (pyzbar)",
        t("请安装：pip install pyzbar，并安装系统库 libzbar0",
          "pip install pyzbar and the system library libzbar0"),
    )


def _quad_from_zxing(position: Any) -> Quad:
    pts = (position.top_left, position.top_right, position.bottom_right, position.bottom_left)
    a, b, c, d = ((int(p.x), int(p.y)) for p in pts)
    return (a, b, c, d)


class ZxingQrReader(QrReader):
    """zxing-cpp restricted to QR codes; the options are zxing's own ``read_barcodes`` ones."""

    name = "zxing-cpp"

    def __init__(self, *, try_downscale: bool = True, try_invert: bool = True,
                 try_rotate: bool = True, luminance: Callable[[Image], Image] | None = None
                 ) -> None:
        super().__init__()
        self._zx = _zxing()
        self._formats = self._zx.BarcodeFormat.QRCode
        self._opts = {"try_downscale": try_downscale, "try_invert": try_invert,
                      "try_rotate": try_rotate}
        self._luminance = luminance

    def decode(self, image: Image) -> list[DecodedCode]:
        """Decode with one zxing call (on the frame as given unless a luminance is set)."""
        t0 = time.perf_counter()
        img = self._luminance(image) if self._luminance else image
        found = self._zx.read_barcodes(img, formats=self._formats, **self._opts)
        out = [DecodedCode(bytes(b.bytes), _quad_from_zxing(b.position), self.name)
               for b in found if b.valid]
        self.stats = ReadStats(["zxing"], 0, (time.perf_counter() - t0) * 1000)
        return out


class ZbarQrReader(QrReader):
    """zbar (through pyzbar) restricted to QR codes, on the grey picture."""

    name = "zbar"

    def __init__(self) -> None:
        super().__init__()
        self._zb = _zbar()
        self._symbols = [self._zb.ZBarSymbol.QRCODE]

    def decode(self, image: Image) -> list[DecodedCode]:
        """Decode the whole frame with zbar."""
        t0 = time.perf_counter()
        out = self.decode_region(luma(image), (0, 0))
        self.stats = ReadStats(["zbar"], 0, (time.perf_counter() - t0) * 1000)
        return out

    def decode_region(self, gray: Image, offset: tuple[int, int]) -> list[DecodedCode]:
        """Decode a grey crop; positions are shifted by ``offset`` into frame coordinates."""
        ox, oy = offset
        out = []
        for sym in self._zb.decode(gray, symbols=self._symbols):
            pts = [(int(p.x) + ox, int(p.y) + oy) for p in sym.polygon][:4]
            while len(pts) < 4:
                pts.append(pts[-1] if pts else (ox, oy))
            out.append(DecodedCode(bytes(sym.data), (pts[0], pts[1], pts[2], pts[3]), "zbar"))
        return out


# --------------------------------------------------------------------------- pipeline


# The second look works on a 2×2-averaged picture: a 21 px box there spans the same scene
# as the 41 px box at full resolution, and the averaging halves the sensor noise, so a
# fixed offset of 10 serves every exposure.
LOOK_BLOCK = 21
LOOK_OFFSET = 10


class CheckpointQrReader(QrReader):
    """The checkpoint's pipeline: see the module docstring.

    ``luminance`` picks the colour conversion (:data:`LUMINANCE`); ``rescue`` enables the
    second stage on located-but-undecoded codes (zxing's LocalAverage binarizer on a crop,
    then zbar on the same crop when it is installed); ``second_look`` enables the last
    stage, a half-resolution luma pass on colour frames where nothing was decoded.
    ``offset`` fixes the threshold offset instead of :func:`exposure_offset`.
    """

    name = "checkpoint"

    def __init__(self, *, luminance: str = "min-channel", rescue: bool = True,
                 block: int = 41, offset: int | None = None, second_look: bool = False
                 ) -> None:
        super().__init__()
        self._zx = _zxing()
        self._formats = self._zx.BarcodeFormat.QRCode
        self._luminance = LUMINANCE[luminance]
        self._block, self._offset = block, offset
        self._second_look = second_look
        self._zbar: ZbarQrReader | None = None
        self.notes: list[str] = []
        if rescue:
            try:
                self._zbar = ZbarQrReader()
            except DecoderMissing as exc:
                self.notes.append(str(exc))
                log.warning("zbar unavailable, rescue stage uses zxing only: %s", exc)
        self._rescue = rescue

    def _read_mask(self, mask: Image) -> list[Any]:
        return list(self._zx.read_barcodes(
            mask, formats=self._formats, try_downscale=False, try_invert=False,
            binarizer=self._zx.Binarizer.BoolCast, return_errors=True))

    def decode(self, image: Image) -> list[DecodedCode]:
        """Decode one frame; never raises on picture content."""
        t0 = time.perf_counter()
        stats = ReadStats()
        gray = self._luminance(image)
        offset = self._offset if self._offset is not None else exposure_offset(gray)
        mask = binarize(gray, self._block, offset)
        found = self._read_mask(mask)
        stats.passes.append("zxing")
        inverted = False
        if not found:
            found = self._read_mask(cv2.bitwise_not(mask))  # type: ignore[arg-type]
            stats.passes.append("zxing-inverted")
            inverted = bool(found)
        out = [DecodedCode(bytes(b.bytes), _quad_from_zxing(b.position), "zxing")
               for b in found if b.valid]
        failed = [b for b in found if not b.valid]
        stats.located_undecoded = len(failed)
        if failed and self._rescue:
            known = {c.payload for c in out}
            for b in failed:
                for code in self._rescue_one(gray, _quad_from_zxing(b.position), inverted,
                                             stats):
                    if code.payload not in known:
                        known.add(code.payload)
                        out.append(code)
        if not out and self._second_look and image.ndim == 3 and min(image.shape[:2]) >= 32:
            stats.passes.append("half-luma")
            out = self._look_again(image)
        stats.ms = (time.perf_counter() - t0) * 1000
        self.stats = stats
        return out

    def _look_again(self, image: Image) -> list[DecodedCode]:
        """Ordinary grey at half resolution, dark-on-light only (see the module docstring)."""
        h, w = image.shape[:2]
        small: Image = cv2.resize(image, (w // 2, h // 2),  # type: ignore[assignment]
                                  interpolation=cv2.INTER_AREA)
        found = self._read_mask(binarize(luma(small), LOOK_BLOCK, LOOK_OFFSET))
        return [DecodedCode(bytes(b.bytes), _scale(_quad_from_zxing(b.position), 2), "zxing")
                for b in found if b.valid]

    def _rescue_one(self, gray: Image, quad: Quad, inverted: bool,
                    stats: ReadStats) -> list[DecodedCode]:
        crop, offset = crop_around(gray, quad)
        if crop.size == 0:
            return []
        ox, oy = offset
        found = self._zx.read_barcodes(crop, formats=self._formats, try_downscale=False,
                                       try_invert=inverted)
        stats.passes.append("zxing-local-average")
        out = [DecodedCode(bytes(b.bytes), _shift(_quad_from_zxing(b.position), ox, oy),
                           "zxing") for b in found if b.valid]
        if out or self._zbar is None:
            return out
        stats.passes.append("zbar")
        # zbar reads dark-on-light only: give it the code's own polarity.
        zb_input: Image = cv2.bitwise_not(crop) if inverted else crop  # type: ignore[assignment]
        return self._zbar.decode_region(zb_input, offset)


def _scale(q: Quad, k: int) -> Quad:
    a, b, c, d = ((x * k, y * k) for x, y in q)
    return (a, b, c, d)


def _shift(q: Quad, dx: int, dy: int) -> Quad:
    a, b, c, d = ((x + dx, y + dy) for x, y in q)
    return (a, b, c, d)


def crop_around(gray: Image, quad: Quad, margin: float = 0.25) -> tuple[Image, tuple[int, int]]:
    """The region around a located code, widened by ``margin`` of its size on each side."""
    xs = [p[0] for p in quad]
    ys = [p[1] for p in quad]
    size = max(max(xs) - min(xs), max(ys) - min(ys), 8)
    pad = int(size * margin) + 4
    h, w = gray.shape[:2]
    x0, y0 = max(min(xs) - pad, 0), max(min(ys) - pad, 0)
    x1, y1 = min(max(xs) + pad, w), min(max(ys) + pad, h)
    return np.ascontiguousarray(gray[y0:y1, x0:x1]), (x0, y0)


READERS: dict[str, Callable[[], QrReader]] = {
    "checkpoint": CheckpointQrReader,
    "zxing": ZxingQrReader,
    "zbar": ZbarQrReader,
}


def make_reader(kind: str = "checkpoint") -> QrReader:
    """Build a reader by name; raises :class:`DecoderMissing` naming the missing library."""
    try:
        factory = READERS[kind]
    except KeyError:
        raise KnownError(t(f"未知的解码器：{kind}", f"unknown decoder: {kind}")) from None
    return factory()


def decode_all(reader: QrReader, frames: Sequence[Image]) -> list[list[DecodedCode]]:
    """Decode several frames in order (a convenience for tests and tools)."""
    return [reader.decode(f) for f in frames]
