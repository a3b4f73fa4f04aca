"""Synthetic isolation cases over a span of days: registration, twice-daily health checks,
aid requests through their life cycle, release or transfer.

The generator only plans rows (plain dicts in the shape of the tables); ``app.demo.seed``
writes them with their events and outbox rows as the services do.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from app.demo.checkpoint_day import weighted
from app.demo.people import Person
from app.reports.localday import day_bounds
from app.timeutil import iso_utc

REASONS = (("close_contact", 0.5), ("risk_area_arrival", 0.3), ("secondary_contact", 0.12),
           ("positive", 0.03), ("other", 0.05))
FACILITIES = ("青秀区集中隔离点（酒店A）", "兴宁区集中隔离点（培训中心）")
CATEGORIES = (("food", 0.35), ("medicine", 0.25), ("medical_care", 0.1), ("counselling", 0.1),
              ("policy", 0.12), ("other", 0.08))
URGENCIES = (("normal", 0.7), ("urgent", 0.25), ("critical", 0.05))
DUE_HOURS = {"normal": 24, "urgent": 6, "critical": 2}
DESCRIPTIONS = {
    "food": ("大米、食用油、青菜各一份", "婴儿奶粉两罐", "-急需饮用水两桶", "米粉和鸡蛋"),
    "medicine": ("降压药（硝苯地平）一盒", "胰岛素续药", "退烧药和体温计", "哮喘喷雾"),
    "medical_care": ("孕妇产检预约", "透析病人需按时送医", "老人摔伤需上门查看"),
    "counselling": ("独居老人情绪低落，请心理热线回访", "学生网课焦虑", "+家属失联，情绪激动"),
    "policy": ("隔离期满后能否返岗", "解除隔离证明如何开具", "=询问核酸检测时间"),
    "other": ("宠物代为照看", "快递代收", "手机充值"),
}
MOODS = (("good", 0.35), ("ok", 0.5), ("low", 0.12), ("distressed", 0.03))
SYMPTOMS = ("cough", "sore_throat", "fatigue")
CASE_COLUMNS = ("id", "created_at", "created_by", "person_name", "id_number", "phone",
                "address", "grid", "kind", "facility", "reason", "start_date", "planned_end",
                "responsible", "status", "ended_at", "ended_by", "end_note")


@dataclass
class PlannedCase:
    """A case row with its events, checks and aid requests, all timed."""

    row: dict[str, Any]
    events: list[dict[str, Any]] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)
    aid: list[tuple[dict[str, Any], list[dict[str, Any]]]] = field(default_factory=list)


def new_id(rng: random.Random) -> str:
    """A uuid4 drawn from ``rng`` (deterministic)."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


