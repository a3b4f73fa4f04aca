"""The download cursor: never skips a change that committed late; reconciliation."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest

from server.changes import PUBLISH_LOCK, changes_since, day_digest, publish, reconcile
from server.db import Database, open_database
from server.enrolment import StationIdentity
from server.schema import migrate
from server.upload import apply_batch
from tests.helpers.server_fixtures import pg_database
from tests.unit.server.conftest import enrolled
from tests.unit.server.test_upload import item

ST = StationIdentity("st-1", "450103", "")


def test_cursor_pages_through_everything_once(db: Database) -> None:
    for i in range(7):
        publish(db, "risk-areas", str(i), f'{{"v": {i}}}')
    seen, cursor = [], 0
    for _ in range(10):
        page, cursor, more = changes_since(db, ST, cursor, limit=3)
        seen += [c["version"] for c in page]
        if not more:
            break
    assert seen == [str(i) for i in range(7)]
    with pytest.raises(ValueError):
        publish(db, "no-such-kind", "1", "{}")


@pytest.mark.postgres
def test_a_late_commit_is_not_skipped() -> None:
    with pg_database() as url:
        db = open_database(url)
        migrate(db)
        try:
            slow = psycopg.connect(url, autocommit=True)
            tx = slow.transaction()
            tx.__enter__()  # a publisher that took its number and has not committed yet
            slow.execute("SELECT pg_advisory_xact_lock(%s)", (PUBLISH_LOCK,))
            early = slow.execute("SELECT nextval('changes_seq')").fetchone()[0]
            slow.execute("INSERT INTO changes (seq, kind, version, body) "
                         "VALUES (%s, 'risk-areas', 'slow', '{}')", (early,))
            done: list[int] = []
            fast = threading.Thread(target=lambda: done.append(
                publish(db, "risk-areas", "fast", "{}")))
            fast.start()
            time.sleep(0.3)
            page, cursor, _ = changes_since(db, ST, 0)
            assert page == [] and cursor == 0  # nothing visible, nothing to skip past
            tx.__exit__(None, None, None)
            fast.join(10)
            slow.close()
            page, cursor, _ = changes_since(db, ST, 0)
            assert [c["version"] for c in page] == ["slow", "fast"]
            assert done[0] > early
        finally:
            db.close()


def test_reconciliation_compares_counts_and_hashes(db: Database) -> None:
    station, _ = enrolled(db)
    batch = [item(station, f"r{i}", day="2026-12-03") for i in range(4)]
    apply_batch(db, station, batch)
    pairs = [(b["id"], b["hash"]) for b in batch]
    answers = reconcile(db, station, [
        {"day": "2026-12-03", "count": 4, "hash": day_digest(pairs)},
        {"day": "2026-12-02", "count": 1, "hash": day_digest(pairs[:1])},
        {"day": "bogus", "count": 0, "hash": ""},
    ])
    assert [a["matched"] for a in answers] == [True, False, False]
    assert answers[1]["server_count"] == 0
