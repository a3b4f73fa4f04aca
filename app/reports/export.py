"""Exporting the daily report: permissions, masking or audited reveal, the file, the record.

- Viewing a report needs ``Permission.VIEW_REPORTS``, exporting ``Permission.EXPORT``: a
  worker or clinic user can do neither (refusals are audited by ``Station.require``).
- Personal data is masked in every format unless a supervisor reveals it with a reason
  (``Permission.REVEAL``). The reveal is written to the audit log *before* the file, so a
  crash half-way still leaves the record of who saw what; the finished export is audited
  with its format, scope, row count and SHA-256.
- The file is written atomically: a cancelled or failed export leaves no partial file.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from app.errors import Cancelled, KnownError
from app.reports.cells import PersonalData
from app.reports.csv_writer import write_csv
from app.reports.daily import compute_daily_report, report_as_of
from app.reports.details import ScreeningScan, attention_rows, detail_tables
from app.reports.model import DailyReport, Scope
from app.reports.output import Progress, atomic_target
from app.reports.pdf_writer import ATTENTION_LIMIT, write_pdf
from app.reports.xlsx_writer import write_xlsx
from app.storage import activity, audit
from app.storage.roles import Permission, Session
from app.storage.station import Station
from app.text import t

FORMATS = ("xlsx", "pdf", "csv")
DIVISION_FORMATS = (*FORMATS, "json")
DivisionFetch = Callable[[date], tuple[DailyReport, list[dict[str, Any]]]]


@dataclass
class ExportResult:
    """What an export wrote."""

    path: str
    format: str
    date: str
    scope: str
    rows: int
    revealed: bool
    sha256: str
    seconds: float
    missing_glyphs: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return asdict(self)


def load_report(station: Station, session: Session, day: date, scope: Scope | None = None,
                now: float | None = None) -> DailyReport:
    """The report for the screen (supervisor or admin)."""
    station.require(session, Permission.VIEW_REPORTS)
    return station.db.run(lambda c: compute_daily_report(c, day, scope, now))


def masking_note(reveal_reason: str | None) -> str:
    """What a file says about its personal data."""
    if reveal_reason:
        return t(f"已按申请显示完整信息（原因：{reveal_reason}），请妥善保管",
                 f"shown in full on request (reason: {reveal_reason}); keep safe")
    return t("已脱敏", "masked")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_request(station: Station, session: Session, fmt: str,
                   reveal_reason: str | None) -> str | None:
    if fmt not in FORMATS:
        raise KnownError(t(f"不支持的格式「{fmt}」：应为 xlsx、pdf 或 csv",
                           f"unknown format '{fmt}': use xlsx, pdf or csv"))
    station.require(session, Permission.EXPORT)
    if reveal_reason is None:
        return None
    reason = reveal_reason.strip()
    if not reason:
        raise KnownError(t("显示完整个人信息必须填写原因",
                           "revealing personal data needs a reason"))
    station.require(session, Permission.REVEAL)
    return reason


def export_report(station: Station, session: Session, day: date, fmt: str, path: Path,
                  reveal_reason: str | None = None, progress: Progress | None = None,
                  scope: Scope | None = None, now: Callable[[], float] = time.time,
                  ) -> ExportResult:
    """Write the report for ``day`` as ``fmt`` to ``path``; audited; cancellable."""
    reason = _check_request(station, session, fmt, reveal_reason)
    scope = scope or Scope()
    path = Path(path)
    started = time.perf_counter()
    target = {"date": day.isoformat(), "format": fmt, "scope": scope.text, "file": path.name}
    if reason:
        station.db.transaction(lambda c: audit.append(
            c, session.username, "personal_data_revealed", f"report:{day.isoformat()}",
            {**target, "reason": reason}))
    moment = now()
    note = masking_note(reason)
    missing: set[str] = set()
    try:
        if fmt == "pdf":
            report = station.db.run(lambda c: compute_daily_report(c, day, scope, moment))
            attention = attention_rows(station.db.run, day, scope, bool(reason), ATTENTION_LIMIT)
            missing = write_pdf(report, attention, path, note, progress)
            rows = len(attention[1])
        else:
            # One read of the day's screenings gives the detail rows and the summary.
            scan = ScreeningScan(station.db.run, day, scope, PersonalData(bool(reason)))
            tables = detail_tables(station.db.run, day, scope, report_as_of(day, moment), scan)

            def counted_report() -> DailyReport:
                return station.db.run(lambda c: compute_daily_report(
                    c, day, scope, moment, screenings=scan.summary(c)))

            writer = write_xlsx if fmt == "xlsx" else write_csv
            rows = writer(counted_report, tables, path, note, progress)
    except Cancelled:
        station.db.transaction(lambda c: activity.record(
            c, "export", "warning", t(f"{day} 日报导出已取消", f"export of {day} cancelled"),
            session.username))
        raise
    result = ExportResult(str(path), fmt, day.isoformat(), scope.text, rows, bool(reason),
                          _sha256(path), round(time.perf_counter() - started, 3),
                          sorted(missing))

    def record(conn: Any) -> None:
        audit.append(conn, session.username, "report_exported", f"report:{day.isoformat()}",
                     {**target, "rows": rows, "revealed": bool(reason), "sha256": result.sha256})
        message = t(f"已导出 {day} 日报（{fmt.upper()}，{rows} 行明细）到 {path}",
                    f"exported the {day} report ({fmt.upper()}, {rows} detail rows) to {path}")
        activity.record(conn, "export", "warning" if missing else "ok", message, session.username)

    station.db.transaction(record)
    return result


def export_division_report(station: Station, session: Session, day: date, fmt: str,
                           path: Path, fetch: DivisionFetch) -> ExportResult:
    """Download the division aggregate for ``day`` (``fetch``, e.g.
    ``app.sync.daily_upload.download_division_report``) and write it as ``fmt`` (xlsx, pdf,
    csv or json) to ``path``; needs EXPORT; audited like a station export.

    An aggregate holds counts only (no personal data, nothing to mask or reveal) and no
    detail rows: the writers leave the detail sheets and the attention list out.
    """
    if fmt not in DIVISION_FORMATS:
        raise KnownError(t(f"不支持的格式「{fmt}」：应为 xlsx、pdf、csv 或 json",
                           f"unknown format '{fmt}': use xlsx, pdf, csv or json"))
    station.require(session, Permission.EXPORT)
    path = Path(path)
    started = time.perf_counter()
    report, stations = fetch(day)
    note = t("汇总数据，不含个人信息", "aggregate counts, no personal data")
    missing: set[str] = set()
    if fmt == "pdf":
        missing = write_pdf(report, None, path, note)
    elif fmt == "json":
        with atomic_target(path) as tmp:
            tmp.write_text(json.dumps({"stations": stations, "report": report.to_dict()},
                                      ensure_ascii=False, indent=1), encoding="utf-8")
    else:
        writer = write_xlsx if fmt == "xlsx" else write_csv
        writer(lambda: report, [], path, note)
    scope = f"division:{report.division}"
    result = ExportResult(str(path), fmt, day.isoformat(), scope, 0, False, _sha256(path),
                          round(time.perf_counter() - started, 3), sorted(missing))

    def record(conn: Any) -> None:
        audit.append(conn, session.username, "report_exported",
                     f"division-report:{day.isoformat()}",
                     {"date": day.isoformat(), "format": fmt, "scope": scope,
                      "file": path.name, "stations": len(stations), "sha256": result.sha256})
        message = t(f"已导出辖区 {report.division} {day} 汇总报表（{fmt.upper()}，"
                    f"{len(stations)} 个站点）到 {path}",
                    f"exported the {day} aggregate of division {report.division} "
                    f"({fmt.upper()}, {len(stations)} stations) to {path}")
        activity.record(conn, "export", "warning" if missing else "ok", message,
                        session.username)

    station.db.transaction(record)
    return result
