"""The encrypted station: data folder, key slots, the DB thread, sessions and roles.

A station is created once (``Station.create``), opened locked (``Station.open``: only the
slot file is read) and unlocked by a user's password. The data key stays in memory while
the station is open; ``lock`` ends the user's session but keeps the store open so a half-
typed entry and background sync survive; ``close`` forgets everything.

Failed logins on an open station are audited at once. A failed login while no key is in
memory cannot be written to the encrypted log; the app keeps such attempts and writes them
at the next successful unlock (``pending_failures``); the command line reports them on
standard error only and changes nothing on disk.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from app.errors import KnownError
from app.storage import audit, clock, migrations, recovery_code
from app.storage.connection import DbThread, in_transaction, open_encrypted
from app.storage.keyslots import RECOVERY_SLOT, KdfParams, KeySlotFile, WrongSecret, new_data_key
from app.storage.paths import DB_NAME, SLOTS_NAME
from app.storage.roles import Permission, Role, Session, denied_message
from app.text import t
from app.timeutil import iso_utc

log = logging.getLogger(__name__)
T = TypeVar("T")

USERNAME = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{2,32}$")
MIN_PASSWORD = 8
DIVISION = re.compile(r"^\d{6}$")


def check_username(username: str) -> str:
    """A user name: 2–32 letters, digits, ``_.-`` or Chinese characters."""
    if not USERNAME.match(username or ""):
        raise KnownError(t("用户名须为 2–32 个字母、数字、汉字或 _.-",
                           "a user name is 2-32 letters, digits, Chinese characters or _.-"))
    return username


def check_password(password: str) -> str:
    """A password of at least eight characters."""
    if len(password or "") < MIN_PASSWORD:
        raise KnownError(t(f"密码至少需要 {MIN_PASSWORD} 个字符",
                           f"a password needs at least {MIN_PASSWORD} characters"))
    return password


@dataclass
class FailedLogin:
    """A refused unlock kept in memory until it can be audited."""

    username: str
    at: float
    reason: str


@dataclass
class StationInfo:
    """What identifies a station."""

    station_id: str
    name: str
    division: str
    created_at: str


@dataclass
class _Live:
    data_key: bytes
    db: DbThread
    sessions: dict[str, Session] = field(default_factory=dict)


class Station:
    """One station's data folder. Thread-safe: every DB access goes through ``db``."""

    def __init__(self, data_dir: Path, slots: KeySlotFile, kdf: KdfParams | None = None,
                 time_source: Callable[[], float] = time.time) -> None:
        self.data_dir = Path(data_dir)
        self.slots = slots
        self.kdf = kdf or KdfParams()
        self.clock = clock.TrustedClock(time_source)
        self.pending_failures: list[FailedLogin] = []
        self._live: _Live | None = None

    # ----- files -------------------------------------------------------------------
    @staticmethod
    def exists(data_dir: Path) -> bool:
        """Whether ``data_dir`` holds a station."""
        return (Path(data_dir) / SLOTS_NAME).exists() and (Path(data_dir) / DB_NAME).exists()

    @property
    def db_path(self) -> Path:
        """The SQLCipher database file."""
        return self.data_dir / DB_NAME

    @classmethod
    def create(cls, data_dir: Path, *, name: str, division: str, admin: str, password: str,
               kdf: KdfParams | None = None, time_source: Callable[[], float] = time.time,
               ) -> tuple[Station, str]:
        """Create a new station; returns it unlocked-ready and the recovery code (shown once)."""
        data_dir = Path(data_dir)
        if cls.exists(data_dir) or (data_dir / DB_NAME).exists():
            raise KnownError(t(f"{data_dir} 中已有站点数据", f"{data_dir} already holds a station"))
        if not name.strip():
            raise KnownError(t("请填写站点名称", "the station needs a name"))
        if not DIVISION.match(division):
            raise KnownError(t("行政区划代码应为 6 位数字（GB/T 2260）",
                               "the division code is six digits (GB/T 2260)"))
        check_username(admin)
        check_password(password)
        data_dir.mkdir(parents=True, exist_ok=True)
        station_id = str(uuid.uuid4())
        data_key = new_data_key()
        code = recovery_code.generate()
        now = time_source()

        def build(conn: Any) -> None:
            migrations.upgrade(conn)

            def fill(c: Any) -> None:
                c.execute("INSERT INTO station (id, station_id, name, division, created_at)"
                          " VALUES (1, ?, ?, ?, ?)", (station_id, name.strip(), division,
                                                      iso_utc(now)))
                c.execute("INSERT INTO users (username, role, created_at, created_by)"
                          " VALUES (?, 'admin', ?, NULL)", (admin, iso_utc(now)))
                clock.raise_floor(c, now, "install")
                audit.append(c, admin, "station_created", station_id,
                             {"name": name.strip(), "division": division}, at=now)

            in_transaction(conn, fill)

        # The database is complete before the slot file exists: a crash before the slots
        # are written leaves no half-station that could be opened.
        db = DbThread(lambda: open_encrypted(data_dir / DB_NAME, data_key))
        try:
            db.run(build)
        finally:
            db.close()
        slots = KeySlotFile.create(data_dir / SLOTS_NAME, station_id)
        params = kdf or KdfParams()
        slots.set_slot(RECOVERY_SLOT, code.secret, data_key, params)
        slots.set_slot(admin, password.encode("utf-8"), data_key, params)
        station = cls(data_dir, slots, params, time_source)
        return station, code.text

    @classmethod
    def open(cls, data_dir: Path, kdf: KdfParams | None = None,
             time_source: Callable[[], float] = time.time) -> Station:
        """A locked station: reads the slot file only."""
        data_dir = Path(data_dir)
        if not (data_dir / DB_NAME).exists():
            raise KnownError(t(f"{data_dir} 中没有站点数据，请先初始化",
                               f"no station in {data_dir}; run init first"))
        return cls(data_dir, KeySlotFile.load(data_dir / SLOTS_NAME), kdf, time_source)

    # ----- unlocking ---------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        """Whether the data key is in memory and the DB thread runs."""
        return self._live is not None

    @property
    def db(self) -> DbThread:
        """The DB thread; KnownError while the station has never been unlocked."""
        if self._live is None:
            raise KnownError(t("站点已锁定", "the station is locked"))
        return self._live.db

    def _open_with(self, data_key: bytes) -> None:
        if self._live is None:
            db = DbThread(lambda: open_encrypted(self.db_path, data_key))
            try:
                db.run(migrations.upgrade)
            except BaseException:
                db.close()
                raise
            self._live = _Live(data_key, db)

    def unlock(self, username: str, password: str) -> Session:
        """Check the password against the user's slot and start a session (audited)."""
        now = self.clock.now()
        try:
            data_key = self.slots.unwrap(username, password.encode("utf-8"))
        except WrongSecret:
            self._record_failure(username, "wrong_password", now)
            raise
        self._open_with(data_key)
        row = self.db.run(lambda c: c.execute(
            "SELECT role, active FROM users WHERE username = ?", (username,)).fetchone())
        if row is None or not row[1]:
            self._record_failure(username, "inactive_user", now)
            raise KnownError(t("该用户已停用", "this user is disabled"))
        session = Session(username, Role(row[0]), secrets.token_hex(16))
        failures, self.pending_failures = self.pending_failures, []

        def record(conn: Any) -> None:
            for f in failures:
                audit.append(conn, f.username, "login_failed", f.username,
                             {"reason": f.reason, "recorded_late": True}, at=f.at)
            audit.append(conn, username, "login", username, {"role": session.role.value})
            conn.execute("UPDATE users SET last_login_at = ? WHERE username = ?",
                         (iso_utc(now), username))

        self.db.transaction(record)
        assert self._live is not None
        self._live.sessions[session.token] = session
        return session

    def _record_failure(self, username: str, reason: str, at: float) -> None:
        if self._live is None:
            self.pending_failures.append(FailedLogin(username, at, reason))
            return
        self.db.transaction(lambda c: audit.append(
            c, username, "login_failed", username, {"reason": reason}, at=at))

    def lock(self, session: Session, reason: str = "idle") -> None:
        """End a session (idle lock, user switch, logout); the store stays open."""
        if self._live and self._live.sessions.pop(session.token, None) is not None:
            self.db.transaction(lambda c: audit.append(
                c, session.username, "lock", session.username, {"reason": reason}))

    def close(self) -> None:
        """Forget the key and stop the DB thread."""
        if self._live is not None:
            self._live.db.close()
            self._live = None

    # ----- roles -------------------------------------------------------------------
    def check_session(self, session: Session) -> None:
        """KnownError unless ``session`` was issued by this station and is still live."""
        if self._live is None or self._live.sessions.get(session.token) != session:
            raise KnownError(t("登录已失效，请重新登录", "the session has ended; sign in again"))

    def require(self, session: Session, permission: Permission) -> None:
        """Raise AccessDenied (and audit it) unless the session's role grants ``permission``."""
        self.check_session(session)
        if session.may(permission):
            return
        self.db.transaction(lambda c: audit.append(
            c, session.username, "access_denied", permission.value,
            {"role": session.role.value}))
        raise denied_message(session, permission)

    def write(self, session: Session, permission: Permission,
              fn: Callable[[Any], T]) -> T:
        """Check the permission, then run ``fn(conn)`` in one transaction."""
        self.require(session, permission)
        return self.db.transaction(fn)

    def info(self) -> StationInfo:
        """Station id, name, division and creation time."""
        row = self.db.run(lambda c: c.execute(
            "SELECT station_id, name, division, created_at FROM station WHERE id = 1").fetchone())
        return StationInfo(str(row[0]), str(row[1]), str(row[2]), str(row[3]))

    # ----- recovery ----------------------------------------------------------------
    def recover(self, code_text: str, username: str, new_password: str) -> None:
        """Regain access with the recovery code: set ``username``'s password (audited)."""
        code = recovery_code.parse(code_text)
        check_password(new_password)
        data_key = self.slots.unwrap(RECOVERY_SLOT, code.secret)
        self._open_with(data_key)
        row = self.db.run(lambda c: c.execute(
            "SELECT role FROM users WHERE username = ? AND active = 1", (username,)).fetchone())
        if row is None:
            raise KnownError(t(f"没有名为「{username}」的有效用户", f"no active user '{username}'"))
        self.slots.set_slot(username, new_password.encode("utf-8"), data_key, self.kdf)
        self.db.transaction(lambda c: audit.append(
            c, username, "recovered", username, {"via": "recovery_code"}))
