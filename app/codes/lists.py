"""The signed lists of spec §4–6 (and the HC1 signer list), parsed into lookup structures.

Parsing never trusts the envelope: :func:`parse_list` takes a verified
:class:`~app.codes.jws.JwsContent` and raises :class:`ListRefused` on any defect.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from app.codes.jws import JwsContent
from app.codes.keys import (
    ES256,
    JOSE_TO_COSE,
    PS256,
    PublicKey,
    UnusableKey,
    b64decode_any,
    kid_of,
)
from app.timeutil import parse_iso

GX_TRUST_LIST = "gx-trust-list"
GX_REVOCATIONS = "gx-revocations"
GX_STATUS_LIST = "gx-status-list"
HC1_TRUST_LIST = "hc1-trust-list"
LIST_KINDS = (GX_TRUST_LIST, GX_REVOCATIONS, GX_STATUS_LIST, HC1_TRUST_LIST)

# Extended key usage OIDs of EU DCC signer certificates; the ``.0.1847`` spelling is the
# one early certificates (and the public test data) carry, accepted alongside.
HC1_USAGE_OIDS = {
    f"1.3.6.1.4.1.{arc}.2021.1.{n}": kind
    for arc in ("1847", "0.1847")
    for n, kind in (("1", "t"), ("2", "v"), ("3", "r"))
}


class ListRefused(ValueError):
    """A signed list whose content does not follow the spec."""


@dataclass(frozen=True)
class ListInfo:
    """What every signed list carries: kind, version and its time window."""

    kind: str
    version: int
    issued_at: float
    next_update: float
    issued_at_text: str
    next_update_text: str


@dataclass(frozen=True)
class IssuerKey:
    """One GX1 issuer key from the trust list."""

    iss: str
    issuer_name: str
    kid: bytes
    key: PublicKey
    kinds: frozenset[str]
    not_before: float
    not_after: float


@dataclass(frozen=True)
class GxTrustList:
    """Issuer keys by kid (kids may collide, so each kid maps to a tuple)."""

    info: ListInfo
    keys_by_kid: dict[bytes, tuple[IssuerKey, ...]]
    issuer_names: dict[str, str]


@dataclass(frozen=True)
class RevocationList:
    """Revoked codes as 16-byte SHA-256 prefixes of ``iss + "/" + id``."""

    info: ListInfo
    entries: frozenset[bytes]

    def is_revoked(self, iss: str, code_id: str) -> bool:
        """Whether the code is on the list."""
        return revocation_entry(iss, code_id) in self.entries


@dataclass(frozen=True)
class StatusList:
    """Non-green people by HMAC of their ID number, for manual ID entry."""

    info: ListInfo
    scope: str
    salt: bytes
    entries: dict[bytes, str]

    def colour_of(self, id_number: str) -> str | None:
        """The listed colour of a normalised ID number, or None when not listed."""
        mac = hmac.new(self.salt, id_number.encode("utf-8"), hashlib.sha256).digest()[:16]
        return self.entries.get(mac)


@dataclass(frozen=True)
class Hc1Signer:
    """An EU DCC document signer certificate."""

    kid: bytes
    country: str
    key: PublicKey
    usages: frozenset[str]  # subset of {"t", "v", "r"}; empty = any
    not_before: float
    not_after: float
    subject: str

    @classmethod
    def from_certificate(cls, der: bytes, country: str = "") -> Hc1Signer:
        """Parse a DER certificate; UnusableKey if its key is not P-256 or RSA."""
        try:
            cert = x509.load_der_x509_certificate(der)
            public = cert.public_key()
        except ValueError as exc:
            raise UnusableKey("not a certificate") from exc
        if isinstance(public, ec.EllipticCurvePublicKey):
            key = PublicKey.checked(public, ES256)
        elif isinstance(public, rsa.RSAPublicKey):
            key = PublicKey.checked(public, PS256)
        else:
            raise UnusableKey("certificate key is neither P-256 nor RSA")
        usages: set[str] = set()
        try:
            eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
            usages = {HC1_USAGE_OIDS[o.dotted_string] for o in eku
                      if o.dotted_string in HC1_USAGE_OIDS}
        except (x509.ExtensionNotFound, ValueError):
            pass
        if not country:
            try:
                attrs = cert.subject.get_attributes_for_oid(x509.NameOID.COUNTRY_NAME)
                country = str(attrs[0].value) if attrs else ""
            except ValueError:
                country = ""
        return cls(
            kid=kid_of(der), country=country, key=key, usages=frozenset(usages),
            not_before=cert.not_valid_before_utc.timestamp(),
            not_after=cert.not_valid_after_utc.timestamp(),
            subject=cert.subject.rfc4514_string(),
        )


@dataclass(frozen=True)
class Hc1TrustList:
    """HC1 signer certificates by kid."""

    info: ListInfo
    signers_by_kid: dict[bytes, tuple[Hc1Signer, ...]]


SignedList = GxTrustList | RevocationList | StatusList | Hc1TrustList


def revocation_entry(iss: str, code_id: str) -> bytes:
    """Spec §5: first 16 bytes of SHA-256(UTF-8(iss + "/" + id))."""
    return hashlib.sha256(f"{iss}/{code_id}".encode()).digest()[:16]


def _time(payload: dict[str, Any], key: str) -> tuple[float, str]:
    value = payload.get(key)
    if not isinstance(value, str):
        raise ListRefused(f"{key} missing")
    try:
        return parse_iso(value), value
    except (ValueError, OverflowError) as exc:
        raise ListRefused(f"{key} is not a time") from exc


def list_info(payload: dict[str, Any]) -> ListInfo:
    """The common fields; ListRefused when one is missing or wrong."""
    kind = payload.get("type")
    if kind not in LIST_KINDS:
        raise ListRefused(f"unknown list type {kind!r}")
    version = payload.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise ListRefused("version is not a non-negative integer")
    issued, issued_text = _time(payload, "issued_at")
    nxt, nxt_text = _time(payload, "next_update")
    return ListInfo(str(kind), version, issued, nxt, issued_text, nxt_text)


def _b64(value: Any, what: str) -> bytes:
    if not isinstance(value, str):
        raise ListRefused(f"{what} missing")
    try:
        return b64decode_any(value)
    except ValueError as exc:
        raise ListRefused(f"{what} is not base64") from exc


def _issuer_key(iss: str, name: str, entry: Any) -> IssuerKey:
    if not isinstance(entry, dict):
        raise ListRefused("key entry is not an object")
    alg = JOSE_TO_COSE.get(str(entry.get("alg")))
    if alg is None or alg == PS256:
        raise ListRefused(f"key algorithm {entry.get('alg')!r} not allowed for GX1")
    try:
        key = PublicKey.from_spki(_b64(entry.get("spki"), "spki"), alg)
    except UnusableKey as exc:
        raise ListRefused(str(exc)) from exc
    kinds = entry.get("kinds")
    if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
        raise ListRefused("kinds is not a list of text")
    return IssuerKey(
        iss=iss, issuer_name=name, kid=_b64(entry.get("kid"), "kid"), key=key,
        kinds=frozenset(kinds), not_before=_time(entry, "not_before")[0],
        not_after=_time(entry, "not_after")[0],
    )


def _gx_trust_list(info: ListInfo, payload: dict[str, Any]) -> GxTrustList:
    issuers = payload.get("issuers")
    if not isinstance(issuers, list):
        raise ListRefused("issuers is not a list")
    by_kid: dict[bytes, list[IssuerKey]] = {}
    names: dict[str, str] = {}
    for issuer in issuers:
        if not isinstance(issuer, dict) or not isinstance(issuer.get("iss"), str):
            raise ListRefused("issuer entry without iss")
        iss = issuer["iss"]
        name = issuer.get("name") if isinstance(issuer.get("name"), str) else iss
        names[iss] = str(name)
        keys = issuer.get("keys")
        if not isinstance(keys, list):
            raise ListRefused("keys is not a list")
        for entry in keys:
            key = _issuer_key(iss, str(name), entry)
            by_kid.setdefault(key.kid, []).append(key)
    return GxTrustList(info, {k: tuple(v) for k, v in by_kid.items()}, names)


def _revocations(info: ListInfo, payload: dict[str, Any]) -> RevocationList:
    entries = payload.get("entries")
    if not isinstance(entries, list):
        raise ListRefused("entries is not a list")
    return RevocationList(info, frozenset(_b64(e, "entry") for e in entries))


def _status_list(info: ListInfo, payload: dict[str, Any]) -> StatusList:
    entries = payload.get("entries")
    scope = payload.get("scope")
    if not isinstance(entries, dict) or not isinstance(scope, str):
        raise ListRefused("entries or scope missing")
    parsed = {}
    for key, colour in entries.items():
        if not isinstance(colour, str):
            raise ListRefused("colour is not text")
        parsed[_b64(key, "entry")] = colour
    return StatusList(info, scope, _b64(payload.get("salt"), "salt"), parsed)


def _hc1_trust_list(info: ListInfo, payload: dict[str, Any]) -> Hc1TrustList:
    certs = payload.get("certificates")
    if not isinstance(certs, list):
        raise ListRefused("certificates is not a list")
    by_kid: dict[bytes, list[Hc1Signer]] = {}
    for entry in certs:
        if not isinstance(entry, dict):
            raise ListRefused("certificate entry is not an object")
        der = _b64(entry.get("certificate"), "certificate")
        try:
            signer = Hc1Signer.from_certificate(der, str(entry.get("country") or ""))
        except UnusableKey as exc:
            raise ListRefused(str(exc)) from exc
        if "kid" in entry and _b64(entry["kid"], "kid") != signer.kid:
            raise ListRefused("kid does not match the certificate")
        by_kid.setdefault(signer.kid, []).append(signer)
    return Hc1TrustList(info, {k: tuple(v) for k, v in by_kid.items()})


def parse_list(content: JwsContent) -> SignedList:
    """A verified envelope → the list it carries; ListRefused on a content defect."""
    info = list_info(content.payload)
    if info.kind == GX_TRUST_LIST:
        return _gx_trust_list(info, content.payload)
    if info.kind == GX_REVOCATIONS:
        return _revocations(info, content.payload)
    if info.kind == GX_STATUS_LIST:
        return _status_list(info, content.payload)
    return _hc1_trust_list(info, content.payload)
