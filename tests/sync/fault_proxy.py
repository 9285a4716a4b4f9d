"""A small seeded fault-injecting HTTP proxy between the app and the test server.

toxiproxy and netem are not available here (DESIGN.md "Sync"), so this proxy, on
127.0.0.1 only, reads each HTTP/1.1 request from the client, forwards it to the server on a
fresh upstream connection (`Connection: close`) and hands back the answer, unless the next
fault says otherwise:

* `refuse`: the connection is closed before anything is forwarded;
* `error500`: a 500 OperationOutcome, nothing forwarded;
* `timeout_before`: nothing forwarded, no answer until the client gives up;
* `timeout_after`: forwarded (the server commits), then no answer until the client gives up;
* `lose_response`: forwarded, then the connection is closed without an answer;
* `duplicate_request`: forwarded twice (a retransmission), the second answer is returned;
* `duplicate_response`: forwarded once, the answer's bytes sent twice on the connection;
* `malformed`: forwarded, the answer's body replaced by truncated JSON;
* `crash`: forwarded (the server commits), then the proxy goes down with no answer: the
  server "went down mid-batch"; every later connection is refused until `up()`;
* `down()` / `up()`: stop listening (connection refused) and start again.

Faults come from a script (one per request, in order) or from a seeded random chaos rate,
so every run of a test injects the same faults. The proxy counts what it forwarded.
"""

from __future__ import annotations

import contextlib
import random
import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

FAULTS = (
    "refuse",
    "error500",
    "timeout_before",
    "timeout_after",
    "lose_response",
    "duplicate_request",
    "duplicate_response",
    "malformed",
)
ERROR_500 = (
    b'{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"exception",'
    b'"details":{"text":"Erreur du proxy de test"},"diagnostics":"test proxy error"}]}'
)


def _read_message(sock: socket.socket, buffer: bytes) -> tuple[bytes, bytes] | None:
    """One HTTP message (head + Content-Length body) and what was read past it."""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        buffer += chunk
    head, rest = buffer.split(b"\r\n\r\n", 1)
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        rest += chunk
    return head + b"\r\n\r\n" + rest[:length], rest[length:]


def _with_header(head: bytes, name: bytes, value: bytes) -> bytes:
    lines = [
        line
        for line in head.split(b"\r\n")
        if line.partition(b":")[0].strip().lower() != name.lower()
    ]
    return b"\r\n".join([*lines, name + b": " + value])


def _split(message: bytes) -> tuple[bytes, bytes]:
    head, _, body = message.partition(b"\r\n\r\n")
    return head, body


@dataclass
class FaultProxy:
    upstream_port: int
    seed: int = 7
    hold_seconds: float = 1.5
    """How long a `timeout_*` fault keeps the client waiting (longer than its timeout)."""
    chaos_rate: float = 0.0
    forwarded: int = 0
    faults_applied: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._script: list[str | None] = []
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._stopping = threading.Event()
        self._clients: set[socket.socket] = set()
        self.port = 0
        self.up()

    # --- control -----------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def script(self, faults: Iterable[str | None]) -> None:
        """Apply these faults to the next requests, in order (None = pass through)."""
        with self._lock:
            self._script = list(faults)

    def chaos(self, rate: float) -> None:
        with self._lock:
            self.chaos_rate = rate

    def _next_fault(self) -> str | None:
        with self._lock:
            if self._script:
                return self._script.pop(0)
            if self.chaos_rate and self._rng.random() < self.chaos_rate:
                return self._rng.choice(FAULTS)
            return None

    def up(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._stopping.clear()
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        """Stop listening and drop open connections: the next connect is refused."""
        self._stopping.set()
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        with self._lock:
            clients = list(self._clients)
        for client in clients:
            with contextlib.suppress(OSError):
                client.shutdown(socket.SHUT_RDWR)
            client.close()

    close = down

    # --- machinery ---------------------------------------------------------------------

    def _accept(self, listener: socket.socket) -> None:
        while not self._stopping.is_set():
            try:
                client, _address = listener.accept()
            except OSError:
                return
            with self._lock:
                self._clients.add(client)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        buffer = b""
        try:
            while not self._stopping.is_set():
                read = _read_message(client, buffer)
                if read is None:
                    return
                request, buffer = read
                if not self._answer(client, request):
                    return
        except OSError:
            return
        finally:
            with self._lock:
                self._clients.discard(client)
            client.close()

    def _forward(self, request: bytes) -> bytes:
        head, body = _split(request)
        head = _with_header(head, b"Connection", b"close")
        with socket.create_connection(("127.0.0.1", self.upstream_port), timeout=30) as up:
            up.sendall(head + b"\r\n\r\n" + body)
            chunks = []
            while True:
                chunk = up.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        with self._lock:
            self.forwarded += 1
        return b"".join(chunks)

    def _answer(self, client: socket.socket, request: bytes) -> bool:
        """Serve one request; False when the connection must close."""
        fault = self._next_fault()
        if fault is not None:
            with self._lock:
                self.faults_applied.append(fault)
        if fault == "refuse":
            return False
        if fault == "error500":
            client.sendall(
                b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/fhir+json\r\n"
                + f"Content-Length: {len(ERROR_500)}\r\n\r\n".encode() + ERROR_500
            )
            return True
        if fault == "timeout_before":
            time.sleep(self.hold_seconds)
            return False
        response = self._forward(request)
        if fault == "crash":
            threading.Thread(target=self.down, daemon=True).start()
            return False
        if fault == "duplicate_request":
            response = self._forward(request)
        if fault in ("timeout_after", "lose_response"):
            if fault == "timeout_after":
                time.sleep(self.hold_seconds)
            return False
        head, body = _split(response)
        head = _with_header(head, b"Connection", b"close")
        if fault == "malformed":
            body = body[: max(1, len(body) // 2)] or b"{"
            head = _with_header(head, b"Content-Length", str(len(body)).encode())
        message = head + b"\r\n\r\n" + body
        client.sendall(message * 2 if fault == "duplicate_response" else message)
        return False
