"""Wiring for the station: build the verifier and rules from the store, install files.

All functions take the store's connection and run on its DB thread, e.g.::

    verifier = station.db.run(load_verifier)
    outcomes = station.db.transaction(lambda conn: install_files(conn, texts, now))
"""

from __future__ import annotations

import logging
from typing import Any

from app.codes.online import OnlineIssuers, OnlineIssuersRefused
from app.codes.policy import DAY, VerifyPolicy
from app.codes.rules import DecisionRules, RulesRefused
from app.codes.store_repo import SqlTrustRepository, load_reference
from app.codes.trust import InstallOutcome, TrustState, install_text
from app.codes.verifier import CodeVerifier

log = logging.getLogger(__name__)


def policy_from_settings(conn: Any) -> VerifyPolicy:
    """Thresholds from the station settings (defaults when the settings module is absent)."""
    try:
        from app.storage import settings
    except ImportError:  # pragma: no cover - the store is always there in the app
        return VerifyPolicy()
    return VerifyPolicy(
        stale_refuse_after_s=settings.get(conn, settings.TRUST_STALE_GRACE_DAYS) * DAY,
        duplicate_window_s=settings.get(conn, settings.DUPLICATE_WINDOW_MINUTES) * 60.0,
    )


def load_online_issuers(conn: Any) -> OnlineIssuers:
    """The online-only issuer patterns from reference data (none when absent or broken)."""
    ref = load_reference(conn, "online-issuers")
    if ref is None:
        return OnlineIssuers()
    try:
        return OnlineIssuers.from_json(ref[1])
    except OnlineIssuersRefused:
        log.warning("stored online-issuers reference data is unusable")
        return OnlineIssuers()


def load_rules(conn: Any) -> DecisionRules:
    """The central decision rules if stored and valid, else the default table."""
    ref = load_reference(conn, "decision-rules")
    if ref is not None:
        try:
            return DecisionRules.from_json(ref[1])
        except RulesRefused:
            log.warning("stored decision rules are unusable; using the default table")
    return DecisionRules.default_table()


def load_verifier(conn: Any) -> CodeVerifier:
    """A verifier with the installed trust material, online issuers and settings."""
    return CodeVerifier(TrustState.load(SqlTrustRepository(conn)),
                        policy=policy_from_settings(conn), online=load_online_issuers(conn))


def install_files(conn: Any, texts: list[str], now: float) -> list[InstallOutcome]:
    """Install anchors files and signed lists in order; refused ones leave the store as is."""
    repo = SqlTrustRepository(conn)
    state = TrustState.load(repo)
    outcomes: list[InstallOutcome] = []
    for text in texts:
        done, state = install_text(text, repo, now, state)
        outcomes.extend(done)
    return outcomes
