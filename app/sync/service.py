"""The sync service the UI talks to: status, "sync now", progress, cancel, and the schedule.

Runs happen one at a time on a worker thread, whether started by the user, the periodic
job or the return of connectivity (a cheap ``/v1/ping`` probe while offline). The UI reads
:meth:`SyncService.status` and :meth:`SyncService.progress` on a timer, or adapts the
listener callbacks into a Qt signal; callbacks arrive on the worker or scheduler thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.sync import outbox_queue as oq
from app.sync.engine import CancelToken, DbRunner, SyncEngine, SyncProgress, SyncReport
from app.sync.status import SyncStatus, read_status
from app.sync.transport import Transport, TransportError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncEvent:
    """What listeners receive: ``kind`` is 'started', 'progress', 'finished' or 'online'."""

    kind: str
    progress: SyncProgress | None = None
    report: SyncReport | None = None


Listener = Callable[[SyncEvent], None]


class SyncService:
    """Owns the engine, the worker thread and the APScheduler jobs of one station."""

    def __init__(
        self,
        db: DbRunner,
        engine: SyncEngine | None = None,
        *,
        interval_minutes: float = 10.0,
        probe_seconds: float = 30.0,
        probe: Callable[[dict[str, Any]], bool] | None = None,
    ) -> None:
        self.db = db
        self.engine = engine or SyncEngine(db)
        self.interval_minutes = interval_minutes
        self.probe_seconds = probe_seconds
        self._probe = probe or _ping
        self._lock = threading.Lock()
        self._worker: threading.Thread | None = None
        self._cancel: CancelToken | None = None
        self._progress: SyncProgress | None = None
        self._listeners: list[Listener] = []
        self._scheduler: Any = None
        self._was_online: bool | None = None

    # --- listeners ---------------------------------------------------------------------

    def add_listener(self, listener: Listener) -> None:
        """Call ``listener`` on every event (from a background thread)."""
        self._listeners.append(listener)

    def _emit(self, event: SyncEvent) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:  # a broken listener must not stop sync
                log.exception("sync listener failed")

    # --- runs --------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether a run is going on."""
        worker = self._worker
        return worker is not None and worker.is_alive()

    def sync_now(self) -> bool:
        """Start a run in the background; False if one is already running."""
        with self._lock:
            if self.running:
                return False
            self._cancel = CancelToken()
            self._worker = threading.Thread(target=self._run, args=(self._cancel,),
                                            name="griddesk-sync", daemon=True)
            self._worker.start()
        return True

    def run_blocking(self, cancel: CancelToken | None = None) -> SyncReport:
        """Run in the calling thread (CLI); still one run at a time."""
        with self._lock:
            if self.running:
                raise RuntimeError("a sync run is already going on")
            self._cancel = cancel or CancelToken()
        return self._run(self._cancel)

    def _run(self, cancel: CancelToken) -> SyncReport:
        self._emit(SyncEvent("started"))

        def on_progress(progress: SyncProgress) -> None:
            self._progress = progress
            self._emit(SyncEvent("progress", progress=progress))

        try:
            report = self.engine.run(cancel, on_progress)
        finally:
            self._progress = None
        self._was_online = report.outcome in ("ok", "auth_failed") or report.server_time is not None
        self._emit(SyncEvent("finished", report=report))
        return report

    def cancel(self) -> None:
        """Ask the current run to stop at the next safe point (nothing is lost)."""
        token = self._cancel
        if token is not None:
            token.cancel()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the current run; True if none is running afterwards."""
        worker = self._worker
        if worker is not None:
            worker.join(timeout)
        return not self.running

    def progress(self) -> SyncProgress | None:
        """The running sync's progress, or None."""
        return self._progress

    def status(self) -> SyncStatus:
        """What the status bar shows."""
        return self.db.run(lambda c: read_status(c, running=self.running,
                                                 progress=self._progress))

    # --- schedule ----------------------------------------------------------------------

    def start(self) -> None:
        """Start the periodic run and the connectivity probe (APScheduler)."""
        from apscheduler.schedulers.background import BackgroundScheduler

        if self._scheduler is not None:
            return
        scheduler = BackgroundScheduler(daemon=True)
        scheduler.add_job(self.sync_now, "interval", minutes=self.interval_minutes,
                          id="sync", max_instances=1, coalesce=True)
        scheduler.add_job(self.check_connectivity, "interval", seconds=self.probe_seconds,
                          id="probe", max_instances=1, coalesce=True)
        scheduler.start()
        self._scheduler = scheduler

    def stop(self, wait: bool = True) -> None:
        """Stop the schedule and cancel a run in progress."""
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
        self.cancel()
        if wait:
            self.wait(30)

    def check_connectivity(self) -> bool:
        """Probe the server; start a run as soon as it answers again after being away."""
        if self.running:
            return True
        credential = self.db.run(lambda c: oq.get_state(c, "credential"))
        if not isinstance(credential, dict):
            return False
        was = self._was_online
        if was is None:
            was = bool(self.db.run(lambda c: oq.get_state(c, "online", False)))
        online = self._probe(credential)
        self._was_online = online
        if online and not was:
            self._emit(SyncEvent("online"))
            self.sync_now()
        return online


def _ping(credential: dict[str, Any]) -> bool:
    transport = Transport(str(credential["server"]), timeout=(3.0, 5.0),
                          verify=credential.get("ca_file") or True,
                          pin_sha256=credential.get("pin_sha256"))
    try:
        transport.get("/v1/ping")
        return True
    except (TransportError, Exception):
        return False
    finally:
        transport.close()
