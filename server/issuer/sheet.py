"""The printable training sheet: labelled sample codes (green, yellow, red, expired, forged,
revoked) on A4, with the result a checkpoint should show for each."""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from server.issuer.codes import CodeContent, forge, issue
from server.issuer.images import qr_png
from server.issuer.keys import KeyPair

FONT = "STSong-Light"


@dataclass(frozen=True)
class Sample:
    """One labelled code on the sheet."""

    label: str
    expected: str
    text: str
    code_id: str


def training_samples(key: KeyPair, iss: str, now: float | None = None) -> list[Sample]:
    """The six standard samples; the ``revoked`` one must go on the revocation list."""
    now = int(time.time() if now is None else now)
    stamp = time.strftime("%Y%m%d%H%M", time.gmtime(now))

    def content(tag: str, colour: str, kind: str = "dyn", iat: int = now,
                exp: int | None = None) -> CodeContent:
        return CodeContent(iss=iss, code_id=f"train-{stamp}-{tag}", kind=kind, colour=colour,
                           name="示例人员", doc_type="CN-ID", doc_masked="450***********000X",
                           person=f"train-{tag}", iat=iat, exp=exp)

    expired = content("expired", "green", iat=now - 3 * 86400, exp=now - 2 * 86400)
    return [
        Sample("绿码 green", "VALID · green", issue(key, content("green", "green")),
               f"train-{stamp}-green"),
        Sample("黄码 yellow", "VALID · yellow", issue(key, content("yellow", "yellow")),
               f"train-{stamp}-yellow"),
        Sample("红码（凭证）red card", "VALID · red",
               issue(key, content("red", "red", kind="card")), f"train-{stamp}-red"),
        Sample("已过期 expired", "EXPIRED", issue(key, expired), expired.code_id),
        Sample("伪造 forged", "BAD_SIGNATURE", forge(key, content("forged", "red"), "green"),
               f"train-{stamp}-forged"),
        Sample("已撤销 revoked", "REVOKED", issue(key, content("revoked", "green")),
               f"train-{stamp}-revoked"),
    ]


def write_sheet(samples: list[Sample], path: Path, title: str = "GX1 健康码核验培训样张") -> None:
    """Two columns of labelled codes per A4 page."""
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    pdf = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    cell_w, cell_h, size = width / 2, 85 * mm, 60 * mm
    pdf.setTitle(title)
    for index, sample in enumerate(samples):
        slot = index % 6
        if slot == 0:
            if index:
                pdf.showPage()
            pdf.setFont(FONT, 16)
            pdf.drawString(20 * mm, height - 18 * mm, title)
            pdf.setFont(FONT, 8)
            pdf.drawString(20 * mm, height - 24 * mm, "仅供培训，不是有效健康码 · training only")
        col, row = slot % 2, slot // 2
        x = col * cell_w + (cell_w - size) / 2
        y = height - 30 * mm - (row + 1) * cell_h + 18 * mm
        image = ImageReader(io.BytesIO(qr_png(sample.text, box_size=4)))
        pdf.drawImage(image, x, y, size, size)
        pdf.setFont(FONT, 12)
        pdf.drawCentredString(col * cell_w + cell_w / 2, y - 6 * mm, sample.label)
        pdf.setFont(FONT, 9)
        pdf.drawCentredString(col * cell_w + cell_w / 2, y - 11 * mm,
                              f"应显示 expected: {sample.expected}")
    pdf.save()
