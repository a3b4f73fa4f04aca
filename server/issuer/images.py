"""QR images of codes: alphanumeric mode (the Base45 alphabet fits it), error correction M."""

from __future__ import annotations

import io
from pathlib import Path

import qrcode
import qrcode.constants
import qrcode.util


def qr_image(text: str, *, box_size: int = 6, border: int = 4) -> object:
    """A PIL image of ``text`` encoded in alphanumeric mode."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M,
                       box_size=box_size, border=border)
    qr.add_data(qrcode.util.QRData(text.encode("ascii"), mode=qrcode.util.MODE_ALPHA_NUM))
    qr.make(fit=True)
    return qr.make_image(fill_color="black", back_color="white").get_image()


def qr_png(text: str, path: Path | None = None, **kwargs: int) -> bytes:
    """PNG bytes of the code (also written to ``path`` when given)."""
    buffer = io.BytesIO()
    qr_image(text, **kwargs).save(buffer, format="PNG")  # type: ignore[attr-defined]
    data = buffer.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data
