"""Fixtures for the health-code tests: shared vectors, installed trust, a test issuer."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from app.codes.repository import MemoryTrustRepository
from app.codes.trust import TrustState, install_text
from app.timeutil import parse_iso
from server.issuer import keys, lists

ROOT = Path(__file__).resolve().parents[3]
SHARED = Path(os.environ.get("GRIDDESK_SHARED", ROOT.parent / "shared"))
GX1_VECTORS = SHARED / "specs" / "vectors" / "gx1"
DGC_COMMON = SHARED / "testdata" / "dgc-common"
SCHEMA = ROOT / "app" / "storage" / "migrations" / "0001_initial.sql"
VECTOR_NOW = parse_iso("2026-12-01T08:00:00Z")


def gx1_cases() -> dict[str, Any]:
    """The GX1 conformance vectors."""
    return json.loads((GX1_VECTORS / "cases.json").read_text(encoding="utf-8"))


def vector_state(repo: MemoryTrustRepository | None = None) -> TrustState:
    """Anchors plus the lists the vectors say to install."""
    repo = repo if repo is not None else MemoryTrustRepository()
    _, state = install_text((GX1_VECTORS / "anchors.json").read_text(), repo, VECTOR_NOW)
    for name in gx1_cases()["install"]:
        _, state = install_text((GX1_VECTORS / name).read_text(), repo, VECTOR_NOW, state)
    return state


@pytest.fixture(scope="session")
def installed() -> TrustState:
    """The vector trust state (read-only, shared)."""
    return vector_state()


@dataclass
class Issuer:
    """A fresh anchor and issuer keys, and the trust state that trusts them."""

    anchor: keys.KeyPair
    es256: keys.KeyPair
    eddsa: keys.KeyPair
    state: TrustState
    now: float


@pytest.fixture(scope="session")
def issuer() -> Issuer:
    """One generated issuer environment for round trips and properties."""
    now = parse_iso("2026-12-01T08:00:00Z")
    anchor, es, ed = keys.generate("EdDSA"), keys.generate("ES256"), keys.generate("EdDSA")
    repo = MemoryTrustRepository()
    _, state = install_text(json.dumps(keys.anchors_document([(anchor, "test")])), repo, now)
    entries = [lists.issuer_key_entry(k.public_info(), kinds=["dyn", "card"],
                                      not_before=now - 86400 * 30, not_after=now + 86400 * 300)
               for k in (es, ed)]
    trust = lists.trust_list(anchor, version=1, issued_at=now - 60, next_update=now + 86400,
                             issuers=[{"iss": "CN-GX", "name": "广西健康码", "keys": entries}])
    revs = lists.revocation_list(anchor, version=1, issued_at=now - 60, next_update=now + 86400,
                                 codes=[("CN-GX", "revoked-1")])
    for text in (trust, revs):
        outcomes, state = install_text(text, repo, now, state)
        assert outcomes[0].accepted, outcomes
    return Issuer(anchor, es, ed, state, now)


@pytest.fixture
def station_db() -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 in-memory database with the station schema."""
    conn = sqlite3.connect(":memory:")
    conn.executescript(SCHEMA.read_text(encoding="utf-8"))
    yield conn
    conn.close()
