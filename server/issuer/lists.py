"""Publishing signed trust, revocation and status lists (spec §4–6) as compact JWS."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from collections.abc import Iterable
from typing import Any

from app.codes.idnumber import normalise
from app.codes.keys import b64, b64url
from app.codes.lists import revocation_entry
from app.timeutil import iso_utc
from server.issuer.keys import KeyPair


def _iso(ts: float) -> str:
    return iso_utc(ts)[:19] + "Z"


def sign_jws(anchor: KeyPair, payload: dict[str, Any]) -> str:
    """Compact JWS of ``payload`` signed by ``anchor``."""
    header = {"alg": anchor.alg, "kid": b64url(anchor.kid), "typ": "JWT"}
    head = b64url(json.dumps(header, separators=(",", ":")).encode())
    body = b64url(json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode())
    return f"{head}.{body}.{b64url(anchor.sign(f'{head}.{body}'.encode('ascii')))}"


def _envelope(kind: str, version: int, issued_at: float, next_update: float) -> dict[str, Any]:
    return {"type": kind, "version": version, "issued_at": _iso(issued_at),
            "next_update": _iso(next_update)}


def issuer_key_entry(key: dict[str, Any], *, kinds: Iterable[str], not_before: float,
                     not_after: float) -> dict[str, Any]:
    """One trust-list key from a public-key JSON (as written by ``keys.save``)."""
    kid = key.get("kid_b64") or b64(base64.urlsafe_b64decode(key["kid"] + "=="))
    return {"kid": kid, "alg": key["alg"], "spki": key["spki"], "kinds": list(kinds),
            "not_before": _iso(not_before), "not_after": _iso(not_after)}


def trust_list(anchor: KeyPair, *, version: int, issued_at: float, next_update: float,
               issuers: list[dict[str, Any]]) -> str:
    """Signed GX1 trust list; ``issuers`` as in spec §4 (``iss``, ``name``, ``keys``)."""
    return sign_jws(anchor, {**_envelope("gx-trust-list", version, issued_at, next_update),
                             "issuers": issuers})


def revocation_list(anchor: KeyPair, *, version: int, issued_at: float, next_update: float,
                    codes: Iterable[tuple[str, str]]) -> str:
    """Signed revocation list of ``(iss, code id)`` pairs."""
    entries = sorted(b64(revocation_entry(iss, cid)) for iss, cid in codes)
    return sign_jws(anchor, {**_envelope("gx-revocations", version, issued_at, next_update),
                             "entries": entries})


def status_list(anchor: KeyPair, *, version: int, issued_at: float, next_update: float,
                scope: str, people: dict[str, str], salt: bytes | None = None) -> str:
    """Signed status list of non-green people (ID number → colour)."""
    salt = salt if salt is not None else os.urandom(16)
    entries = {}
    for number, colour in people.items():
        if colour == "green":
            continue
        mac = hmac.new(salt, normalise(number).encode(), hashlib.sha256).digest()[:16]
        entries[b64(mac)] = colour
    return sign_jws(anchor, {**_envelope("gx-status-list", version, issued_at, next_update),
                             "scope": scope, "salt": b64(salt), "entries": entries})


def hc1_trust_list(anchor: KeyPair, *, version: int, issued_at: float, next_update: float,
                   certificates: Iterable[tuple[str, bytes]]) -> str:
    """Signed HC1 signer list of ``(country, certificate DER)``."""
    certs = [{"country": c, "kid": b64(hashlib.sha256(der).digest()[:8]), "certificate": b64(der)}
             for c, der in certificates]
    return sign_jws(anchor, {**_envelope("hc1-trust-list", version, issued_at, next_update),
                             "certificates": certs})
