"""Isolation cases and their twice-daily health checks.

A case row is the current state; every change is an append-only ``case_events`` row that
travels to the centre as an operation (``case_event``) with the state it moved from, so the
server can check the transition against its own state instead of last-writer-wins.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from app.errors import KnownError
from app.masking import mask_id_number
from app.storage.outbox import enqueue
from app.storage.roles import Permission, Session
from app.storage.station import Station
from app.text import t
from app.timeutil import iso_utc

KINDS = frozenset({"home", "facility"})
REASONS = frozenset({"close_contact", "risk_area_arrival", "positive", "secondary_contact",
                     "other"})
MOODS = frozenset({"good", "ok", "low", "distressed"})
ENDINGS = {"release": "released", "transfer": "transferred"}


@dataclass
class NewCase:
    """A case at registration."""

    person_name: str
    address: str
    kind: str
    reason: str
    start_date: str
    planned_end: str
    responsible: str
    id_number: str | None = None
    phone: str | None = None
    grid: str = ""
    facility: str | None = None

    def check(self) -> None:
        """KnownError naming the first field that does not fit."""
        if not self.person_name.strip():
            raise KnownError(t("请填写姓名", "the name is missing"))
        if not self.address.strip():
            raise KnownError(t("请填写地址", "the address is missing"))
        if self.kind not in KINDS:
            raise KnownError(t("隔离方式应为居家或集中", "kind is home or facility"))
        if self.reason not in REASONS:
            raise KnownError(t("请选择隔离原因", "choose a reason"))
        try:
            start, end = date.fromisoformat(self.start_date), date.fromisoformat(self.planned_end)
        except ValueError as exc:
            raise KnownError(t("日期格式应为 YYYY-MM-DD", "dates are YYYY-MM-DD")) from exc
        if end < start:
            raise KnownError(t("计划解除日期早于开始日期", "the planned end is before the start"))


@dataclass
class NewHealthCheck:
    """One of the twice-daily checks."""

    case_id: str
    check_date: str
    slot: str  # 'am' | 'pm'
    temperature: float | None
    symptoms: list[str] = field(default_factory=list)
    mood: str = "ok"
    note: str = ""

    def check(self) -> None:
        """KnownError naming the first field that does not fit."""
        if self.slot not in ("am", "pm"):
            raise KnownError(t("时段应为上午或下午", "slot is am or pm"))
        if self.mood not in MOODS:
            raise KnownError(t("请选择情绪状态", "choose a mood"))
        if self.temperature is not None and not 30.0 <= self.temperature <= 45.0:
            raise KnownError(t("体温应在 30–45 °C 之间", "temperature must be 30-45 °C"))
        try:
            date.fromisoformat(self.check_date)
        except ValueError as exc:
            raise KnownError(t("日期格式应为 YYYY-MM-DD", "dates are YYYY-MM-DD")) from exc


def _event(conn: Any, case_id: str, actor: str, at: str, op: str, from_status: str | None,
           to_status: str, detail: dict[str, Any]) -> str:
    event_id = str(uuid.uuid4())
    text = json.dumps(detail, ensure_ascii=False, sort_keys=True)
    conn.execute("INSERT INTO case_events (id, case_id, at, actor, op, from_status, to_status,"
                 " detail) VALUES (?,?,?,?,?,?,?,?)",
                 (event_id, case_id, at, actor, op, from_status, to_status, text))
    enqueue(conn, "case_event", event_id, {
        "id": event_id, "case_id": case_id, "at": at, "actor": actor, "op": op,
        "from_status": from_status, "to_status": to_status, "detail": detail})
    return event_id


class IsolationRegistry:
    """Registers, checks and ends isolation cases (clinic role)."""

    def __init__(self, station: Station) -> None:
        self.station = station

    def register(self, session: Session, case: NewCase, case_id: str | None = None) -> str:
        """Register a case; returns its id."""
        case.check()
        now = iso_utc(self.station.clock.now())
        case_id = case_id or str(uuid.uuid4())
        fields = asdict(case)

        def write(conn: Any) -> str:
            conn.execute(
                "INSERT INTO isolation_cases (id, created_at, created_by, person_name, id_number,"
                " phone, address, grid, kind, facility, reason, start_date, planned_end,"
                " responsible) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (case_id, now, session.username, case.person_name.strip(), case.id_number,
                 case.phone, case.address.strip(), case.grid, case.kind, case.facility,
                 case.reason, case.start_date, case.planned_end, case.responsible))
            _event(conn, case_id, session.username, now, "register", None, "active", fields)
            return case_id

        return self.station.write(session, Permission.MANAGE_CASES, write)

    def end(self, session: Session, case_id: str, how: str, note: str = "") -> None:
        """Release the person, or transfer them to hospital (``how``: release | transfer)."""
        if how not in ENDINGS:
            raise KnownError(t("结束方式应为解除或转院", "end a case by release or transfer"))
        to_status = ENDINGS[how]
        now = iso_utc(self.station.clock.now())

        def write(conn: Any) -> None:
            row = conn.execute("SELECT status FROM isolation_cases WHERE id = ?",
                               (case_id,)).fetchone()
            if row is None:
                raise KnownError(t("没有这个隔离对象", "no such case"))
            if row[0] != "active":
                raise KnownError(t("该对象已解除或转院", "this case has already ended"))
            conn.execute("UPDATE isolation_cases SET status = ?, ended_at = ?, ended_by = ?,"
                         " end_note = ? WHERE id = ?",
                         (to_status, now, session.username, note, case_id))
            _event(conn, case_id, session.username, now, how, "active", to_status,
                   {"note": note})

        self.station.write(session, Permission.MANAGE_CASES, write)

    def record_check(self, session: Session, check: NewHealthCheck) -> str:
        """Log a health check; one per case, date and slot (a second one is refused)."""
        check.check()
        now = iso_utc(self.station.clock.now())
        check_id = str(uuid.uuid4())

        def write(conn: Any) -> str:
            row = conn.execute("SELECT status FROM isolation_cases WHERE id = ?",
                               (check.case_id,)).fetchone()
            if row is None or row[0] != "active":
                raise KnownError(t("只能为隔离中的对象登记健康监测",
                                   "health checks are for active cases"))
            if conn.execute(
                "SELECT 1 FROM health_checks h WHERE case_id = ? AND check_date = ? AND slot = ?"
                " AND NOT EXISTS (SELECT 1 FROM health_checks v WHERE v.voids = h.id)"
                " AND h.voids IS NULL",
                    (check.case_id, check.check_date, check.slot)).fetchone():
                raise KnownError(t("该时段已登记过健康监测", "that check is already recorded"))
            body = {"id": check_id, "case_id": check.case_id, "at": now, "slot": check.slot,
                    "check_date": check.check_date, "checked_by": session.username,
                    "temperature": check.temperature, "symptoms": check.symptoms,
                    "mood": check.mood, "note": check.note, "voids": None,
                    "void_reason": None}
            conn.execute(
                "INSERT INTO health_checks (id, case_id, at, slot, check_date, checked_by,"
                " temperature, symptoms, mood, note) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (check_id, check.case_id, now, check.slot, check.check_date, session.username,
                 check.temperature, json.dumps(check.symptoms, ensure_ascii=False),
                 check.mood, check.note))
            enqueue(conn, "health_check", check_id, body)
            return check_id

        return self.station.write(session, Permission.MANAGE_CASES, write)

    def due_checks(self, session: Session, on: str, slot: str) -> list[dict[str, Any]]:
        """Active cases without a check for ``on`` (YYYY-MM-DD) and ``slot``."""
        self.station.require(session, Permission.VIEW_CASES)
        rows = self.station.db.run(lambda c: c.execute(
            "SELECT id, person_name, id_number, address, grid, kind FROM isolation_cases k"
            " WHERE status = 'active' AND start_date <= ? AND NOT EXISTS ("
            "  SELECT 1 FROM health_checks h WHERE h.case_id = k.id AND h.check_date = ?"
            "  AND h.slot = ? AND h.voids IS NULL)"
            " ORDER BY grid, person_name", (on, on, slot)).fetchall())
        return [{"id": r[0], "person_name": r[1], "id_number_masked": mask_id_number(r[2]),
                 "address": r[3], "grid": r[4], "kind": r[5]} for r in rows]
