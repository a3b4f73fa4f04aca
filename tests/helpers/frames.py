"""Deterministic camera frames holding health codes, for scanner tests and the scan benchmark.

Every frame is 1280×720 BGR and depends only on ``(seed, class, index)``. A frame shows a
gate scene (wall, floor, clutter, printed text) and, unless it is a blank frame, one QR
code carrying a real payload: GX1 dynamic and card codes from the shared vectors, HC1
texts from the EU conformance data, and URLs of online-only issuers. Each class applies
one kind of degradation on top of a mild camera model (slight blur, sensor noise).
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import qrcode
import qrcode.constants

WIDTH, HEIGHT = 1280, 720
SHARED = Path(__file__).resolve().parents[3] / "shared"

CODE_CLASSES = (
    "small",
    "medium",
    "large",
    "rotated",
    "tilted",
    "focus-blur",
    "motion-blur",
    "dim",
    "low-contrast",
    "noise",
    "jpeg",
    "glare",
    "phone-screen",
    "printed-card",
    "occluded",
    "inverted",
    "yellow",
    "red",
)
CLASSES = ("blank", *CODE_CLASSES)

Rng = np.random.Generator
Image = np.ndarray


@dataclass(frozen=True)
class Sample:
    """One generated frame and the payload it carries (``None`` for a blank frame)."""

    cls: str
    index: int
    payload: str | None
    kind: str
    image: Image


# --------------------------------------------------------------------------- payloads


@functools.cache
def payloads() -> dict[str, tuple[str, ...]]:
    """Payload texts by kind: ``gx1-dyn``, ``gx1-card``, ``hc1``, ``url``."""
    dyn: list[str] = []
    card: list[str] = []
    cases = SHARED / "specs" / "vectors" / "gx1" / "cases.json"
    if cases.exists():
        for case in json.loads(cases.read_text("utf-8"))["code_cases"]:
            if case["name"].startswith("valid") and case["qr_text"].startswith("GX1:"):
                (card if "card" in case["name"] else dyn).append(case["qr_text"])
    hc1: list[str] = []
    for path in sorted((SHARED / "testdata" / "dgc-common").glob("*.json")):
        prefix = json.loads(path.read_text("utf-8")).get("PREFIX")
        if isinstance(prefix, str) and prefix.startswith("HC1:") and len(prefix) <= 700:
            hc1.append(prefix)
    if not dyn:  # the shared vectors are not there: base45-shaped stand-ins of the same size
        dyn = [_base45_like("GX1:", 290, s) for s in range(4)]
    if not card:
        card = [_base45_like("GX1:", 294, 9)]
    if not hc1:
        hc1 = [_base45_like("HC1:", 600, s) for s in range(3)]
    urls = [
        "https://hc.example.cn/v?t=Q2hlY2twb2ludDEyMzQ1Njc4OTA",
        "https://jkm.example.gov.cn/code/8f3a9c1e2b7d4a60",
        "http://gx.example.cn/hc?id=450103-20261201-000731&s=AB12CD",
    ]
    return {"gx1-dyn": tuple(dyn), "gx1-card": tuple(card), "hc1": tuple(hc1[:6]),
            "url": tuple(urls)}


def _base45_like(prefix: str, length: int, seed: int) -> str:
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
    rng = np.random.default_rng(seed)
    return prefix + "".join(alphabet[i] for i in rng.integers(0, 45, length - len(prefix)))


def pick_payload(rng: Rng) -> tuple[str, str]:
    """A payload and its kind, weighted like a checkpoint's day."""
    p = payloads()
    kind = str(rng.choice(["gx1-dyn", "gx1-card", "hc1", "url"], p=[0.55, 0.2, 0.15, 0.1]))
    options = p[kind]
    return options[int(rng.integers(len(options)))], kind


