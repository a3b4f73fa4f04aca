"""Passwords, key slots and the recovery code."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from app.errors import KnownError
from app.storage import recovery_code
from app.storage.connection import open_encrypted
from app.storage.keyslots import RECOVERY_SLOT, KdfParams, WrongSecret
from app.storage.records.screenings import NewScreening, ScreeningLog
from app.storage.station import Station
from app.storage.users import change_password
from tests.helpers.station_fixtures import FAST, PASSWORDS, OpenStation


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.is_file()}


def _screening() -> NewScreening:
    return NewScreening(source="typed", format="GX1", result="VALID", proposal="pass",
                        decision="pass", rules_version="default-1", colour="green")


def test_wrong_password_is_refused_and_nothing_on_disk_changes(station_dir: Path) -> None:
    before = _snapshot(station_dir)
    station = Station.open(station_dir, kdf=FAST)
    with pytest.raises(WrongSecret):
        station.unlock("admin", "not-the-password")
    with pytest.raises(WrongSecret):
        station.unlock("nobody", "whatever-123")
    assert not station.is_open
    assert station.pending_failures and station.pending_failures[0].username == "admin"
    station.close()
    assert _snapshot(station_dir) == before


def test_failed_logins_are_audited_at_the_next_unlock(station_dir: Path) -> None:
    station = Station.open(station_dir, kdf=FAST)
    with pytest.raises(WrongSecret):
        station.unlock("worker1", "wrong-password")
    station.unlock("admin", PASSWORDS["admin"])
    with pytest.raises(WrongSecret):  # station open: audited at once
        station.unlock("clinic1", "wrong-password")
    rows = station.db.run(lambda c: c.execute(
        "SELECT actor, action FROM audit_log WHERE action IN ('login_failed', 'login')"
        " ORDER BY seq DESC LIMIT 3").fetchall())
    station.close()
    assert [tuple(r) for r in rows] == [("clinic1", "login_failed"), ("admin", "login"),
                                        ("worker1", "login_failed")]


def test_password_change_rewrites_one_slot_and_keeps_data(open_station: OpenStation) -> None:
    st = open_station.station
    rec_id = ScreeningLog(st).save(open_station.session("worker1"), _screening())
    code = recovery_code.parse(open_station.recovery_code)
    key_before = st.slots.unwrap(RECOVERY_SLOT, code.secret)
    slots_before = st.slots.count()
    change_password(st, open_station.session("worker1"), "worker1", "brand-new-pass",
                    old_password=PASSWORDS["worker1"])
    st.close()
    # The data is not re-encrypted: the data key from before still opens the database.
    conn = open_encrypted(open_station.path / "station.db", key_before)
    assert conn.execute("SELECT count(*) FROM screenings").fetchone()[0] == 1
    conn.close()
    reopened = Station.open(open_station.path, kdf=FAST)
    assert reopened.slots.count() == slots_before
    with pytest.raises(WrongSecret):
        reopened.unlock("worker1", PASSWORDS["worker1"])
    reopened.unlock("worker1", "brand-new-pass")
    assert reopened.db.run(lambda c: c.execute(
        "SELECT count(*) FROM screenings WHERE id = ?", (rec_id,)).fetchone()[0]) == 1
    reopened.close()


def test_own_password_change_needs_the_old_password(open_station: OpenStation) -> None:
    with pytest.raises(WrongSecret):
        change_password(open_station.station, open_station.session("worker1"), "worker1",
                        "brand-new-pass", old_password="wrong-old-pass")


def test_recovery_code_regains_access(station_dir: Path, station_template) -> None:  # noqa: ANN001
    station = Station.open(station_dir, kdf=FAST)
    station.recover(station_template.recovery_code.lower().replace("-", " "), "admin",
                    "recovered-pass")
    station.close()
    again = Station.open(station_dir, kdf=FAST)
    session = again.unlock("admin", "recovered-pass")
    actions = again.db.run(lambda c: [r[0] for r in c.execute(
        "SELECT action FROM audit_log ORDER BY seq DESC LIMIT 2")])
    again.close()
    assert session.role == "admin"
    assert actions == ["login", "recovered"]


def test_mistyped_recovery_code_is_refused_with_a_hint(station_dir: Path,
                                                       station_template) -> None:  # noqa: ANN001
    code = station_template.recovery_code
    i = 8  # a character of the second group
    wrong = code[:i] + ("A" if code[i] != "A" else "B") + code[i + 1:]
    station = Station.open(station_dir, kdf=FAST)
    with pytest.raises(KnownError) as info:
        station.recover(wrong, "admin", "recovered-pass")
    assert "第 2 组" in str(info.value)
    assert not station.is_open


def test_recovery_code_checks_every_single_substitution_and_neighbour_swap() -> None:
    code = recovery_code.generate().text
    plain = code.replace("-", "")
    assert len(plain) == 30
    for i, ch in enumerate(plain):
        for other in recovery_code.ALPHABET:
            if other == ch:
                continue
            typo = plain[:i] + other + plain[i + 1:]
            with pytest.raises(KnownError):
                recovery_code.parse(typo)
        if i % 6 < 5 and plain[i] != plain[i + 1]:
            swapped = plain[:i] + plain[i + 1] + plain[i] + plain[i + 2:]
            with pytest.raises(KnownError):
                recovery_code.parse(swapped)
    assert recovery_code.parse(plain).text == code
    assert recovery_code.parse(code.replace("0", "O").replace("1", "l")).text == code


def test_recovery_code_carries_enough_entropy() -> None:
    import math
    data = recovery_code.GROUPS * recovery_code.DATA_PER_GROUP
    assert data * math.log2(recovery_code.MODULUS) >= 120


def test_slot_file_does_not_name_users(station_dir: Path) -> None:
    text = (station_dir / "station.keys").read_text()
    for user in PASSWORDS:
        assert user not in text


def test_an_unknown_user_costs_the_same_key_derivation(station_dir: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from app.storage import keyslots
    calls: list[KdfParams] = []
    real = keyslots._derive

    def counting(secret: bytes, salt: bytes, params: KdfParams) -> bytes:
        calls.append(params)
        return real(secret, salt, params)

    monkeypatch.setattr(keyslots, "_derive", counting)
    station = Station.open(station_dir, kdf=FAST)
    for user in ("admin", "no-such-user"):
        with pytest.raises(WrongSecret) as info:
            station.unlock(user, "wrong-password")
        assert str(info.value) == "用户名或密码错误"
    assert calls == [FAST, FAST]
