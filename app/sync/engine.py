"""One sync run: upload the outbox, download reference data, reconcile, send the daily
reports of today and yesterday (``app.sync.daily_upload``), record the outcome.

The engine is Qt-free and touches the database only through a runner with ``run(fn)`` and
``transaction(fn)`` (``Station.db`` in the product, a plain SQLite runner in tests). All
progress lives in the database: an entry leaves ``pending`` only in the transaction that
records the server's answer, the download cursor moves in the transaction that installs
the page. A crash, a power cut or a cancel at any moment loses nothing, and the next run
continues from there; a retried batch carries the same ids, so the server answers
``duplicate`` for what it already has.
"""

from __future__ import annotations

import collections
import functools
import logging
import random
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol, TypeVar

from app.errors import Cancelled, KnownError
from app.sync import daily_upload
from app.sync import outbox_queue as oq
from app.sync.reconcile import purge_reconciled, reconcile_days, record_matches
from app.sync.reference import apply_changes
from app.sync.transport import (
    AuthRejected,
    Offline,
    ProtocolError,
    TlsFailure,
    Transport,
    TransportError,
)
from app.text import t

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_CHANGE_PAGES = 500
# Measured with bench/sync (docs/scale.md): 3,000 records (≈ 2.4 MB of JSON, ≈ 340 kB
# gzipped) per batch and two batches in flight keep the station, the server and PostgreSQL
# busy at once; smaller batches pay the per-batch costs (commits, round trips) more often,
# a third batch in flight only adds contention on two cores.
DEFAULT_BATCH_COUNT = 3000
DEFAULT_BATCH_BYTES = 4_000_000


class DbRunner(Protocol):
    """What the engine needs from the station database."""

    def run(self, fn: Callable[[Any], T]) -> T: ...

    def transaction(self, fn: Callable[[Any], T]) -> T: ...


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter; ``attempts`` tries per request."""

    attempts: int = 6
    base: float = 0.5
    cap: float = 30.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Seconds to wait before try ``attempt + 1`` (attempt counts from 0)."""
        return rng.uniform(0, min(self.cap, self.base * (2**attempt)))


