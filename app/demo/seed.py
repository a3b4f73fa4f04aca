"""Fill a station with realistic synthetic records for demos, training and benchmarks.

``seed_station(station, session, plan)`` writes screenings, isolation cases, health checks
and aid requests over ``plan.days`` local days ending ``plan.end_date``, the same way the
services write them: each record with its outbox row (and case and aid events), batched in
transactions so 100,000 screenings take seconds, not minutes. The same plan (seed, counts,
end date) always gives the same records, ids included.

Seeded times are in the past of the end date's evening; the trusted-time floor is never
raised by a seed, so a demo cannot push the station's clock floor forward.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import Any, Protocol

from app.demo.checkpoint_day import CORRECTION_REASONS, Arrival, CheckpointMix
from app.demo.isolation_days import CASE_COLUMNS, IsolationPlanner, PlannedCase, new_id
from app.demo.people import Person, make_people
from app.errors import AccessDenied, KnownError
from app.reports.localday import day_bounds, today_local
from app.storage import activity, audit
from app.storage.outbox import enqueue
from app.storage.records.screenings import NewScreening, build_row, insert_row
from app.storage.roles import Role, Session
from app.storage.station import Station
from app.text import t
from app.timeutil import iso_utc

BATCH = 2000
DEFAULT_GRIDS = ("新竹街道/第1网格", "新竹街道/第2网格", "新竹街道/第3网格",
                 "南湖街道/第1网格", "南湖街道/第2网格")
VERDICTS_ENTRY = "deferred-verdicts"


class Progress(Protocol):
    """Told how far a long job is; raises ``app.errors.Cancelled`` to stop it."""

    def update(self, done: int, total: int, label: str) -> None:
        """Report progress."""


@dataclass(frozen=True)
class SeedPlan:
    """What to seed. ``end_date`` defaults to today (local China time)."""

    screenings: int = 2000
    days: int = 7
    cases: int = 40
    seed: int = 1
    end_date: date | None = None
    grids: tuple[str, ...] = DEFAULT_GRIDS

    def check(self) -> None:
        """KnownError for counts out of range."""
        if not 0 <= self.screenings <= 5_000_000:
            raise KnownError(t("筛查记录数应在 0–5,000,000 之间",
                               "screenings must be 0-5,000,000"))
        if not 1 <= self.days <= 366:
            raise KnownError(t("天数应在 1–366 之间", "days must be 1-366"))
        if not 0 <= self.cases <= 100_000:
            raise KnownError(t("隔离对象数应在 0–100,000 之间", "cases must be 0-100,000"))
        if not self.grids:
            raise KnownError(t("至少需要一个网格", "at least one grid is needed"))


@dataclass
class SeedSummary:
    """What a seed wrote."""

    screenings: int = 0
    corrections: int = 0
    cases: int = 0
    case_events: int = 0
    health_checks: int = 0
    aid_requests: int = 0
    aid_events: int = 0
    deferred_verdicts: int = 0
    first_date: str = ""
    last_date: str = ""
    seconds: float = 0.0
    per_day: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return asdict(self)


def may_seed(session: Session) -> bool:
    """Only supervisors and administrators fill a station with demo data."""
    return session.role in (Role.SUPERVISOR, Role.ADMIN)


def _staff(conn: Any, roles: tuple[str, ...], fallback: str) -> list[str]:
    marks = ",".join("?" * len(roles))
    rows = conn.execute(f"SELECT username FROM users WHERE active = 1 AND role IN ({marks})"
                        " ORDER BY username", roles).fetchall()
    return [str(r[0]) for r in rows] or [fallback]


def split_days(rng: random.Random, total: int, days: int) -> list[int]:
    """``total`` spread over ``days`` with day-to-day variation; sums exactly to ``total``."""
    weights = [rng.uniform(0.8, 1.2) for _ in range(days)]
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    for i in range(total - sum(counts)):
        counts[i % days] += 1
    return counts


class _Writer:
    """Writes planned rows in batched transactions, reporting progress between batches."""

    def __init__(self, station: Station, total: int, progress: Progress | None) -> None:
        self.station, self.total, self.progress = station, total, progress
        self.done = 0
        self.pending: list[Callable[[Any], None]] = []

    def add(self, op: Callable[[Any], None]) -> None:
        self.pending.append(op)
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self, label: str = "") -> None:
        ops, self.pending = self.pending, []
        if ops:
            def run(conn: Any) -> None:
                for op in ops:
                    op(conn)
            self.station.db.transaction(run)
            self.done += len(ops)
        if self.progress is not None:
            self.progress.update(min(self.done, self.total), self.total,
                                 label or t("正在生成演示数据", "seeding demo data"))


def _day_arrivals(rng: random.Random, mix: CheckpointMix, people: list[Person], day: date,
                  day_index: int, count: int) -> list[Arrival]:
    start, _ = day_bounds(day)
    times = sorted(start + mix.hour_second() for _ in range(count))
    arrivals: list[Arrival] = []
    for ts in times:
        if arrivals and ts - arrivals[-1].ts <= 300 and rng.random() < 0.02:
            person = arrivals[-1].person  # scanned twice within minutes
        else:
            person = rng.choice(people)
        arrivals.append(Arrival(ts, person, day_index))
    return arrivals


def _screening_rows(rng: random.Random, mix: CheckpointMix, arrivals: list[Arrival],
                    workers: list[str]) -> Iterator[dict[str, Any]]:
    """The rows of one day in time order, with duplicates and corrections."""
    last_by_person: dict[str, tuple[str, float]] = {}
    floor = 0.0
    for arrival in arrivals:
        rec = mix.screening(arrival)
        rec.record_id = new_id(rng)
        key = rec.code_id or rec.person_ref or ""
        earlier = last_by_person.get(key)
        if key and earlier and arrival.ts - earlier[1] <= 300:
            rec.duplicate_of = earlier[0]
        worker = workers[int(arrival.ts // 14400) % len(workers)]  # four-hour shifts
        row = build_row(rec, worker, arrival.ts, floor)
        floor = max(floor, arrival.ts)
        if key:
            last_by_person[key] = (str(row["id"]), arrival.ts)
        yield row
        if rng.random() < 0.002:
            yield _correction(rng, rec, row, worker, floor)


def _correction(rng: random.Random, rec: NewScreening, old: dict[str, Any], worker: str,
                floor: float) -> dict[str, Any]:
    fixed = NewScreening(**{**asdict(rec), "record_id": new_id(rng), "duplicate_of": None})
    if fixed.temperature is not None:
        fixed.temperature = round(min(fixed.temperature, 36.9), 1)
        fixed.fever = False
    fixed.decision = fixed.proposal = "pass" if fixed.result == "VALID" else fixed.proposal
    if fixed.decision == "manual":
        fixed.decision = "pass"
    fixed.override_reason = None if fixed.decision == fixed.proposal else "人工核对后放行"
    ts = float(old["clock_ts"]) + rng.uniform(30, 180)
    return build_row(fixed, worker, ts, floor, str(old["id"]), rng.choice(CORRECTION_REASONS))


def _write_case(conn: Any, plan: PlannedCase) -> None:
    row = plan.row
    conn.execute(f"INSERT INTO isolation_cases ({', '.join(CASE_COLUMNS)}) VALUES "
                 f"({', '.join('?' * len(CASE_COLUMNS))})", tuple(row[c] for c in CASE_COLUMNS))
    for ev in plan.events:
        conn.execute("INSERT INTO case_events (id, case_id, at, actor, op, from_status,"
                     " to_status, detail) VALUES (?,?,?,?,?,?,?,?)",
                     (ev["id"], ev["case_id"], ev["at"], ev["actor"], ev["op"],
                      ev["from_status"], ev["to_status"],
                      json.dumps(ev["detail"], ensure_ascii=False, sort_keys=True)))
        enqueue(conn, "case_event", ev["id"], ev)
    for hc in plan.checks:
        conn.execute("INSERT INTO health_checks (id, case_id, at, slot, check_date, checked_by,"
                     " temperature, symptoms, mood, note) VALUES (?,?,?,?,?,?,?,?,?,?)",
                     (hc["id"], hc["case_id"], hc["at"], hc["slot"], hc["check_date"],
                      hc["checked_by"], hc["temperature"],
                      json.dumps(hc["symptoms"], ensure_ascii=False), hc["mood"], hc["note"]))
        enqueue(conn, "health_check", hc["id"], hc)
    for request, events in plan.aid:
        conn.execute("INSERT INTO aid_requests (id, case_id, created_at, created_by, category,"
                     " urgency, description, due_at, status, assignee, updated_at)"
                     " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                     tuple(request[c] for c in (
                         "id", "case_id", "created_at", "created_by", "category", "urgency",
                         "description", "due_at", "status", "assignee", "updated_at")))
        for ev in events:
            conn.execute("INSERT INTO aid_events (id, request_id, at, actor, from_status,"
                         " to_status, note) VALUES (?,?,?,?,?,?,?)",
                         (ev["id"], ev["request_id"], ev["at"], ev["actor"],
                          ev["from_status"], ev["to_status"], ev["note"]))
            enqueue(conn, "aid_event", ev["id"], ev)


def _store_verdicts(conn: Any, verdicts: dict[str, dict[str, Any]]) -> None:
    row = conn.execute("SELECT body FROM reference_data WHERE kind = ?",
                       (VERDICTS_ENTRY,)).fetchone()
    merged = json.loads(row[0]) if row else {}
    merged.update(verdicts)
    conn.execute("INSERT OR REPLACE INTO reference_data (kind, version, body, received_at)"
                 " VALUES (?, ?, ?, ?)", (VERDICTS_ENTRY, "demo",
                                          json.dumps(merged, ensure_ascii=False),
                                          next(iter(verdicts.values()))["verified_at"]))


def _verdict(rng: random.Random, row: dict[str, Any]) -> dict[str, Any] | None:
    """The centre's later answer for about two in three deferred codes."""
    if row["result"] != "DEFERRED" or rng.random() > 0.65:
        return None
    colour = "green" if rng.random() < 0.94 else "yellow"
    return {"record_id": row["id"], "code_id": row["code_id"], "result": "VALID",
            "colour": colour, "verified_at": iso_utc(float(row["clock_ts"]) + 1800)}


