"""Schema migrations against a real database file from an earlier schema."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.errors import KnownError
from app.storage import migrations
from app.storage.connection import open_encrypted

DATA = Path(__file__).resolve().parents[2] / "data" / "storage"
V1_KEY = bytes.fromhex("5f" * 32)  # the fixture's key; the fixture holds no real data


@pytest.fixture
def v1_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "station.db"
    shutil.copy(DATA / "station-v1.db", dest)
    return dest


def test_the_fixture_is_at_version_1(v1_copy: Path) -> None:
    conn = open_encrypted(v1_copy, V1_KEY)
    assert migrations.current_version(conn) == 1
    conn.close()


def test_upgrade_from_v1_keeps_data_and_adds_v2(v1_copy: Path) -> None:
    conn = open_encrypted(v1_copy, V1_KEY)
    applied = migrations.upgrade(conn)
    assert applied == list(range(2, migrations.latest_version() + 1))
    assert migrations.current_version(conn) == migrations.latest_version()
    assert conn.execute("SELECT name FROM station").fetchone()[0] == "旧版站点"
    assert conn.execute("SELECT colour FROM screenings WHERE id = 's-1'").fetchone()[0] == "green"
    cols = {r[1] for r in conn.execute("PRAGMA table_info(users)")}
    assert "last_login_at" in cols
    conn.execute("INSERT INTO activity_log (at, kind, outcome, message) VALUES"
                 " ('2026-12-01T00:00:00Z', 'station', 'ok', '升级完成')")
    assert [r[0] for r in conn.execute("PRAGMA integrity_check")] == ["ok"]
    assert migrations.upgrade(conn) == []  # idempotent
    conn.close()


def test_append_only_rules_survive_the_upgrade(v1_copy: Path) -> None:
    conn = open_encrypted(v1_copy, V1_KEY)
    migrations.upgrade(conn)
    with pytest.raises(Exception, match="append-only"):
        conn.execute("UPDATE screenings SET colour = 'red' WHERE id = 's-1'")
    with pytest.raises(Exception, match="append-only"):
        conn.execute("DELETE FROM screenings WHERE id = 's-1'")
    conn.close()


def test_a_newer_schema_is_refused_with_a_clear_message(v1_copy: Path) -> None:
    conn = open_encrypted(v1_copy, V1_KEY)
    conn.execute(f"PRAGMA user_version = {migrations.latest_version() + 1}")
    with pytest.raises(KnownError, match="请升级"):
        migrations.upgrade(conn)
    conn.close()


def test_a_failing_migration_rolls_back(v1_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = [*migrations.available()[:1], (2, "CREATE TABLE half_done (x INT);\nNOT SQL;")]
    monkeypatch.setattr(migrations, "available", lambda: broken)
    conn = open_encrypted(v1_copy, V1_KEY)
    with pytest.raises(Exception, match="syntax"):
        migrations.upgrade(conn)
    assert migrations.current_version(conn) == 1
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'"
                        ).fetchone()[0] == 0
    conn.close()


def test_wrong_key_is_a_clear_error(v1_copy: Path) -> None:
    with pytest.raises(KnownError, match="密钥"):
        open_encrypted(v1_copy, bytes(32))
