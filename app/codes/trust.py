"""Trust material in memory (:class:`TrustState`) and its installation rules (spec §4–6).

A list is installed only when its JWS verifies against a **pinned** anchor, its content
follows the spec and its version is greater than the installed one; otherwise it is
refused and the installed material stays. The verifier holds one immutable
:class:`TrustState`; installing builds a new one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from app.codes.jws import Anchor, JwsRefused, normalise_kid, verify_jws
from app.codes.keys import JOSE_TO_COSE, PS256, PublicKey, UnusableKey, b64, b64decode_any, kid_of
from app.codes.lists import (
    GX_REVOCATIONS,
    GX_STATUS_LIST,
    GX_TRUST_LIST,
    HC1_TRUST_LIST,
    GxTrustList,
    Hc1TrustList,
    ListRefused,
    RevocationList,
    SignedList,
    StatusList,
    parse_list,
)
from app.codes.repository import AnchorRecord, MaterialRecord, TrustRepository
from app.text import t
from app.timeutil import iso_utc

KIND_LABELS = {
    GX_TRUST_LIST: ("健康码信任列表", "trust list"),
    GX_REVOCATIONS: ("撤销列表", "revocation list"),
    GX_STATUS_LIST: ("状态名单", "status list"),
    HC1_TRUST_LIST: ("HC1 签发证书列表", "HC1 signer list"),
    "anchors": ("信任锚", "trust anchors"),
}


def kind_label(kind: str) -> str:
    """A list kind in the current language."""
    zh, en = KIND_LABELS.get(kind, (kind, kind))
    return t(zh, en)


@dataclass(frozen=True)
class InstallOutcome:
    """What happened to one installed item."""

    kind: str
    accepted: bool
    reason: str  # "installed" | "rollback" | "bad_signature" | "unpinned_anchor" | ...
    message: str
    version: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {"kind": self.kind, "accepted": self.accepted, "reason": self.reason,
                "message": self.message, "version": self.version}


def anchor_from_record(record: AnchorRecord) -> Anchor:
    """Parse a stored or offered anchor; ValueError (UnusableKey) when unusable."""
    alg = JOSE_TO_COSE.get(record.alg)
    if alg is None or alg == PS256:
        raise UnusableKey(f"anchor algorithm {record.alg!r} not allowed")
    spki = b64decode_any(record.spki)
    key = PublicKey.from_spki(spki, alg)
    kid = normalise_kid(record.kid)
    if b64decode_any(kid) != kid_of(spki):
        raise UnusableKey("anchor kid does not match its key")
    return Anchor(kid, record.alg, spki, record.label, key)


@dataclass(frozen=True)
class TrustState:
    """The parsed, verified trust material the verifier works from (immutable)."""

    anchors: dict[str, Anchor] = field(default_factory=dict)
    gx: GxTrustList | None = None
    revocations: RevocationList | None = None
    status: StatusList | None = None
    hc1: Hc1TrustList | None = None
    problems: tuple[str, ...] = ()

    @classmethod
    def load(cls, repo: TrustRepository) -> TrustState:
        """Build from storage, re-verifying every stored envelope against the anchors."""
        state = cls()
        problems: list[str] = []
        for record in repo.anchors():
            try:
                anchor = anchor_from_record(record)
            except ValueError as exc:
                problems.append(f"anchor {record.kid}: {exc}")
                continue
            state = replace(state, anchors={**state.anchors, anchor.kid: anchor})
        for material in repo.all_material():
            try:
                state = state.with_list(parse_list(verify_jws(material.raw, state.anchors)))
            except (JwsRefused, ListRefused) as exc:
                problems.append(f"{material.kind}: {exc}")
        return replace(state, problems=tuple(problems))

    def with_list(self, signed: SignedList) -> TrustState:
        """A copy with ``signed`` in its slot."""
        if isinstance(signed, GxTrustList):
            return replace(self, gx=signed)
        if isinstance(signed, RevocationList):
            return replace(self, revocations=signed)
        if isinstance(signed, StatusList):
            return replace(self, status=signed)
        return replace(self, hc1=signed)

    def versions(self) -> dict[str, int | None]:
        """Installed version per list kind (None when absent)."""
        return {
            GX_TRUST_LIST: self.gx.info.version if self.gx else None,
            GX_REVOCATIONS: self.revocations.info.version if self.revocations else None,
            GX_STATUS_LIST: self.status.info.version if self.status else None,
            HC1_TRUST_LIST: self.hc1.info.version if self.hc1 else None,
        }


def _refused(kind: str, reason: str, message: str, version: int | None = None) -> InstallOutcome:
    return InstallOutcome(kind, False, reason, message, version)


def install_anchors(document: Any, repo: TrustRepository, now: float) -> list[InstallOutcome]:
    """Pin the anchors of an ``anchors.json`` document (all or nothing)."""
    entries = document.get("anchors") if isinstance(document, dict) else None
    if not isinstance(entries, list) or not entries:
        return [_refused("anchors", "malformed", t("信任锚文件格式不正确", "not an anchors file"))]
    records = []
    for entry in entries:
        if not isinstance(entry, dict):
            return [_refused("anchors", "malformed", t("信任锚条目格式不正确", "bad anchor entry"))]
        record = AnchorRecord(str(entry.get("kid", "")), str(entry.get("alg", "")),
                              str(entry.get("spki", "")), str(entry.get("label", "")),
                              iso_utc(now))
        try:
            anchor = anchor_from_record(record)
        except ValueError as exc:
            return [_refused("anchors", "bad_anchor",
                             t(f"信任锚 {record.kid} 无效：{exc}", f"anchor {record.kid}: {exc}"))]
        records.append(replace(record, kid=anchor.kid, spki=b64(anchor.spki)))
    for record in records:
        repo.put_anchor(record)
    message = t(f"已固定 {len(records)} 个信任锚", f"pinned {len(records)} anchor(s)")
    return [InstallOutcome("anchors", True, "installed", message)]


_JWS_REASONS = {
    "unpinned_anchor": ("签名者不是本机固定的信任锚", "not signed by a pinned anchor"),
    "bad_signature": ("签名无效", "the signature does not verify"),
    "unsupported_alg": ("签名算法不受支持", "signature algorithm not allowed"),
    "malformed": ("文件格式不正确", "the file is malformed"),
}


def install_signed(text: str, repo: TrustRepository, state: TrustState,
                   now: float) -> tuple[InstallOutcome, TrustState]:
    """Install one signed list if every rule holds; returns the outcome and the new state."""
    try:
        content = verify_jws(text, state.anchors)
    except JwsRefused as exc:
        zh, en = _JWS_REASONS.get(exc.reason, ("无法读取", "unreadable"))
        return _refused("unknown", exc.reason, t(f"已拒绝：{zh}", f"refused: {en}")), state
    kind = str(content.payload.get("type"))
    try:
        signed = parse_list(content)
    except ListRefused as exc:
        message = t(f"已拒绝：内容不符合规范（{exc}）",
                    f"refused: content does not follow the spec ({exc})")
        return _refused(kind, "malformed", message), state
    info = signed.info
    record = MaterialRecord(info.kind, info.version, info.issued_at_text, info.next_update_text,
                            text.strip(), iso_utc(now))
    if not repo.put_material(record):
        current = repo.material(info.kind)
        have = current.version if current else "?"
        return _refused(info.kind, "rollback", t(
            f"已拒绝：{kind_label(info.kind)}版本 {info.version} 不高于已安装的版本 {have}",
            f"refused: {kind_label(info.kind)} version {info.version} is not newer than "
            f"installed version {have}"), info.version), state
    return InstallOutcome(info.kind, True, "installed", t(
        f"已安装{kind_label(info.kind)}，版本 {info.version}",
        f"installed {kind_label(info.kind)} version {info.version}"), info.version), \
        state.with_list(signed)


def install_text(text: str, repo: TrustRepository, now: float,
                 state: TrustState | None = None) -> tuple[list[InstallOutcome], TrustState]:
    """Install an ``anchors.json`` document or a signed list, whichever ``text`` is."""
    current = state if state is not None else TrustState.load(repo)
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            document = json.loads(stripped)
        except ValueError:
            return [_refused("anchors", "malformed", t("JSON 格式不正确", "bad JSON"))], current
        outcomes = install_anchors(document, repo, now)
        return outcomes, TrustState.load(repo) if outcomes[0].accepted else current
    outcome, new_state = install_signed(stripped, repo, current, now)
    return [outcome], new_state
