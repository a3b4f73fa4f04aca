"""Aid requests for people in isolation, through their life cycle.

open → assigned → delivered → closed, or cancelled from open or assigned; who and when at
each step are ``aid_events`` rows, each sent to the centre as an operation.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from app.errors import KnownError
from app.storage.outbox import enqueue
from app.storage.roles import Permission, Session
from app.storage.station import Station
from app.text import t
from app.timeutil import iso_utc

CATEGORIES = ("food", "medicine", "medical_care", "counselling", "policy", "other")
URGENCIES = ("normal", "urgent", "critical")
TRANSITIONS: dict[str, frozenset[str]] = {
    "open": frozenset({"assigned", "cancelled"}),
    "assigned": frozenset({"delivered", "cancelled", "open"}),
    "delivered": frozenset({"closed"}),
    "closed": frozenset(),
    "cancelled": frozenset(),
}
STATUS_NAMES = {"open": ("待处理", "open"), "assigned": ("已分派", "assigned"),
                "delivered": ("已送达", "delivered"), "closed": ("已办结", "closed"),
                "cancelled": ("已取消", "cancelled")}


@dataclass
class NewAidRequest:
    """An aid request as the clinic takes it."""

    category: str
    urgency: str
    description: str
    due_at: str  # ISO time by which it should be delivered
    case_id: str | None = None

    def check(self) -> None:
        """KnownError naming the first field that does not fit."""
        if self.category not in CATEGORIES:
            raise KnownError(t("请选择救助类别", "choose a category"))
        if self.urgency not in URGENCIES:
            raise KnownError(t("请选择紧急程度", "choose an urgency"))


def _event(conn: Any, request_id: str, actor: str, at: str, from_status: str | None,
           to_status: str, note: str, extra: dict[str, Any] | None = None) -> None:
    event_id = str(uuid.uuid4())
    conn.execute("INSERT INTO aid_events (id, request_id, at, actor, from_status, to_status,"
                 " note) VALUES (?,?,?,?,?,?,?)",
                 (event_id, request_id, at, actor, from_status, to_status, note))
    enqueue(conn, "aid_event", event_id, {
        "id": event_id, "request_id": request_id, "at": at, "actor": actor,
        "from_status": from_status, "to_status": to_status, "note": note, **(extra or {})})


class AidDesk:
    """Opens aid requests and moves them through their life cycle (clinic role)."""

    def __init__(self, station: Station) -> None:
        self.station = station

    def open(self, session: Session, req: NewAidRequest) -> str:
        """Open a request; returns its id."""
        req.check()
        now = iso_utc(self.station.clock.now())
        request_id = str(uuid.uuid4())

        def write(conn: Any) -> str:
            if req.case_id and not conn.execute(
                    "SELECT 1 FROM isolation_cases WHERE id = ?", (req.case_id,)).fetchone():
                raise KnownError(t("没有这个隔离对象", "no such case"))
            conn.execute(
                "INSERT INTO aid_requests (id, case_id, created_at, created_by, category,"
                " urgency, description, due_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
                (request_id, req.case_id, now, session.username, req.category, req.urgency,
                 req.description, req.due_at, now))
            _event(conn, request_id, session.username, now, None, "open", req.description, {
                "case_id": req.case_id, "category": req.category, "urgency": req.urgency,
                "due_at": req.due_at})
            return request_id

        return self.station.write(session, Permission.MANAGE_CASES, write)

    def move(self, session: Session, request_id: str, to_status: str, note: str = "",
             assignee: str | None = None) -> None:
        """Move a request to ``to_status`` if its life cycle allows it."""
        now = iso_utc(self.station.clock.now())

        def write(conn: Any) -> None:
            row = conn.execute("SELECT status, assignee FROM aid_requests WHERE id = ?",
                               (request_id,)).fetchone()
            if row is None:
                raise KnownError(t("没有这个救助请求", "no such aid request"))
            current = str(row[0])
            if to_status not in TRANSITIONS.get(current, frozenset()):
                zh_from, en_from = STATUS_NAMES[current]
                zh_to, en_to = STATUS_NAMES.get(to_status, (to_status, to_status))
                raise KnownError(t(f"救助请求不能从「{zh_from}」改为「{zh_to}」",
                                   f"an aid request cannot go from {en_from} to {en_to}"))
            if to_status == "assigned" and not (assignee or "").strip():
                raise KnownError(t("分派时请填写负责人", "assigning needs an assignee"))
            who = assignee.strip() if assignee else row[1]
            conn.execute("UPDATE aid_requests SET status = ?, assignee = ?, updated_at = ?"
                         " WHERE id = ?", (to_status, who, now, request_id))
            _event(conn, request_id, session.username, now, current, to_status, note,
                   {"assignee": who})

        self.station.write(session, Permission.MANAGE_CASES, write)

    def overdue(self, session: Session, now_iso: str) -> list[dict[str, Any]]:
        """Open or assigned requests past their due time, most overdue first."""
        self.station.require(session, Permission.VIEW_CASES)
        rows = self.station.db.run(lambda c: c.execute(
            "SELECT a.id, a.category, a.urgency, a.description, a.due_at, a.status, a.assignee,"
            " k.person_name, k.grid FROM aid_requests a LEFT JOIN isolation_cases k"
            " ON k.id = a.case_id WHERE a.status IN ('open', 'assigned') AND a.due_at < ?"
            " ORDER BY a.due_at", (now_iso,)).fetchall())
        keys = ("id", "category", "urgency", "description", "due_at", "status", "assignee",
                "person_name", "grid")
        return [dict(zip(keys, r, strict=True)) for r in rows]
