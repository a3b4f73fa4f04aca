"""Detail tables of the daily report: every record of the day, one table per record type.

Rows come out ready for a spreadsheet: free text (names, grids, reasons, descriptions) is
neutralised against formula injection here, once, so writers copy rows as they are.

Rows are fetched in chunks (keyset pagination), each chunk a short call on the DB thread,
so a 100,000-row export never blocks a checkpoint's save for long and never holds the
whole day in memory. Personal data is masked unless revealed.

The screenings are read by ``ScreeningScan``, which also counts them for the summary: an
export reads (and decrypts) the day's screenings once.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from app.errors import BugError
from app.masking import mask_id_number, mask_name
from app.reports import labels as L
from app.reports.cells import FORMULA_STARTS, PersonalData, neutralise
from app.reports.daily import (
    CORRECTION,
    DUPLICATE,
    FEVER,
    GONE,
    SCREENING_KEY_SQL,
    SYMPTOMS,
    TRAVEL,
    fold_screenings,
    plain_cursor,
    screening_key,
)
from app.reports.localday import day_bounds, day_bounds_iso, utc_offset_hours
from app.reports.model import UNVERIFIED_RESULTS, Scope, ScreeningSummary
from app.text import t

T = TypeVar("T")
n = neutralise  # every free-text cell; labels and times are ours and safe
Runner = Callable[[Callable[[Any], T]], T]
CHUNK = 10_000
Row = tuple[Any, ...]


@dataclass
class DetailTable:
    """One detail table: headers, column widths (characters), numeric columns, rows."""

    key: str
    title: str
    headers: tuple[str, ...]
    widths: tuple[int, ...]
    numeric: frozenset[int]
    count: int
    chunks: Callable[[], Iterator[list[Row]]]


class _Clock:
    """Local time text for epoch seconds (fixed offset of the report's day)."""

    def __init__(self, day: date) -> None:
        self.offset = utc_offset_hours(day) * 3600

    def text(self, ts: float) -> str:
        return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(ts + self.offset))

    def iso_text(self, iso: str | None) -> str:
        if not iso:
            return ""
        from app.timeutil import parse_iso
        return self.text(parse_iso(iso))


def _keyset(run: Runner[Any], sql: str, params: Callable[[Any], tuple[Any, ...]],
            order_cols: int, first: tuple[Any, ...] | None = None) -> Iterator[list[Row]]:
    """Chunks of ``sql``, which ends ``AND (k1, k2) > (?, ?) ORDER BY k1, k2``; ``params(lower)``
    gives the other parameters, with ``lower`` (the last k1 seen) as a plain lower bound of
    k1 so the index seeks straight to the next chunk instead of rescanning the day.
    ``first``: keys below every row (default: empty texts)."""
    last: tuple[Any, ...] = first or ("",) * order_cols
    while True:
        bound: tuple[Any, ...] = (*params(last[0]), *last)

        def fetch(conn: Any, p: tuple[Any, ...] = bound) -> list[Row]:
            return list(plain_cursor(conn).execute(sql + f" LIMIT {CHUNK}", p).fetchall())

        chunk = run(fetch)
        if not chunk:
            return
        yield chunk
        if len(chunk) < CHUNK:
            return
        last = tuple(chunk[-1][:order_cols])


SCREENING_HEADERS = (
    ("时间", "time", 19), ("网格", "grid", 18), ("网格员", "worker", 10), ("来源", "source", 12),
    ("码制", "format", 8), ("核验结果", "result", 14), ("颜色", "colour", 12),
    ("姓名", "name", 10), ("证件号码", "document", 20), ("体温(°C)", "temp. (°C)", 9),
    ("异常情况", "findings", 16), ("系统建议", "proposed", 11), ("处置", "decision", 11),
    ("原因", "reason", 28), ("重复扫码", "duplicate", 9), ("记录状态", "record", 12),
)


class _Neutralised(dict[str, str]):
    """``neutralise`` remembered per value (grids and workers repeat all day)."""

    def __missing__(self, value: str) -> str:
        self[value] = out = neutralise(value)
        return out


