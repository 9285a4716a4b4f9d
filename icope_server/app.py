"""The HTTP API (FastAPI): FHIR R4 JSON endpoints of docs/SYNC_PROTOCOL.md.

Endpoints run their database work in worker threads with short sessions; nothing that
matters lives in the process (issue 6: several processes behind a load balancer on one
PostgreSQL). Logs carry method, path, status, duration, request id, account id and counts,
never query strings (an `identifier=` search holds an INS) nor bodies.

No `from __future__ import annotations` here: FastAPI reads the endpoints' annotations
(local `Annotated` aliases included) when the routes are declared.
"""

import json
import logging
import re
import time
import traceback
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from email.utils import format_datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from icope_server.accounts import Caller, authenticate
from icope_server.capability import SOFTWARE_VERSION, capability_statement
from icope_server.charge_feed import pull_charge_items
from icope_server.codes import READABLE_TYPES
from icope_server.db import Database
from icope_server.idempotency import StoredResult, check_key, request_hash, run_once
from icope_server.letters import Dispatcher, SmtpRelay
from icope_server.models import utcnow
from icope_server.outcome import FhirError, Issue, fail
from icope_server.outcome import Message as Text
from icope_server.resources import etag, fhir_instant, get_owned, search_identifier, to_fhir
from icope_server.settings import Settings, settings_from_env
from icope_server.tasks import apply_decision, parse_cursor, parse_decision, parse_if_match, pull
from icope_server.transaction import execute, plan_bundle
from icope_server.validation import Where, model_class

log = logging.getLogger("icope_server.access")
errors_log = logging.getLogger("icope_server.errors")

FHIR_JSON = "application/fhir+json; charset=utf-8"
JSON_TYPES = ("application/fhir+json", "application/json")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
MAX_COUNT = 200

ResourceType = StrEnum("ResourceType", {t: t for t in READABLE_TYPES})  # type: ignore[misc]

BUNDLE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["resourceType", "type", "entry"],
    "properties": {
        "resourceType": {"type": "string", "enum": ["Bundle"]},
        "type": {"type": "string", "enum": ["transaction"]},
        "entry": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "fullUrl": {"type": "string"},
                    "resource": {
                        "type": "object",
                        "properties": {"resourceType": {"type": "string"}},
                        "required": ["resourceType"],
                    },
                    "request": {
                        "type": "object",
                        "properties": {
                            "method": {"type": "string", "enum": ["POST", "PUT"]},
                            "url": {"type": "string"},
                            "ifNoneExist": {"type": "string"},
                        },
                        "required": ["method", "url"],
                    },
                },
            },
        },
    },
    "description": "FHIR R4 Bundle of type transaction (docs/SYNC_PROTOCOL.md §4).",
}
_P = "urn:uuid:6f1c1f0e-8d9a-4c65-9a54-0c8f3e0d2b11"
_E = "urn:uuid:a7e3c2d1-5b6f-4e8a-9c0d-1e2f3a4b5c6d"
_C = "urn:uuid:e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b"
BUNDLE_EXAMPLE: dict[str, Any] = {
    "resourceType": "Bundle",
    "type": "transaction",
    "entry": [
        {
            "fullUrl": _P,
            "resource": {
                "resourceType": "Patient",
                "identifier": [{"system": "urn:ietf:rfc:3986", "value": _P}],
                "name": [{"family": "Exemple", "given": ["Jeanne"]}],
                "gender": "female",
                "birthDate": "1948-03-12",
                "address": [{"postalCode": "44300", "city": "Nantes"}],
            },
            "request": {"method": "PUT", "url": f"Patient?identifier=urn:ietf:rfc:3986|{_P}"},
        },
        {
            "fullUrl": _E,
            "resource": {
                "resourceType": "Encounter",
                "identifier": [{"system": "urn:ietf:rfc:3986", "value": _E}],
                "status": "finished",
                "class": {
                    "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                    "code": "HH",
                },
                "subject": {"reference": _P},
                "period": {"start": "2025-03-04T09:00:00+01:00"},
            },
            "request": {
                "method": "POST",
                "url": "Encounter",
                "ifNoneExist": f"identifier=urn:ietf:rfc:3986|{_E}",
            },
        },
        {
            "fullUrl": _C,
            "resource": {
                "resourceType": "ChargeItem",
                "identifier": [{"system": "urn:ietf:rfc:3986", "value": _C}],
                "status": "billable",
                "code": {
                    "coding": [
                        {
                            "system": "https://icope.example/fhir/CodeSystem/icope",
                            "code": "step1",
                            "display": "Repérage ICOPE (Step 1)",
                        }
                    ]
                },
                "subject": {"reference": _P},
                "context": {"reference": _E},
                "occurrenceDateTime": "2025-03-04T09:00:00+01:00",
                "priceOverride": {"value": 25.0, "currency": "EUR"},
            },
            "request": {
                "method": "POST",
                "url": "ChargeItem",
                "ifNoneExist": f"identifier=urn:ietf:rfc:3986|{_C}",
            },
        },
    ],
}
TASK_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["resourceType", "status"],
    "properties": {
        "resourceType": {"type": "string", "enum": ["Task"]},
        "status": {"type": "string"},
        "businessStatus": {"type": "object"},
        "statusReason": {"type": "object"},
        "note": {"type": "array", "items": {"type": "object"}},
        "output": {"type": "array", "items": {"type": "object"}},
    },
    "description": "The Task with its decision elements (docs/SYNC_PROTOCOL.md §5.3).",
}
OUTCOME_RESPONSE: dict[str, Any] = {
    "description": "OperationOutcome (docs/SYNC_PROTOCOL.md §8)",
    "content": {"application/fhir+json": {"schema": {"type": "object"}}},
}
FHIR_RESPONSE: dict[str, Any] = {
    "content": {"application/fhir+json": {"schema": {"type": "object"}}}
}


