"""Small storage protocols so the verification logic needs no database.

:class:`TrustRepository` keeps pinned anchors and the installed signed lists;
:class:`ScanHistory` answers "was this code or person screened here recently?". The
in-memory versions serve tests and tools; ``app/codes/store_repo.py`` implements both on
the station's SQL connection.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class AnchorRecord:
    """A pinned anchor as stored: kid (unpadded base64url), alg, spki (base64 DER)."""

    kid: str
    alg: str
    spki: str
    label: str
    installed_at: str


@dataclass(frozen=True)
class MaterialRecord:
    """An installed signed list as stored: the raw envelope and its header fields."""

    kind: str
    version: int
    issued_at: str
    next_update: str
    raw: str
    installed_at: str


@dataclass(frozen=True)
class EarlierScan:
    """The most recent earlier screening of the same code or person."""

    screening_id: str
    clock_ts: float
    matched: str  # "code" | "person"


class TrustRepository(Protocol):
    """Load and save anchors and trust material by kind."""

    def anchors(self) -> list[AnchorRecord]:
        """All pinned anchors."""
        ...

    def put_anchor(self, record: AnchorRecord) -> None:
        """Pin (or re-label) one anchor."""
        ...

    def material(self, kind: str) -> MaterialRecord | None:
        """The installed list of ``kind``."""
        ...

    def all_material(self) -> list[MaterialRecord]:
        """Every installed list."""
        ...

    def put_material(self, record: MaterialRecord) -> bool:
        """Store ``record`` only if its version is greater than the installed one."""
        ...


class ScanHistory(Protocol):
    """Earlier screenings at this station, by code id or person id."""

    def earlier_scan(self, code_id: str | None, person_ref: str | None,
                     since_ts: float, until_ts: float) -> EarlierScan | None:
        """The latest screening in [since_ts, until_ts] with this code id or person id."""
        ...


class MemoryTrustRepository:
    """A TrustRepository in a dict, for tests and tools."""

    def __init__(self) -> None:
        self._anchors: dict[str, AnchorRecord] = {}
        self._material: dict[str, MaterialRecord] = {}

    def anchors(self) -> list[AnchorRecord]:
        """All pinned anchors."""
        return list(self._anchors.values())

    def put_anchor(self, record: AnchorRecord) -> None:
        """Pin (or re-label) one anchor."""
        self._anchors[record.kid] = record

    def material(self, kind: str) -> MaterialRecord | None:
        """The installed list of ``kind``."""
        return self._material.get(kind)

    def all_material(self) -> list[MaterialRecord]:
        """Every installed list."""
        return list(self._material.values())

    def put_material(self, record: MaterialRecord) -> bool:
        """Store ``record`` only if its version is greater than the installed one."""
        current = self._material.get(record.kind)
        if current is not None and record.version <= current.version:
            return False
        self._material[record.kind] = record
        return True


class MemoryScanHistory:
    """A ScanHistory over a list, for tests and tools."""

    def __init__(self) -> None:
        self.scans: list[tuple[str, float, str | None, str | None]] = []

    def add(self, screening_id: str, clock_ts: float, code_id: str | None,
            person_ref: str | None) -> None:
        """Record one screening."""
        self.scans.append((screening_id, clock_ts, code_id, person_ref))

    def earlier_scan(self, code_id: str | None, person_ref: str | None,
                     since_ts: float, until_ts: float) -> EarlierScan | None:
        """The latest screening in the window with this code id or person id."""
        best: EarlierScan | None = None
        for sid, ts, code, person in self.scans:
            if not since_ts <= ts <= until_ts:
                continue
            matched = ("code" if code_id is not None and code == code_id else
                       "person" if person_ref is not None and person == person_ref else "")
            if matched and (best is None or ts > best.clock_ts):
                best = EarlierScan(sid, ts, matched)
        return best