class ScreeningScan:
    """The day's screenings read once for an export: the detail rows, and with them the
    summary's counts, so a 100,000-row day is scanned (and decrypted) once, and the file's
    summary counts exactly the rows the file lists.

    Each row carries ``SCREENING_KEY_SQL``, the key the summary groups by (one JSON text);
    the keys are counted here and folded by ``app.reports.daily.fold_screenings``, the same fold the
    report on screen uses. Labels of a key (source, result, colour, findings, decisions,
    status) are worked out once per distinct key."""

    def __init__(self, run: Runner[Any], day: date, scope: Scope, people: PersonalData) -> None:
        self.run, self.day, self.scope, self.people = run, day, scope, people
        self.counts: Counter[str] = Counter()
        self.unverified: list[tuple[Any, Any, Any]] = []  # id, code_id, decision
        self.complete = False
        self._labels: dict[str, tuple[Any, ...]] = {}
        self._grids, self._workers = _Neutralised(), _Neutralised()
        self._words()

    def _words(self) -> None:
        self.sources = {k: L.name(L.SOURCE_NAMES, k) for k in L.SOURCE_NAMES}
        self.results = {k: L.name(L.RESULT_NAMES, k) for k in L.RESULT_NAMES}
        self.colours = {k: L.name(L.COLOUR_NAMES, k) for k in L.COLOUR_NAMES}
        self.decisions = {k: L.name(L.DECISION_NAMES, k) for k in L.DECISION_NAMES}
        self.yes = t("是", "yes")
        self.findings = (t("发热", "fever"), t("有症状", "symptoms"), t("旅居史", "travel"))
        self.status = (t("有效", "valid"), t("已被更正", "corrected"), t("更正记录", "correction"),
                       t("作废", "void"))

    def _key_labels(self, text: str) -> tuple[Any, ...]:
        """source, format, result, colour, findings, proposal, decision, duplicate, status;
        then the decision and whether the record is gone (voided or void)."""
        _, colour, result, decision, proposal, source, fmt, flags = screening_key(text)
        found = [f for f, bit in zip(self.findings, (FEVER, SYMPTOMS, TRAVEL), strict=True)
                 if flags & bit]
        status = (self.status[3] if decision == "void" else self.status[1] if flags & GONE
                  else self.status[2] if flags & CORRECTION else self.status[0])
        return (n(self.sources.get(source, source)), n(fmt),
                n(self.results.get(result, result)), n(self.colours.get(colour or "none", colour)),
                "、".join(found), n(self.decisions.get(proposal, proposal)),
                n(self.decisions.get(decision, decision)),
                self.yes if flags & DUPLICATE else "", status, decision, bool(flags & GONE))

    def chunks(self) -> Iterator[list[Row]]:
        """The detail rows in chunks; the counts are complete once the last chunk is out.

        Ordered by save time, then rowid (the order of the ``created_at`` index, so no sort;
        a rowid is a cheaper key to carry than the record id)."""
        start, end = day_bounds_iso(self.day)
        offset = utc_offset_hours(self.day) * 3600
        grid_sql, grid_params = self.scope.grid_filter("s.grid")
        marks = ",".join("?" * len(UNVERIFIED_RESULTS))
        sql = ("SELECT s.created_at, s.rowid,"
               f" CASE WHEN s.result IN ({marks}) THEN s.id END,"
               f" CASE WHEN s.result IN ({marks}) THEN s.code_id END,"
               " strftime('%Y-%m-%d %H:%M:%S', CAST(s.clock_ts AS INTEGER) + ?, 'unixepoch'),"
               " s.grid, s.worker, s.holder_name, s.holder_doc, s.temperature,"
               " coalesce(nullif(s.void_reason, ''), nullif(s.override_reason, ''), ''),"
               f" {SCREENING_KEY_SQL}"
               " FROM screenings s WHERE s.created_at >= ? AND s.created_at >= ?"
               " AND s.created_at < ?" + grid_sql
               + " AND (s.created_at, s.rowid) > (?, ?) ORDER BY s.created_at, s.rowid")
        fixed = (*UNVERIFIED_RESULTS * 2, offset, offset)
        self.counts.clear()
        self.unverified.clear()
        self.complete = False
        for chunk in _keyset(self.run, sql, lambda lo: (*fixed, start, lo, end, *grid_params),
                             2, ("", 0)):
            yield self._rows(chunk)
        self.complete = True

    def _rows(self, chunk: list[Row]) -> list[Row]:
        self.counts.update([row[11] for row in chunk])
        labels, key_labels = self._labels, self._key_labels
        grids, workers = self._grids, self._workers
        unverified = self.unverified
        reveal = self.people.reveal
        out: list[Row] = []
        append = out.append
        for (_, _, record_id, code_id, when, grid, worker, holder, doc, temp, reason,
             key) in chunk:
            lab = labels.get(key)
            if lab is None:
                lab = labels[key] = key_labels(key)
            (source, fmt, result, colour, findings, proposal, decision, dup, status,
             final_decision, gone) = lab
            if record_id is not None and not gone:
                unverified.append((record_id, code_id, final_decision))
            name = (holder or "") if reveal else mask_name(holder)
            number = (doc or "") if reveal else mask_id_number(doc)
            append((when, grids[grid], workers[worker], source, fmt, result, colour,
                    "'" + name if name.startswith(FORMULA_STARTS) else name,
                    "'" + number if number.startswith(FORMULA_STARTS) else number,
                    temp, findings, proposal, decision,
                    "'" + reason if reason.startswith(FORMULA_STARTS) else reason,
                    dup, status))
        return out

    def summary(self, conn: Any) -> ScreeningSummary:
        """The day's screening summary from the rows read (call after the last chunk, on
        the DB thread)."""
        if not self.complete:
            raise BugError("the screening summary needs the whole scan")
        return fold_screenings(conn, self.counts.items(), self.unverified)