class IsolationPlanner:
    """Plans cases between ``first`` and ``last`` (local dates) with the given staff."""

    def __init__(self, rng: random.Random, first: date, last: date, grids: list[str],
                 clinic_staff: list[str], helpers: list[str]) -> None:
        self.rng, self.first, self.last = rng, first, last
        self.grids, self.clinic, self.helpers = grids, clinic_staff, helpers
        self.horizon = day_bounds(last)[1]

    def at(self, day: date, hour_from: float, hour_to: float) -> float:
        """A local time on ``day`` between two hours."""
        start, _ = day_bounds(day)
        return start + self.rng.uniform(hour_from, hour_to) * 3600

    def case(self, person: Person) -> PlannedCase:
        """One case from registration to its end (or still active at the horizon)."""
        rng = self.rng
        span = (self.last - self.first).days
        start = self.first + timedelta(days=rng.randint(0, span))
        kind = "facility" if rng.random() < 0.3 else "home"
        length = 14 if kind == "facility" else 7
        created = self.at(start, 8.5, 17.5)
        clerk = rng.choice(self.clinic)
        row: dict[str, Any] = {
            "id": new_id(rng), "created_at": iso_utc(created), "created_by": clerk,
            "person_name": person.name, "id_number": person.id_number, "phone": person.phone,
            "address": person.address, "grid": rng.choice(self.grids), "kind": kind,
            "facility": rng.choice(FACILITIES) if kind == "facility" else None,
            "reason": weighted(rng, REASONS), "start_date": start.isoformat(),
            "planned_end": (start + timedelta(days=length)).isoformat(),
            "responsible": rng.choice(self.clinic), "status": "active", "ended_at": None,
            "ended_by": None, "end_note": None,
        }
        plan = PlannedCase(row)
        register = {k: row[k] for k in ("person_name", "address", "kind", "reason",
                                         "start_date", "planned_end", "responsible",
                                         "id_number", "phone", "grid", "facility")}
        plan.events.append(self._event(row["id"], created, clerk, "register", None, "active",
                                       register))
        end_ts, how = self._ending(start, length)
        if end_ts is not None and how is not None:
            status = "released" if how == "release" else "transferred"
            note = "期满解除，核酸阴性" if how == "release" else "体温持续升高，转定点医院"
            row.update(status=status, ended_at=iso_utc(end_ts), ended_by=clerk, end_note=note)
            plan.events.append(self._event(row["id"], end_ts, clerk, how, "active", status,
                                           {"note": note}))
        plan.checks = self._checks(row["id"], start, created, end_ts)
        for _ in range(self._aid_count()):
            plan.aid.append(self._aid(row["id"], created, end_ts))
        return plan

    def _ending(self, start: date, length: int) -> tuple[float | None, str | None]:
        rng = self.rng
        if rng.random() < 0.03:
            day = start + timedelta(days=rng.randint(1, length))
            if day <= self.last:
                return self.at(day, 9, 18), "transfer"
        end_day = start + timedelta(days=length)
        if end_day <= self.last and rng.random() < 0.9:
            return self.at(end_day, 9, 12), "release"
        return None, None

    def _event(self, case_id: str, ts: float, actor: str, op: str, from_status: str | None,
               to_status: str, detail: dict[str, Any]) -> dict[str, Any]:
        return {"id": new_id(self.rng), "case_id": case_id, "at": iso_utc(ts), "actor": actor,
                "op": op, "from_status": from_status, "to_status": to_status,
                "detail": detail}

    def _checks(self, case_id: str, start: date, created: float,
                end_ts: float | None) -> list[dict[str, Any]]:
        rng, checks = self.rng, []
        day = start
        while day <= self.last:
            for slot, hours in (("am", (7.5, 10.5)), ("pm", (15.0, 18.5))):
                ts = self.at(day, *hours)
                if ts <= created or (end_ts is not None and ts >= end_ts):
                    continue
                if rng.random() < 0.08:  # missed: shows as due but not done
                    continue
                fever = rng.random() < 0.02
                temperature = round(rng.uniform(37.3, 38.6) if fever else
                                    rng.uniform(36.0, 37.1), 1)
                symptoms = [rng.choice(SYMPTOMS)] if rng.random() < 0.05 else []
                checks.append({
                    "id": new_id(rng), "case_id": case_id, "at": iso_utc(ts), "slot": slot,
                    "check_date": day.isoformat(), "checked_by": rng.choice(self.clinic),
                    "temperature": temperature, "symptoms": symptoms,
                    "mood": weighted(rng, MOODS), "note": "", "voids": None,
                    "void_reason": None})
            day += timedelta(days=1)
        return checks

    def _aid_count(self) -> int:
        roll = self.rng.random()
        return 0 if roll < 0.3 else 1 if roll < 0.7 else 2 if roll < 0.92 else 3

    def _aid(self, case_id: str, created: float,
             end_ts: float | None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        rng = self.rng
        stop = min(end_ts or self.horizon, self.horizon)
        opened = rng.uniform(created + 600, max(created + 1200, stop - 3600))
        category, urgency = weighted(rng, CATEGORIES), weighted(rng, URGENCIES)
        due = opened + DUE_HOURS[urgency] * 3600
        clerk = rng.choice(self.clinic)
        description = rng.choice(DESCRIPTIONS[category])
        request: dict[str, Any] = {
            "id": new_id(rng), "case_id": case_id, "created_at": iso_utc(opened),
            "created_by": clerk, "category": category, "urgency": urgency,
            "description": description, "due_at": iso_utc(due), "status": "open",
            "assignee": None, "updated_at": iso_utc(opened)}
        events = [self._aid_event(request, opened, clerk, None, "open", description,
                                  {"case_id": case_id, "category": category,
                                   "urgency": urgency, "due_at": request["due_at"]})]
        steps = self._aid_steps(opened, due)
        for ts, to_status in steps:
            if ts >= self.horizon:
                break
            if to_status == "assigned":
                request["assignee"] = rng.choice(self.helpers)
            events.append(self._aid_event(request, ts, clerk, request["status"], to_status, "",
                                          {"assignee": request["assignee"]}))
            request["status"], request["updated_at"] = to_status, iso_utc(ts)
        return request, events

    def _aid_steps(self, opened: float, due: float) -> list[tuple[float, str]]:
        rng = self.rng
        if rng.random() < 0.04:
            return [(opened + rng.uniform(600, 7200), "cancelled")]
        if rng.random() < 0.08:
            return []  # nobody picked it up: overdue once past due
        assigned = opened + rng.uniform(300, 0.3 * (due - opened))
        steps = [(assigned, "assigned")]
        outcome = rng.random()
        if outcome < 0.8:
            delivered = rng.uniform(assigned + 300, due)
        elif outcome < 0.9:
            delivered = due + rng.uniform(600, 6 * 3600)  # late
        else:
            return steps  # assigned, still under way
        steps.append((delivered, "delivered"))
        if rng.random() < 0.6:
            steps.append((delivered + rng.uniform(600, 4 * 3600), "closed"))
        return steps

    def _aid_event(self, request: dict[str, Any], ts: float, actor: str,
                   from_status: str | None, to_status: str, note: str,
                   extra: dict[str, Any]) -> dict[str, Any]:
        return {"id": new_id(self.rng), "request_id": request["id"], "at": iso_utc(ts),
                "actor": actor, "from_status": from_status, "to_status": to_status,
                "note": note, **extra}
