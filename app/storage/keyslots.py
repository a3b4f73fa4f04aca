"""Key slots: the station's random data key, wrapped once per user and once for recovery.

Like LUKS: each slot holds the data key encrypted (AES-256-GCM) under a key derived from a
password or the recovery code with Argon2id. The parameters are stored in the slot so they
can be raised later. Changing a password rewrites one slot; the database is never
re-encrypted. The slot file is JSON beside the database and is always written atomically.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.errors import KnownError
from app.storage.atomic import write_atomic
from app.text import t

FORMAT = "griddesk-keyslots"
FORMAT_VERSION = 1
DATA_KEY_BYTES = 32
RECOVERY_SLOT = "recovery"


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost. The default takes ~0.4 s on a 2-core PC (RFC 9106 §4, raised memory)."""

    time_cost: int = 3
    memory_kib: int = 262_144
    parallelism: int = 4

    @classmethod
    def fast_for_tests(cls) -> KdfParams:
        """Cheap parameters for tests only; never used by the app."""
        return cls(time_cost=1, memory_kib=8_192, parallelism=1)


class WrongSecret(KnownError):
    """The password or recovery code does not open the slot."""


@dataclass
class Slot:
    """One wrapped copy of the data key."""

    name: str  # hash of the user name, or RECOVERY_SLOT
    salt: str
    nonce: str
    wrapped: str
    kdf: dict[str, int] = field(default_factory=dict)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _derive(secret: bytes, salt: bytes, params: KdfParams) -> bytes:
    return hash_secret_raw(
        secret, salt, params.time_cost, params.memory_kib, params.parallelism,
        DATA_KEY_BYTES, Type.ID,
    )


def _aad(station_id: str, name: str) -> bytes:
    return f"{FORMAT}/{station_id}/{name}".encode()


def new_data_key() -> bytes:
    """A fresh random 256-bit data key."""
    return secrets.token_bytes(DATA_KEY_BYTES)


class KeySlotFile:
    """The slot file of one station. Reads are cheap; every change is one atomic write.

    A user's slot is filed under a hash of the station id and user name, so the file does
    not list who works at the station.
    """

    def __init__(self, path: Path, station_id: str, slots: dict[str, Slot]) -> None:
        self.path = Path(path)
        self.station_id = station_id
        self._slots = slots

    @classmethod
    def create(cls, path: Path, station_id: str) -> KeySlotFile:
        """An empty slot file (not written until the first slot is set)."""
        return cls(path, station_id, {})

    @classmethod
    def load(cls, path: Path) -> KeySlotFile:
        """Read the slot file; a missing or damaged file is a KnownError."""
        try:
            raw = json.loads(Path(path).read_text(encoding="utf-8"))
            if raw.get("format") != FORMAT:
                raise ValueError("not a key-slot file")
            if int(raw.get("version", 0)) > FORMAT_VERSION:
                raise KnownError(t("密钥文件来自更新版本的软件，请升级",
                                   "the key file is from a newer GridDesk; please upgrade"))
            slots = {s["name"]: Slot(**s) for s in raw["slots"]}
            return cls(path, str(raw["station_id"]), slots)
        except FileNotFoundError as exc:
            raise KnownError(t(f"找不到密钥文件 {path}", f"key file {path} not found")) from exc
        except (ValueError, KeyError, TypeError) as exc:
            raise KnownError(t(f"密钥文件 {path} 已损坏", f"key file {path} is damaged"),
                             hint=t("可用恢复码或备份恢复", "restore it from a backup")) from exc

    def _key(self, name: str) -> str:
        if name == RECOVERY_SLOT:
            return name
        return hashlib.sha256(f"{self.station_id}/user/{name}".encode()).hexdigest()[:32]

    def count(self) -> int:
        """How many slots the file holds (users and recovery)."""
        return len(self._slots)

    def has(self, name: str) -> bool:
        """Whether a slot for this user name (or ``recovery``) exists."""
        return self._key(name) in self._slots

    def kdf_params(self, name: str) -> KdfParams:
        """The Argon2id parameters recorded in a slot."""
        return KdfParams(**self._slots[self._key(name)].kdf)

    def unwrap(self, name: str, secret: bytes) -> bytes:
        """The data key, or WrongSecret. Takes as long as the slot's KDF."""
        slot = self._slots.get(self._key(name))
        if slot is None:
            # Spend the same time as a real slot would, so the answer's timing does not
            # tell whether the user name exists.
            _derive(secret, b"\0" * 16, self._typical_params())
            raise WrongSecret(t("用户名或密码错误", "wrong user name or password"))
        kek = _derive(secret, _unb64(slot.salt), KdfParams(**slot.kdf))
        try:
            return AESGCM(kek).decrypt(
                _unb64(slot.nonce), _unb64(slot.wrapped), _aad(self.station_id, slot.name)
            )
        except InvalidTag as exc:
            if name == RECOVERY_SLOT:
                raise WrongSecret(t("恢复码不正确", "the recovery code does not match")) from exc
            raise WrongSecret(t("用户名或密码错误", "wrong user name or password")) from exc

    def _typical_params(self) -> KdfParams:
        for slot in self._slots.values():
            if slot.name != RECOVERY_SLOT:
                return KdfParams(**slot.kdf)
        return KdfParams()

    def set_slot(self, name: str, secret: bytes, data_key: bytes,
                 params: KdfParams | None = None) -> None:
        """Wrap the data key for ``name`` and write the file atomically."""
        params = params or KdfParams()
        salt = os.urandom(16)
        nonce = os.urandom(12)
        kek = _derive(secret, salt, params)
        key = self._key(name)
        wrapped = AESGCM(kek).encrypt(nonce, data_key, _aad(self.station_id, key))
        slots = dict(self._slots)
        slots[key] = Slot(key, _b64(salt), _b64(nonce), _b64(wrapped), asdict(params))
        self._write(slots)

    def remove_slot(self, name: str) -> None:
        """Remove a user's slot (the user can no longer unlock)."""
        key = self._key(name)
        if key in self._slots:
            slots = dict(self._slots)
            del slots[key]
            self._write(slots)

    def _write(self, slots: dict[str, Slot]) -> None:
        doc: dict[str, Any] = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "station_id": self.station_id,
            "slots": [asdict(slots[n]) for n in sorted(slots)],
        }
        write_atomic(self.path, json.dumps(doc, indent=1).encode("utf-8"))
        self._slots = slots
