"""A fault-injecting TCP proxy on loopback, between a station and the sync server.

It reads whole HTTP/1.1 messages (Content-Length or chunked) so it can fail a request at a
chosen moment, and counts every fault it injected by type:

- ``refuse``: stop listening for a moment (connections are refused), dropping this one;
- ``drop_before``: close the connection before the request reaches the server;
- ``reset_before``: TCP reset before the request reaches the server;
- ``status_5xx``: answer 503 without forwarding;
- ``drop_after``: forward, let the server commit, close before the answer;
- ``reset_after``: forward, then reset instead of answering;
- ``delay``: forward, then hold the answer past the client's timeout;
- ``truncate``: forward, then send half of the answer and close;
- ``status_5xx_after``: forward (the server commits), then answer 502.
"""

from __future__ import annotations

import collections
import contextlib
import random
import socket
import struct
import threading
import time
from collections.abc import Iterable

BEFORE = ("refuse", "drop_before", "reset_before", "status_5xx")
AFTER = ("drop_after", "reset_after", "delay", "truncate", "status_5xx_after")
ALL_FAULTS = BEFORE + AFTER
IO_TIMEOUT = 30.0


class FaultPlan:
    """Which fault (if any) hits the next request: a script first, then a seeded rate."""

    def __init__(self, rate: float = 0.0, kinds: Iterable[str] = ALL_FAULTS, seed: int = 0,
                 script: Iterable[str | None] = (), paths: tuple[str, ...] = ("/v1/",)) -> None:
        self.rate = rate
        self.kinds = tuple(kinds)
        self.rng = random.Random(seed)
        self.script = collections.deque(script)
        self.paths = paths
        self._lock = threading.Lock()

    def next(self, path: str) -> str | None:
        """The fault for a request to ``path`` (None: pass it through)."""
        if not path.startswith(self.paths):
            return None
        with self._lock:
            if self.script:
                return self.script.popleft()
            if self.rate and self.rng.random() < self.rate:
                return self.rng.choice(self.kinds)
        return None


def _reset(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


class _Reader:
    """Buffered reads of HTTP messages from one socket."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buf = b""

    def _fill(self) -> bool:
        chunk = self.sock.recv(65536)
        if not chunk:
            return False
        self.buf += chunk
        return True

    def _take(self, n: int) -> bytes:
        while len(self.buf) < n:
            if not self._fill():
                raise ConnectionError("peer closed mid-message")
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _line(self) -> bytes:
        while b"\r\n" not in self.buf:
            if not self._fill():
                raise ConnectionError("peer closed mid-line")
        i = self.buf.index(b"\r\n") + 2
        out, self.buf = self.buf[:i], self.buf[i:]
        return out

    def message(self) -> tuple[bytes, str, dict[str, str]] | None:
        """One whole message: (raw bytes, start line, lower-cased headers); None at EOF."""
        while b"\r\n\r\n" not in self.buf:
            if not self._fill():
                if self.buf:
                    raise ConnectionError("peer closed mid-header")
                return None
        i = self.buf.index(b"\r\n\r\n") + 4
        head, self.buf = self.buf[:i], self.buf[i:]
        lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        body = b""
        if "content-length" in headers:
            body = self._take(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                size_line = self._line()
                parts.append(size_line)
                size = int(size_line.split(b";")[0].strip(), 16)
                parts.append(self._take(size + 2))
                if size == 0:
                    break
            body = b"".join(parts)
        return head + body, lines[0], headers


class FaultProxy:
    """Listens on 127.0.0.1 and forwards to ``upstream`` with faults from ``plan``."""

    def __init__(self, upstream_port: int, plan: FaultPlan | None = None, *,
                 delay: float = 2.0, refuse_for: float = 0.3) -> None:
        self.upstream_port = upstream_port
        self.plan = plan or FaultPlan()
        self.delay = delay
        self.refuse_for = refuse_for
        self.injected: collections.Counter[str] = collections.Counter()
        self.requests = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._listener: socket.socket | None = None
        self._listen_lock = threading.Lock()
        self._bind(0)
        self._acceptor = threading.Thread(target=self._accept_loop, name="faultproxy",
                                          daemon=True)
        self._acceptor.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _bind(self, port: int) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        sock.listen(64)
        sock.settimeout(0.1)
        self.port = int(sock.getsockname()[1])
        self._listener = sock

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            with self._listen_lock:
                listener = self._listener
            if listener is None:
                time.sleep(0.02)
                continue
            try:
                client, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            client.settimeout(IO_TIMEOUT)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _go_down(self) -> None:
        """Refuse connections for ``refuse_for`` seconds."""
        with self._listen_lock:
            if self._listener is None:
                return
            self._listener.close()
            self._listener = None

        def back() -> None:
            time.sleep(self.refuse_for)
            with self._listen_lock:
                if not self._stopping.is_set() and self._listener is None:
                    for _ in range(50):
                        try:
                            self._bind(self.port)
                            break
                        except OSError:
                            time.sleep(0.05)

        threading.Thread(target=back, daemon=True).start()

    def _count(self, fault: str) -> None:
        with self._lock:
            self.injected[fault] += 1

    def _serve(self, client: socket.socket) -> None:
        reader = _Reader(client)
        try:
            while not self._stopping.is_set():
                got = reader.message()
                if got is None:
                    break
                raw, start, _headers = got
                parts = start.split(" ")
                path = parts[1] if len(parts) > 1 else "/"
                with self._lock:
                    self.requests += 1
                fault = self.plan.next(path)
                if not self._forward(client, raw, fault):
                    return
        except (OSError, ConnectionError, ValueError):
            pass
        finally:
            with contextlib.suppress(OSError):
                client.close()

    def _forward(self, client: socket.socket, raw: bytes, fault: str | None) -> bool:
        """Handle one request; False when the client connection is finished."""
        if fault in BEFORE:
            self._count(str(fault))
            if fault == "refuse":
                self._go_down()
                _reset(client)
            elif fault == "drop_before":
                client.close()
            elif fault == "reset_before":
                _reset(client)
            else:
                client.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                               b"Connection: close\r\n\r\n")
                client.close()
            return False
        with socket.create_connection(("127.0.0.1", self.upstream_port), timeout=IO_TIMEOUT) \
                as upstream:
            upstream.sendall(raw)
            answer = _Reader(upstream).message()
        if answer is None:
            raise ConnectionError("server closed without answering")
        response, _, headers = answer
        if fault in AFTER:
            self._count(str(fault))
            if fault == "drop_after":
                client.close()
            elif fault == "reset_after":
                _reset(client)
            elif fault == "delay":
                time.sleep(self.delay)
                try:
                    client.sendall(response)
                finally:
                    client.close()
            elif fault == "truncate":
                client.sendall(response[: max(1, len(response) // 2)])
                client.close()
            else:
                client.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n"
                               b"Connection: close\r\n\r\n")
                client.close()
            return False
        client.sendall(response)
        return headers.get("connection", "").lower() != "close"

    def close(self) -> None:
        """Stop accepting; open connections end on their own."""
        self._stopping.set()
        with self._listen_lock:
            if self._listener is not None:
                self._listener.close()
                self._listener = None
        self._acceptor.join(5)

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