@functools.cache
def qr_modules(text: str) -> np.ndarray:
    """The module matrix (1 = dark) with a 4-module quiet zone; GX1/HC1 at level M."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    qr.add_data(text)
    qr.make(fit=True)
    return np.array(qr.get_matrix(), dtype=np.uint8)


# --------------------------------------------------------------------------- scene


def scene(rng: Rng) -> Image:
    """A gate scene: lit wall gradient, blurred clutter, edges and printed text."""
    base = rng.uniform(70, 190, size=3)
    yy, xx = np.mgrid[0:HEIGHT:8, 0:WIDTH:8].astype(np.float32)
    gx, gy = rng.uniform(-0.06, 0.06, size=2)
    grad = (xx * gx + yy * gy)[..., None] + base[None, None, :]
    img = cv2.resize(grad.astype(np.float32), (WIDTH, HEIGHT)).clip(0, 255).astype(np.uint8)
    for _ in range(int(rng.integers(4, 12))):
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        x, y = int(rng.integers(0, WIDTH)), int(rng.integers(0, HEIGHT))
        w, h = int(rng.integers(40, 400)), int(rng.integers(40, 300))
        if rng.random() < 0.5:
            cv2.rectangle(img, (x, y), (x + w, y + h), colour, -1)
        else:
            cv2.ellipse(img, (x, y), (w // 2, h // 2), float(rng.uniform(0, 180)), 0, 360,
                        colour, -1)
    for _ in range(int(rng.integers(2, 8))):
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        p1 = (int(rng.integers(0, WIDTH)), int(rng.integers(0, HEIGHT)))
        p2 = (int(rng.integers(0, WIDTH)), int(rng.integers(0, HEIGHT)))
        cv2.line(img, p1, p2, colour, int(rng.integers(1, 6)))
    for _ in range(int(rng.integers(0, 4))):
        words = "".join(chr(int(c)) for c in rng.integers(65, 91, int(rng.integers(4, 14))))
        cv2.putText(img, words, (int(rng.integers(0, WIDTH - 200)), int(rng.integers(30, HEIGHT))),
                    cv2.FONT_HERSHEY_SIMPLEX, float(rng.uniform(0.6, 2.0)), (20, 20, 20), 2)
    if rng.random() < 0.3:  # tiles or a grille: repetitive edges that resemble modules
        step = int(rng.integers(6, 30))
        img[::step, :, :] //= 2
        img[:, ::step, :] //= 2
    return cv2.GaussianBlur(img, (0, 0), float(rng.uniform(0.6, 2.5)))


# --------------------------------------------------------------------------- code placement


def code_image(text: str, ppm: float, fg: tuple[int, int, int] = (0, 0, 0),
               bg: tuple[int, int, int] = (255, 255, 255)) -> Image:
    """The code rendered at ``ppm`` pixels per module, anti-aliased, BGR."""
    modules = qr_modules(text)
    n = modules.shape[0]
    big = np.kron(modules, np.ones((8, 8), np.uint8))
    size = max(1, round(n * ppm))
    dark = cv2.resize(big.astype(np.float32), (size, size), interpolation=cv2.INTER_AREA)
    fg_arr = np.array(fg, np.float32)
    bg_arr = np.array(bg, np.float32)
    out = dark[..., None] * fg_arr + (1.0 - dark[..., None]) * bg_arr
    return out.clip(0, 255).astype(np.uint8)


def quad(center: tuple[float, float], size: float, angle_deg: float = 0.0,
         tilt: tuple[float, float] = (0.0, 0.0)) -> np.ndarray:
    """Destination corners for a square of ``size`` px, rotated and tilted in perspective."""
    half = size / 2.0
    tx, ty = tilt
    corners = np.array(
        [[-half * (1 - ty), -half * (1 - tx)], [half * (1 - ty), -half * (1 + tx)],
         [half * (1 + ty), half * (1 + tx)], [-half * (1 + ty), half * (1 - tx)]],
        np.float32,
    )
    a = math.radians(angle_deg)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]], np.float32)
    return corners @ rot.T + np.array(center, np.float32)


def paste(frame: Image, patch: Image, dst: np.ndarray) -> None:
    """Warp ``patch`` onto ``frame`` so that its corners land on ``dst`` (in place)."""
    h, w = patch.shape[:2]
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    m = cv2.getPerspectiveTransform(src, dst.astype(np.float32))
    warped = cv2.warpPerspective(patch, m, (WIDTH, HEIGHT), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), m, (WIDTH, HEIGHT),
                               flags=cv2.INTER_LINEAR)
    alpha = (mask.astype(np.float32) / 255.0)[..., None]
    frame[:] = (warped * alpha + frame * (1.0 - alpha)).astype(np.uint8)


def _place(rng: Rng, size: float) -> tuple[float, float]:
    margin = size * 0.75
    x = rng.uniform(min(margin, WIDTH / 2), max(WIDTH - margin, WIDTH / 2))
    y = rng.uniform(min(margin, HEIGHT / 2), max(HEIGHT - margin, HEIGHT / 2))
    return float(x), float(y)


def _ppm_for(text: str, lo: float, hi: float, rng: Rng, max_px: float = 660) -> float:
    n = qr_modules(text).shape[0]
    return float(min(rng.uniform(lo, hi), max_px / n))


# --------------------------------------------------------------------------- camera model


def camera(img: Image, rng: Rng, *, blur: float = 0.0, noise: float = 3.0, gain: float = 1.0,
           offset: float = 0.0, jpeg: int = 0) -> Image:
    """Optics, exposure, sensor noise and compression applied to a clean scene."""
    out = img.astype(np.float32)
    if blur > 0:
        out = cv2.GaussianBlur(out, (0, 0), blur)
    out = out * gain + offset
    if noise > 0:
        shot = np.sqrt(np.clip(out, 1, 255) / 255.0) * noise
        out = out + rng.standard_normal(out.shape, dtype=np.float32) * (noise + shot)
    result = out.clip(0, 255).astype(np.uint8)
    if jpeg:
        ok, buf = cv2.imencode(".jpg", result, [cv2.IMWRITE_JPEG_QUALITY, jpeg])
        assert ok
        result = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    return result


def motion_kernel(length: int, angle_deg: float) -> np.ndarray:
    """A normalised line kernel for linear motion blur."""
    k = np.zeros((length, length), np.float32)
    c = (length - 1) / 2.0
    a = math.radians(angle_deg)
    dx, dy = math.cos(a) * c, math.sin(a) * c
    cv2.line(k, (round(c - dx), round(c - dy)), (round(c + dx), round(c + dy)), 1.0, 1)
    return k / max(float(k.sum()), 1.0)


def glare(img: Image, rng: Rng, center: tuple[float, float], radius: float) -> Image:
    """A specular highlight that washes part of the code out."""
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    cx = center[0] + rng.uniform(-radius, radius) * 0.6
    cy = center[1] + rng.uniform(-radius, radius) * 0.6
    r = radius * float(rng.uniform(0.25, 0.45))
    d2 = ((xx - cx) ** 2 + (yy - cy) ** 2) / (r * r)
    spot = np.exp(-d2)[..., None] * float(rng.uniform(140, 230))
    return (img.astype(np.float32) + spot).clip(0, 255).astype(np.uint8)


# --------------------------------------------------------------------------- classes


def _phone(rng: Rng, text: str, ppm: float) -> tuple[Image, float]:
    """A phone showing the code: bezel, lit screen, pixel-grid moiré, a green header."""
    code = code_image(text, ppm)
    ch = code.shape[0]
    sw, sh = int(ch * 1.25), int(ch * 2.1)
    screen = np.full((sh, sw, 3), 250, np.uint8)
    screen[: sh // 6] = (80, 170, 40)
    y0, x0 = (sh - ch) // 2, (sw - ch) // 2
    screen[y0:y0 + ch, x0:x0 + ch] = code
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    f1, f2 = rng.uniform(0.8, 1.4), rng.uniform(0.7, 1.3)
    moire = 1.0 - 0.08 * (0.5 + 0.5 * np.sin(xx * f1 + yy * 0.3)) * (
        0.5 + 0.5 * np.sin(yy * f2 - xx * 0.2))
    screen = (screen * moire[..., None]).astype(np.uint8)
    bez = int(ch * 0.08)
    phone = np.full((sh + 2 * bez, sw + 2 * bez, 3), 15, np.uint8)
    phone[bez:bez + sh, bez:bez + sw] = screen
    return phone, ch / sh


def _card(rng: Rng, text: str, ppm: float) -> Image:
    """A printed voucher card: off-white paper, printed lines, the code on one side."""
    code = code_image(text, ppm, fg=(40, 35, 30), bg=(228, 232, 236))
    ch = code.shape[0]
    cw, chh = int(ch * 1.9), int(ch * 1.25)
    paper = np.full((chh, cw, 3), (222, 228, 234), np.uint8)
    paper = (paper + rng.normal(0, 4, paper.shape)).clip(0, 255).astype(np.uint8)
    y0 = (chh - ch) // 2
    paper[y0:y0 + ch, cw - ch - 10:cw - 10] = code
    for i in range(5):
        y = int(chh * (0.2 + 0.14 * i))
        cv2.line(paper, (int(cw * 0.05), y), (int(cw * 0.4), y), (60, 60, 60), max(1, ch // 60))
    cv2.rectangle(paper, (0, 0), (cw - 1, chh - 1), (0, 0, 160), max(2, ch // 50))
    return paper


def _put_code(frame: Image, rng: Rng, text: str, ppm: float, *, angle: float = 0.0,
              tilt: tuple[float, float] = (0.0, 0.0),
              fg: tuple[int, int, int] = (0, 0, 0),
              bg: tuple[int, int, int] = (255, 255, 255)) -> tuple[np.ndarray, float]:
    code = code_image(text, ppm, fg, bg)
    size = float(code.shape[0])
    dst = quad(_place(rng, size), size, angle, tilt)
    paste(frame, code, dst)
    return dst, size


def _occlude(frame: Image, rng: Rng, dst: np.ndarray, size: float) -> None:
    """A finger over one edge of the code, sparing the finder patterns' centres."""
    c = dst.mean(axis=0)
    side = int(rng.integers(4))
    mid = (dst[side] + dst[(side + 1) % 4]) / 2.0
    toward = c - mid
    p = mid + toward * float(rng.uniform(0.05, 0.25))
    axes = (int(size * rng.uniform(0.08, 0.13)), int(size * rng.uniform(0.2, 0.35)))
    ang = math.degrees(math.atan2(toward[1], toward[0]))
    skin = (int(rng.integers(90, 140)), int(rng.integers(130, 170)), int(rng.integers(180, 220)))
    cv2.ellipse(frame, (int(p[0]), int(p[1])), axes, ang, 0, 360, skin, -1)