class CancelToken:
    """Set by the UI or a shutdown; the engine checks it between steps and while waiting."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        """Ask the run to stop at the next safe point."""
        self._event.set()

    @property
    def cancelled(self) -> bool:
        """Whether a stop was asked for."""
        return self._event.is_set()

    def check(self) -> None:
        """Raise :class:`Cancelled` if a stop was asked for."""
        if self._event.is_set():
            raise Cancelled()

    def sleep(self, seconds: float) -> None:
        """Wait, waking early (and raising) on cancel."""
        if self._event.wait(max(0.0, seconds)):
            raise Cancelled()


@dataclass
class SyncProgress:
    """What a running sync is doing; ``rate`` is records per second."""

    phase: str  # 'upload' | 'download' | 'reconcile' | 'done'
    done: int = 0
    total: int = 0
    rate: float = 0.0
    retries: int = 0
    message: str = ""


@dataclass
class SyncReport:
    """The outcome of one run (also kept in ``sync_state`` as ``last_report``)."""

    outcome: str = "ok"  # ok | failed | auth_failed | cancelled | not_enrolled
    sent: int = 0
    duplicates: int = 0
    quarantined: int = 0
    held: int = 0
    batches: int = 0
    retries: int = 0
    faults: dict[str, int] = field(default_factory=dict)
    downloaded: int = 0
    installed: int = 0
    refused_changes: int = 0
    reconciled_days: int = 0
    purged: int = 0
    reports_sent: int = 0
    report_error: str | None = None
    pending_after: int = 0
    error: str | None = None
    started_at: float = 0.0
    finished_at: float = 0.0
    server_time: float | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return asdict(self)


TransportFactory = Callable[[dict[str, Any]], Transport]


def default_transport(credential: dict[str, Any]) -> Transport:
    """A transport from the stored credential (server URL, token, optional pin)."""
    return Transport(str(credential["server"]), str(credential["credential"]),
                     verify=credential.get("ca_file") or True,
                     pin_sha256=credential.get("pin_sha256"))


class SyncEngine:
    """Runs sync against one station database; safe to call again after any failure."""

    def __init__(
        self,
        db: DbRunner,
        *,
        transport_factory: TransportFactory = default_transport,
        batch_count: int = DEFAULT_BATCH_COUNT,
        batch_bytes: int = DEFAULT_BATCH_BYTES,
        retry: RetryPolicy | None = None,
        rng: random.Random | None = None,
        reconcile: bool = True,
        daily_reports: bool = True,
        retention_days: int | None = None,
        pipeline: int = 2,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.db = db
        self.transport_factory = transport_factory
        self.batch_count = batch_count
        self.batch_bytes = batch_bytes
        self.retry = retry or RetryPolicy()
        self.rng = rng or random.Random()
        self.reconcile = reconcile
        self.daily_reports = daily_reports
        self.retention_days = retention_days
        self.pipeline = max(1, pipeline)
        self.clock = clock

    # --- the run --------------------------------------------------------------------------

    def run(self, cancel: CancelToken | None = None,
            progress: Callable[[SyncProgress], None] | None = None) -> SyncReport:
        """One full run; never raises for network, server or cancel outcomes."""
        cancel = cancel or CancelToken()
        report = SyncReport(started_at=self.clock())
        notify = progress or (lambda p: None)
        credential = self.db.run(lambda c: oq.get_state(c, "credential"))
        if not isinstance(credential, dict) or not credential.get("credential"):
            report.outcome = "not_enrolled"
            report.error = t("本站尚未注册到中心服务器（griddesk enrol）",
                             "this station is not enrolled (griddesk enrol)")
            self._finish(report, reached=False)
            return report
        transport = self.transport_factory(credential)
        self._faults = {}
        reached = False
        try:
            self._upload(transport, cancel, notify, report)
            reached = True
            self._download(transport, cancel, notify, report)
            if self.reconcile:
                self._reconcile(transport, cancel, notify, report)
            if self.daily_reports:
                self._send_reports(transport, cancel, report)
        except Cancelled:
            report.outcome = "cancelled"
            report.error = t("同步已取消", "sync cancelled")
        except AuthRejected as exc:
            report.outcome = "auth_failed"
            report.error = str(exc)
            reached = True
        except Offline as exc:
            report.outcome = "failed"
            report.error = str(exc)
        except (TransportError, ProtocolError, TlsFailure) as exc:
            report.outcome = "failed"
            report.error = str(exc)
            reached = reached or not isinstance(exc, TlsFailure)
        except KnownError as exc:
            report.outcome = "failed"
            report.error = str(exc)
        finally:
            transport.close()
            report.server_time = transport.last_server_time
            report.faults = dict(self._faults)
        self._finish(report, reached=reached or report.server_time is not None)
        notify(SyncProgress("done", report.sent, report.sent, 0.0, report.retries,
                            report.error or ""))
        return report

    _faults: dict[str, int]

    def _call(self, fn: Callable[[], T], cancel: CancelToken, report: SyncReport,
              on_fail: Callable[[str], None] | None = None) -> T:
        """Call ``fn`` with retries on transport failures; raises the last one."""
        for attempt in range(self.retry.attempts):
            cancel.check()
            try:
                return fn()
            except TransportError as exc:
                self._faults[exc.kind] = self._faults.get(exc.kind, 0) + 1
                if on_fail:
                    on_fail(str(exc))
                if attempt + 1 >= self.retry.attempts:
                    raise
                report.retries += 1
                log.info("sync request failed (%s); retry %d", exc, attempt + 1)
                cancel.sleep(self.retry.delay(attempt, self.rng))
        raise AssertionError("unreachable")

    def _send(self, transport: Transport, batch: list[oq.OutboxEntry],
              head: dict[str, Any] | None, cancel: CancelToken,
              report: SyncReport) -> dict[str, Any]:
        """Upload one batch with retries (runs on an upload worker)."""
        data = oq.upload_document(batch, str(uuid.uuid4()), head)

        def failed(message: str) -> None:
            self.db.transaction(lambda c: oq.note_failed_attempt(c, batch, message))

        answer = self._call(lambda: transport.post_json("/v1/upload", data, compress=True),
                            cancel, report, failed)
        if not isinstance(answer.get("results"), list):
            raise ProtocolError(t("服务器应答缺少逐条结果", "answer without per-item results"))
        return answer

    def _upload(self, transport: Transport, cancel: CancelToken,
                notify: Callable[[SyncProgress], None], report: SyncReport) -> None:
        """Send batches in order, up to ``pipeline`` in flight; answers are applied in order."""
        total = self.db.run(lambda c: oq.counts(c).pending)
        head = self.db.run(oq.audit_head)
        started = time.monotonic()
        after, done, count = 0, 0, self.batch_count
        notify(SyncProgress("upload", 0, total))
        in_flight: collections.deque[tuple[list[oq.OutboxEntry], Future[dict[str, Any]]]] = \
            collections.deque()

        def apply(batch: list[oq.OutboxEntry], answer: dict[str, Any]) -> None:
            nonlocal done
            results = answer["results"]
            applied = self.db.transaction(lambda c: oq.apply_answers(c, batch, results))
            report.batches += 1
            report.sent += applied.sent
            report.duplicates += applied.duplicates
            report.quarantined += applied.quarantined
            report.held += applied.held
            done += len(batch)
            elapsed = max(1e-6, time.monotonic() - started)
            notify(SyncProgress("upload", min(done, total) if total else done, max(total, done),
                                done / elapsed, report.retries))

        def drain() -> None:  # keep what already got through, whatever happened next
            while in_flight:
                batch, future = in_flight.popleft()
                try:
                    apply(batch, future.result())
                except Exception:  # noqa: BLE001 - the first failure is the one reported
                    continue

        def fill(pool: ThreadPoolExecutor) -> None:
            nonlocal after
            while len(in_flight) < self.pipeline:
                cancel.check()
                batch = self.db.run(functools.partial(
                    oq.next_batch, after_seq=after, max_count=count,
                    max_bytes=self.batch_bytes))
                if not batch:
                    return
                after = batch[-1].seq
                in_flight.append((batch, pool.submit(self._send, transport, batch, head,
                                                     cancel, report)))

        with ThreadPoolExecutor(max_workers=self.pipeline,
                                thread_name_prefix="griddesk-upload") as pool:
            try:
                while True:
                    fill(pool)
                    if not in_flight:
                        break
                    batch, future = in_flight.popleft()
                    try:
                        answer = future.result()
                    except ProtocolError as exc:
                        if exc.status != 413 or len(batch) <= 1:
                            raise
                        drain()  # too big for the server: go back and send halves
                        after, count = batch[0].seq - 1, max(1, len(batch) // 2)
                        continue
                    # Send the next batch before recording this answer, so that the server
                    # keeps `pipeline` batches to work on while the station writes; the
                    # answer is recorded whatever happens while sending.
                    try:
                        fill(pool)
                    finally:
                        apply(batch, answer)
            finally:
                drain()

    def _download(self, transport: Transport, cancel: CancelToken,
                  notify: Callable[[SyncProgress], None], report: SyncReport) -> None:
        cursor = int(self.db.run(lambda c: oq.get_state(c, "cursor", 0)) or 0)
        notify(SyncProgress("download", 0, 0))
        for _ in range(MAX_CHANGE_PAGES):
            cancel.check()
            params = {"cursor": cursor, "limit": 200}
            doc = self._call(functools.partial(transport.get, "/v1/changes", params),
                             cancel, report)
            changes, new_cursor = doc.get("changes"), doc.get("cursor")
            if not isinstance(changes, list) or not isinstance(new_cursor, int) \
                    or new_cursor < cursor:
                raise ProtocolError(t("服务器下发的数据格式不正确", "malformed change list"))

            def install(conn: Any, changes: list[Any] = changes, to: int = new_cursor) -> Any:
                applied = apply_changes(conn, changes)
                oq.set_state(conn, "cursor", to)
                return applied

            applied = self.db.transaction(install)
            report.downloaded += len(changes)
            report.installed += applied.installed
            report.refused_changes += applied.refused
            cursor = new_cursor
            notify(SyncProgress("download", report.downloaded, report.downloaded))
            if not doc.get("more"):
                break

    def _reconcile(self, transport: Transport, cancel: CancelToken,
                   notify: Callable[[SyncProgress], None], report: SyncReport) -> None:
        days = self.db.run(reconcile_days)
        if not days:
            return
        cancel.check()
        notify(SyncProgress("reconcile", 0, len(days)))
        doc = self._call(lambda: transport.post("/v1/reconcile", {"days": days}), cancel, report)
        answers = doc.get("days")
        if not isinstance(answers, list):
            raise ProtocolError(t("对账应答格式不正确", "malformed reconciliation answer"))
        matched = self.db.transaction(lambda c: record_matches(c, days, answers))
        report.reconciled_days = matched
        if self.retention_days is not None:
            keep = self.retention_days
            report.purged = self.db.transaction(lambda c: purge_reconciled(c, keep))

    def _send_reports(self, transport: Transport, cancel: CancelToken,
                      report: SyncReport) -> None:
        """The daily reports for the division aggregate; a failure is logged, not raised."""
        cancel.check()
        try:
            sent = daily_upload.upload_daily_reports(
                self.db, lambda path, doc: transport.post(path, doc), self.clock())
        except Exception as exc:  # noqa: BLE001 - never fails the run (records are done)
            log.warning("daily report upload failed: %s", exc)
            report.report_error = str(exc)[:300] or type(exc).__name__
            message = t(f"日报上传到中心失败（不影响记录同步）：{report.report_error}",
                        f"daily report upload failed (records unaffected): "
                        f"{report.report_error}")
            self.db.transaction(lambda c: daily_upload.log_failure(c, message))
            return
        report.reports_sent = len(sent)

    def _finish(self, report: SyncReport, *, reached: bool) -> None:
        report.finished_at = self.clock()

        def record(conn: Any) -> int:
            if report.server_time is not None:
                _raise_floor(conn, report.server_time)
            oq.set_state(conn, "last_attempt", report.finished_at)
            oq.set_state(conn, "online", reached)
            oq.set_state(conn, "last_outcome", report.outcome)
            if report.outcome == "ok":
                oq.set_state(conn, "last_success", report.finished_at)
                oq.set_state(conn, "last_error", None)
            elif report.outcome != "cancelled":
                oq.set_state(conn, "last_error", report.error)
            oq.set_state(conn, "last_report", report.as_dict())
            return oq.counts(conn).pending

        report.pending_after = self.db.transaction(record)


def _raise_floor(conn: Any, server_time: float) -> None:
    """Feed the trusted-time floor with the server's time."""
    try:
        from app.storage.clock import raise_floor
    except ImportError:  # pragma: no cover - the store always ships it
        conn.execute(
            "INSERT INTO clock_floor (id, floor_ts, source) VALUES (1, ?, 'server') "
            "ON CONFLICT(id) DO UPDATE SET floor_ts = excluded.floor_ts, source = 'server' "
            "WHERE excluded.floor_ts > clock_floor.floor_ts",
            (server_time,),
        )
        return
    raise_floor(conn, server_time, "server")
