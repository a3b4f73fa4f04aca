"""HC1, the EU Digital COVID Certificate: verified offline against the HC1 signer list.

Layers as GX1 (the CWT may also be wrapped in CWT tag 61); ES256 and PS256; kid = first 8
bytes of SHA-256 of the signer certificate. The certificate's extended key usage limits
which certificate types (test, vaccination, recovery) it may sign. HC1 carries no colour.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from app.codes.envelope import CoseSign1, DecodeFailure, decode_cbor, is_map, unwrap
from app.codes.keys import COSE_ALG_NAMES, ES256, PS256, b64
from app.codes.lists import Hc1Signer
from app.codes.policy import VerifyPolicy, stale_notice, staleness
from app.codes.results import CodeResult, Format, Holder, Notice, Result, WarningCode
from app.codes.trust import TrustState
from app.text import t

PREFIX = "HC1:"
MAX_TEXT = 8192
MAX_INFLATED = 16384
HCERT_CLAIM = -260
DGC_TYPES = ("v", "t", "r")


class DgcError(ValueError):
    """The payload is not a single-entry EU DCC."""


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_dgc_claims(payload: bytes) -> dict[str, Any]:
    """CWT claims of an EU DCC → iss, iat, exp, type, entry, holder; DgcError on defects."""
    try:
        claims = decode_cbor(payload)
    except DecodeFailure as exc:
        raise DgcError("payload is not CBOR") from exc
    if not is_map(claims):
        raise DgcError("payload is not a map")
    iat, exp = claims.get(6), claims.get(4)
    if not isinstance(iat, int) or not isinstance(exp, int) or not _is_int(iat) \
            or not _is_int(exp) or exp <= iat:
        raise DgcError("iat/exp missing or out of order")
    hcert = claims.get(HCERT_CLAIM)
    dgc = hcert.get(1) if is_map(hcert) else None
    if not is_map(dgc):
        raise DgcError("no hcert")
    nam = dgc.get("nam")
    if not isinstance(dgc.get("ver"), str) or not isinstance(dgc.get("dob"), str) \
            or not is_map(nam) or not isinstance(nam.get("fnt"), str):
        raise DgcError("ver, dob or nam missing")
    present = [k for k in DGC_TYPES if k in dgc]
    if len(present) != 1:
        raise DgcError("not exactly one certificate type")
    entries = dgc[present[0]]
    if not isinstance(entries, list | tuple) or len(entries) != 1 \
            or not is_map(entries[0]):
        raise DgcError("not exactly one entry")
    entry = entries[0]
    if not isinstance(entry.get("ci"), str):
        raise DgcError("no certificate identifier")
    names = [nam.get("fn"), nam.get("gn")]
    name = " ".join(str(n) for n in names if isinstance(n, str) and n) or str(nam["fnt"])
    iss = claims.get(1)
    return {"iss": iss if isinstance(iss, str) else "", "iat": iat, "exp": exp,
            "type": present[0], "ci": entry["ci"], "name": name, "dob": dgc["dob"],
            "country": entry.get("co") if isinstance(entry.get("co"), str) else ""}


def _fail(result: Result, reason: str, stage: str, **evidence: Any) -> CodeResult:
    return CodeResult(Format.HC1, result, reason=reason, evidence={"stage": stage, **evidence})


def _signers(cose: CoseSign1, trust: TrustState) -> tuple[list[Hc1Signer], list[Hc1Signer]]:
    assert trust.hc1 is not None and cose.kid is not None
    candidates = list(trust.hc1.signers_by_kid.get(cose.kid, ()))
    tbs = cose.to_be_signed() if candidates else b""
    return candidates, [s for s in candidates
                        if s.key.alg == cose.alg and s.key.verify(cose.signature, tbs)]


def verify_hc1(body: str, now: float, trust: TrustState, policy: VerifyPolicy) -> CodeResult:
    """Verify the text after ``HC1:`` at ``now``."""
    try:
        cose = unwrap(body, max_text=MAX_TEXT, max_inflated=MAX_INFLATED, allow_cwt_tag=True,
                      lenient_alg=True)
    except DecodeFailure as exc:
        return _fail(Result.MALFORMED, t("无法解码", "cannot be decoded"), exc.stage,
                     detail=exc.detail)
    if not _is_int(cose.alg) or cose.alg not in (ES256, PS256):
        return _fail(Result.UNSUPPORTED, t("签名算法不受支持", "signature algorithm not supported"),
                     "alg", alg=str(cose.alg)[:20])
    evidence: dict[str, Any] = {"alg": COSE_ALG_NAMES[cose.alg],
                                "kid": b64(cose.kid) if cose.kid is not None else None}
    if trust.hc1 is None:
        return _fail(Result.STALE_TRUST,
                     t("未安装 HC1 签发证书列表", "no HC1 signer list installed"), "trust",
                     **evidence)
    evidence["trust_list_version"] = trust.hc1.info.version
    if cose.kid is None or len(cose.kid) != 8:
        return _fail(Result.UNKNOWN_KEY, t("密钥标识缺失或长度不对", "kid missing or not 8 bytes"),
                     "kid", **evidence)
    candidates, good = _signers(cose, trust)
    if not candidates:
        return _fail(Result.UNKNOWN_KEY, t("签发证书不在列表中", "signer not in the list"),
                     "kid", **evidence)
    if not good:
        return _fail(Result.BAD_SIGNATURE, t("签名校验失败", "signature check failed"),
                     "signature", **evidence)
    try:
        claims = parse_dgc_claims(cose.payload)
    except DgcError as exc:
        return _fail(Result.MALFORMED, t("内容不符合规范", "content does not follow the spec"),
                     "claims", detail=str(exc), **evidence)
    return _judge(claims, good, now, trust, policy, evidence)


def _judge(claims: dict[str, Any], signers: list[Hc1Signer], now: float, trust: TrustState,
           policy: VerifyPolicy, evidence: dict[str, Any]) -> CodeResult:
    iat, exp, dgc_type = claims["iat"], claims["exp"], claims["type"]
    evidence.update(iat=iat, exp=exp, dgc_type=dgc_type, country=claims["country"])
    notices: list[Notice] = []
    base = CodeResult(
        Format.HC1, Result.VALID, issuer=claims["iss"], issuer_name=signers[0].subject,
        kind=dgc_type, issued_at=float(iat), expires_at=float(exp),
        holder=Holder(claims["name"], "", "", claims["dob"]),
        code_id=f"HC1/{claims['ci']}", evidence=evidence,
    )

    def verdict(result: Result, reason: str) -> CodeResult:
        return replace(base, result=result, reason=reason, warnings=tuple(notices))

    if iat > now + policy.skew_s:
        return verdict(Result.NOT_YET_VALID, t("签发时间晚于当前时间", "issued in the future"))
    if now >= exp:
        return verdict(Result.EXPIRED, t("已超过有效期", "past its expiry"))
    in_window = [s for s in signers if s.not_before <= iat <= s.not_after]
    if not in_window:
        return verdict(Result.UNKNOWN_KEY, t("签发时签发证书不在有效期内",
                                             "signer certificate not valid when issued"))
    usable = [s for s in in_window if not s.usages or dgc_type in s.usages]
    if not usable:
        return verdict(Result.UNKNOWN_KEY, t("签发证书不可签发此类证明",
                                             "signer certificate not allowed for this type"))
    assert trust.hc1 is not None
    age = staleness(trust.hc1.info, now, policy)
    if age.warn:
        notices.append(stale_notice(WarningCode.TRUST_LIST_STALE, "HC1 签发证书列表",
                                    "HC1 signer list", trust.hc1.info))
    if age.refuse:
        return verdict(Result.STALE_TRUST, t("信任材料过期太久，不能离线判定",
                                             "trust material too old to decide offline"))
    return verdict(Result.VALID, t("签名、证书与有效期检查均通过",
                                   "signature, certificate and validity checks passed"))
