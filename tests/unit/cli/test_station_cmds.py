"""`griddesk init`, `user`, `recover`, `audit verify`, `db check` as a script drives them."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from app.storage.connection import open_encrypted
from tests.helpers.cli import griddesk


def _auth(folder: Path, user: str = "admin") -> list[str]:
    return ["--data-dir", str(folder), "--user", user, "--password-stdin"]


@pytest.fixture
def station(tmp_path: Path) -> tuple[Path, str]:
    folder = tmp_path / "st"
    out = griddesk("init", "--data-dir", str(folder), "--station", "东葛路社区卡口",
                   "--division", "450103", "--admin", "admin", "--password-stdin", "--json",
                   stdin="admin-pass-1\n")
    assert out.returncode == 0, out.stderr
    return folder, json.loads(out.stdout)["recovery_code"]


def test_init_prints_the_recovery_code_once(tmp_path: Path) -> None:
    out = griddesk("init", "--data-dir", str(tmp_path / "s"), "--station", "测试站",
                   "--division", "450103", "--admin", "admin", "--password-stdin",
                   stdin="admin-pass-1\n")
    assert out.returncode == 0
    assert "恢复码" in out.stdout
    again = griddesk("init", "--data-dir", str(tmp_path / "s"), "--station", "测试站",
                     "--division", "450103", "--admin", "admin", "--password-stdin",
                     stdin="admin-pass-1\n")
    assert again.returncode == 1 and "已有站点" in again.stderr


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert griddesk("init", "--data-dir", str(tmp_path)).returncode == 2
    assert griddesk("no-such-command").returncode == 2
    out = griddesk("init", "--data-dir", str(tmp_path / "x"), "--station", "s", "--division",
                   "4501", "--admin", "admin", "--password-stdin", stdin="admin-pass-1\n")
    assert out.returncode == 1 and "6 位" in out.stderr and len(out.stderr.splitlines()) == 1


def test_help_is_bilingual() -> None:
    assert "创建新的加密站点" in griddesk("--help").stdout
    assert "create a new encrypted station" in griddesk("--help", lang="en").stdout


def test_user_add_passwd_and_wrong_password(station: tuple[Path, str]) -> None:
    folder, _ = station
    out = griddesk("user", "add", *_auth(folder), "--username", "w1", "--role", "worker",
                   stdin="admin-pass-1\nworker-pass-1\n")
    assert out.returncode == 0, out.stderr
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    bad = griddesk("db", "check", *_auth(folder, "w1"), stdin="wrong-pass\n")
    assert bad.returncode == 1 and "密码错误" in bad.stderr
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    assert after == before
    out = griddesk("user", "passwd", *_auth(folder, "w1"), stdin="worker-pass-1\nworker-pass-2\n")
    assert out.returncode == 0, out.stderr
    assert griddesk("db", "check", *_auth(folder, "w1"), stdin="worker-pass-1\n").returncode == 1
    # A worker may not add users: refused below the UI, exit 1.
    denied = griddesk("user", "add", *_auth(folder, "w1"), "--username", "w2", "--role",
                      "worker", stdin="worker-pass-2\nx-pass-123\n")
    assert denied.returncode == 1 and "无权" in denied.stderr


def test_recover_and_a_mistyped_code(station: tuple[Path, str]) -> None:
    folder, code = station
    i = 14
    wrong = code[:i] + ("A" if code[i] != "A" else "B") + code[i + 1:]
    bad = griddesk("recover", "--data-dir", str(folder), "--user", "admin",
                   "--recovery-code-stdin", stdin=f"{wrong}\nnew-admin-pass\n")
    assert bad.returncode == 1 and "第 3 组" in bad.stderr
    ok = griddesk("recover", "--data-dir", str(folder), "--user", "admin",
                  "--recovery-code-stdin", stdin=f"{code}\nnew-admin-pass\n")
    assert ok.returncode == 0, ok.stderr
    assert griddesk("db", "check", *_auth(folder), stdin="new-admin-pass\n").returncode == 0


def test_db_check_and_audit_verify(station: tuple[Path, str]) -> None:
    folder, code = station
    out = griddesk("db", "check", *_auth(folder), "--json", stdin="admin-pass-1\n")
    assert out.returncode == 0
    assert json.loads(out.stdout)["cipher_version"].startswith("4.")
    out = griddesk("audit", "verify", *_auth(folder), stdin="admin-pass-1\n")
    assert out.returncode == 0 and "完好" in out.stdout


def test_audit_verify_names_the_tampered_entry(station: tuple[Path, str]) -> None:
    folder, code = station
    from app.storage import recovery_code
    from app.storage.keyslots import RECOVERY_SLOT, KeySlotFile
    key = KeySlotFile.load(folder / "station.keys").unwrap(
        RECOVERY_SLOT, recovery_code.parse(code).secret)
    conn = open_encrypted(folder / "station.db", key)
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1")
    conn.close()
    out = griddesk("audit", "verify", *_auth(folder), stdin="admin-pass-1\n")
    assert out.returncode == 1
    assert "#1" in out.stderr and "改动" in out.stderr