class PayloadTooLargeError(Exception):
    """Raised while reading a request body past `max_body_bytes`."""


def fhir_response(
    body: dict[str, Any] | str, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    response = Response(text, status_code=status, headers=headers)
    response.headers["content-type"] = FHIR_JSON
    return response


def error_response(error: FhirError) -> Response:
    return fhir_response(error.outcome(), error.status, error.headers)


class BodyLimitMiddleware:
    """413 beyond the limit, from Content-Length when given, else while streaming."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            response = error_response(_too_large(self.max_bytes))
            await response(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise PayloadTooLargeError()
            return message

        await self.app(scope, limited, send)


def _too_large(max_bytes: int) -> FhirError:
    megabytes = max_bytes / (1024 * 1024)
    return fail(
        413,
        "payload-too-large",
        f"Requête trop volumineuse (plus de {megabytes:g} Mo) : envoyez des lots plus petits.",
        f"Request too large (over {megabytes:g} MB): send smaller batches.",
        fhir_code="too-long",
    )


def create_app(settings: Settings, db: Database | None = None) -> FastAPI:
    """The ASGI app. `db` is shared when given (tests, demo); built from settings otherwise."""
    database = db or Database(settings.database_url)
    owns_db = db is None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        for resource_type in READABLE_TYPES:  # import the FHIR models now, not on a request
            model_class(resource_type)
        dispatcher = None
        if settings.smtp_url:
            dispatcher = Dispatcher(database, settings, SmtpRelay.from_url(settings.smtp_url))
            dispatcher.start()
        app.state.dispatcher = dispatcher
        try:
            yield
        finally:
            if dispatcher is not None:
                dispatcher.stop()
            if owns_db:
                database.dispose()

    app = FastAPI(
        title="ICOPE regional server",
        version=SOFTWARE_VERSION,
        description="HL7 FHIR R4 JSON sync endpoints of the ICOPE regional server. The "
        "normative description is docs/SYNC_PROTOCOL.md.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.db = database
    app.state.dispatcher = None
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    _install_handlers(app, settings)
    _install_access_log(app)
    _install_routes(app, settings, database)
    return app


def create_app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory` worker processes (`serve --workers N`)."""
    return create_app(settings_from_env())


# -- errors ---------------------------------------------------------------------------------


def _install_handlers(app: FastAPI, settings: Settings) -> None:
    @app.exception_handler(FhirError)
    async def _fhir_error(request: Request, error: FhirError) -> Response:
        request.state.error_codes = ",".join(issue.code for issue in error.issues)
        return error_response(error)

    @app.exception_handler(PayloadTooLargeError)
    async def _too_large_error(request: Request, error: PayloadTooLargeError) -> Response:
        return error_response(_too_large(settings.max_body_bytes))

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, error: RequestValidationError) -> Response:
        issues = []
        for detail in error.errors():
            loc = ".".join(str(part) for part in detail.get("loc", ()))
            issues.append(
                Issue(
                    "invalid-request",
                    Text(f"Paramètre invalide : {loc}.", f"Invalid parameter: {loc}."),
                    fhir_code="invalid",
                )
            )
        return error_response(FhirError(400, issues))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, error: StarletteHTTPException) -> Response:
        if error.status_code == 405:
            failure = fail(
                405,
                "method-not-allowed",
                "Méthode non permise sur cette adresse.",
                "Method not allowed on this path.",
                fhir_code="not-supported",
            )
        elif error.status_code == 404:
            failure = fail(
                404,
                "not-found",
                "Adresse inconnue de ce serveur FHIR.",
                "Unknown path on this FHIR server.",
                fhir_code="not-found",
            )
        else:
            failure = fail(
                error.status_code,
                "invalid-request",
                "Requête refusée.",
                "Request refused.",
            )
        return error_response(failure)

    @app.exception_handler(OperationalError)
    async def _db_down(request: Request, error: OperationalError) -> Response:
        errors_log.error(
            "database unavailable (%s) rid=%s",
            type(error.orig).__name__,
            getattr(request.state, "request_id", "-"),
        )
        return error_response(
            fail(
                503,
                "database-unavailable",
                "Base de données momentanément indisponible : réessayez plus tard.",
                "Database temporarily unavailable: retry later.",
                fhir_code="transient",
                headers={"Retry-After": "5"},
            )
        )


