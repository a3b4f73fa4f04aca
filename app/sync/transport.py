"""HTTP to the central server, with every failure sorted into what the engine does next.

- :class:`Offline`: the server was not reached (refused, no route, connect timeout).
- :class:`OutcomeUnknown`: the request may have been applied (read timeout, a connection
  dropped or reset after sending, a truncated or unreadable answer): retry with the same ids.
- :class:`ServerBusy`: 5xx or 429: retry later.
- :class:`AuthRejected`: 401/403: stop the run and say so.
- :class:`ProtocolError`: any other refusal of the request as a whole: stop the run.

TLS verification is on; ``pin_sha256`` additionally pins the server certificate.
"""

from __future__ import annotations

import gzip
import json
import time
from typing import Any

import orjson
import requests
from requests.adapters import HTTPAdapter

from app.errors import KnownError
from app.text import t

DEFAULT_TIMEOUT = (5.0, 30.0)


class TransportError(KnownError):
    """A retryable failure of one request."""

    kind = "transport"


class Offline(TransportError):
    """The server could not be reached."""

    kind = "offline"


class OutcomeUnknown(TransportError):
    """The request may or may not have been applied."""

    kind = "unknown"


class ServerBusy(TransportError):
    """The server answered with a temporary error."""

    kind = "busy"


class AuthRejected(KnownError):
    """The server refused this station's credential (or enrolment code)."""

    def __init__(self, message: str, *, reason: str = "", hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.reason = reason


class ProtocolError(KnownError):
    """The server refused the request as a whole; retrying the same request will not help."""

    def __init__(self, message: str, *, status: int = 0, reason: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason


class TlsFailure(KnownError):
    """The server's certificate did not verify or did not match the pin."""


class _PinnedAdapter(HTTPAdapter):
    """Checks the server certificate's SHA-256 fingerprint on every connection."""

    def __init__(self, fingerprint: str) -> None:
        self._fingerprint = fingerprint.replace(":", "").lower()
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["assert_fingerprint"] = self._fingerprint
        super().init_poolmanager(*args, **kwargs)


class Transport:
    """A requests session bound to one server and (after enrolment) one credential."""

    def __init__(
        self,
        base_url: str,
        credential: str | None = None,
        *,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        verify: bool | str = True,
        pin_sha256: str | None = None,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.credential = credential
        self.timeout = timeout
        self.session = session or requests.Session()
        self.session.verify = verify
        if pin_sha256:
            self.session.mount("https://", _PinnedAdapter(pin_sha256))
        self.last_server_time: float | None = None

    def close(self) -> None:
        """Drop pooled connections."""
        self.session.close()

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json", "User-Agent": "GridDesk-station/1"}
        if self.credential:
            headers["Authorization"] = f"Bearer {self.credential}"
        return headers

    def get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """GET a JSON document."""
        return self._request("GET", path, params=params)

    def post(self, path: str, doc: Any, *, compress: bool = False) -> dict[str, Any]:
        """POST a JSON document (gzip-compressed when asked)."""
        return self.post_json(path, encode_json(doc), compress=compress)

    def post_json(self, path: str, data: bytes, *, compress: bool = False) -> dict[str, Any]:
        """POST an already encoded JSON document (UTF-8)."""
        headers = {"Content-Type": "application/json"}
        if compress:
            # Level 1: on these bodies (canonical JSON records) it compresses within a few
            # per cent of level 3-6 at a fraction of the CPU time.
            data = gzip.compress(data, compresslevel=1)
            headers["Content-Encoding"] = "gzip"
        return self._request("POST", path, data=data, extra=headers)

    def _request(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                 data: bytes | None = None, extra: dict[str, str] | None = None) -> dict[str, Any]:
        headers = {**self._headers(), **(extra or {})}
        try:
            response = self.session.request(method, self.base_url + path, params=params,
                                            data=data, headers=headers, timeout=self.timeout)
            body = response.content  # reads everything: a truncated answer fails here
        except requests.exceptions.SSLError as exc:
            raise TlsFailure(t("服务器证书校验失败", "server certificate did not verify"),
                             hint=str(exc)[:200]) from exc
        except requests.exceptions.ConnectTimeout as exc:
            raise Offline(t("连接服务器超时", "connecting to the server timed out")) from exc
        except requests.exceptions.ConnectionError as exc:
            if _never_connected(exc):
                raise Offline(t("无法连接服务器（网络不通）", "cannot reach the server")) from exc
            raise OutcomeUnknown(t("连接中断，结果未知，将按原编号重试",
                                   "connection lost; outcome unknown, will retry")) from exc
        except requests.exceptions.Timeout as exc:
            raise OutcomeUnknown(t("服务器应答超时，结果未知，将按原编号重试",
                                   "server answer timed out; will retry")) from exc
        except requests.exceptions.RequestException as exc:
            raise OutcomeUnknown(t("应答不完整，将重试", "incomplete answer; will retry")) from exc
        return self._answer(response.status_code, body)

    def _answer(self, status: int, body: bytes) -> dict[str, Any]:
        try:
            doc = orjson.loads(body) if body else {}
        except orjson.JSONDecodeError:
            try:
                doc = json.loads(body)
            except (ValueError, RecursionError):
                doc = None
        if isinstance(doc, dict) and isinstance(doc.get("server_time"), int | float):
            self.last_server_time = float(doc["server_time"])
        reason = str(doc.get("error", "")) if isinstance(doc, dict) else ""
        if status in (401, 403):
            raise AuthRejected(_auth_message(reason), reason=reason)
        if status == 429 or status >= 500:
            raise ServerBusy(t(f"服务器暂时不可用（{status}）", f"server unavailable ({status})"))
        if status >= 400:
            raise ProtocolError(t(f"服务器拒绝了请求（{status} {reason}）",
                                  f"server refused the request ({status} {reason})"),
                                status=status, reason=reason)
        if not isinstance(doc, dict):
            raise OutcomeUnknown(t("服务器应答无法读取，将重试", "unreadable answer; will retry"))
        return doc


def encode_json(doc: Any) -> bytes:
    """Compact UTF-8 JSON (non-ASCII as is), as ``json.dumps(ensure_ascii=False)`` writes it."""
    try:
        return orjson.dumps(doc)
    except TypeError:  # e.g. an integer beyond 64 bits: the standard encoder copes
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _never_connected(exc: requests.exceptions.ConnectionError) -> bool:
    text = repr(exc)
    return any(s in text for s in ("NewConnectionError", "Connection refused",
                                   "Name or service not known", "No route to host",
                                   "Failed to establish"))


_AUTH_REASONS = {
    "revoked": ("本站已被中心吊销，请联系管理员重新注册", "this station has been revoked"),
    "unknown": ("中心不认识本站凭证，请重新注册", "the server does not know this station"),
    "missing": ("本站尚未注册", "this station is not enrolled"),
    "malformed": ("本站凭证已损坏，请重新注册", "the station credential is damaged"),
    "unknown_code": ("注册码无效", "enrolment code not recognised"),
    "used_code": ("注册码已被使用", "enrolment code already used"),
    "expired_code": ("注册码已过期", "enrolment code expired"),
    "wrong_division": ("注册码不属于本站辖区", "enrolment code is for another division"),
}


def _auth_message(reason: str) -> str:
    zh, en = _AUTH_REASONS.get(reason, ("中心拒绝了本站的身份", "the server refused this station"))
    return t(f"认证失败：{zh}", f"authentication failed: {en}")


def monotonic() -> float:
    """Clock for rates and timeouts (injectable in tests by passing another callable)."""
    return time.monotonic()