CASE_HEADERS = (
    ("登记时间", "registered", 19), ("姓名", "name", 10), ("证件号码", "ID number", 20),
    ("电话", "phone", 13), ("地址", "address", 30), ("网格", "grid", 18),
    ("方式", "kind", 9), ("集中隔离点", "facility", 22), ("原因", "reason", 14),
    ("开始日期", "start", 11), ("计划解除", "planned end", 11), ("责任人", "responsible", 10),
    ("状态", "status", 8), ("结束时间", "ended", 19), ("结束说明", "end note", 24),
)


def _case_chunks(run: Runner[Any], day: date, scope: Scope,
                 people: PersonalData) -> Iterator[list[Row]]:
    start, end = day_bounds_iso(day)
    grid_sql, grid_params = scope.grid_filter("k.grid")
    sql = ("SELECT k.created_at, k.id, k.person_name, k.id_number, k.phone, k.address, k.grid,"
           " k.kind, k.facility, k.reason, k.start_date, k.planned_end, k.responsible,"
           " CASE WHEN k.ended_at IS NOT NULL AND k.ended_at < ? THEN k.status ELSE 'active'"
           " END, CASE WHEN k.ended_at < ? THEN k.ended_at END, CASE WHEN k.ended_at < ?"
           " THEN k.end_note END FROM isolation_cases k WHERE k.created_at >= ?"
           " AND k.created_at < ?"
           " AND (k.ended_at IS NULL OR k.ended_at >= ?)" + grid_sql
           + " AND (k.created_at, k.id) > (?, ?) ORDER BY k.created_at, k.id")
    clock = _Clock(day)
    for chunk in _keyset(run, sql, lambda lo: (end, end, end, lo, end, start, *grid_params), 2):
        yield [(clock.iso_text(created), n(people.name(name)), n(people.id_number(number)),
                n(people.phone(phone)), n(people.address(address)), n(grid),
                L.name(L.CASE_KIND_NAMES, kind), n(facility or ""),
                L.name(L.REASON_NAMES, reason), start_date, planned_end, n(responsible),
                L.name(L.CASE_STATUS_NAMES, status), clock.iso_text(ended), n(note or ""))
               for (created, _, name, number, phone, address, grid, kind, facility, reason,
                    start_date, planned_end, responsible, status, ended, note) in chunk]


CHECK_HEADERS = (
    ("时间", "time", 19), ("姓名", "name", 10), ("网格", "grid", 18), ("时段", "slot", 6),
    ("体温(°C)", "temp. (°C)", 9), ("症状", "symptoms", 16), ("情绪", "mood", 10),
    ("监测人", "checked by", 10), ("备注", "note", 24),
)


