"""The audit trail: who did what, when, on which record (ids and codes only).

Events are written in the same transaction as the change they describe, so the trail
can never miss a change nor record one that was rolled back. `details` hold codes and
ids, never names, birth dates or INS: the trail may be exported for the programme's
administrator, and it stays readable without exposing anyone (HELPERS.md "Errors").
The table is append-only (SQLite triggers refuse UPDATE and DELETE).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from icope_desktop.store.database import Database
from icope_desktop.store.models import AuditEventRow
from icope_desktop.store.records import AuditEntry, JsonValue, PractitionerId


def record_event(
    session: Session,
    *,
    at: datetime,
    actor_id: UUID | None,
    action: str,
    entity: str | None = None,
    entity_id: UUID | None = None,
    details: Mapping[str, JsonValue] | None = None,
) -> None:
    session.add(
        AuditEventRow(
            at=at,
            actor_id=actor_id,
            action=action,
            entity=entity,
            entity_id=entity_id,
            details=dict(details or {}),
        )
    )


class AuditRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def list_events(
        self, *, entity_id: UUID | None = None, limit: int = 200
    ) -> list[AuditEntry]:
        """Newest first; for one record when `entity_id` is given."""
        query = select(AuditEventRow).order_by(AuditEventRow.id.desc()).limit(limit)
        if entity_id is not None:
            query = query.where(AuditEventRow.entity_id == entity_id)
        with self._db.reading() as session:
            return [
                AuditEntry(
                    at=row.at,
                    actor_id=PractitionerId(row.actor_id) if row.actor_id else None,
                    action=row.action,
                    entity=row.entity,
                    entity_id=row.entity_id,
                    details=row.details,
                )
                for row in session.scalars(query)
            ]
