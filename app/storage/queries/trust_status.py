"""What the station holds of trust material: versions, ages and when the next update is due."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.timeutil import parse_iso

# The kinds a station is expected to hold, in display order.
EXPECTED_KINDS = ("gx-trust-list", "gx-revocations", "gx-status-list", "hc1-trust-list")


@dataclass(frozen=True)
class MaterialStatus:
    """One kind of trust material (``version`` is None when the station has none)."""

    kind: str
    version: int | None
    issued_at: float | None
    next_update: float | None
    installed_at: float | None

    def age_days(self, now: float) -> float | None:
        """Days since the material was issued."""
        return None if self.issued_at is None else max(0.0, (now - self.issued_at) / 86400)

    def overdue(self, now: float) -> bool:
        """Whether the next update is past (the material is stale)."""
        return self.next_update is not None and now > self.next_update


@dataclass(frozen=True)
class TrustOverview:
    """Every expected kind (present or not), any other kinds held, and the anchors."""

    materials: list[MaterialStatus]
    anchors: int
    anchor_labels: list[str]
    reference: list[tuple[str, str, float | None]]  # (kind, version, received_at)


def _ts(value: Any) -> float | None:
    try:
        return parse_iso(str(value)) if value else None
    except ValueError:
        return None


def read(conn: Any) -> TrustOverview:
    """Read the overview (run on the DB thread)."""
    rows = {str(r[0]): r for r in conn.execute(
        "SELECT kind, version, issued_at, next_update, installed_at FROM trust_material")}
    kinds = list(EXPECTED_KINDS) + sorted(k for k in rows if k not in EXPECTED_KINDS)
    materials = []
    for kind in kinds:
        r = rows.get(kind)
        if r is None:
            materials.append(MaterialStatus(kind, None, None, None, None))
        else:
            materials.append(MaterialStatus(kind, int(r[1]), _ts(r[2]), _ts(r[3]), _ts(r[4])))
    anchors = conn.execute("SELECT label, kid FROM trust_anchors ORDER BY installed_at").fetchall()
    reference = [(str(r[0]), str(r[1]), _ts(r[2])) for r in conn.execute(
        "SELECT kind, version, received_at FROM reference_data ORDER BY kind")]
    return TrustOverview(materials, len(anchors), [str(a[0] or a[1]) for a in anchors],
                         reference)
