"""The transactional outbox: what must reach the server, written with the change itself.

DESIGN.md "Sync": every domain write that must reach the server inserts its outbox row
in the same SQLite transaction, so a crash can never leave a change that the server will
not hear about, nor announce one that was rolled back.

* One waiting row per record (a partial unique index): editing a patient ten times
  offline sends it once; each new edit bumps the row's `revision`.
* `mark_sent(item)` only marks the revision that was sent: if the record changed while
  the request was in flight, the row stays waiting and goes again, with a new
  idempotency key (Stripe's rule: one key, one payload).
* A rejected row keeps the server's reason beside the record and never blocks the others;
  the next edit of the record queues it again, and so does an edit of what it depends on
  (audit item 4): a letter refused because its GP had no secure address goes again when
  the GP's record is saved, or when its patient's record (hence his GP) changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from icope_desktop.store.database import Database
from icope_desktop.store.models import (
    ChargeStatusRow,
    LetterRow,
    OutboxRow,
    PatientRow,
    VisitRow,
)
from icope_desktop.store.records import EntityKind, OutboxItem, RecordSync, SyncStatus, new_id


@dataclass(frozen=True, slots=True)
class RejectedRecord:
    """A record whose latest attempt the server (or the mapping) refused."""

    entity: EntityKind
    entity_id: UUID
    reason: str | None
    rejected_at: datetime


BILLED = "billed"
"""ChargeItem.status once exported for payment (docs/SYNC_PROTOCOL.md §7.6)."""


def enqueue(session: Session, entity: EntityKind, entity_id: UUID, now: datetime) -> None:
    """Queue `entity_id` for sending, inside the caller's write transaction, and queue
    again the refused records that depend on it (`_requeue_dependents`)."""
    _enqueue(session, entity, entity_id, now)
    _requeue_dependents(session, entity, entity_id, now)


def _latest_is_rejected(session: Session, entity: EntityKind, entity_id: UUID) -> bool:
    status = session.scalar(
        select(OutboxRow.status)
        .where(OutboxRow.entity == entity, OutboxRow.entity_id == entity_id)
        .order_by(OutboxRow.id.desc())
        .limit(1)
    )
    return status == SyncStatus.REJECTED


def _requeue_dependents(
    session: Session, entity: EntityKind, entity_id: UUID, now: datetime
) -> None:
    """A letter is mapped with its patient's GP (recipient, secure address): saving the
    GP or the patient may fix what made it refused, so its refusal is retried. Only
    records whose latest attempt was refused are touched; refusals are few, so the
    query starts from them."""
    if entity is EntityKind.GENERAL_PRACTITIONER:
        condition = PatientRow.gp_id == entity_id
    elif entity is EntityKind.PATIENT:
        condition = PatientRow.id == entity_id
    else:
        return
    refused = select(OutboxRow.entity_id).where(
        OutboxRow.entity == EntityKind.LETTER, OutboxRow.status == SyncStatus.REJECTED
    )
    letters = session.scalars(
        select(LetterRow.id)
        .join(VisitRow, VisitRow.id == LetterRow.visit_id)
        .join(PatientRow, PatientRow.id == VisitRow.patient_id)
        .where(LetterRow.id.in_(refused), condition)
    ).all()
    for letter_id in letters:
        if _latest_is_rejected(session, EntityKind.LETTER, letter_id):
            _enqueue(session, EntityKind.LETTER, letter_id, now)


def _enqueue(session: Session, entity: EntityKind, entity_id: UUID, now: datetime) -> None:
    waiting = session.scalar(
        select(OutboxRow).where(
            OutboxRow.entity == entity,
            OutboxRow.entity_id == entity_id,
            OutboxRow.status == SyncStatus.WAITING,
        )
    )
    if waiting is not None:
        waiting.revision += 1
        waiting.updated_at = now
        return
    session.add(
        OutboxRow(
            key=new_id(),
            entity=entity,
            entity_id=entity_id,
            revision=1,
            status=SyncStatus.WAITING,
            attempts=0,
            created_at=now,
            updated_at=now,
        )
    )


def _item(row: OutboxRow) -> OutboxItem:
    return OutboxItem(
        id=row.id,
        key=row.key,
        entity=EntityKind(row.entity),
        entity_id=row.entity_id,
        revision=row.revision,
        attempts=row.attempts,
        created_at=row.created_at,
    )


class OutboxRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def pending(self, limit: int = 50, *, after: int | None = None) -> list[OutboxItem]:
        """Waiting rows, oldest first (a patient is queued before its visits).

        Keyset paging: `after` is the `id` of the last row of the previous page, so a
        reader walks a long waiting list one page at a time while the rows it has taken
        are still waiting (the push marks them only when the server answers). Each page
        is a range scan of the `ix_outbox_status_id` index, whatever the page's depth;
        a row queued after the walk started (higher id) is found at its end."""
        query = select(OutboxRow).where(OutboxRow.status == SyncStatus.WAITING)
        if after is not None:
            query = query.where(OutboxRow.id > after)
        query = query.order_by(OutboxRow.id).limit(limit)
        with self._db.reading() as session:
            return [_item(row) for row in session.scalars(query)]

    def mark_sent(self, items: OutboxItem | Iterable[OutboxItem]) -> int:
        """Mark what the server acknowledged; returns how many rows were marked sent."""
        batch = [items] if isinstance(items, OutboxItem) else list(items)
        now = self._db.clock()
        marked = 0
        with self._db.writing() as session:
            for item in batch:
                result = session.execute(
                    update(OutboxRow)
                    .where(
                        OutboxRow.id == item.id,
                        OutboxRow.revision == item.revision,
                        OutboxRow.status == SyncStatus.WAITING,
                    )
                    .values(
                        status=SyncStatus.SENT,
                        sent_at=now,
                        updated_at=now,
                        attempts=OutboxRow.attempts + 1,
                    )
                )
                marked += result.rowcount
        return marked

    def mark_rejected(self, item: OutboxItem, reason: str) -> bool:
        """Keep the server's reason beside the record; False if it changed meanwhile."""
        now = self._db.clock()
        with self._db.writing() as session:
            result = session.execute(
                update(OutboxRow)
                .where(
                    OutboxRow.id == item.id,
                    OutboxRow.revision == item.revision,
                    OutboxRow.status == SyncStatus.WAITING,
                )
                .values(
                    status=SyncStatus.REJECTED,
                    rejected_reason=reason,
                    updated_at=now,
                    attempts=OutboxRow.attempts + 1,
                )
            )
            return result.rowcount == 1

    def note_failed_attempt(self, item: OutboxItem) -> None:
        """Count a transport failure (timeout, offline); the row stays waiting."""
        with self._db.writing() as session:
            session.execute(
                update(OutboxRow)
                .where(OutboxRow.id == item.id)
                .values(attempts=OutboxRow.attempts + 1, updated_at=self._db.clock())
            )

    def retry_rejected(self, entity: EntityKind, entity_id: UUID) -> None:
        """Queue a rejected record again without editing it (the server was fixed)."""
        now = self._db.clock()
        with self._db.writing() as session:
            enqueue(session, entity, entity_id, now)

    def rejected(self) -> list[RejectedRecord]:
        """Records whose latest row is rejected (a later waiting or sent row supersedes a
        refusal), oldest refusal first."""
        newest = (
            select(func.max(OutboxRow.id))
            .group_by(OutboxRow.entity, OutboxRow.entity_id)
            .scalar_subquery()
        )
        query = (
            select(OutboxRow)
            .where(OutboxRow.status == SyncStatus.REJECTED, OutboxRow.id.in_(newest))
            .order_by(OutboxRow.id)
        )
        with self._db.reading() as session:
            return [
                RejectedRecord(
                    EntityKind(row.entity), row.entity_id, row.rejected_reason, row.updated_at
                )
                for row in session.scalars(query)
            ]

    def retry_all_rejected(self) -> int:
        """Queue every refused record again ("Renvoyer les envois refusés"); returns how
        many were queued."""
        records = self.rejected()
        now = self._db.clock()
        with self._db.writing() as session:
            for record in records:
                _enqueue(session, record.entity, record.entity_id, now)
        return len(records)

    def record_status(self, entity: EntityKind, entity_id: UUID) -> RecordSync | None:
        """Status of the newest row for a record; None if it never had to be sent."""
        query = (
            select(OutboxRow)
            .where(OutboxRow.entity == entity, OutboxRow.entity_id == entity_id)
            .order_by(OutboxRow.id.desc())
            .limit(1)
        )
        with self._db.reading() as session:
            row = session.scalar(query)
            if row is None:
                return None
            return RecordSync(
                status=SyncStatus(row.status),
                reason=row.rejected_reason,
                updated_at=row.updated_at,
            )

    def save_charge_statuses(self, statuses: Mapping[UUID, str]) -> int:
        """Keep the server's ChargeItem statuses by billing line (one pulled page, in one
        transaction); returns how many lines became `billed`."""
        now = self._db.clock()
        newly_billed = 0
        with self._db.writing() as session:
            for line_id, status in statuses.items():
                row = session.get(ChargeStatusRow, line_id)
                if row is None:
                    row = ChargeStatusRow(line_id=line_id, server_status=status, updated_at=now)
                    session.add(row)
                    newly_billed += status == BILLED
                    continue
                newly_billed += status == BILLED and row.server_status != BILLED
                row.server_status = status
                row.updated_at = now
        return newly_billed

    def charge_statuses(self) -> dict[UUID, str]:
        with self._db.reading() as session:
            rows = session.execute(select(ChargeStatusRow.line_id, ChargeStatusRow.server_status))
            return {line_id: status for line_id, status in rows}

    def counts(self) -> dict[SyncStatus, int]:
        query = select(OutboxRow.status, func.count()).group_by(OutboxRow.status)
        with self._db.reading() as session:
            found = {SyncStatus(status): count for status, count in session.execute(query)}
        return {status: found.get(status, 0) for status in SyncStatus}
