"""``python main.py --demo``: a throwaway station with demo users, a week of synthetic
records, demo trust material, and recorded camera frames that show demo health codes.

Everything is made on a worker thread while a small window says so. The demo users and
their passwords (``DEMO_ACCOUNTS``) appear on the sign-in screen in demo mode only. The key
derivation of a demo station is lighter than a real one's: it holds no real data.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.storage.keyslots import KdfParams
from app.storage.station import Station
from app.ui.busy import BusyBar

log = logging.getLogger(__name__)

DEMO_ACCOUNTS = {
    "admin": ("admin123", "admin"),
    "worker": ("worker123", "worker"),
    "clinic": ("clinic123", "clinic"),
    "supervisor": ("super123", "supervisor"),
}
DEMO_NAMES = {"worker": "覃海燕", "clinic": "韦秀英", "supervisor": "黄志强"}
DEMO_KDF = KdfParams(time_cost=1, memory_kib=32_768, parallelism=2)
DEMO_STATION = ("青秀区新竹街道检查点（演示）", "450103")
DEMO_ISSUER = ("CN-GX", "广西健康码（演示）")
DAY = 86400.0


@dataclass
class PreparedDemo:
    """The demo station and what the window needs to present it."""

    station: Station
    code_texts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def extras(self) -> dict[str, Any]:
        """Entries for ``Services.extras`` (accounts, demo codes, frame source factory)."""
        extras: dict[str, Any] = {
            "demo_accounts": {u: p for u, (p, _r) in DEMO_ACCOUNTS.items()},
            "demo_codes": list(self.code_texts),
            "demo_notes": list(self.notes),
        }
        factory = frame_source_factory(self.code_texts)
        if factory is not None:
            extras["make_frame_source"] = factory
        return extras


def prepare(data_dir: Path, *, screenings: int = 1200, days: int = 7, cases: int = 30,
            now: Callable[[], float] = time.time) -> PreparedDemo:
    """Create and fill the demo station in ``data_dir`` (blocking; run on a worker)."""
    from app.storage.users import add_user

    admin = "admin"
    station, _code = Station.create(data_dir, name=DEMO_STATION[0], division=DEMO_STATION[1],
                                    admin=admin, password=DEMO_ACCOUNTS[admin][0], kdf=DEMO_KDF)
    session = station.unlock(admin, DEMO_ACCOUNTS[admin][0])
    for user, (password, role) in DEMO_ACCOUNTS.items():
        if user != admin:
            add_user(station, session, user, role, password, DEMO_NAMES.get(user, ""))
    prepared = PreparedDemo(station)
    _seed(station, session, prepared, screenings, days, cases)
    _trust(station, prepared, now())
    station.lock(session, "demo_prepared")
    return prepared


def _seed(station: Station, session: Any, prepared: PreparedDemo, screenings: int, days: int,
          cases: int) -> None:
    try:
        from app.demo.seed import SeedPlan, seed_station
    except ImportError as exc:
        prepared.notes.append(f"no demo records: {exc}")
        return
    seed_station(station, session, SeedPlan(screenings=screenings, days=days, cases=cases))


def _trust(station: Station, prepared: PreparedDemo, now: float) -> None:
    """Demo issuer and anchor keys, signed lists installed, and codes to show the camera."""
    try:
        from app.codes.checkpoint import install_files
        from server.issuer import keys, lists, sheet
    except ImportError as exc:
        prepared.notes.append(f"no demo trust material: {exc}")
        return
    import json

    anchor = keys.generate("ES256")
    issuer = keys.generate("ES256")
    iss, name = DEMO_ISSUER
    entry = lists.issuer_key_entry(issuer.public_info(), kinds=["dyn", "card"],
                                   not_before=now - DAY, not_after=now + 365 * DAY)
    samples = sheet.training_samples(issuer, iss, now)
    revoked = [(iss, s.code_id) for s in samples if s.expected == "REVOKED"]
    common = {"version": 1, "issued_at": now - 3600, "next_update": now + 7 * DAY}
    texts = [
        json.dumps(keys.anchors_document([(anchor, "演示信任根")]), ensure_ascii=False),
        lists.trust_list(anchor, issuers=[{"iss": iss, "name": name, "keys": [entry]}],
                         **common),
        lists.revocation_list(anchor, codes=revoked, **common),
        lists.status_list(anchor, scope="450000", people={}, **common),
    ]
    station.db.transaction(lambda conn: install_files(conn, texts, now))
    prepared.code_texts = [s.text for s in samples]


def frame_source_factory(texts: list[str]) -> Callable[[], Any] | None:
    """Recorded frames that show each demo code for a while, then an empty scene."""
    if not texts:
        return None
    try:
        import numpy as np

        from app.scanner.sources import RecordedFrameSource
        from server.issuer.images import qr_image
    except ImportError:
        return None

    def frames() -> list[Any]:
        shown = []
        blank = np.full((720, 1280, 3), 205, np.uint8)
        for text in texts:
            image = np.array(qr_image(text, box_size=5).convert("RGB"))[:, :, ::-1]
            frame = blank.copy()
            h, w = image.shape[:2]
            y, x = (720 - h) // 2, (1280 - w) // 2
            frame[y:y + h, x:x + w] = image
            shown.append(frame)
        return shown

    def make() -> Any:
        cached = frames()
        blank = np.full((720, 1280, 3), 205, np.uint8)

        def sequence() -> list[Any]:
            out = []
            for frame in cached:
                out += [frame] * 20 + [blank] * 30
            return out

        return RecordedFrameSource(sequence, fps=10, loop=True, label="演示录像")

    return make


def prepare_in_background(data_dir: Path, on_done: Callable[[PreparedDemo], None],
                          on_error: Callable[[BaseException], None]) -> None:
    """Run :func:`prepare` on a worker thread; callbacks on the GUI thread."""
    from app.ui.ops import background_op

    background_op(lambda: prepare(data_dir), on_done, on_error)


class PreparingWindow(QWidget):
    """A small window shown while the demo station is being made."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("网格工作台（演示）"))
        label = QLabel(self.tr("正在准备演示站点：创建用户、生成一周的演示记录和演示信任材料…"))
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        bar = BusyBar()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addWidget(label)
        layout.addWidget(bar)
        self.resize(420, 140)
