"""Issuer and anchor keys: generate, save (PKCS#8 PEM + public JSON), load."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from app.codes.keys import b64, b64url, kid_of
from app.errors import KnownError
from app.text import t

ALGS = ("ES256", "EdDSA")
SigningKey = ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey


@dataclass(frozen=True)
class KeyPair:
    """A signing key with its algorithm, SPKI and kid."""

    alg: str
    private: SigningKey

    @property
    def spki(self) -> bytes:
        """SubjectPublicKeyInfo DER of the public key."""
        return self.private.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)

    @property
    def kid(self) -> bytes:
        """First 8 bytes of SHA-256 over the SPKI."""
        return kid_of(self.spki)

    def sign(self, message: bytes) -> bytes:
        """Signature in COSE/JWS form (raw ``r‖s`` for ES256)."""
        if isinstance(self.private, ed25519.Ed25519PrivateKey):
            return self.private.sign(message)
        r, s = decode_dss_signature(self.private.sign(message, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    def public_info(self) -> dict[str, Any]:
        """The public half as JSON: alg, kid (base64url and base64), spki."""
        return {"alg": self.alg, "kid": b64url(self.kid), "kid_b64": b64(self.kid),
                "spki": b64(self.spki)}


def generate(alg: str) -> KeyPair:
    """A new key for ``alg`` (ES256 or EdDSA)."""
    if alg == "ES256":
        return KeyPair(alg, ec.generate_private_key(ec.SECP256R1()))
    if alg == "EdDSA":
        return KeyPair(alg, ed25519.Ed25519PrivateKey.generate())
    raise KnownError(t(f"不支持的算法 {alg}", f"unsupported algorithm {alg}"))


def _write(path: Path, data: bytes, private: bool = False) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    if private:
        os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def save(pair: KeyPair, stem: Path, label: str = "") -> tuple[Path, Path]:
    """Write ``stem.key.pem`` (private, mode 600) and ``stem.pub.json``."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    pem = pair.private.private_bytes(serialization.Encoding.PEM,
                                     serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption())
    key_path = stem.with_name(stem.name + ".key.pem")
    pub_path = stem.with_name(stem.name + ".pub.json")
    _write(key_path, pem, private=True)
    _write(pub_path, json.dumps({**pair.public_info(), "label": label}, indent=2).encode())
    return key_path, pub_path


def load(path: Path) -> KeyPair:
    """Load a private key PEM written by :func:`save`."""
    try:
        private = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise KnownError(t(f"无法读取私钥 {path}", f"cannot read private key {path}")) from exc
    if isinstance(private, ed25519.Ed25519PrivateKey):
        return KeyPair("EdDSA", private)
    if isinstance(private, ec.EllipticCurvePrivateKey) and isinstance(private.curve, ec.SECP256R1):
        return KeyPair("ES256", private)
    raise KnownError(t(f"{path} 不是 ES256 或 EdDSA 私钥", f"{path} is not an ES256 or EdDSA key"))


def anchors_document(pairs: list[tuple[KeyPair, str]]) -> dict[str, Any]:
    """The ``anchors.json`` a station pins."""
    return {"anchors": [{"kid": b64url(p.kid), "alg": p.alg, "spki": b64(p.spki), "label": label}
                        for p, label in pairs]}
