"""The verdict panel: readable from two metres, never by colour alone.

A colour block carries a drawn symbol (tick, triangle, cross, barred circle, question mark:
painted, so no font can lose it) and the verdict in large words; below it the masked name
and ID, the issuer, the validity and the warnings, each warning with its own marker.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QFormLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.reports.localday import ZONE
from app.ui.checkpoint import verdict as v

IDLE = "idle"
# tone → (background, foreground)
TONE_COLOURS = {
    IDLE: ("#CFD8DC", "#263238"),
    v.TONE_GREEN: ("#1B7F3B", "#FFFFFF"),
    v.TONE_YELLOW: ("#F5C400", "#1A1A1A"),
    v.TONE_RED: ("#C62828", "#FFFFFF"),
    v.TONE_INVALID: ("#263238", "#FFFFFF"),
    v.TONE_MANUAL: ("#1565C0", "#FFFFFF"),
}


def _format_time(ts: float | None) -> str:
    if ts is None:
        return "—"
    try:
        return datetime.fromtimestamp(ts, ZONE).strftime("%Y-%m-%d %H:%M")
    except (OverflowError, OSError, ValueError):
        return "—"


class VerdictBlock(QWidget):
    """The colour block with the symbol and the big words."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tone = IDLE
        self.headline = ""
        self.subline = ""
        self.setMinimumHeight(150)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAccessibleName("verdict")

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(520, 190)

    def show_tone(self, tone: str, headline: str, subline: str = "") -> None:
        """Set what the block shows (a Latin headline starts with a capital: "Green")."""
        headline = headline[:1].upper() + headline[1:]
        self.tone, self.headline, self.subline = tone, headline, subline
        self.setAccessibleDescription(f"{headline} {subline}".strip())
        self.update()

    def paintEvent(self, event: object) -> None:  # noqa: N802 - Qt's name
        bg, fg = TONE_COLOURS.get(self.tone, TONE_COLOURS[IDLE])
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect())
        p.fillRect(rect, QColor(bg))
        side = min(rect.height() - 24, 150.0)
        icon = QRectF(16, (rect.height() - side) / 2, side, side)
        _draw_symbol(p, self.tone, icon, QColor(fg))
        text_rect = rect.adjusted(icon.right() + 24, 8, -12, -8)
        font = QFont(self.font())
        font.setPixelSize(max(28, int(side * 0.42)))
        font.setBold(True)
        p.setFont(font)
        p.setPen(QColor(fg))
        if self.subline:
            top = text_rect.adjusted(0, 0, 0, -text_rect.height() * 0.4)
            p.drawText(top, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom
                                | Qt.TextFlag.TextWordWrap), self.headline)
            small = QFont(font)
            small.setPixelSize(max(18, int(side * 0.2)))
            small.setBold(False)
            p.setFont(small)
            bottom = text_rect.adjusted(0, text_rect.height() * 0.62, 0, 0)
            p.drawText(bottom, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
                                   | Qt.TextFlag.TextWordWrap), self.subline)
        else:
            p.drawText(text_rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
                                      | Qt.TextFlag.TextWordWrap), self.headline)
        p.end()