def _unexpected(request: Request, error: Exception) -> Response:
    """500 for a bug. Only the type and the code lines are logged: an exception's message
    may hold request data (patient names), and it never reaches uvicorn's own logger."""
    frames = "".join(traceback.format_tb(error.__traceback__))
    errors_log.error(
        "unexpected %s rid=%s\n%s",
        type(error).__name__,
        getattr(request.state, "request_id", "-"),
        frames,
    )
    return error_response(
        fail(
            500,
            "server-error",
            "Erreur du serveur : réessayez plus tard (même clé d'idempotence).",
            "Server error: retry later (same idempotency key).",
            fhir_code="exception",
        )
    )


def _install_access_log(app: FastAPI) -> None:
    @app.middleware("http")
    async def _access(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        given = request.headers.get("x-request-id", "")
        request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        request.state.request_id = request_id
        started = time.perf_counter()
        try:
            response = await call_next(request)
        except Exception as error:  # a bug: answer 500 here, before Starlette logs it whole
            response = _unexpected(request, error)
        response.headers["X-Request-Id"] = request_id
        caller = getattr(request.state, "account_id", None)
        counts = getattr(request.state, "counts", "")
        codes = getattr(request.state, "error_codes", "")
        log.info(
            "%s %s %d %.1fms rid=%s account=%s%s%s",
            request.method,
            request.url.path,
            response.status_code,
            (time.perf_counter() - started) * 1000,
            request_id,
            caller if caller is not None else "-",
            f" {counts}" if counts else "",
            f" errors={codes}" if codes else "",
        )
        return response


# -- routes ---------------------------------------------------------------------------------


def _base_url(request: Request, settings: Settings) -> str:
    base = settings.public_base_url or str(request.base_url)
    return base if base.endswith("/") else base + "/"


def _searchset(
    request: Request,
    settings: Settings,
    resources: list[dict[str, Any]],
    *,
    total: int,
    self_url: str,
    next_url: str | None = None,
) -> dict[str, Any]:
    base = _base_url(request, settings)
    links = [{"relation": "self", "url": self_url}]
    if next_url:
        links.append({"relation": "next", "url": next_url})
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "meta": {"lastUpdated": fhir_instant(utcnow())},
        "total": total,
        "link": links,
        "entry": [
            {
                "fullUrl": f"{base}{r['resourceType']}/{r['id']}",
                "resource": r,
                "search": {"mode": "match"},
            }
            for r in resources
        ],
    }


