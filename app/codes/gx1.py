"""GX1 (spec §1–3): offline verification of the project's signed health code."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.codes.envelope import CoseSign1, DecodeFailure, decode_cbor, is_map, unwrap
from app.codes.keys import COSE_ALG_NAMES, EDDSA, ES256, b64
from app.codes.lists import IssuerKey
from app.codes.policy import VerifyPolicy, stale_notice, staleness
from app.codes.results import (
    KNOWN_COLOURS,
    CodeResult,
    Format,
    Holder,
    Notice,
    Result,
    WarningCode,
)
from app.codes.trust import TrustState
from app.text import t

PREFIX = "GX1:"
MAX_TEXT = 8192
MAX_INFLATED = 4096
HCODE_CLAIM = -70001
KINDS = ("dyn", "card")
NAT_RESULTS = ("neg", "pos", "pending")


class ClaimError(ValueError):
    """The CWT claims do not follow spec §2."""


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(hcode: Mapping[Any, Any], key: str, limit: int) -> str:
    value = hcode.get(key)
    if not isinstance(value, str) or len(value) > limit:
        raise ClaimError(f"{key} is not text of at most {limit} characters")
    return value


def _int(mapping: Mapping[Any, Any], key: Any) -> int:
    value = mapping.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ClaimError(f"{key} is not an integer")
    return value


def parse_claims(payload: bytes) -> dict[str, Any]:
    """CWT claims → a plain dict of what GX1 carries; ClaimError on any rule broken."""
    try:
        claims = decode_cbor(payload)
    except DecodeFailure as exc:
        raise ClaimError("payload is not CBOR") from exc
    if not is_map(claims):
        raise ClaimError("payload is not a map")
    iss = claims.get(1)
    if not isinstance(iss, str):
        raise ClaimError("iss is not text")
    iat, exp = _int(claims, 6), _int(claims, 4)
    if exp <= iat:
        raise ClaimError("exp is not after iat")
    hcode = claims.get(HCODE_CLAIM)
    if not is_map(hcode):
        raise ClaimError("no hcode")
    if hcode.get("v") != 1 or not _is_int(hcode.get("v")):
        raise ClaimError("unknown hcode version")
    out: dict[str, Any] = {
        "iss": iss, "iat": iat, "exp": exp,
        "id": _text(hcode, "id", 64), "k": _text(hcode, "k", 8), "c": _text(hcode, "c", 32),
        "n": _text(hcode, "n", 64), "dt": _text(hcode, "dt", 16), "dm": _text(hcode, "dm", 32),
        "p": _text(hcode, "p", 64), "a": _int(hcode, "a"),
    }
    if out["k"] not in KINDS:
        raise ClaimError("unknown kind")
    if "nat" in hcode:
        nat = hcode["nat"]
        if not is_map(nat) or nat.get("r") not in NAT_RESULTS \
                or not _is_int(nat.get("t")):
            raise ClaimError("bad nat")
        out["nat"] = {"r": nat["r"], "t": nat["t"]}
    if "vac" in hcode:
        vac = hcode["vac"]
        if not _is_int(vac) or not 0 <= vac <= 9:
            raise ClaimError("bad vac")
        out["vac"] = vac
    return out


def _fail(result: Result, reason: str, stage: str, **evidence: Any) -> CodeResult:
    return CodeResult(Format.GX1, result, reason=reason, evidence={"stage": stage, **evidence})


def _signing_key(cose: CoseSign1, trust: TrustState) -> tuple[list[IssuerKey], list[IssuerKey]]:
    """(keys with this kid, those of them whose signature verifies)."""
    assert trust.gx is not None and cose.kid is not None
    candidates = list(trust.gx.keys_by_kid.get(cose.kid, ()))
    tbs = cose.to_be_signed() if candidates else b""
    good = [k for k in candidates if k.key.alg == cose.alg and k.key.verify(cose.signature, tbs)]
    return candidates, good


def verify_gx1(body: str, now: float, trust: TrustState, policy: VerifyPolicy) -> CodeResult:
    """Verify the text after ``GX1:`` at ``now`` (already the trusted time)."""
    try:
        cose = unwrap(body, max_text=MAX_TEXT, max_inflated=MAX_INFLATED)
    except DecodeFailure as exc:
        return _fail(Result.MALFORMED, t("无法解码", "cannot be decoded"), exc.stage,
                     detail=exc.detail)
    if not _is_int(cose.alg) or cose.alg not in (ES256, EDDSA):
        return _fail(Result.UNSUPPORTED, t("签名算法不受支持", "signature algorithm not supported"),
                     "alg", alg=str(cose.alg)[:20])
    evidence: dict[str, Any] = {"alg": COSE_ALG_NAMES[cose.alg],
                                "kid": b64(cose.kid) if cose.kid is not None else None}
    if trust.gx is None:
        return _fail(Result.STALE_TRUST, t("未安装信任列表", "no trust list installed"),
                     "trust", **evidence)
    evidence["trust_list_version"] = trust.gx.info.version
    if cose.kid is None:
        return _fail(Result.UNKNOWN_KEY, t("码中没有密钥标识", "the code names no key"),
                     "kid", **evidence)
    candidates, good = _signing_key(cose, trust)
    if not candidates:
        return _fail(Result.UNKNOWN_KEY, t("签发密钥不在信任列表中", "key not in the trust list"),
                     "kid", **evidence)
    if not good:
        return _fail(Result.BAD_SIGNATURE, t("签名校验失败", "signature check failed"),
                     "signature", **evidence)
    try:
        claims = parse_claims(cose.payload)
    except ClaimError as exc:
        return _fail(Result.MALFORMED, t("内容不符合规范", "content does not follow the spec"),
                     "claims", detail=str(exc), **evidence)
    return _judge(claims, good, now, trust, policy, evidence)


def _key_problem(claims: dict[str, Any], keys: list[IssuerKey]) -> str | None:
    """Why no verifying key may sign this code (spec §3), or None when one may."""
    own = [k for k in keys if k.iss == claims["iss"]]
    if not own:
        return t("密钥不属于码中所写的签发机构", "key not listed for the issuer the code names")
    in_window = [k for k in own if k.not_before <= claims["iat"] < k.not_after]
    if not in_window:
        return t("签发时密钥不在有效期内", "key not valid when the code was issued")
    if not any(claims["k"] in k.kinds for k in in_window):
        return t("该密钥不可签发此类码", "key not allowed for this kind")
    return None


def _trust_checks(claims: dict[str, Any], now: float, trust: TrustState, policy: VerifyPolicy,
                  notices: list[Notice], evidence: dict[str, Any]) -> Result | None:
    """Revocation and staleness: REVOKED, STALE_TRUST, or None (with warnings added)."""
    assert trust.gx is not None
    gx_age = staleness(trust.gx.info, now, policy)
    if gx_age.warn:
        notices.append(stale_notice(WarningCode.TRUST_LIST_STALE, "信任列表", "trust list",
                                    trust.gx.info))
    refuse = gx_age.refuse
    revocations = trust.revocations
    if revocations is None:
        notices.append(Notice(WarningCode.NO_REVOCATION_LIST,
                              t("未安装撤销列表，无法检查撤销", "no revocation list installed")))
    else:
        evidence["revocations_version"] = revocations.info.version
        if revocations.is_revoked(claims["iss"], claims["id"]):
            return Result.REVOKED
        rev_age = staleness(revocations.info, now, policy)
        if rev_age.warn:
            notices.append(stale_notice(WarningCode.REVOCATIONS_STALE, "撤销列表",
                                        "revocation list", revocations.info))
        refuse = refuse or rev_age.refuse
    return Result.STALE_TRUST if refuse else None


_REASONS = {
    Result.REVOKED: ("此码已被撤销", "this code has been revoked"),
    Result.STALE_TRUST: ("信任材料过期太久，不能离线判定",
                         "trust material too old to decide offline"),
}


def _judge(claims: dict[str, Any], keys: list[IssuerKey], now: float, trust: TrustState,
           policy: VerifyPolicy, evidence: dict[str, Any]) -> CodeResult:
    """Spec §3 on a signature-checked payload."""
    iss, iat, exp, colour = claims["iss"], claims["iat"], claims["exp"], claims["c"]
    evidence.update(iat=iat, exp=exp, kind=claims["k"])
    evidence.update({k: claims[k] for k in ("nat", "vac") if k in claims})
    notices: list[Notice] = []
    result, reason = _verdict(claims, keys, now, trust, policy, notices, evidence)
    if result is Result.STALE_TRUST:
        evidence["colour_carried"] = colour
    elif result is Result.MALFORMED:
        evidence["stage"] = "claims"
    return CodeResult(
        Format.GX1, result, reason=reason, colour=colour if result is Result.VALID else None,
        issuer=iss, issuer_name=trust.gx.issuer_names.get(iss) if trust.gx else None,
        kind=claims["k"], issued_at=float(iat), expires_at=float(exp),
        assessed_at=float(claims["a"]), holder=Holder(claims["n"], claims["dt"], claims["dm"]),
        code_id=f"{iss}/{claims['id']}", person_ref=f"{iss}/{claims['p']}",
        warnings=tuple(notices), evidence=evidence,
    )


def _verdict(claims: dict[str, Any], keys: list[IssuerKey], now: float, trust: TrustState,
             policy: VerifyPolicy, notices: list[Notice],
             evidence: dict[str, Any]) -> tuple[Result, str]:
    iat, colour = claims["iat"], claims["c"]
    if iat > now + policy.skew_s:
        return Result.NOT_YET_VALID, t("签发时间晚于当前时间", "issued in the future")
    if now >= claims["exp"]:
        return Result.EXPIRED, t("已超过有效期", "past its expiry")
    if claims["a"] > iat:
        return Result.MALFORMED, t("内容不符合规范：颜色评定时间晚于签发时间",
                                   "breaks the spec: colour assessed after issue")
    problem = _key_problem(claims, keys)
    if problem is not None:
        return Result.UNKNOWN_KEY, problem
    refused = _trust_checks(claims, now, trust, policy, notices, evidence)
    if refused is not None:
        return refused, t(*_REASONS[refused])
    if colour not in KNOWN_COLOURS:
        notices.append(Notice(WarningCode.UNKNOWN_COLOUR,
                              t(f"未知颜色「{colour}」，请人工核验",
                                f"unknown colour '{colour}': check by hand")))
    return Result.VALID, t("签名、密钥、有效期和撤销检查均通过",
                           "signature, key, validity and revocation checks passed")
