"""Compact JWS (RFC 7515) as used by the signed lists: verified against pinned anchors only."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from app.codes.keys import JOSE_TO_COSE, PublicKey, b64decode_any, b64url

MAX_JWS_BYTES = 8 * 1024 * 1024


class JwsRefused(ValueError):
    """The envelope is unreadable, unsigned by a pinned anchor, or its signature fails."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Anchor:
    """A pinned trust anchor (never taken from a list it signs)."""

    kid: str  # base64url, unpadded, as in the JWS header
    alg: str
    spki: bytes
    label: str
    key: PublicKey


@dataclass(frozen=True)
class JwsContent:
    """A verified envelope: its header, decoded JSON payload and the anchor that signed it."""

    header: dict[str, Any]
    payload: dict[str, Any]
    anchor: Anchor


def _b64(part: str) -> bytes:
    try:
        return b64decode_any(part)
    except ValueError as exc:
        raise JwsRefused("malformed", "bad base64url") from exc


def _json(data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise JwsRefused("malformed", "bad JSON") from exc


def normalise_kid(kid: str) -> str:
    """Any base64 spelling of a kid → unpadded base64url (the canonical form we store)."""
    return b64url(b64decode_any(kid))


def verify_jws(text: str, anchors: dict[str, Anchor]) -> JwsContent:
    """Verify a compact JWS against the pinned anchors; raises JwsRefused."""
    token = text.strip()
    if len(token) > MAX_JWS_BYTES:
        raise JwsRefused("malformed", "too large")
    parts = token.split(".")
    if len(parts) != 3:
        raise JwsRefused("malformed", "not a compact JWS")
    header = _json(_b64(parts[0]))
    if not isinstance(header, dict):
        raise JwsRefused("malformed", "header is not an object")
    alg, kid = header.get("alg"), header.get("kid")
    if not isinstance(alg, str) or alg not in ("EdDSA", "ES256"):
        raise JwsRefused("unsupported_alg", f"algorithm {alg!r} not allowed")
    if not isinstance(kid, str):
        raise JwsRefused("unpinned_anchor", "no kid")
    try:
        anchor = anchors.get(normalise_kid(kid))
    except ValueError:
        anchor = None
    if anchor is None:
        raise JwsRefused("unpinned_anchor", f"anchor {kid} is not pinned")
    if JOSE_TO_COSE[alg] != anchor.key.alg:
        raise JwsRefused("bad_signature", "algorithm does not match the anchor")
    signing_input = (parts[0] + "." + parts[1]).encode("ascii", "replace")
    if not anchor.key.verify(_b64(parts[2]), signing_input):
        raise JwsRefused("bad_signature", "signature does not verify")
    payload = _json(_b64(parts[1]))
    if not isinstance(payload, dict):
        raise JwsRefused("malformed", "payload is not an object")
    return JwsContent(header, payload, anchor)
