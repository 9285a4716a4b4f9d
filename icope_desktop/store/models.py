"""ORM models: the schema at the head Alembic revision.

Constraints make bad states impossible rather than merely unlikely (issue 3):

* every syncable record has a client-generated UUID primary key, which is also its
  business identifier on the server (conditional create on it, DESIGN.md "Sync");
* one assessment per instrument per visit; one billing line per act (act code + source
  record); one amendment per visit version; one waiting outbox row per record;
* INS and RPPS are unique when present; statuses are CHECK-constrained enums;
* a finalized visit, its assessments and care plan, billing lines and audit events are
  immutable: SQLite triggers (created by the migrations, see `migrations/versions/`)
  abort any UPDATE or DELETE, whatever code path tries it.

Only the migrations create tables; `Base.metadata` is what autogenerate compares to, and
`tests/store/test_migrations.py` checks the two agree.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from icope_desktop.store.records import (
    AlertDecision,
    EntityKind,
    InsStatus,
    Profession,
    RecordStatus,
    Sex,
    SyncStatus,
    VisitKind,
)

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


NullableJSON = JSON(none_as_null=True)
"""JSON column where Python None is SQL NULL (plain `JSON` would store the text 'null')."""


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in Python, naive UTC text in SQLite (which has no time zones)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def _enum(cls: type[StrEnum], name: str) -> Enum:
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=24,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {  # noqa: RUF012 (SQLAlchemy's documented class attribute)
        datetime: UtcDateTime(),
        date: Date(),
        uuid.UUID: Uuid(),
        dict[str, Any]: JSON(),
    }


class Timestamps:
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class PractitionerRow(Base, Timestamps):
    __tablename__ = "practitioner"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    rpps: Mapped[str | None] = mapped_column(String(11), unique=True)
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100))
    profession: Mapped[Profession] = mapped_column(_enum(Profession, "profession"))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(30))
    # Revision 0004: the practice's postal address (the GP letter's sender block).
    address: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(100))


class GeneralPractitionerRow(Base, Timestamps):
    __tablename__ = "general_practitioner"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    rpps: Mapped[str | None] = mapped_column(String(11), unique=True)
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(254))


class PatientRow(Base, Timestamps):
    __tablename__ = "patient"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    birth_name: Mapped[str] = mapped_column(String(100))
    used_name: Mapped[str | None] = mapped_column(String(100))
    first_names: Mapped[str] = mapped_column(String(150))
    birth_date: Mapped[date] = mapped_column(index=True)
    sex: Mapped[Sex] = mapped_column(_enum(Sex, "sex"))
    ins: Mapped[str | None] = mapped_column(String(15), unique=True)
    ins_status: Mapped[InsStatus] = mapped_column(_enum(InsStatus, "ins_status"))
    address: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(30))
    gp_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("general_practitioner.id", ondelete="RESTRICT"), index=True
    )
    consent_given: Mapped[bool | None] = mapped_column(Boolean(create_constraint=False))
    consent_on: Mapped[date | None]
    lives_at_home: Mapped[bool | None] = mapped_column(Boolean(create_constraint=False))
    autonomous: Mapped[bool | None] = mapped_column(Boolean(create_constraint=False))
    eligibility_checked_on: Mapped[date | None]
    exited_on: Mapped[date | None]
    # Revision 0002: folded keys for search as you type, and the date of the last final
    # Step 1 (maintained by finalize_visit) so due follow-ups are an index range.
    sort_key: Mapped[str] = mapped_column(String(400), server_default="")
    birth_date_key: Mapped[str] = mapped_column(String(8), server_default="")
    last_step1_on: Mapped[date | None] = mapped_column(index=True)
    # Revision 0003: the next Step 1 date the practitioner chose at the last Step 1
    # (None: last Step 1 + the configured months), kept by finalize_visit.
    planned_step1_on: Mapped[date | None] = mapped_column(index=True)
    # Revision 0005: the date of the latest visit, draft or final (kept by start_visit
    # and discard_draft), so the home lists patients most recently seen first.
    last_visit_on: Mapped[date | None]

    __table_args__ = (
        CheckConstraint("length(trim(birth_name)) > 0", name="birth_name_not_blank"),
        CheckConstraint("length(trim(first_names)) > 0", name="first_names_not_blank"),
        Index("ix_patient_birth_date_key_sort_key", "birth_date_key", "sort_key"),
        Index("ix_patient_last_visit_on_created_at", "last_visit_on", "created_at"),
    )


class PatientSearchTokenRow(Base):
    """One folded word of a patient's names; `field` 0 = birth, 1 = used, 2 = first names.

    Prefix search on the primary key is a range scan (token >= 'dup' AND token < 'duq').
    The table is WITHOUT ROWID and carries the patient's sort key and birth-date key, so
    ranking and the LIMIT are decided inside this one index, and only the 20 shown
    patients are read from `patient`: search as you type stays within 30 ms on 20,000
    patients even for a one-letter prefix (benchmarks/store_bench.py).
    """

    __tablename__ = "patient_search_token"

    token: Mapped[str] = mapped_column(String(100), primary_key=True)
    patient_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("patient.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    field: Mapped[int] = mapped_column(Integer, primary_key=True)
    sort_key: Mapped[str] = mapped_column(String(400))
    birth_date_key: Mapped[str] = mapped_column(String(8))

    __table_args__ = ({"sqlite_with_rowid": False},)


class AlertTaskRow(Base):
    __tablename__ = "alert_task"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    server_id: Mapped[str] = mapped_column(String(200), unique=True)
    patient_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("patient.id", ondelete="RESTRICT"), index=True
    )
    raised_on: Mapped[date]
    source: Mapped[str] = mapped_column(String(40))
    altered_domains: Mapped[list[str]] = mapped_column(JSON)
    server_status: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]]
    decision: Mapped[AlertDecision | None] = mapped_column(_enum(AlertDecision, "decision"))
    decision_note: Mapped[str | None] = mapped_column(Text)
    reminder_on: Mapped[date | None]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("practitioner.id", ondelete="RESTRICT")
    )
    pulled_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class VisitRow(Base, Timestamps):
    __tablename__ = "visit"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patient.id", ondelete="RESTRICT"))
    kind: Mapped[VisitKind] = mapped_column(_enum(VisitKind, "visit_kind"))
    status: Mapped[RecordStatus] = mapped_column(_enum(RecordStatus, "visit_status"))
    performed_on: Mapped[date]
    version: Mapped[int] = mapped_column(Integer)
    root_id: Mapped[uuid.UUID] = mapped_column(index=True)
    amends_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("visit.id", ondelete="RESTRICT"), unique=True
    )
    alert_task_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("alert_task.id", ondelete="RESTRICT")
    )
    position: Mapped[dict[str, Any] | None] = mapped_column(NullableJSON)
    evaluation: Mapped[dict[str, Any] | None] = mapped_column(NullableJSON)
    # Revision 0003: the next Step 1 date the practitioner set at finalization, when it
    # differs from the engine's (None: the engine's `next_step1_due` stands).
    planned_follow_up_on: Mapped[date | None]
    started_at: Mapped[datetime]
    finalized_at: Mapped[datetime | None]
    finalized_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("practitioner.id", ondelete="RESTRICT")
    )

    __table_args__ = (
        CheckConstraint(
            "status = 'draft' OR finalized_at IS NOT NULL", name="final_has_timestamp"
        ),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint(
            "(version = 1) = (amends_id IS NULL)", name="amendment_has_original"
        ),
        Index("ix_visit_patient_id_performed_on", "patient_id", "performed_on"),
        Index("ix_visit_status_updated_at", "status", "updated_at"),
    )


class AssessmentRow(Base, Timestamps):
    __tablename__ = "assessment"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    visit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("visit.id", ondelete="RESTRICT"))
    instrument_id: Mapped[str] = mapped_column(String(32))
    answers: Mapped[dict[str, Any]]
    result: Mapped[dict[str, Any] | None] = mapped_column(NullableJSON)
    status: Mapped[RecordStatus] = mapped_column(_enum(RecordStatus, "assessment_status"))

    __table_args__ = (UniqueConstraint("visit_id", "instrument_id"),)


class CarePlanItemRow(Base):
    __tablename__ = "care_plan_item"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    visit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("visit.id", ondelete="RESTRICT"))
    position: Mapped[int] = mapped_column(Integer)
    domain: Mapped[str] = mapped_column(String(32))
    code: Mapped[str] = mapped_column(String(64))
    label_fr: Mapped[str] = mapped_column(Text)
    label_en: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("visit_id", "code"),)


class LetterRow(Base, Timestamps):
    """The PDF as sent; regenerable from the visit, so it may be replaced (not immutable)."""

    __tablename__ = "letter"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    visit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("visit.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(2))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)

    __table_args__ = (UniqueConstraint("visit_id", "kind", "language"),)


class BillingLineRow(Base):
    __tablename__ = "billing_line"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    act_code: Mapped[str] = mapped_column(String(32))
    source_kind: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[uuid.UUID]
    act_date: Mapped[date]
    patient_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("patient.id", ondelete="RESTRICT"), index=True
    )
    practitioner_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("practitioner.id", ondelete="RESTRICT")
    )
    practitioner_rpps: Mapped[str | None] = mapped_column(String(11))
    amount_cents: Mapped[int | None] = mapped_column(Integer)
    tariff_valid_from: Mapped[date | None]
    created_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("act_code", "source_id"),
        CheckConstraint("source_kind IN ('visit', 'alert_task')", name="source_kind"),
        CheckConstraint("amount_cents IS NULL OR amount_cents >= 0", name="amount_positive"),
    )



class ChargeStatusRow(Base):
    """The server's status of a billing line's ChargeItem, as pulled from the ChargeItem
    feed (docs/SYNC_PROTOCOL.md §7.6; revision 0006): `billed` once the administrator has
    exported the act for payment. Beside the line because a billing line is immutable."""

    __tablename__ = "billing_export"

    line_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    server_status: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[datetime]


class OutboxRow(Base):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[uuid.UUID] = mapped_column(unique=True)
    entity: Mapped[EntityKind] = mapped_column(_enum(EntityKind, "entity"))
    entity_id: Mapped[uuid.UUID]
    revision: Mapped[int] = mapped_column(Integer)
    status: Mapped[SyncStatus] = mapped_column(_enum(SyncStatus, "sync_status"))
    attempts: Mapped[int] = mapped_column(Integer)
    rejected_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_outbox_status_id", "status", "id"),
        Index("ix_outbox_entity_entity_id", "entity", "entity_id"),
        Index(
            "uq_outbox_one_waiting_per_record",
            "entity",
            "entity_id",
            unique=True,
            sqlite_where=text("status = 'waiting'"),
        ),
    )


class SyncStateRow(Base):
    """Per-stream pull state: the server-issued cursor, never the laptop's clock."""

    __tablename__ = "sync_state"

    stream: Mapped[str] = mapped_column(String(40), primary_key=True)
    cursor: Mapped[str | None] = mapped_column(String(200))
    last_sync_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]


class AuditEventRow(Base):
    """Who did what, when: ids and codes only, never names (append-only)."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[uuid.UUID | None]
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str | None] = mapped_column(String(32))
    entity_id: Mapped[uuid.UUID | None]
    details: Mapped[dict[str, Any]]


class SettingRow(Base):
    """Key-value settings, inside the encrypted file (the server token lives here)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    updated_at: Mapped[datetime]
