"""Idempotency keys for transaction Bundles (docs/SYNC_PROTOCOL.md §4.3).

Stripe's rules (https://docs.stripe.com/api/idempotent_requests): the first result of a key
is stored and replayed; the same key with another payload is an error. Two differences,
both for a laptop that stays offline for weeks (DESIGN.md "Sync"): keys are kept for months
(`ICOPE_IDEMPOTENCY_RETENTION_DAYS`, default 180), and only successful results are stored,
so a Bundle refused for a cause that goes away (its Patient had not arrived yet) can be
retried with its key. The record is written in the Bundle's own transaction: a crash can
never leave a stored result without its data, or data without its result.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from icope_server.db import Database
from icope_server.models import IdempotencyRecord, utcnow
from icope_server.outcome import fail
from icope_server.resources import canonical_json

KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")


@dataclass(frozen=True, slots=True)
class StoredResult:
    status_code: int
    body: str
    replayed: bool
    letters_queued: int = 0


def check_key(key: str | None) -> str:
    if key is None or key == "":
        raise fail(
            400,
            "idempotency-key-missing",
            "En-tête Idempotency-Key manquant : une clé unique (UUID) par Bundle, renvoyée "
            "telle quelle à chaque nouvel essai.",
            "Missing Idempotency-Key header: one unique key (a UUID) per Bundle, sent again "
            "unchanged on every retry.",
            fhir_code="required",
        )
    if not KEY_PATTERN.match(key):
        raise fail(
            400,
            "idempotency-key-invalid",
            "Idempotency-Key : 1 à 255 caractères ASCII visibles.",
            "Idempotency-Key: 1 to 255 visible ASCII characters.",
        )
    return key


def request_hash(body: Any) -> str:
    """Hash of the parsed body: the same Bundle re-serialised by the client (key order,
    spacing) is the same request."""
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def run_once(
    db: Database,
    account_id: int,
    key: str,
    digest: str,
    work: Callable[[Session], tuple[int, dict[str, Any], int]],
) -> StoredResult:
    """Run `work` (status, body, letters queued) once per key; replay it afterwards."""

    def unit(session: Session) -> StoredResult:
        record = session.get(IdempotencyRecord, (account_id, key))
        if record is not None:
            if record.request_hash != digest:
                raise fail(
                    422,
                    "idempotency-key-reused",
                    "Cette Idempotency-Key a déjà servi pour un autre contenu : utilisez une "
                    "nouvelle clé pour un nouveau Bundle.",
                    "This Idempotency-Key was already used with another payload: use a new "
                    "key for a new Bundle.",
                    fhir_code="business-rule",
                )
            return StoredResult(record.status_code, record.response_body, replayed=True)
        status, response, letters = work(session)
        text = json.dumps(response, ensure_ascii=False, separators=(",", ":"))
        session.add(
            IdempotencyRecord(
                account_id=account_id,
                key=key,
                request_hash=digest,
                status_code=status,
                response_body=text,
                created_at=utcnow(),
            )
        )
        session.flush()  # a concurrent twin fails here and is retried into a replay
        return StoredResult(status, text, replayed=False, letters_queued=letters)

    return db.write(unit)


def purge_expired(db: Database, retention_days: int) -> int:
    cutoff = utcnow() - timedelta(days=retention_days)

    def work(session: Session) -> int:
        result = session.execute(
            delete(IdempotencyRecord).where(IdempotencyRecord.created_at < cutoff)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    return db.write(work)
