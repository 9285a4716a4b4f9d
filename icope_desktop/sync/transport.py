"""HTTP client of the sync protocol: httpx, timeouts, TLS verification, bearer token,
retries with exponential backoff and full jitter (docs/SYNC_PROTOCOL.md §1, §2, §4, §8).

What is retried, and what is not (§8 "Client action"):

* a timeout, a refused or reset connection, a lost or unreadable answer, a `5xx`, a `409
  transaction-conflict`: retried with the *same* body and `Idempotency-Key`, so a request
  that did reach the server is answered from its stored result and never applied twice;
* a `401`: never retried (§2), the sync stops and asks for a new token;
* any other `4xx`: a refusal of the content, returned to the caller as `Refused` with the
  server's issues (French text and English diagnostics) so it can mark the named records.

Sleep and randomness are injected (`RetryPolicy`), so tests run the backoff instantly and
deterministically. Logs carry request ids, statuses and counts, never a body.
"""

# `Refused` is named after what happened, as the sync reads it (store/errors.py rule).
# ruff: noqa: N818

from __future__ import annotations

import json
import logging
import random
import re
import ssl
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from icope_desktop.i18n import Text
from icope_desktop.sync.errors import (
    AuthenticationRequired,
    BadAddress,
    Cancelled,
    ProtocolMismatch,
    ServerFailure,
    ServerUnreachable,
    TlsFailure,
)

log = logging.getLogger(__name__)

FHIR_JSON = "application/fhir+json"
ENTRY_INDEX = re.compile(r"Bundle\.entry\[(\d+)\]")
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
PROBE_TIMEOUT = httpx.Timeout(5.0, connect=3.0)


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter: sleep U(0, min(cap, base * 2^n)) (AWS
    Architecture Blog, "Exponential Backoff And Jitter")."""

    attempts: int = 5
    base_seconds: float = 0.5
    cap_seconds: float = 30.0
    random: Callable[[], float] = field(default=random.random)
    sleep: Callable[[float], None] = field(default=time.sleep)

    def delay(self, retry: int) -> float:
        return self.random() * min(self.cap_seconds, self.base_seconds * 2**retry)


@dataclass(frozen=True, slots=True)
class Issue:
    """One issue of an OperationOutcome (§8)."""

    code: str
    message: Text
    entries: tuple[int, ...]


class Refused(Exception):
    """A 4xx other than 401: the request's content was refused; nothing was stored."""

    def __init__(self, status: int, code: str, issues: tuple[Issue, ...]) -> None:
        super().__init__(f"{status} {code}")
        self.status = status
        self.code = code
        self.issues = issues

    @property
    def entries(self) -> set[int]:
        return {index for issue in self.issues for index in issue.entries}

    def message(self) -> Text:
        texts = [issue.message for issue in self.issues] or [
            Text(fr=f"Refusé par le serveur ({self.status}).", en=f"Refused by the server "
                 f"({self.status}).")
        ]
        return Text(fr=" ".join(t.fr for t in texts), en=" ".join(t.en for t in texts))


@dataclass(frozen=True, slots=True)
class TransactionResult:
    statuses: tuple[str, ...]
    locations: tuple[str, ...]
    replayed: bool


@dataclass(frozen=True, slots=True)
class TaskPage:
    tasks: tuple[dict[str, Any], ...]
    cursor: str
    total: int


class _Retryable(Exception):
    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


