"""The daily report as data: plain dataclasses that turn into JSON and back.

A report covers one local date (China time) and one scope: the whole station, one grid, or
a township (every grid named ``township/…``). Grids are free text on records; the township
of a grid is the part before the first ``/`` (the demo uses ``新竹街道/第1网格``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from app.errors import KnownError
from app.text import t

COLOURS = ("green", "yellow", "red", "none")
DECISIONS = ("pass", "refer", "refuse", "notify", "manual")
AID_CATEGORIES = ("food", "medicine", "medical_care", "counselling", "policy", "other")
UNVERIFIED_RESULTS = ("DEFERRED", "STALE_TRUST")
FLAGGED_RESULTS = ("EXPIRED", "NOT_YET_VALID", "BAD_SIGNATURE", "REVOKED", "UNKNOWN_KEY",
                   "MALFORMED")
SCOPE_KINDS = ("station", "grid", "township")


@dataclass(frozen=True)
class Scope:
    """What part of the station's data a report covers."""

    kind: str = "station"
    value: str = ""

    @classmethod
    def parse(cls, text: str | None) -> Scope:
        """``station`` (or empty), ``grid:NAME`` or ``township:NAME``."""
        raw = (text or "").strip()
        if raw in ("", "station"):
            return cls()
        kind, sep, value = raw.partition(":")
        if not sep or kind not in ("grid", "township") or not value.strip():
            raise KnownError(t(f"范围「{raw}」无效：应为 station、grid:网格名 或 township:街道名",
                               f"invalid scope '{raw}': use station, grid:NAME or "
                               "township:NAME"))
        return cls(kind, value.strip())

    @property
    def text(self) -> str:
        """The form ``parse`` reads back."""
        return "station" if self.kind == "station" else f"{self.kind}:{self.value}"

    def label(self, station_name: str = "") -> str:
        """How the scope is named in a report's title."""
        if self.kind == "grid":
            return t(f"网格：{self.value}", f"grid: {self.value}")
        if self.kind == "township":
            return t(f"街道（乡镇）：{self.value}", f"township: {self.value}")
        return t(f"本站：{station_name}", f"station: {station_name}")

    def grid_filter(self, column: str) -> tuple[str, tuple[str, ...]]:
        """An SQL condition (starting with `` AND``) on a grid column, and its parameters."""
        if self.kind == "grid":
            return f" AND {column} = ?", (self.value,)
        if self.kind == "township":
            return f" AND ({column} = ? OR substr({column}, 1, ?) = ?)", (
                self.value, str(len(self.value) + 1), self.value + "/")
        return "", ()


@dataclass
class UnverifiedCodes:
    """Codes that could not be verified offline (DEFERRED, STALE_TRUST) and what became of
    them: the worker's decision at the gate, the centre's later verdict, the upload."""

    total: int = 0
    passed_at_gate: int = 0
    refused_at_gate: int = 0
    verdict_received: int = 0
    verdict_adverse: int = 0
    awaiting_verdict: int = 0
    not_yet_uploaded: int = 0


@dataclass
class ScreeningSummary:
    """Screenings of the day (corrected records counted once, in their corrected form)."""

    total: int = 0
    by_colour: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COLOURS, 0))
    by_hour: list[int] = field(default_factory=lambda: [0] * 24)
    by_hour_colour: dict[str, list[int]] = field(
        default_factory=lambda: {c: [0] * 24 for c in COLOURS})
    by_result: dict[str, int] = field(default_factory=dict)
    by_decision: dict[str, int] = field(default_factory=lambda: dict.fromkeys(DECISIONS, 0))
    by_format: dict[str, int] = field(default_factory=dict)
    fevers: int = 0
    symptoms: int = 0
    risk_travel: int = 0
    refusals: int = 0
    referrals: int = 0
    notifications: int = 0
    overrides: int = 0
    flagged: int = 0
    manual_id: int = 0
    manual_id_listed: int = 0
    duplicates: int = 0
    corrections: int = 0
    below_floor: int = 0
    unverified: UnverifiedCodes = field(default_factory=UnverifiedCodes)


@dataclass
class IsolationSummary:
    """Isolation cases and health checks on the day."""

    opened: int = 0
    active: int = 0
    active_home: int = 0
    active_facility: int = 0
    released: int = 0
    transferred: int = 0
    checks_due: int = 0
    checks_done: int = 0
    checks_missed: int = 0
    check_fevers: int = 0
    check_distressed: int = 0


@dataclass
class AidCounts:
    """Aid requests of one category."""

    opened: int = 0
    delivered: int = 0
    overdue: int = 0
    cancelled: int = 0


@dataclass
class SyncSummary:
    """Sync state when the report was made (always the whole station)."""

    pending: int = 0
    quarantined: int = 0
    sent: int = 0
    last_success: str | None = None
    last_error: str | None = None


@dataclass
class DailyReport:
    """The daily report; ``to_dict``/``from_dict`` give its JSON form."""

    date: str
    scope: str
    scope_label: str
    station_id: str
    station_name: str
    division: str
    generated_at: str
    as_of: str
    timezone: str = "Asia/Shanghai (UTC+8)"
    stations: int = 1
    screenings: ScreeningSummary = field(default_factory=ScreeningSummary)
    isolation: IsolationSummary = field(default_factory=IsolationSummary)
    aid: dict[str, AidCounts] = field(
        default_factory=lambda: {c: AidCounts() for c in AID_CATEGORIES})
    sync: SyncSummary = field(default_factory=SyncSummary)

    def aid_total(self) -> AidCounts:
        """All categories together."""
        total = AidCounts()
        for counts in self.aid.values():
            total.opened += counts.opened
            total.delivered += counts.delivered
            total.overdue += counts.overdue
            total.cancelled += counts.cancelled
        return total

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return asdict(self)

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> DailyReport:
        """Rebuild from ``to_dict`` output (a division aggregate, a server answer)."""
        shot = dict(doc["screenings"])
        shot["unverified"] = UnverifiedCodes(**shot.get("unverified", {}))
        base = {k: v for k, v in doc.items()
                if k not in ("screenings", "isolation", "aid", "sync")}
        return cls(**base, screenings=ScreeningSummary(**shot),
                   isolation=IsolationSummary(**doc["isolation"]),
                   aid={k: AidCounts(**v) for k, v in doc["aid"].items()},
                   sync=SyncSummary(**doc["sync"]))
