"""Database tables of the regional server (SQLAlchemy 2 ORM; schema owned by Alembic).

Uniqueness that the protocol promises is enforced here, by constraints, so concurrent
requests on several processes cannot break it (issue 6; hapi-fhir#3141 is what happens
when only the conditional header guards it):

* one stored record per (practitioner, resource type, business identifier);
* one idempotency record per (practitioner, key);
* one billing line per ChargeItem, one export per line;
* one replacing version per visit version (amendments form a chain, never a tree);
* one dispatch per Communication; one Task per upstream alert id.

Times are stored as naive UTC (SQLite has no time zone type) and read back as aware UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in Python, naive UTC in the database, on SQLite and PostgreSQL."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Account(Base):
    """A practitioner who may sync: RPPS, name, his Practitioner resource, his Task feed."""

    __tablename__ = "practitioner_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rpps: Mapped[str] = mapped_column(String(11), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    practitioner_id: Mapped[str] = mapped_column(String(64), unique=True)
    task_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    """Last number given to a change of this practitioner's Tasks (the cursor's clock)."""
    charge_seq: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    """Last number given to a change of this practitioner's ChargeItems (their feed)."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ApiToken(Base):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("practitioner_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Territory(Base):
    """A postcode prefix (département "44", or finer "441") served by a practitioner."""

    __tablename__ = "territory"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("practitioner_account.id"), primary_key=True
    )
    prefix: Mapped[str] = mapped_column(String(5), primary_key=True)


class StoredResource(Base):
    """One FHIR resource, current version, as JSON text (references already rewritten)."""

    __tablename__ = "fhir_resource"
    __table_args__ = (
        UniqueConstraint(
            "account_id", "resource_type", "business_id", name="uq_fhir_resource_business_id"
        ),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    resource_type: Mapped[str] = mapped_column(String(40))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("practitioner_account.id"))
    business_id: Mapped[str] = mapped_column(String(128))
    version_id: Mapped[int] = mapped_column(Integer, default=1)
    last_updated: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    content: Mapped[str] = mapped_column(Text)


class ResourceIdentifier(Base):
    """Every identifier of a resource, for `?identifier=` searches (INS, RPPS...)."""

    __tablename__ = "resource_identifier"
    __table_args__ = (
        Index("ix_resource_identifier_lookup", "account_id", "resource_type", "system", "value"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resource_id: Mapped[str] = mapped_column(
        ForeignKey("fhir_resource.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int | None] = mapped_column(Integer)
    resource_type: Mapped[str] = mapped_column(String(40))
    system: Mapped[str] = mapped_column(String(255))
    value: Mapped[str] = mapped_column(String(255))


class AlertTask(Base):
    """Admin view of an alert Task: where it came from, who has it, what was decided."""

    __tablename__ = "alert_task"

    task_id: Mapped[str] = mapped_column(ForeignKey("fhir_resource.id"), primary_key=True)
    alert_key: Mapped[str] = mapped_column(String(200), unique=True)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("practitioner_account.id"), index=True
    )
    postcode: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), default="open")
    """open | kept-open | confirmed | invalidated"""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class TaskFeed(Base):
    """Numbered changes of each practitioner's Tasks; the pull cursor is a `seq` here."""

    __tablename__ = "task_feed"

    account_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    task_id: Mapped[str] = mapped_column(String(64))


class ChargeItemFeed(Base):
    """Numbered changes of each practitioner's ChargeItems (pushed, or marked `billed` by
    an export); `GET /ChargeItem?cursor=` reads them like the Task feed."""

    __tablename__ = "charge_item_feed"

    account_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    charge_item_id: Mapped[str] = mapped_column(String(64))


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_key"

    account_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)


class BillingExport(Base):
    __tablename__ = "billing_export"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    line_count: Mapped[int] = mapped_column(Integer)
    """Acts in the batch, priced or not."""
    unpriced_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Acts of the batch with no amount ("à tarifer"; docs/SERVER.md §5)."""
    total_cents: Mapped[int] = mapped_column(BigInteger)
    """Sum of the known amounts only."""


class BillingLine(Base):
    """One act to pay. `status`: pending | exported | duplicate | withdrawn."""

    __tablename__ = "billing_line"
    __table_args__ = (
        UniqueConstraint("account_id", "act_id", name="uq_billing_line_act"),
        Index("ix_billing_line_same_act", "account_id", "act_code", "patient_id", "act_date"),
        Index("ix_billing_line_same_visit", "account_id", "act_code", "visit_root_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("practitioner_account.id"))
    charge_item_id: Mapped[str] = mapped_column(ForeignKey("fhir_resource.id"), unique=True)
    act_id: Mapped[str] = mapped_column(String(128))
    act_code: Mapped[str] = mapped_column(String(64))
    act_label: Mapped[str] = mapped_column(String(200))
    act_date: Mapped[date] = mapped_column(Date)
    patient_id: Mapped[str] = mapped_column(String(64))
    amount_cents: Mapped[int | None] = mapped_column(BigInteger)
    """None: the act is "à tarifer", priced on the national platform by its act code."""
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    visit_root_id: Mapped[str | None] = mapped_column(String(64))
    """First version of the visit the act belongs to (`ChargeItem.context`, followed back
    through `replaces`): an amended visit's act is the original's, never a second one."""
    duplicate_of: Mapped[int | None] = mapped_column(Integer)
    export_id: Mapped[int | None] = mapped_column(ForeignKey("billing_export.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class EncounterVersion(Base):
    """A visit version that replaces another (an amendment of a finalized visit, carried by
    the Encounter's `replaces` extension, docs/SYNC_PROTOCOL.md §7.2). Only amendments
    have a row; a first version is its own root, version 1. One replacement per version
    (unique `replaces_id`), so "the latest version" of a visit is never ambiguous."""

    __tablename__ = "encounter_version"

    encounter_id: Mapped[str] = mapped_column(
        ForeignKey("fhir_resource.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[int] = mapped_column(ForeignKey("practitioner_account.id"))
    replaces_id: Mapped[str] = mapped_column(ForeignKey("fhir_resource.id"), unique=True)
    root_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class LetterDispatch(Base):
    """A GP letter to send. `status`: pending | sent | failed. A sender claims a row by
    setting `claimed_until` with a conditional UPDATE, so several processes never send the
    same letter at once; a crashed sender's claim expires and the row is retried."""

    __tablename__ = "letter_dispatch"
    __table_args__ = (Index("ix_letter_dispatch_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    communication_id: Mapped[str] = mapped_column(ForeignKey("fhir_resource.id"), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("practitioner_account.id"))
    recipient_id: Mapped[str] = mapped_column(String(64))
    document_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
