"""Public keys as the verifier holds them: parsed once, verified many times.

COSE and JWS carry ECDSA signatures as raw ``r‖s``; :meth:`PublicKey.verify` converts and
never raises, so a wrong length, a wrong key type or a broken signature are all ``False``.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

# COSE algorithm ids (RFC 9053) and the JOSE names used in trust lists.
ES256 = -7
EDDSA = -8
PS256 = -37
COSE_ALG_NAMES = {ES256: "ES256", EDDSA: "EdDSA", PS256: "PS256"}
JOSE_TO_COSE = {"ES256": ES256, "EdDSA": EDDSA, "PS256": PS256}

_SHA256 = hashes.SHA256()
_ECDSA = ec.ECDSA(_SHA256)
_PSS = padding.PSS(mgf=padding.MGF1(_SHA256), salt_length=padding.PSS.DIGEST_LENGTH)

VerifyingKey = ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey | rsa.RSAPublicKey


class UnusableKey(ValueError):
    """A key or certificate could not be used."""


def kid_of(der: bytes) -> bytes:
    """Key id: first 8 bytes of SHA-256 over the DER (SPKI for GX1, certificate for HC1)."""
    return hashlib.sha256(der).digest()[:8]


def b64decode_any(text: str) -> bytes:
    """Base64 or base64url, padded or not; ValueError on bad input."""
    value = text.strip().replace("-", "+").replace("_", "/")
    value += "=" * (-len(value) % 4)
    return base64.b64decode(value, validate=True)


def b64url(data: bytes) -> str:
    """Unpadded base64url."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64(data: bytes) -> str:
    """Padded standard base64."""
    return base64.b64encode(data).decode("ascii")


@dataclass(frozen=True)
class PublicKey:
    """A parsed public key with the algorithm it is trusted for."""

    alg: int
    key: VerifyingKey

    @classmethod
    def from_spki(cls, spki_der: bytes, alg: int) -> PublicKey:
        """Load from SubjectPublicKeyInfo DER and check it suits ``alg``."""
        try:
            loaded = serialization.load_der_public_key(spki_der)
        except (ValueError, TypeError) as exc:
            raise UnusableKey("not a public key") from exc
        return cls.checked(loaded, alg)

    @classmethod
    def checked(cls, loaded: object, alg: int) -> PublicKey:
        """Wrap a loaded key after checking its type against ``alg``."""
        if alg == ES256:
            if not (isinstance(loaded, ec.EllipticCurvePublicKey)
                    and isinstance(loaded.curve, ec.SECP256R1)):
                raise UnusableKey("ES256 needs a P-256 key")
            return cls(alg, loaded)
        if alg == EDDSA:
            if not isinstance(loaded, ed25519.Ed25519PublicKey):
                raise UnusableKey("EdDSA needs an Ed25519 key")
            return cls(alg, loaded)
        if alg == PS256:
            if not isinstance(loaded, rsa.RSAPublicKey) or loaded.key_size < 2048:
                raise UnusableKey("PS256 needs an RSA key of at least 2048 bits")
            return cls(alg, loaded)
        raise UnusableKey(f"unsupported algorithm {alg}")

    def verify(self, signature: bytes, message: bytes) -> bool:
        """Whether ``signature`` (COSE/JWS form) is valid over ``message``."""
        key = self.key
        try:
            if isinstance(key, ed25519.Ed25519PublicKey):
                if len(signature) != 64:
                    return False
                key.verify(signature, message)
            elif isinstance(key, ec.EllipticCurvePublicKey):
                if len(signature) != 64:
                    return False
                der = encode_dss_signature(int.from_bytes(signature[:32], "big"),
                                           int.from_bytes(signature[32:], "big"))
                key.verify(der, message, _ECDSA)
            else:
                if len(signature) * 8 > key.key_size + 7:
                    return False
                key.verify(signature, message, _PSS, _SHA256)
        except (InvalidSignature, ValueError):
            return False
        return True