def _blank(rng: Rng) -> Image:
    img = scene(rng)
    r = rng.random()
    if r < 0.2:
        return camera(img, rng, gain=0.15, noise=6)  # night
    if r < 0.3:
        return camera(img, rng, gain=1.6, offset=40, noise=3)  # over-exposed
    if r < 0.4:
        return camera(img, rng, noise=3, jpeg=int(rng.integers(25, 60)))
    return camera(img, rng, blur=float(rng.uniform(0, 1.2)), noise=float(rng.uniform(2, 8)))


def _size_class(cls: str, rng: Rng, frame: Image, text: str) -> Image:
    lo, hi = {"small": (2.0, 2.8), "medium": (3.0, 5.0), "large": (6.0, 10.0)}[cls]
    _put_code(frame, rng, text, _ppm_for(text, lo, hi, rng), angle=float(rng.uniform(-8, 8)))
    return camera(frame, rng, blur=0.5, noise=3)


def _geometry_class(cls: str, rng: Rng, frame: Image, text: str) -> Image:
    ppm = _ppm_for(text, 3.0, 5.0, rng)
    if cls == "rotated":
        _put_code(frame, rng, text, ppm, angle=float(rng.uniform(0, 360)))
    else:
        tilt = (float(rng.uniform(-0.35, 0.35)), float(rng.uniform(-0.35, 0.35)))
        _put_code(frame, rng, text, ppm, angle=float(rng.uniform(-20, 20)), tilt=tilt)
    return camera(frame, rng, blur=0.5, noise=3)


