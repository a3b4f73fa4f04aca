"""Users as the administration screen lists them, with their last sign-in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class UserRow:
    """One user for display (no secrets)."""

    username: str
    role: str
    display_name: str
    active: bool
    created_at: str
    last_login_at: str


def read(conn: Any) -> list[UserRow]:
    """All users, active first, then by name (run on the DB thread after a role check)."""
    rows = conn.execute(
        "SELECT username, role, display_name, active, created_at, last_login_at FROM users"
        " ORDER BY active DESC, username").fetchall()
    return [UserRow(str(r[0]), str(r[1]), str(r[2] or ""), bool(r[3]), str(r[4] or ""),
                    str(r[5] or "")) for r in rows]