def _install_routes(app: FastAPI, settings: Settings, db: Database) -> None:
    bearer = HTTPBearer(auto_error=False, description="Practitioner token (docs/SERVER.md)")

    def current_caller(
        request: Request,
        _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> Caller:
        with db.read() as session:
            caller = authenticate(
                session, request.headers.get("authorization"), demo=settings.demo
            )
        request.state.account_id = caller.account_id
        return caller

    CallerDep = Annotated[Caller, Depends(current_caller)]  # noqa: N806

    errors: dict[int | str, dict[str, Any]] = {
        status: OUTCOME_RESPONSE for status in (400, 401, 404, 409, 410, 412, 413, 422)
    }

    @app.get(
        "/metadata",
        summary="CapabilityStatement",
        tags=["FHIR"],
        response_class=Response,
        responses={200: FHIR_RESPONSE},
    )
    def metadata(request: Request) -> Response:
        return fhir_response(capability_statement(_base_url(request, settings)))

    @app.get(
        "/healthz",
        summary="Liveness for a load balancer (checks the database)",
        tags=["operations"],
        response_class=Response,
        responses={200: OUTCOME_RESPONSE, 503: OUTCOME_RESPONSE},
    )
    def health() -> Response:
        with db.read() as session:
            session.connection().exec_driver_sql("SELECT 1")
        return fhir_response(
            {
                "resourceType": "OperationOutcome",
                "issue": [
                    {
                        "severity": "information",
                        "code": "informational",
                        "details": {"text": "Serveur opérationnel."},
                        "diagnostics": "Server up.",
                    }
                ],
            }
        )

    @app.post(
        "/",
        summary="Process a FHIR transaction Bundle (all or nothing, idempotent)",
        tags=["FHIR"],
        response_class=Response,
        responses={200: FHIR_RESPONSE, 405: OUTCOME_RESPONSE, 415: OUTCOME_RESPONSE, **errors},
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/fhir+json": {
                        "schema": BUNDLE_SCHEMA,
                        "example": BUNDLE_EXAMPLE,
                    },
                    "application/json": {"schema": BUNDLE_SCHEMA},
                },
            }
        },
    )
    async def transaction(
        request: Request,
        caller: CallerDep,
        idempotency_key: Annotated[
            str | None,
            Header(
                alias="Idempotency-Key",
                description="One unique key per Bundle, resent unchanged on retries "
                "(docs/SYNC_PROTOCOL.md §4.3).",
            ),
        ] = None,
    ) -> Response:
        key = check_key(idempotency_key)
        body = await _json_body(request)
        result = await run_in_threadpool(_process_transaction, db, caller, key, body)
        request.state.counts = f"entries={len(body.get('entry') or [])}"
        dispatcher = getattr(request.app.state, "dispatcher", None)
        if result.letters_queued and dispatcher is not None:
            dispatcher.wake()
        headers = {"Idempotency-Replayed": "true"} if result.replayed else {}
        return fhir_response(result.body, result.status_code, headers)

    @app.put(
        "/Task/{task_id}",
        summary="Record an alert decision (docs/SYNC_PROTOCOL.md §5.3)",
        tags=["FHIR"],
        response_class=Response,
        responses={200: FHIR_RESPONSE, 415: OUTCOME_RESPONSE, **errors},
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/fhir+json": {"schema": TASK_SCHEMA},
                    "application/json": {"schema": TASK_SCHEMA},
                },
            }
        },
    )
    async def decide(
        request: Request,
        task_id: Annotated[str, Path(max_length=64, pattern=r"^[A-Za-z0-9\-.]+$")],
        caller: CallerDep,
        if_match: Annotated[str | None, Header(alias="If-Match")] = None,
    ) -> Response:
        body = await _json_body(request)
        version = parse_if_match(if_match)
        task = await run_in_threadpool(_decide, db, caller, task_id, body, version)
        return fhir_response(task, headers={"ETag": f'W/"{task["meta"]["versionId"]}"'})

    @app.get(
        "/{resource_type}/{resource_id}",
        summary="Read one of the caller's resources",
        tags=["FHIR"],
        response_class=Response,
        responses={200: FHIR_RESPONSE, **errors},
    )
    def read(
        resource_type: ResourceType,  # type: ignore[valid-type]
        resource_id: Annotated[str, Path(max_length=64, pattern=r"^[A-Za-z0-9\-.]+$")],
        caller: CallerDep,
    ) -> Response:
        with db.read() as session:
            row = get_owned(session, caller.account_id, str(resource_type.value), resource_id)
            if row is None:
                raise fail(
                    404,
                    "not-found",
                    "Ressource introuvable.",
                    "Resource not found.",
                    fhir_code="not-found",
                )
            resource = to_fhir(row)
            headers = {"ETag": etag(row), "Last-Modified": _http_date(row.last_updated)}
        return fhir_response(resource, headers=headers)

    @app.get(
        "/{resource_type}",
        summary="Search the caller's resources by identifier; Task and ChargeItem feeds by "
        "cursor",
        tags=["FHIR"],
        response_class=Response,
        responses={200: FHIR_RESPONSE, **errors},
    )
    def search(
        request: Request,
        resource_type: ResourceType,  # type: ignore[valid-type]
        caller: CallerDep,
        identifier: Annotated[
            str | None, Query(max_length=600, description="system|value")
        ] = None,
        cursor: Annotated[
            str | None, Query(max_length=64, description="Task and ChargeItem feeds")
        ] = None,
        owner: Annotated[str | None, Query(max_length=200, description="Task only")] = None,
        count: Annotated[int | None, Query(alias="_count", ge=1, le=MAX_COUNT)] = None,
    ) -> Response:
        rtype = str(resource_type.value)
        if any("\x00" in value for value in request.query_params.values()):
            raise _nul_refused()
        feeds = {"Task": {"cursor", "owner"}, "ChargeItem": {"cursor"}}
        allowed = {"identifier", "_count"} | feeds.get(rtype, set())
        unknown = sorted(set(request.query_params.keys()) - allowed)
        if unknown:
            raise fail(
                400,
                "search-parameter-not-supported",
                f"Paramètre de recherche non pris en charge : {', '.join(unknown)[:100]}.",
                f"Search parameter not supported: {', '.join(unknown)[:100]}.",
                fhir_code="not-supported",
            )
        self_url = f"{_base_url(request, settings)}{rtype}"
        if request.url.query:
            self_url += "?" + request.url.query
        if identifier is not None or rtype not in feeds:
            if identifier is None:
                raise fail(
                    400,
                    "search-parameter-not-supported",
                    "Recherche sans paramètre : indiquez identifier=système|valeur.",
                    "Search without a parameter: give identifier=system|value.",
                    fhir_code="not-supported",
                )
            system, bar, value = identifier.partition("|")
            if not bar:
                system, value = "", identifier
            with db.read() as session:
                rows = search_identifier(
                    session,
                    caller.account_id,
                    rtype,
                    system or None,
                    value,
                    limit=count or 50,
                )
                resources = [to_fhir(row) for row in rows]
            request.state.counts = f"results={len(resources)}"
            return fhir_response(
                _searchset(request, settings, resources, total=len(resources), self_url=self_url)
            )
        position = parse_cursor(cursor)
        size = count or 100
        base = _base_url(request, settings)
        if rtype == "ChargeItem":
            with db.read() as session:
                page = pull_charge_items(session, caller.account_id, position, size)
            next_url = f"{base}ChargeItem?cursor={page.cursor}&_count={size}"
            request.state.counts = f"results={len(page.resources)} cursor={page.cursor}"
            return fhir_response(
                _searchset(request, settings, page.resources, total=page.total,
                           self_url=self_url, next_url=next_url),
                headers={"ICOPE-Cursor": page.cursor},
            )
        mine = owner is None or owner in (
            f"Practitioner/{caller.practitioner_id}",
            caller.practitioner_id,
        )
        if mine:
            with db.read() as session:
                page = pull(session, caller.account_id, position, size)
            resources, total, next_cursor = page.resources, page.total, page.cursor
        else:
            resources, total, next_cursor = [], 0, str(position)
        owner_part = f"owner={owner}&" if owner else ""
        next_url = f"{base}Task?{owner_part}cursor={next_cursor}&_count={size}"
        request.state.counts = f"results={len(resources)} cursor={next_cursor}"
        return fhir_response(
            _searchset(
                request, settings, resources, total=total, self_url=self_url, next_url=next_url
            ),
            headers={"ICOPE-Cursor": next_cursor},
        )


