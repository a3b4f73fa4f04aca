"""Station enrolment and authentication.

An operator issues a one-time, expiring enrolment code for a division. A station presents
it once with its station id and division; it receives a bearer credential
``<station_id>.<secret>``, of which the server keeps only the SHA-256 of the secret. Every
later request carries the credential; a revoked station is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from server.db import Database, Tx
from server.timefmt import iso, parse_iso, utcnow

_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L, U
_DIVISION = re.compile(r"^\d{6}$")


class EnrolmentRefused(Exception):
    """The code or the station cannot be enrolled; ``reason`` is a stable machine word."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


class AuthFailed(Exception):
    """A request's credential is missing, unknown or revoked."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class StationIdentity:
    """The authenticated caller of a request."""

    station_id: str
    division: str
    name: str


def valid_division(code: str) -> bool:
    """A GB/T 2260 administrative division code: six digits."""
    return bool(_DIVISION.match(code))


def normalise_code(code: str) -> str:
    """Upper-case, without spaces and dashes, so a code typed by hand still matches."""
    return re.sub(r"[\s-]", "", code).upper()


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def parse_duration(text: str) -> dt.timedelta:
    """``24h``, ``30m``, ``7d`` or ``90s`` as a timedelta."""
    match = re.fullmatch(r"\s*(\d+)\s*([smhd])\s*", text)
    if not match:
        raise ValueError(f"not a duration: {text!r} (use e.g. 24h, 30m, 7d)")
    n, unit = int(match.group(1)), match.group(2)
    return dt.timedelta(seconds=n * {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit])


def issue_code(db: Database, division: str, expires_in: dt.timedelta) -> tuple[str, dt.datetime]:
    """Create a one-time enrolment code for ``division``; returns it and its expiry."""
    if not valid_division(division):
        raise ValueError(f"division must be six digits: {division!r}")
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(16))
    code = "-".join(raw[i : i + 4] for i in range(0, 16, 4))
    expires = utcnow() + expires_in
    with db.transaction() as tx:
        tx.execute(
            "INSERT INTO enrolment_codes (code_hash, division, created_at, expires_at) "
            "VALUES (?, ?, ?, ?)",
            (_hash(normalise_code(code)), division, iso(utcnow()), iso(expires)),
        )
    return code, expires


def enrol(db: Database, code: str, station_id: str, division: str, name: str) -> str:
    """Use ``code`` to register ``station_id``; returns the credential (shown only once)."""
    if not station_id or len(station_id) > 64 or not valid_division(division):
        raise EnrolmentRefused("invalid", "station id or division is malformed")
    now = utcnow()
    secret = secrets.token_urlsafe(32)
    with db.transaction() as tx:
        row = tx.one(
            "SELECT division, expires_at, used_at FROM enrolment_codes WHERE code_hash = ?",
            (_hash(normalise_code(code)),),
        )
        if row is None:
            raise EnrolmentRefused("unknown_code", "enrolment code not recognised")
        code_division, expires_at, used_at = row
        if used_at is not None:
            raise EnrolmentRefused("used_code", "enrolment code has already been used")
        if parse_iso(expires_at) <= now:
            raise EnrolmentRefused("expired_code", "enrolment code has expired")
        if code_division != division:
            raise EnrolmentRefused(
                "wrong_division", f"enrolment code is for division {code_division}"
            )
        _register_station(tx, station_id, division, name, secret)
        claimed = tx.execute(
            "UPDATE enrolment_codes SET used_at = ?, used_by = ? "
            "WHERE code_hash = ? AND used_at IS NULL",
            (iso(now), station_id, _hash(normalise_code(code))),
        )
        if claimed != 1:
            raise EnrolmentRefused("used_code", "enrolment code has already been used")
    return f"{station_id}.{secret}"


def _register_station(tx: Tx, station_id: str, division: str, name: str, secret: str) -> None:
    existing = tx.one(
        "SELECT division, revoked_at FROM stations WHERE station_id = ?", (station_id,)
    )
    if existing is not None:
        if existing[1] is not None:
            raise EnrolmentRefused("revoked", "this station has been revoked")
        if existing[0] != division:
            raise EnrolmentRefused("wrong_division", "station is enrolled in another division")
        tx.execute(
            "UPDATE stations SET token_hash = ?, name = ?, enrolled_at = ? WHERE station_id = ?",
            (_hash(secret), name, iso(utcnow()), station_id),
        )
        return
    tx.execute(
        "INSERT INTO stations (station_id, division, name, token_hash, enrolled_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (station_id, division, name, _hash(secret), iso(utcnow())),
    )


def authenticate(db: Database, authorization: str | None) -> StationIdentity:
    """Check an ``Authorization: Bearer <station_id>.<secret>`` header."""
    if not authorization or not authorization.startswith("Bearer "):
        raise AuthFailed("missing", "missing station credential")
    credential = authorization[len("Bearer ") :].strip()
    station_id, _, secret = credential.rpartition(".")
    if not station_id or not secret:
        raise AuthFailed("malformed", "malformed station credential")
    with db.transaction() as tx:
        row = tx.one(
            "SELECT division, name, token_hash, revoked_at FROM stations WHERE station_id = ?",
            (station_id,),
        )
    if row is None or not hmac.compare_digest(row[2], _hash(secret)):
        raise AuthFailed("unknown", "station credential not recognised")
    if row[3] is not None:
        raise AuthFailed("revoked", "this station has been revoked")
    return StationIdentity(station_id=station_id, division=row[0], name=row[1])


def revoke(db: Database, station_id: str, reason: str = "") -> bool:
    """Revoke a station; returns False if there was no such (unrevoked) station."""
    with db.transaction() as tx:
        n = tx.execute(
            "UPDATE stations SET revoked_at = ?, revoked_reason = ? "
            "WHERE station_id = ? AND revoked_at IS NULL",
            (iso(utcnow()), reason, station_id),
        )
    return n == 1