def _optics_class(cls: str, rng: Rng, frame: Image, text: str) -> Image:
    ppm = _ppm_for(text, 3.5, 6.0, rng)
    _put_code(frame, rng, text, ppm, angle=float(rng.uniform(-10, 10)))
    if cls == "focus-blur":
        return camera(frame, rng, blur=float(rng.uniform(0.3, 0.65)) * ppm, noise=3)
    if cls == "motion-blur":
        length = max(3, int(ppm * rng.uniform(0.6, 1.3)) | 1)
        smeared = cv2.filter2D(frame, -1, motion_kernel(length, float(rng.uniform(0, 180))))
        return camera(smeared, rng, blur=0.4, noise=3)
    if cls == "dim":
        return camera(frame, rng, gain=float(rng.uniform(0.12, 0.25)), noise=4)
    if cls == "low-contrast":
        g = float(rng.uniform(0.18, 0.3))
        return camera(frame, rng, gain=g, offset=float(rng.uniform(60, 140)), noise=3)
    if cls == "noise":
        return camera(frame, rng, blur=0.5, noise=float(rng.uniform(9, 15)))
    if cls == "jpeg":
        return camera(frame, rng, blur=0.5, noise=4, jpeg=int(rng.integers(12, 30)))
    raise ValueError(cls)