async def _json_body(request: Request) -> dict[str, Any]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in JSON_TYPES:
        raise fail(
            415,
            "unsupported-media-type",
            "Corps attendu en application/fhir+json.",
            "Body expected as application/fhir+json.",
            fhir_code="not-supported",
        )
    raw = await request.body()
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, ValueError, RecursionError):
        body = None
    if not isinstance(body, dict):
        raise fail(
            400,
            "malformed-json",
            "Corps illisible : un objet JSON est attendu.",
            "Unreadable body: a JSON object is expected.",
            fhir_code="structure",
        )
    if b"\\u0000" in raw and _holds_nul(body):
        raise _nul_refused()
    return body


def _holds_nul(value: Any, depth: int = 0) -> bool:
    """FHIR strings exclude control characters, and PostgreSQL text cannot store U+0000:
    refused here rather than failing in the database."""
    if isinstance(value, str):
        return "\x00" in value
    if depth > 100:
        return False
    if isinstance(value, dict):
        return any(_holds_nul(k, depth) or _holds_nul(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v, depth + 1) for v in value)
    return False


def _nul_refused() -> FhirError:
    return fail(
        400,
        "invalid-request",
        "Le caractère NUL (U+0000) est interdit.",
        "The NUL character (U+0000) is not allowed.",
        fhir_code="value",
    )


