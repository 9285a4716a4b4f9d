"""The values the store hands in and out: ids, statuses and frozen records.

Repositories return these frozen dataclasses, never ORM objects, so a result can cross
threads (a worker's result reaches the UI thread) and no caller can write through a
stale Session (STYLE.md §3: "the worker never ... shares a Session").
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, NewType
from uuid import UUID

from icope_desktop.i18n import Text

PatientId = NewType("PatientId", UUID)
GpId = NewType("GpId", UUID)
PractitionerId = NewType("PractitionerId", UUID)
VisitId = NewType("VisitId", UUID)
AssessmentId = NewType("AssessmentId", UUID)
AlertTaskId = NewType("AlertTaskId", UUID)
LetterId = NewType("LetterId", UUID)
BillingLineId = NewType("BillingLineId", UUID)

JsonValue = Any
"""Anything `json.dumps(..., allow_nan=False)` accepts (answers may be dicts such as
``{"not_assessable": {"reason": "refused"}}``)."""

Clock = Callable[[], datetime]
ProgressFn = Callable[[int, int, str], None]
"""``progress(done, total, label)`` as in STYLE.md §3; called from the worker thread."""


def system_clock() -> datetime:
    return datetime.now(UTC)


def new_id() -> UUID:
    """A time-ordered UUID (version 7, RFC 9562): 48-bit Unix milliseconds, then 74
    random bits.

    Client-generated business identifiers (DESIGN.md "Sync") that sort by creation
    time: new rows land at the right edge of every primary-key and foreign-key index
    instead of on a random page, so an insert touches (and SQLCipher decrypts and
    re-encrypts) far fewer pages (benchmarks/store_bench.py). The creation time it
    reveals is already in each record.
    """
    millis = time.time_ns() // 1_000_000
    value = (millis & ((1 << 48) - 1)) << 80 | secrets.randbits(80)
    value = (value & ~(0xF << 76)) | (0x7 << 76)  # version 7
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # RFC 9562 variant
    return UUID(int=value)


class Sex(StrEnum):
    """INS referential values: F, M, or I (indeterminate)."""

    FEMALE = "F"
    MALE = "M"
    INDETERMINATE = "I"


class InsStatus(StrEnum):
    """Identity status of the national INS referential (RNIV 2021).

    Only a `qualified` identity may carry its INS in exchanges (DESIGN.md "Sync").
    """

    PROVISIONAL = "provisional"
    RECOVERED = "recovered"
    VALIDATED = "validated"
    QUALIFIED = "qualified"


class Profession(StrEnum):
    """The eight professions of the regional programme (CONTEXT.md)."""

    NURSE = "nurse"
    PHYSIOTHERAPIST = "physiotherapist"
    DOCTOR = "doctor"
    PHARMACIST = "pharmacist"
    SPEECH_THERAPIST = "speech_therapist"
    ORTHOPTIST = "orthoptist"
    PODIATRIST = "podiatrist"
    DENTIST = "dentist"


class VisitKind(StrEnum):
    STEP1 = "step1"
    STEP2 = "step2"
    FOLLOW_UP = "follow_up"


class RecordStatus(StrEnum):
    DRAFT = "draft"
    FINAL = "final"


class AlertDecision(StrEnum):
    """Three outcomes, none forced (CONTEXT.md: the mandatory yes/no left files stuck)."""

    CONFIRM = "confirm"
    INVALIDATE = "invalidate"
    OPEN = "open"


class SyncStatus(StrEnum):
    WAITING = "waiting"
    SENT = "sent"
    REJECTED = "rejected"


class EntityKind(StrEnum):
    """What an outbox row points at; the sync maps each kind to FHIR resources."""

    PRACTITIONER = "practitioner"
    GENERAL_PRACTITIONER = "general_practitioner"
    PATIENT = "patient"
    VISIT = "visit"
    LETTER = "letter"
    BILLING_LINE = "billing_line"
    ALERT_TASK = "alert_task"


# --- people ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Identity:
    """What identifies a person; the input of duplicate detection."""

    birth_name: str
    first_names: str
    birth_date: date
    sex: Sex
    used_name: str | None = None
    ins: str | None = None
    ins_status: InsStatus = InsStatus.PROVISIONAL


@dataclass(frozen=True, slots=True)
class PatientData:
    """Everything the practitioner types about a patient (create and update input)."""

    identity: Identity
    address: str | None = None
    postal_code: str | None = None
    city: str | None = None
    phone: str | None = None
    gp_id: GpId | None = None
    consent_given: bool | None = None
    consent_on: date | None = None
    lives_at_home: bool | None = None
    autonomous: bool | None = None
    eligibility_checked_on: date | None = None
    exited_on: date | None = None


@dataclass(frozen=True, slots=True)
class Patient:
    id: PatientId
    data: PatientData
    created_at: datetime
    updated_at: datetime

    @property
    def identity(self) -> Identity:
        return self.data.identity


@dataclass(frozen=True, slots=True)
class PatientSummary:
    """One line of the search-as-you-type list."""

    id: PatientId
    birth_name: str
    used_name: str | None
    first_names: str
    birth_date: date
    sex: Sex
    ins_status: InsStatus
    city: str | None


@dataclass(frozen=True, slots=True)
class PatientListing:
    """One line of the home's patient list: who, when last seen, and what the next Step 1
    follow-up hangs on (the caller applies the configured months)."""

    summary: PatientSummary
    last_visit_on: date | None
    last_step1_on: date | None
    planned_step1_on: date | None
    exited_on: date | None


@dataclass(frozen=True, slots=True)
class Candidate:
    """A possible duplicate of the identity being typed; the user decides."""

    patient_id: PatientId
    score: float
    reasons: tuple[Text, ...]


@dataclass(frozen=True, slots=True)
class GpData:
    last_name: str
    first_name: str
    rpps: str | None = None
    address: str | None = None
    postal_code: str | None = None
    city: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class Gp:
    id: GpId
    data: GpData


@dataclass(frozen=True, slots=True)
class PractitionerData:
    last_name: str
    first_name: str
    profession: Profession
    rpps: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    """Street line(s) of the practice; with `postal_code` and `city`, the sender block
    of the GP letter."""
    postal_code: str | None = None
    city: str | None = None


@dataclass(frozen=True, slots=True)
class Practitioner:
    id: PractitionerId
    data: PractitionerData


# --- visits ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CarePlanEntry:
    """One Step 3 recommendation chosen at finalization (clinical spec §5)."""

    domain: str
    code: str
    label: Text
    note: str | None = None


@dataclass(frozen=True, slots=True)
class AssessmentView:
    id: AssessmentId
    instrument_id: str
    answers: Mapping[str, JsonValue]
    result: JsonValue | None
    status: RecordStatus
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class VisitView:
    """A visit as the form reopens it: every answer and the saved position."""

    id: VisitId
    patient_id: PatientId
    kind: VisitKind
    status: RecordStatus
    performed_on: date
    version: int
    root_id: VisitId
    amends_id: VisitId | None
    position: JsonValue | None
    evaluation: JsonValue | None
    started_at: datetime
    finalized_at: datetime | None
    finalized_by: PractitionerId | None
    alert_task_id: AlertTaskId | None
    assessments: tuple[AssessmentView, ...] = ()
    care_plan: tuple[CarePlanEntry, ...] = ()
    planned_follow_up_on: date | None = None
    """The next Step 1 date the practitioner set at finalization, when it differs from
    the engine's `next_step1_due` (None: the engine's date stands)."""

    def assessment(self, instrument_id: str) -> AssessmentView | None:
        return next((a for a in self.assessments if a.instrument_id == instrument_id), None)


@dataclass(frozen=True, slots=True)
class VisitSummary:
    id: VisitId
    patient_id: PatientId
    kind: VisitKind
    status: RecordStatus
    performed_on: date
    version: int
    amended_by: VisitId | None
    instruments: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DraftSummary:
    """One line of the "unfinished visits" list (nothing typed is lost)."""

    visit_id: VisitId
    patient_id: PatientId
    patient_name: str
    kind: VisitKind
    performed_on: date
    updated_at: datetime
    instruments: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DueFollowUp:
    """A patient whose next Step 1 is due: on the date the practitioner planned
    (`planned`), else the last Step 1 + the configured months."""

    patient_id: PatientId
    patient_name: str
    last_step1_on: date | None
    due_on: date
    planned: bool = False


@dataclass(frozen=True, slots=True)
class BillingLine:
    id: BillingLineId
    act_code: str
    source_kind: str
    source_id: UUID
    act_date: date
    patient_id: PatientId
    practitioner_id: PractitionerId | None
    practitioner_rpps: str | None
    amount_cents: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class FinalizeReport:
    visit_id: VisitId
    billing_lines: tuple[BillingLine, ...]
    outbox_entries: int


# --- alerts, outbox, letters ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PulledAlertTask:
    """A Step 1 alert as pulled from the server (FHIR Task), before any local decision."""

    server_id: str
    raised_on: date
    source: str
    altered_domains: tuple[str, ...] = ()
    patient_id: PatientId | None = None
    server_status: str = "requested"
    payload: Mapping[str, JsonValue] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AlertTask:
    id: AlertTaskId
    server_id: str
    patient_id: PatientId | None
    raised_on: date
    source: str
    altered_domains: tuple[str, ...]
    server_status: str
    payload: Mapping[str, JsonValue]
    decision: AlertDecision | None
    decision_note: str | None
    reminder_on: date | None
    decided_at: datetime | None
    decided_by: PractitionerId | None


@dataclass(frozen=True, slots=True)
class UpsertReport:
    created: int
    updated: int
    kept_local_decision: int


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """A record waiting to reach the server; `revision` grows when it changes again."""

    id: int
    key: UUID
    entity: EntityKind
    entity_id: UUID
    revision: int
    attempts: int
    created_at: datetime

    @property
    def idempotency_key(self) -> str:
        """Stripe's rule: one key per payload, so a new revision gets a new key."""
        return f"{self.key}-{self.revision}"


@dataclass(frozen=True, slots=True)
class RecordSync:
    """Per-record sync state shown next to the record (DESIGN.md "Sync")."""

    status: SyncStatus
    reason: str | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Letter:
    id: LetterId
    visit_id: VisitId
    kind: str
    language: str
    pdf: bytes
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor_id: PractitionerId | None
    action: str
    entity: str | None
    entity_id: UUID | None
    details: Mapping[str, JsonValue]
