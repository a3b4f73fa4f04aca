"""Station users: add, change password, change role, disable. Admin-only except one's own
password. Every change is audited; a password change rewrites one key slot."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.errors import KnownError
from app.storage import audit
from app.storage.roles import Permission, Role, Session
from app.storage.station import Station, check_password, check_username
from app.text import t
from app.timeutil import iso_utc


@dataclass(frozen=True)
class User:
    """A row of the users table."""

    username: str
    role: Role
    display_name: str
    active: bool
    created_at: str


def list_users(station: Station, session: Session) -> list[User]:
    """All users; admins and supervisors may look."""
    if not (session.may(Permission.MANAGE_USERS) or session.may(Permission.VIEW_AUDIT)):
        station.require(session, Permission.MANAGE_USERS)
    station.check_session(session)
    rows = station.db.run(lambda c: c.execute(
        "SELECT username, role, display_name, active, created_at FROM users ORDER BY username"
    ).fetchall())
    return [User(r[0], Role(r[1]), r[2], bool(r[3]), r[4]) for r in rows]


def add_user(station: Station, session: Session, username: str, role: Role | str,
             password: str, display_name: str = "") -> User:
    """Create a user with their own key slot (admin only)."""
    station.require(session, Permission.MANAGE_USERS)
    check_username(username)
    check_password(password)
    role = Role(role)
    exists = station.db.run(lambda c: c.execute(
        "SELECT 1 FROM users WHERE username = ?", (username,)).fetchone())
    if exists:
        raise KnownError(t(f"用户「{username}」已存在", f"user '{username}' already exists"))
    data_key = _data_key(station)
    # Slot first: a crash after it leaves a slot without a user, which cannot sign in.
    station.slots.set_slot(username, password.encode("utf-8"), data_key, station.kdf)
    now = iso_utc(station.clock.now())

    def write(c: Any) -> None:
        c.execute("INSERT INTO users (username, role, display_name, created_at, created_by)"
                  " VALUES (?,?,?,?,?)", (username, role.value, display_name, now,
                                          session.username))
        audit.append(c, session.username, "user_added", username, {"role": role.value})

    station.db.transaction(write)
    return User(username, role, display_name, True, now)


def change_password(station: Station, session: Session, username: str, new_password: str,
                    old_password: str | None = None) -> None:
    """Change a password: one's own with the old password, anyone's as admin."""
    station.check_session(session)
    check_password(new_password)
    if username == session.username and old_password is not None:
        station.slots.unwrap(username, old_password.encode("utf-8"))
    else:
        station.require(session, Permission.MANAGE_USERS)
        if not station.slots.has(username):
            raise KnownError(t(f"没有用户「{username}」", f"no user '{username}'"))
    station.slots.set_slot(username, new_password.encode("utf-8"), _data_key(station),
                           station.kdf)
    station.db.transaction(lambda c: audit.append(
        c, session.username, "password_changed", username, {}))


def set_role(station: Station, session: Session, username: str, role: Role | str) -> None:
    """Change a user's role (admin only; the last admin keeps the role)."""
    role = Role(role)
    station.require(session, Permission.MANAGE_USERS)

    def write(c: Any) -> None:
        row = c.execute("SELECT role FROM users WHERE username = ?", (username,)).fetchone()
        if row is None:
            raise KnownError(t(f"没有用户「{username}」", f"no user '{username}'"))
        if row[0] == "admin" and role != Role.ADMIN:
            _keep_one_admin(c, username)
        c.execute("UPDATE users SET role = ? WHERE username = ?", (role.value, username))
        audit.append(c, session.username, "role_changed", username,
                     {"from": row[0], "to": role.value})

    station.db.transaction(write)


def disable_user(station: Station, session: Session, username: str) -> None:
    """Disable a user and remove their key slot (admin only)."""
    station.require(session, Permission.MANAGE_USERS)

    def write(c: Any) -> None:
        row = c.execute("SELECT role FROM users WHERE username = ?", (username,)).fetchone()
        if row is None:
            raise KnownError(t(f"没有用户「{username}」", f"no user '{username}'"))
        if row[0] == "admin":
            _keep_one_admin(c, username)
        c.execute("UPDATE users SET active = 0 WHERE username = ?", (username,))
        audit.append(c, session.username, "user_disabled", username, {})

    station.db.transaction(write)
    station.slots.remove_slot(username)


def _keep_one_admin(conn: Any, leaving: str) -> None:
    others = conn.execute("SELECT count(*) FROM users WHERE role = 'admin' AND active = 1"
                          " AND username != ?", (leaving,)).fetchone()[0]
    if not others:
        raise KnownError(t("站点至少需要一名管理员", "the station needs at least one admin"))


def _data_key(station: Station) -> bytes:
    live = station._live  # noqa: SLF001 - the key never leaves the storage package
    if live is None:
        raise KnownError(t("站点已锁定", "the station is locked"))
    return live.data_key