def _process_transaction(
    db: Database, caller: Caller, key: str, body: dict[str, Any]
) -> StoredResult:
    digest = request_hash(body)
    plan = plan_bundle(body)

    def work(session: Any) -> tuple[int, dict[str, Any], int]:
        outcome = execute(session, caller, plan)
        return 200, outcome.response, outcome.letters_queued

    return run_once(db, caller.account_id, key, digest, work)


def _decide(
    db: Database, caller: Caller, task_id: str, body: dict[str, Any], version: int | None
) -> dict[str, Any]:
    where = Where.resource("Task")
    if body.get("resourceType") != "Task":
        raise fail(
            400,
            "invalid-request",
            "Le corps doit être une Task.",
            "The body must be a Task.",
            expression="Task.resourceType",
        )
    if "id" in body and body["id"] != task_id:
        raise fail(
            400,
            "invalid-request",
            "L'id de la Task ne correspond pas à l'adresse.",
            "The Task's id does not match the URL.",
            expression="Task.id",
        )
    decision, issues = parse_decision(body, where)
    if issues or decision is None:
        raise FhirError(422, issues)

    def work(session: Any) -> dict[str, Any]:
        row, _changed = apply_decision(
            session, caller.account_id, task_id, decision, where=where, if_match=version
        )
        return to_fhir(row)

    return db.write(work)


def _http_date(moment: datetime) -> str:
    return format_datetime(moment, usegmt=True)