def _surface_class(cls: str, rng: Rng, frame: Image, text: str) -> Image:
    angle = float(rng.uniform(-15, 15))
    tilt = (float(rng.uniform(-0.15, 0.15)), float(rng.uniform(-0.15, 0.15)))
    if cls == "phone-screen":
        phone, _ = _phone(rng, text, _ppm_for(text, 3.0, 5.0, rng, max_px=330))
        h, w = phone.shape[:2]
        scale = min(1.0, 700.0 / h)
        dst_w, dst_h = w * scale, h * scale
        cx, cy = _place(rng, max(dst_w, dst_h) * 0.7)
        src = quad((0.0, 0.0), 1.0, angle, tilt)
        dst = src * np.array([dst_w, dst_h], np.float32) + np.array([cx, cy], np.float32)
        paste(frame, phone, dst)
        return camera(frame, rng, blur=0.6, noise=4, gain=float(rng.uniform(0.8, 1.05)))
    if cls == "printed-card":
        card = _card(rng, text, _ppm_for(text, 3.0, 5.0, rng, max_px=560))
        h, w = card.shape[:2]
        scale = min(1.0, 1150.0 / w, 700.0 / h)
        cx, cy = _place(rng, max(w, h) * scale * 0.55)
        src = quad((0.0, 0.0), 1.0, angle, tilt)
        dst = src * np.array([w * scale, h * scale], np.float32) + np.array([cx, cy], np.float32)
        paste(frame, card, dst)
        return camera(frame, rng, blur=0.6, noise=4, gain=float(rng.uniform(0.7, 1.0)))
    ppm = _ppm_for(text, 2.5, 5.0, rng) if cls in ("yellow", "red") else \
        _ppm_for(text, 3.5, 6.0, rng)
    if cls == "glare":
        dst, size = _put_code(frame, rng, text, ppm, angle=angle)
        frame = glare(frame, rng, (float(dst[:, 0].mean()), float(dst[:, 1].mean())), size)
        return camera(frame, rng, blur=0.5, noise=3)
    if cls == "occluded":
        dst, size = _put_code(frame, rng, text, ppm, angle=angle)
        _occlude(frame, rng, dst, size)
        return camera(frame, rng, blur=0.5, noise=3)
    if cls == "inverted":
        _put_code(frame, rng, text, ppm, angle=angle, fg=(255, 255, 255), bg=(20, 20, 20))
        return camera(frame, rng, blur=0.5, noise=3)
    if cls in ("yellow", "red"):
        fg = (0, int(rng.integers(170, 215)), int(rng.integers(225, 256))) if cls == "yellow" \
            else (int(rng.integers(0, 40)), int(rng.integers(0, 40)), int(rng.integers(200, 240)))
        _put_code(frame, rng, text, ppm, angle=angle, tilt=tilt, fg=fg)
        return camera(frame, rng, blur=float(rng.uniform(0.4, 0.9)),
                      noise=float(rng.uniform(3, 7)), gain=float(rng.uniform(0.45, 1.0)))
    raise ValueError(cls)


_BUILDERS = {
    **dict.fromkeys(("small", "medium", "large"), _size_class),
    **dict.fromkeys(("rotated", "tilted"), _geometry_class),
    **dict.fromkeys(("focus-blur", "motion-blur", "dim", "low-contrast", "noise", "jpeg"),
                    _optics_class),
    **dict.fromkeys(("glare", "phone-screen", "printed-card", "occluded", "inverted", "yellow",
                     "red"), _surface_class),
}


def generate(cls: str, index: int, seed: int = 0) -> Sample:
    """The frame number ``index`` of class ``cls``; identical for identical arguments."""
    if cls not in CLASSES:
        raise ValueError(f"unknown frame class {cls!r}")
    rng = np.random.default_rng([seed, CLASSES.index(cls), index])
    if cls == "blank":
        return Sample(cls, index, None, "blank", _blank(rng))
    text, kind = pick_payload(rng)
    if cls == "printed-card" and rng.random() < 0.7:
        text, kind = payloads()["gx1-card"][0], "gx1-card"
    frame = scene(rng)
    return Sample(cls, index, text, kind, _BUILDERS[cls](cls, rng, frame, text))


def samples(cls: str, count: int, seed: int = 0) -> Iterator[Sample]:
    """``count`` frames of one class."""
    for i in range(count):
        yield generate(cls, i, seed)
