"""The one entry point: any scanned or typed text → one :class:`CodeResult`, never raising.

Formats are found by prefix in a small registry (GX1, HC1); other ``GXn:`` prefixes are a
future version (``UNSUPPORTED``); online-only issuer codes become ``DEFERRED``; anything
else is ``UNSUPPORTED``. Time is always passed in: ``now`` from the app's protected clock
and optionally the trusted ``floor``. Validity is judged at ``max(now, floor)`` so a clock
wound back cannot revive an expired code, and a clock below the floor is flagged.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from app.codes.gx1 import PREFIX as GX1_PREFIX
from app.codes.gx1 import verify_gx1
from app.codes.hc1 import PREFIX as HC1_PREFIX
from app.codes.hc1 import verify_hc1
from app.codes.online import OnlineIssuers, deferred
from app.codes.policy import VerifyPolicy
from app.codes.repository import ScanHistory
from app.codes.results import CodeResult, Format, Notice, Result, WarningCode
from app.codes.trust import TrustState
from app.text import t
from app.timeutil import iso_utc

log = logging.getLogger(__name__)

FormatHandler = Callable[[str, float, TrustState, VerifyPolicy], CodeResult]
_FUTURE_GX = re.compile(r"GX[0-9]+:")


@dataclass(frozen=True)
class FormatEntry:
    """A registered code format: its exact prefix and its verifier."""

    prefix: str
    format: Format
    handler: FormatHandler


DEFAULT_FORMATS = (
    FormatEntry(GX1_PREFIX, Format.GX1, verify_gx1),
    FormatEntry(HC1_PREFIX, Format.HC1, verify_hc1),
)


def _unsupported(reason: str, **evidence: str) -> CodeResult:
    return CodeResult(Format.OTHER, Result.UNSUPPORTED, reason=reason,
                      evidence={"stage": "prefix", **evidence})


class CodeVerifier:
    """Holds the loaded trust material and verifies codes on the hot path (no I/O)."""

    def __init__(self, trust: TrustState | None = None, *, policy: VerifyPolicy | None = None,
                 online: OnlineIssuers | None = None,
                 formats: tuple[FormatEntry, ...] = DEFAULT_FORMATS) -> None:
        self.trust = trust if trust is not None else TrustState()
        self.policy = policy if policy is not None else VerifyPolicy()
        self.online = online if online is not None else OnlineIssuers()
        self._formats = {entry.prefix: entry for entry in formats}

    def replace_trust(self, trust: TrustState) -> None:
        """Swap in newly installed trust material (one atomic attribute store)."""
        self.trust = trust

    def verify(self, text: str | bytes, now: float, *, floor: float | None = None,
               history: ScanHistory | None = None) -> CodeResult:
        """Verify ``text`` at ``now``; never raises."""
        try:
            result = self._verify(text, now, floor)
        except Exception:  # noqa: BLE001 - a verifier never raises, whatever the input
            log.exception("verification bug")
            result = CodeResult(Format.OTHER, Result.MALFORMED,
                                reason=t("无法识别", "unreadable"), evidence={"stage": "internal"})
        if history is not None and (result.code_id or result.person_ref):
            result = self._flag_duplicate(result, now, history)
        return result

    def _verify(self, text: str | bytes, now: float, floor: float | None) -> CodeResult:
        if isinstance(text, bytes | bytearray):
            try:
                text = bytes(text).decode("utf-8")
            except UnicodeDecodeError:
                return CodeResult(Format.OTHER, Result.MALFORMED,
                                  reason=t("不是文本", "not text"), evidence={"stage": "text"})
        if not isinstance(text, str):
            return _unsupported(t("不是文本", "not text"))
        value = text.strip()
        notices: list[Notice] = []
        at = float(now)
        if floor is not None:
            if now < floor - self.policy.floor_tolerance_s:
                notices.append(Notice(WarningCode.CLOCK_BELOW_FLOOR, t(
                    f"系统时钟早于可信时间下限 {iso_utc(floor)}，请检查电脑时间",
                    f"the clock is behind the trusted floor {iso_utc(floor)}; check the PC's time"),
                    {"floor": floor, "now": now}))
            at = max(at, float(floor))
        result = self._dispatch(value, at)
        if at != now:
            result = replace(result, evidence={**result.evidence, "judged_at": at})
        return result.with_warnings(*notices) if notices else result

    def _dispatch(self, value: str, at: float) -> CodeResult:
        entry = self._formats.get(value[:4])
        if entry is not None:
            return entry.handler(value[4:], at, self.trust, self.policy)
        if _FUTURE_GX.match(value):
            return _unsupported(t("更新版本的健康码格式，本版本不支持",
                                  "a newer GX version this version does not know"),
                                prefix=value.split(":", 1)[0][:8])
        issuer = self.online.match(value)
        if issuer is not None:
            return deferred(value, issuer)
        if not value:
            return _unsupported(t("内容为空", "empty"))
        return _unsupported(t("不是可识别的健康码", "not a known code format"))

    def _flag_duplicate(self, result: CodeResult, now: float, history: ScanHistory) -> CodeResult:
        window = self.policy.duplicate_window_s
        if window <= 0:
            return result
        try:
            earlier = history.earlier_scan(result.code_id, result.person_ref, now - window, now)
        except Exception:  # noqa: BLE001 - a failing lookup must not stop the verdict
            log.exception("duplicate-scan lookup failed")
            return result
        if earlier is None:
            return result
        when = iso_utc(earlier.clock_ts)
        what = (t("同一码", "the same code") if earlier.matched == "code"
                else t("同一人", "the same person"))
        notice = Notice(WarningCode.DUPLICATE_SCAN, t(
            f"{what}已于 {when} 在本站扫过", f"{what} was scanned here at {when}"),
            {"earlier_id": earlier.screening_id, "earlier_at": when, "matched": earlier.matched})
        return result.with_warnings(notice, duplicate_of=earlier.screening_id)