def _draw_symbol(p: QPainter, tone: str, r: QRectF, colour: QColor) -> None:
    pen = QPen(colour, max(6.0, r.width() * 0.11), Qt.PenStyle.SolidLine,
               Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    w, h, x, y = r.width(), r.height(), r.x(), r.y()
    if tone == v.TONE_GREEN:  # tick in a circle
        p.drawEllipse(r.adjusted(w * .06, h * .06, -w * .06, -h * .06))
        path = QPainterPath(QPointF(x + w * .28, y + h * .52))
        path.lineTo(QPointF(x + w * .44, y + h * .68))
        path.lineTo(QPointF(x + w * .74, y + h * .34))
        p.drawPath(path)
    elif tone == v.TONE_YELLOW:  # warning triangle with "!"
        path = QPainterPath(QPointF(x + w * .5, y + h * .08))
        path.lineTo(QPointF(x + w * .94, y + h * .9))
        path.lineTo(QPointF(x + w * .06, y + h * .9))
        path.closeSubpath()
        p.drawPath(path)
        p.drawLine(QPointF(x + w * .5, y + h * .38), QPointF(x + w * .5, y + h * .62))
        p.drawPoint(QPointF(x + w * .5, y + h * .77))
    elif tone == v.TONE_RED:  # cross in a circle
        p.drawEllipse(r.adjusted(w * .06, h * .06, -w * .06, -h * .06))
        p.drawLine(QPointF(x + w * .33, y + h * .33), QPointF(x + w * .67, y + h * .67))
        p.drawLine(QPointF(x + w * .67, y + h * .33), QPointF(x + w * .33, y + h * .67))
    elif tone == v.TONE_INVALID:  # barred circle
        p.drawEllipse(r.adjusted(w * .06, h * .06, -w * .06, -h * .06))
        p.drawLine(QPointF(x + w * .24, y + h * .24), QPointF(x + w * .76, y + h * .76))
    elif tone == v.TONE_MANUAL:  # question mark in a circle
        p.drawEllipse(r.adjusted(w * .06, h * .06, -w * .06, -h * .06))
        path = QPainterPath(QPointF(x + w * .37, y + h * .38))
        path.cubicTo(QPointF(x + w * .37, y + h * .2), QPointF(x + w * .65, y + h * .2),
                     QPointF(x + w * .63, y + h * .38))
        path.cubicTo(QPointF(x + w * .62, y + h * .5), QPointF(x + w * .5, y + h * .5),
                     QPointF(x + w * .5, y + h * .6))
        p.drawPath(path)
        p.drawPoint(QPointF(x + w * .5, y + h * .76))
    else:  # idle: a frame like a code finder pattern
        p.drawRect(r.adjusted(w * .15, h * .15, -w * .15, -h * .15))
        p.drawRect(r.adjusted(w * .36, h * .36, -w * .36, -h * .36))


class VerdictPanel(QWidget):
    """The block plus the masked details and the warnings."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.block = VerdictBlock(self)
        self.name_label = QLabel()
        self.doc_label = QLabel()
        self.issuer_label = QLabel()
        self.validity_label = QLabel()
        self.warnings_label = QLabel()
        self.warnings_label.setWordWrap(True)
        self.warnings_label.setObjectName("verdict-warnings")
        self.warnings_label.setStyleSheet(
            "QLabel#verdict-warnings { color: #8A4B00; font-weight: bold; }")
        big = QFont(self.font())
        big.setPointSizeF(max(14.0, big.pointSizeF() * 1.5))
        details = QFormLayout()
        for label, widget in ((self.tr("姓名"), self.name_label),
                              (self.tr("证件号"), self.doc_label),
                              (self.tr("签发机构"), self.issuer_label),
                              (self.tr("有效期至"), self.validity_label)):
            widget.setFont(big)
            widget.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
            title = QLabel(label)
            title.setFont(big)
            details.addRow(title, widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.block)
        layout.addLayout(details)
        layout.addWidget(self.warnings_label)
        self.clear()

    def clear(self) -> None:
        """Back to "show your code"."""
        self.block.show_tone(IDLE, self.tr("请出示健康码"),
                             self.tr("扫码、扫码枪或输入身份证号"))
        for label in (self.name_label, self.doc_label, self.issuer_label, self.validity_label):
            label.setText("—")
        self.warnings_label.setText("")
        self.warnings_label.hide()

    def show_busy(self) -> None:
        """While a verification runs (usually too short to be seen)."""
        self.block.show_tone(IDLE, self.tr("正在核验…"))

    def show_verdict(self, verdict: v.Verdict) -> None:
        """Fill the panel from a verdict (masked)."""
        self.block.show_tone(verdict.tone, verdict.headline, verdict.detail)
        self.name_label.setText(verdict.masked_name or "—")
        self.doc_label.setText(verdict.masked_doc or "—")
        self.issuer_label.setText(verdict.issuer or "—")
        self.validity_label.setText(_format_time(verdict.valid_until))
        self.set_warnings(verdict.warnings)

    def set_warnings(self, warnings: tuple[str, ...] | list[str]) -> None:
        """Show warnings, each with a marker (hidden when there are none)."""
        if warnings:
            self.warnings_label.setText("\n".join(f"⚠ {w}" for w in warnings))
            self.warnings_label.show()
        else:
            self.warnings_label.setText("")
            self.warnings_label.hide()

    @property
    def tone(self) -> str:
        """The tone shown now (for tests and accessibility)."""
        return self.block.tone