def _check_chunks(run: Runner[Any], day: date, scope: Scope,
                  people: PersonalData) -> Iterator[list[Row]]:
    grid_sql, grid_params = scope.grid_filter("k.grid")
    sql = ("SELECT h.at, h.id, k.person_name, k.grid, h.slot, h.temperature, h.symptoms,"
           " h.mood, h.checked_by, h.note FROM health_checks h JOIN isolation_cases k"
           " ON k.id = h.case_id WHERE h.at >= ? AND h.check_date = ?"
           " AND NOT EXISTS (SELECT 1 FROM health_checks v WHERE v.voids = h.id)" + grid_sql
           + " AND (h.at, h.id) > (?, ?) ORDER BY h.at, h.id")
    clock = _Clock(day)
    for chunk in _keyset(run, sql, lambda lo: (lo, day.isoformat(), *grid_params), 2):
        yield [(clock.iso_text(at), n(people.name(name)), n(grid), L.name(L.SLOT_NAMES, slot),
                temp, n("、".join(json.loads(symptoms or "[]"))), L.name(L.MOOD_NAMES, mood),
                n(by), n(note))
               for at, _, name, grid, slot, temp, symptoms, mood, by, note in chunk]


AID_HEADERS = (
    ("登记时间", "opened", 19), ("类别", "category", 14), ("紧急程度", "urgency", 9),
    ("说明", "description", 30), ("截止时间", "due", 19), ("状态", "status", 9),
    ("逾期", "overdue", 6), ("负责人", "assignee", 10), ("姓名", "name", 10),
    ("网格", "grid", 18),
)


def _aid_chunks(run: Runner[Any], day: date, scope: Scope, people: PersonalData,
                as_of: str) -> Iterator[list[Row]]:
    start, end = day_bounds_iso(day)
    grid_sql, grid_params = scope.grid_filter("k.grid")
    join = "LEFT JOIN" if scope.kind == "station" else "JOIN"
    status_sql = ("(SELECT e.to_status FROM aid_events e WHERE e.request_id = a.id"
                  " AND e.at < ? ORDER BY e.at DESC LIMIT 1)")
    sql = (f"SELECT a.created_at, a.id, a.category, a.urgency, a.description, a.due_at,"
           f" {status_sql}, a.assignee, k.person_name, k.grid FROM aid_requests a {join}"
           " isolation_cases k ON k.id = a.case_id WHERE a.created_at >= ? AND a.created_at < ?"
           " AND (a.created_at >= ?"
           f" OR {status_sql} IN ('open', 'assigned') OR EXISTS (SELECT 1 FROM aid_events d"
           " WHERE d.request_id = a.id AND d.at >= ? AND d.at < ?))" + grid_sql
           + " AND (a.created_at, a.id) > (?, ?) ORDER BY a.created_at, a.id")
    clock = _Clock(day)
    yes = t("是", "yes")
    for chunk in _keyset(run, sql, lambda lo: (as_of, lo, end, start, as_of, start, end,
                                               *grid_params), 2):
        yield [(clock.iso_text(created), L.name(L.CATEGORY_NAMES, category),
                L.name(L.URGENCY_NAMES, urgency), n(description), clock.iso_text(due),
                L.name(L.AID_STATUS_NAMES, status),
                yes if status in ("open", "assigned") and due < as_of else "",
                n(assignee or ""), n(people.name(name)), n(grid or ""))
               for (created, _, category, urgency, description, due, status, assignee, name,
                    grid) in chunk]


def _count(run: Runner[Any], sql: str, params: tuple[Any, ...]) -> int:
    return int(run(lambda c: c.execute(sql, params).fetchone()[0]))


