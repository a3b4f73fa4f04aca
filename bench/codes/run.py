"""Benchmark: full offline verification (GX1 ES256, GX1 EdDSA, HC1) against a bare
signature check with ``cryptography`` on the same keys, in the same run.

    .venv/bin/python bench/codes/run.py [--n 2000] [--repeats 5]

Prints, per format, codes per second for both, the ratio full/bare (median of the repeats;
goal ≤ 2×) and the p95 latency of one full verification (goal ≤ 2 ms).
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature  # noqa: E402

from app.codes.b45 import b45decode  # noqa: E402
from app.codes.envelope import inflate_bounded, parse_cose_sign1  # noqa: E402
from app.codes.lists import Hc1Signer, Hc1TrustList, ListInfo  # noqa: E402
from app.codes.repository import MemoryTrustRepository  # noqa: E402
from app.codes.trust import TrustState, install_text  # noqa: E402
from app.codes.verifier import CodeVerifier  # noqa: E402
from app.timeutil import parse_iso  # noqa: E402
from server.issuer import keys, lists  # noqa: E402
from server.issuer.codes import CodeContent, issue  # noqa: E402

SHARED = ROOT.parent / "shared"


def gx1_setup() -> tuple[CodeVerifier, float, dict[str, str]]:
    now = parse_iso("2026-12-01T08:00:00Z")
    anchor, es, ed = keys.generate("EdDSA"), keys.generate("ES256"), keys.generate("EdDSA")
    repo = MemoryTrustRepository()
    _, state = install_text(json.dumps(keys.anchors_document([(anchor, "bench")])), repo, now)
    entries = [lists.issuer_key_entry(k.public_info(), kinds=["dyn", "card"],
                                      not_before=now - 86400, not_after=now + 86400 * 300)
               for k in (es, ed)]
    for text in (
        lists.trust_list(anchor, version=1, issued_at=now, next_update=now + 86400,
                         issuers=[{"iss": "CN-GX", "name": "广西健康码", "keys": entries}]),
        lists.revocation_list(anchor, version=1, issued_at=now, next_update=now + 86400,
                              codes=[("CN-GX", f"r-{i}") for i in range(10_000)]),
    ):
        _, state = install_text(text, repo, now, state)
    content = CodeContent("CN-GX", "c-bench", "dyn", "green", "张三丰", "CN-ID",
                          "450***********123X", "p-bench", int(now) - 60)
    return CodeVerifier(state), now, {"GX1 ES256": issue(es, content),
                                      "GX1 EdDSA": issue(ed, content)}


def hc1_setup() -> tuple[CodeVerifier, float, str]:
    case = json.loads((SHARED / "testdata" / "dgc-common" / "CO3.json").read_text())
    signer = Hc1Signer.from_certificate(base64.b64decode(case["TESTCTX"]["CERTIFICATE"]))
    now = parse_iso(case["TESTCTX"]["VALIDATIONCLOCK"])
    info = ListInfo("hc1-trust-list", 1, now, now + 86400, "", "")
    return (CodeVerifier(TrustState(hc1=Hc1TrustList(info, {signer.kid: (signer,)}))), now,
            case["PREFIX"])


def bare_check(verifier: CodeVerifier, text: str) -> Callable[[], object]:
    """Only the ``cryptography`` signature check of the same message with the same key
    object (the DER form of an ECDSA signature prepared beforehand)."""
    cose = parse_cose_sign1(inflate_bounded(b45decode(text[4:]), 16384), allow_cwt_tag=True)
    tbs = cose.to_be_signed()
    trust = verifier.trust
    pool = trust.gx.keys_by_kid if text.startswith("GX1") and trust.gx else {}
    if text.startswith("HC1") and trust.hc1:
        pool = trust.hc1.signers_by_kid  # type: ignore[assignment]
    assert cose.kid is not None
    public = pool[cose.kid][0].key.key
    sig = cose.signature
    if isinstance(public, ed25519.Ed25519PublicKey):
        return lambda: public.verify(sig, tbs)
    if isinstance(public, ec.EllipticCurvePublicKey):
        der = encode_dss_signature(int.from_bytes(sig[:32], "big"),
                                   int.from_bytes(sig[32:], "big"))
        ecdsa = ec.ECDSA(hashes.SHA256())
        return lambda: public.verify(der, tbs, ecdsa)
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)
    return lambda: public.verify(sig, tbs, pss, hashes.SHA256())


def timed(fn: Callable[[], object], n: int) -> tuple[float, list[float]]:
    samples = []
    clock = time.perf_counter
    start = clock()
    for _ in range(n):
        t0 = clock()
        fn()
        samples.append(clock() - t0)
    return clock() - start, samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    gx_verifier, gx_now, gx_codes = gx1_setup()
    hc_verifier, hc_now, hc_text = hc1_setup()
    cases = [(name, gx_verifier, gx_now, text) for name, text in gx_codes.items()]
    cases.append(("HC1 ES256", hc_verifier, hc_now, hc_text))
    print(f"{'format':<10} {'full/s':>9} {'bare/s':>9} {'ratio':>6} {'p95 ms':>7}")
    for name, verifier, now, text in cases:
        assert verifier.verify(text, now).result.value == "VALID"
        bare = bare_check(verifier, text)
        ratios, fulls, bares, p95s = [], [], [], []
        for _ in range(args.repeats):
            full_s, samples = timed(lambda v=verifier, x=text, t=now: v.verify(x, t), args.n)
            bare_s, _ = timed(bare, args.n)
            ratios.append(full_s / bare_s)
            fulls.append(args.n / full_s)
            bares.append(args.n / bare_s)
            p95s.append(statistics.quantiles(samples, n=20)[18] * 1000)
        print(f"{name:<10} {statistics.median(fulls):>9.0f} {statistics.median(bares):>9.0f} "
              f"{statistics.median(ratios):>6.2f} {statistics.median(p95s):>7.3f}")


if __name__ == "__main__":
    main()
