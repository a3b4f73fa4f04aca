"""Screenings at the checkpoint: saved once, never changed; a correction voids."""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from app.errors import KnownError
from app.storage import audit, clock
from app.storage.outbox import enqueue
from app.storage.roles import Permission, Session
from app.storage.station import Station
from app.text import t
from app.timeutil import iso_utc

SOURCES = frozenset({"camera", "wedge", "manual_id", "typed", "none"})
DECISIONS = frozenset({"pass", "refuse", "refer", "notify", "manual", "void"})


@dataclass
class NewScreening:
    """What the checkpoint knows when the worker presses Enter."""

    source: str
    format: str
    result: str
    proposal: str
    decision: str
    rules_version: str
    colour: str | None = None
    issuer: str | None = None
    code_id: str | None = None
    person_ref: str | None = None
    holder_name: str | None = None
    holder_doc: str | None = None
    temperature: float | None = None
    fever: bool = False
    symptoms: bool = False
    risk_travel: bool = False
    override_reason: str | None = None
    duplicate_of: str | None = None
    raw_text: str | None = None
    grid: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)
    record_id: str | None = None  # set by callers that must be idempotent (the UI's draft id)

    def check(self) -> None:
        """KnownError naming the first field that does not fit."""
        if self.source not in SOURCES:
            raise KnownError(t(f"未知的来源 {self.source}", f"unknown source {self.source}"))
        if self.decision not in DECISIONS or self.proposal not in DECISIONS:
            raise KnownError(t("未知的处置结果", "unknown decision"))
        if self.decision != self.proposal and self.decision != "void" and not (
                self.override_reason or "").strip():
            raise KnownError(t("更改系统建议的处置时必须填写原因",
                               "overriding the proposed decision needs a reason"))
        if self.temperature is not None and not 30.0 <= self.temperature <= 45.0:
            raise KnownError(t(f"体温 {self.temperature} °C 不在 30–45 °C 之间，请重新测量",
                               f"temperature {self.temperature} °C is outside 30-45 °C; "
                               "measure again"))


COLUMNS = (
    "id", "created_at", "clock_ts", "floor_ts", "below_floor", "worker", "grid", "source",
    "format", "result", "colour", "issuer", "code_id", "person_ref", "holder_name",
    "holder_doc", "temperature", "fever", "symptoms", "risk_travel", "proposal", "decision",
    "override_reason", "rules_version", "duplicate_of", "raw_text", "evidence", "voids",
    "void_reason",
)
_INSERT = (f"INSERT INTO screenings ({', '.join(COLUMNS)}) "
           f"VALUES ({', '.join('?' * len(COLUMNS))})")


def build_row(rec: NewScreening, worker: str, now: float, floor: float,
              voids: str | None = None, void_reason: str | None = None) -> dict[str, Any]:
    """The stored row (also the outbox body) for a screening saved at ``now``."""
    values = asdict(rec)
    evidence = values.pop("evidence")
    record_id = values.pop("record_id") or str(uuid.uuid4())
    return {
        **values,
        "id": record_id,
        "created_at": iso_utc(now),
        "clock_ts": now,
        "floor_ts": floor,
        "below_floor": int(floor - now > clock.TOLERANCE_S),
        "worker": worker,
        "fever": int(rec.fever),
        "symptoms": int(rec.symptoms),
        "risk_travel": int(rec.risk_travel),
        "evidence": json.dumps(evidence, ensure_ascii=False, sort_keys=True),
        "voids": voids,
        "void_reason": void_reason,
    }


def insert_row(conn: Any, row: dict[str, Any]) -> None:
    """Insert a screening row and its outbox entry (inside a transaction)."""
    conn.execute(_INSERT, tuple(row[c] for c in COLUMNS))
    enqueue(conn, "screening", row["id"], row)


class ScreeningLog:
    """Saves and corrects screenings; role-checked, one transaction per save."""

    def __init__(self, station: Station) -> None:
        self.station = station

    def save(self, session: Session, rec: NewScreening) -> str:
        """Save a screening; returns its id. Saving the same ``record_id`` twice is a no-op."""
        rec.check()
        self.station.require(session, Permission.SCREEN)
        now = self.station.clock.now()

        def write(conn: Any) -> str:
            if rec.record_id and conn.execute(
                    "SELECT 1 FROM screenings WHERE id = ?", (rec.record_id,)).fetchone():
                return rec.record_id
            row = build_row(rec, session.username, now, clock.floor(conn))
            insert_row(conn, row)
            if not row["below_floor"]:
                clock.raise_floor(conn, now, "record")
            return str(row["id"])

        return self.station.db.transaction(write)

    def correct(self, session: Session, old_id: str, rec: NewScreening, reason: str) -> str:
        """Save ``rec`` as the correction of ``old_id`` (which is voided); audited."""
        if not reason.strip():
            raise KnownError(t("更正必须填写原因", "a correction needs a reason"))
        rec.check()
        self.station.require(session, Permission.CORRECT_SCREENING)
        now = self.station.clock.now()

        def write(conn: Any) -> str:
            old = conn.execute("SELECT worker FROM screenings WHERE id = ?", (old_id,)).fetchone()
            if old is None:
                raise KnownError(t("要更正的记录不存在", "the record to correct does not exist"))
            if conn.execute("SELECT 1 FROM screenings WHERE voids = ?", (old_id,)).fetchone():
                raise KnownError(t("该记录已被更正过", "that record was already corrected"))
            row = build_row(rec, session.username, now, clock.floor(conn), old_id,
                            reason.strip())
            insert_row(conn, row)
            audit.append(conn, session.username, "screening_corrected", old_id,
                         {"by": row["id"], "reason": reason.strip()})
            return str(row["id"])

        return self.station.db.transaction(write)

    def void(self, session: Session, old_id: str, reason: str) -> str:
        """Void a screening without a replacement (a correction with decision ``void``)."""
        rec = NewScreening(source="none", format="VOID", result="VOID", proposal="void",
                           decision="void", rules_version="-")
        return self.correct(session, old_id, rec, reason)