def detail_tables(run: Runner[Any], day: date, scope: Scope, as_of: str,
                  scan: ScreeningScan) -> list[DetailTable]:
    """The four detail tables for ``day`` and ``scope``; rows are read when iterated, the
    screenings through ``scan`` (which counts them for the summary). ``count`` is the
    expected number of rows, for progress; writers count the rows they write."""
    people = scan.people
    start, end = day_bounds_iso(day)
    sg, sp = scope.grid_filter("s.grid")
    kg, kp = scope.grid_filter("k.grid")

    def heads(spec: tuple[tuple[str, str, int], ...]) -> tuple[tuple[str, ...], tuple[int, ...]]:
        return tuple(t(zh, en) for zh, en, _ in spec), tuple(w for _, _, w in spec)

    tables: list[DetailTable] = []
    h, w = heads(SCREENING_HEADERS)
    tables.append(DetailTable(
        "screenings", t("筛查明细", "screenings"), h, w, frozenset({9}),
        _count(run, "SELECT count(*) FROM screenings s WHERE s.created_at >= ?"
               " AND s.created_at < ?" + sg, (start, end, *sp)),
        scan.chunks))
    h, w = heads(CASE_HEADERS)
    tables.append(DetailTable(
        "cases", t("隔离对象", "isolation cases"), h, w, frozenset(),
        _count(run, "SELECT count(*) FROM isolation_cases k WHERE k.created_at < ?"
               " AND (k.ended_at IS NULL OR k.ended_at >= ?)" + kg, (end, start, *kp)),
        lambda: _case_chunks(run, day, scope, people)))
    h, w = heads(CHECK_HEADERS)
    tables.append(DetailTable(
        "health_checks", t("健康监测", "health checks"), h, w, frozenset({4}),
        _count(run, "SELECT count(*) FROM health_checks h JOIN isolation_cases k"
               " ON k.id = h.case_id WHERE h.check_date = ? AND NOT EXISTS (SELECT 1 FROM"
               " health_checks v WHERE v.voids = h.id)" + kg, (day.isoformat(), *kp)),
        lambda: _check_chunks(run, day, scope, people)))
    h, w = heads(AID_HEADERS)
    tables.append(DetailTable(
        "aid", t("救助请求", "aid requests"), h, w, frozenset(),
        _count(run, "SELECT count(*) FROM aid_requests a WHERE a.created_at >= ?"
               " AND a.created_at < ?", (start, end)),
        lambda: _aid_chunks(run, day, scope, people, as_of)))
    return tables


def day_end_ts(day: date) -> float:
    """Epoch seconds of the end of ``day``."""
    return day_bounds(day)[1]


ATTENTION_HEADERS = (
    ("时间", "time"), ("网格", "grid"), ("姓名", "name"), ("证件号码", "document"),
    ("核验结果", "result"), ("颜色", "colour"), ("体温", "temp."), ("处置", "decision"),
    ("原因", "reason"),
)


def attention_rows(run: Runner[Any], day: date, scope: Scope, reveal: bool,
                   limit: int) -> tuple[int, list[Row]]:
    """Screenings that need a supervisor's eye (fever, refused, referred, invalid code):
    their number, and the first ``limit`` of them in time order."""
    from app.reports.daily import effective_screenings_sql
    from app.reports.model import FLAGGED_RESULTS

    start, end = day_bounds_iso(day)
    where, params = effective_screenings_sql(scope)
    marks = ",".join("?" * len(FLAGGED_RESULTS))
    cond = (f" AND (s.fever = 1 OR s.decision IN ('refuse', 'notify', 'refer')"
            f" OR s.result IN ({marks}))")
    args = (start, end, *params, *FLAGGED_RESULTS)

    def fetch(conn: Any) -> tuple[int, list[Row]]:
        cur = plain_cursor(conn).execute(
            "SELECT s.clock_ts, s.grid, s.holder_name, s.holder_doc, s.result, s.colour,"
            " s.temperature, s.decision, s.override_reason, s.created_at, s.id" + where + cond,
            args)
        found = cur.fetchall()
        found.sort(key=lambda r: (r[9], r[10]))
        return len(found), found[:limit]

    total, rows = run(fetch)
    people = PersonalData(reveal)
    clock = _Clock(day)
    out = [(clock.text(ts)[11:16], grid, people.name(holder), people.id_number(doc),
            L.name(L.RESULT_NAMES, result), L.name(L.COLOUR_NAMES, colour or "none"),
            "" if temp is None else f"{temp:.1f}", L.name(L.DECISION_NAMES, decision),
            reason or "")
           for ts, grid, holder, doc, result, colour, temp, decision, reason, _, _ in rows]
    return total, out