def _is_tls_error(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return True
        if "CERTIFICATE_VERIFY_FAILED" in str(seen) or "SSL" in type(seen).__name__:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _issues(body: Any) -> tuple[Issue, ...]:
    found = []
    for issue in (body or {}).get("issue") or []:
        if not isinstance(issue, dict):
            continue
        details = issue.get("details") or {}
        codings = details.get("coding") or [{}]
        text_fr = str(details.get("text") or issue.get("diagnostics") or "")
        text_en = str(issue.get("diagnostics") or text_fr)
        expressions = [str(expr) for expr in issue.get("expression") or []]
        entries = tuple(sorted({int(m) for e in expressions for m in ENTRY_INDEX.findall(e)}))
        code = str(codings[0].get("code") or "")
        found.append(Issue(code, Text(fr=text_fr, en=text_en), entries))
    return tuple(found)


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (ValueError, UnicodeDecodeError):
        return None


class HttpTransport:
    """One server, one practitioner's token; safe to use from one worker thread."""

    def __init__(
        self,
        base_url: str,
        token: str | None,
        *,
        retry: RetryPolicy | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        verify: bool | ssl.SSLContext = True,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.retry = retry or RetryPolicy()
        headers = {"Accept": FHIR_JSON, "User-Agent": "icope-desktop"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            self._client = httpx.Client(
                base_url=self.base_url,
                headers=headers,
                timeout=timeout,
                verify=verify,
                transport=transport,
                follow_redirects=False,
            )
        except (httpx.InvalidURL, ValueError):
            raise BadAddress() from None

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpTransport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- requests ----------------------------------------------------------------------

    def post_transaction(
        self, body: bytes, key: str, cancel: threading.Event | None = None
    ) -> TransactionResult:
        """POST one Bundle; the same `body` and `key` on every retry (§4.3)."""
        response = self._with_retries(
            lambda: self._send(
                "POST", "", content=body, headers={"Idempotency-Key": key,
                                                   "Content-Type": FHIR_JSON},
                expect_json=True,
            ),
            cancel,
        )
        data = _json(response)
        entries = data.get("entry") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise ProtocolMismatch()
        statuses, locations = [], []
        for entry in entries:
            answer = (entry or {}).get("response") or {}
            statuses.append(str(answer.get("status") or ""))
            locations.append(str(answer.get("location") or ""))
        return TransactionResult(
            tuple(statuses),
            tuple(locations),
            response.headers.get("Idempotency-Replayed") == "true",
        )

    def get_tasks(
        self, cursor: str | None, count: int = 100, cancel: threading.Event | None = None
    ) -> TaskPage:
        return self._feed("Task", cursor, count, cancel)

    def get_charge_items(
        self, cursor: str | None, count: int = 100, cancel: threading.Event | None = None
    ) -> TaskPage:
        """One page of the ChargeItem feed (§7.6), the same cursor rules as the Tasks'."""
        return self._feed("ChargeItem", cursor, count, cancel)

    def _feed(
        self, kind: str, cursor: str | None, count: int, cancel: threading.Event | None
    ) -> TaskPage:
        params: dict[str, Any] = {"_count": count}
        if cursor is not None:
            params["cursor"] = cursor
        response = self._with_retries(
            lambda: self._send("GET", kind, params=params, expect_json=True), cancel
        )
        data = _json(response)
        next_cursor = response.headers.get("ICOPE-Cursor")
        if not isinstance(data, dict) or next_cursor is None:
            raise ProtocolMismatch()
        tasks = tuple(
            e["resource"]
            for e in data.get("entry") or []
            if isinstance(e, dict) and isinstance(e.get("resource"), dict)
        )
        return TaskPage(tasks, next_cursor, int(data.get("total") or 0))

    def put_task(
        self, server_id: str, body: dict[str, Any], cancel: threading.Event | None = None
    ) -> dict[str, Any]:
        """PUT a decision (§5.3): retrying the same decision is answered 200, no new version."""
        content = json.dumps(body, ensure_ascii=False).encode()
        response = self._with_retries(
            lambda: self._send(
                "PUT", f"Task/{server_id}", content=content,
                headers={"Content-Type": FHIR_JSON}, expect_json=True,
            ),
            cancel,
        )
        data = _json(response)
        if not isinstance(data, dict) or data.get("resourceType") != "Task":
            raise ProtocolMismatch()
        return data

    def metadata(self, *, retries: bool = False) -> dict[str, Any]:
        """GET /metadata (no token needed): the cheap probe of connectivity."""

        def call() -> httpx.Response:
            return self._send("GET", "metadata", expect_json=True, timeout=PROBE_TIMEOUT)

        response = self._with_retries(call, None) if retries else self._once(call)
        data = _json(response)
        if not isinstance(data, dict) or data.get("resourceType") != "CapabilityStatement":
            raise ProtocolMismatch()
        return data

    def check_token(self) -> None:
        """An identifier search that matches nothing: 200 with a valid token, 401 without.
        It reads nothing and changes nothing on the server."""
        probe = f"urn:ietf:rfc:3986|urn:uuid:{uuid.uuid4()}"
        self._once(
            lambda: self._send(
                "GET", "Patient", params={"identifier": probe, "_count": 1},
                expect_json=True, timeout=PROBE_TIMEOUT,
            )
        )

    # --- machinery ---------------------------------------------------------------------

    def _send(
        self,
        method: str,
        path: str,
        *,
        expect_json: bool,
        timeout: httpx.Timeout | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        request_id = str(uuid.uuid4())
        headers = {"X-Request-Id": request_id, **kwargs.pop("headers", {})}
        try:
            response = self._client.request(
                method, path, headers=headers,
                timeout=timeout or self._client.timeout, **kwargs,
            )
        except (httpx.InvalidURL, httpx.UnsupportedProtocol):
            raise BadAddress() from None
        except httpx.TimeoutException as exc:
            log.info("sync %s %s: timeout (request %s)", method, path or "/", request_id)
            raise _Retryable(ServerUnreachable()) from exc
        except httpx.TransportError as exc:
            if _is_tls_error(exc):
                raise TlsFailure() from None
            log.info("sync %s %s: %s (request %s)", method, path or "/",
                     type(exc).__name__, request_id)
            raise _Retryable(ServerUnreachable()) from exc
        log.info("sync %s %s: %s (request %s)", method, path or "/",
                 response.status_code, request_id)
        status = response.status_code
        if status == 401:
            raise AuthenticationRequired()
        if status >= 500:
            raise _Retryable(ServerFailure())
        body = _json(response)
        if status == 409 and _first_code(body) == "transaction-conflict":
            raise _Retryable(ServerFailure())
        if 400 <= status < 500:
            issues = _issues(body)
            raise Refused(status, issues[0].code if issues else "", issues)
        if status >= 300:
            raise ProtocolMismatch()
        if expect_json and body is None:
            # A 2xx whose body was lost or garbled: the server may have committed, so the
            # same request again (same key) is answered from its stored result.
            raise _Retryable(ServerFailure())
        return response

    def _once(self, call: Callable[[], httpx.Response]) -> httpx.Response:
        try:
            return call()
        except _Retryable as wrapped:
            raise wrapped.error from None

    def _with_retries(
        self, call: Callable[[], httpx.Response], cancel: threading.Event | None
    ) -> httpx.Response:
        last: Exception = ServerUnreachable()
        for attempt in range(self.retry.attempts):
            if cancel is not None and cancel.is_set():
                raise Cancelled()
            if attempt:
                self.retry.sleep(self.retry.delay(attempt - 1))
            try:
                return call()
            except _Retryable as wrapped:
                last = wrapped.error
        raise last


def _first_code(body: Any) -> str | None:
    issues = _issues(body)
    return issues[0].code if issues else None