def seed_station(station: Station, session: Session, plan: SeedPlan,
                 progress: Progress | None = None,
                 now: Callable[[], float] = time.time) -> SeedSummary:
    """Write the plan's records into an open station (supervisor or admin)."""
    station.check_session(session)
    if not may_seed(session):
        station.db.transaction(lambda c: audit.append(
            c, session.username, "access_denied", "demo_seed", {"role": session.role.value}))
        raise AccessDenied(t("只有主管或管理员可以生成演示数据",
                             "only a supervisor or administrator may seed demo data"))
    plan.check()
    started = time.perf_counter()
    end = plan.end_date or today_local(now())
    first = end - timedelta(days=plan.days - 1)
    rng = random.Random(plan.seed)
    workers = station.db.run(lambda c: _staff(c, ("worker",), session.username))
    clinic = station.db.run(lambda c: _staff(c, ("clinic",), session.username))
    people = make_people(rng, max(50, plan.screenings // 3, plan.cases * 2), end)
    summary = SeedSummary(first_date=first.isoformat(), last_date=end.isoformat())
    writer = _Writer(station, plan.screenings + plan.cases, progress)
    mix = CheckpointMix(rng, list(plan.grids))
    verdicts: dict[str, dict[str, Any]] = {}
    for index, count in enumerate(split_days(rng, plan.screenings, plan.days)):
        day = first + timedelta(days=index)
        arrivals = _day_arrivals(rng, mix, people, day, index, count)
        for row in _screening_rows(rng, mix, arrivals, workers):
            writer.add(partial(insert_row, row=row))
            summary.screenings += row["voids"] is None
            summary.corrections += row["voids"] is not None
            answer = _verdict(rng, row)
            if answer:
                verdicts[row["id"]] = answer
        summary.per_day[day.isoformat()] = count
    planner = IsolationPlanner(rng, first, end, list(plan.grids), clinic, workers)
    residents = [p for p in people if not p.foreign]
    for _ in range(plan.cases):
        case = planner.case(rng.choice(residents))
        writer.add(partial(_write_case, plan=case))
        summary.cases += 1
        summary.case_events += len(case.events)
        summary.health_checks += len(case.checks)
        summary.aid_requests += len(case.aid)
        summary.aid_events += sum(len(ev) for _, ev in case.aid)
    writer.flush()
    summary.deferred_verdicts = len(verdicts)
    summary.seconds = round(time.perf_counter() - started, 2)

    def finish(conn: Any) -> None:
        if verdicts:
            _store_verdicts(conn, verdicts)
        detail = {"seed": plan.seed, "screenings": summary.screenings, "cases": summary.cases,
                  "days": plan.days, "first_date": summary.first_date,
                  "last_date": summary.last_date}
        audit.append(conn, session.username, "demo_seeded", "station", detail)
        activity.record(conn, "station", "ok", t(
            f"已生成演示数据：筛查 {summary.screenings} 条，隔离对象 {summary.cases} 人"
            f"（{summary.first_date} 至 {summary.last_date}）",
            f"demo data seeded: {summary.screenings} screenings, {summary.cases} cases "
            f"({summary.first_date} to {summary.last_date})"), session.username)

    station.db.transaction(finish)
    return summary
