"""The alerts inbox: Step 1 alerts pulled from the server, and the practitioner's decision.

CONTEXT.md: in 2024 a mandatory yes/no question on alert handling "left many files
awaiting processing for months". Here a decision is one of confirm (→ Step 2), invalidate
(→ exit), or *open* (keep it, with a note and a reminder date), and nothing forces a
choice. Confirming or invalidating is a billable act (DESIGN.md "Billing") when the tariff
table lists `ICOPE_ALERT` on that day, billed once per alert in the same transaction as
the decision, its outbox rows and audit event.

A pull never overwrites an unsynced local decision (DESIGN.md "Sync": "a download never
overwrites unsynced local edits"): the server's fields are refreshed, the decision kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import or_, select

from icope_desktop.i18n import Text
from icope_desktop.store.audit import record_event
from icope_desktop.store.billing import ACT_ALERT_DECISION, TariffTable, bill_act
from icope_desktop.store.checks import check_json
from icope_desktop.store.database import Database
from icope_desktop.store.errors import AlertAlreadyDecided, InvalidData, RecordNotFound
from icope_desktop.store.models import AlertTaskRow, OutboxRow, PatientRow, PractitionerRow
from icope_desktop.store.outbox import enqueue
from icope_desktop.store.records import (
    AlertDecision,
    AlertTask,
    AlertTaskId,
    EntityKind,
    PatientId,
    PractitionerId,
    PulledAlertTask,
    SyncStatus,
    UpsertReport,
    new_id,
)

CLOSED_ON_SERVER = frozenset({"completed", "cancelled", "rejected", "entered-in-error"})
"""FHIR Task statuses that end an alert on the server (handled elsewhere)."""

NEEDS_PATIENT = Text(
    fr="Rattachez d'abord l'alerte à un patient du dossier.",
    en="Link the alert to a patient of these records first.",
)


def _task(row: AlertTaskRow) -> AlertTask:
    return AlertTask(
        id=AlertTaskId(row.id),
        server_id=row.server_id,
        patient_id=PatientId(row.patient_id) if row.patient_id else None,
        raised_on=row.raised_on,
        source=row.source,
        altered_domains=tuple(row.altered_domains),
        server_status=row.server_status,
        payload=dict(row.payload),
        decision=AlertDecision(row.decision) if row.decision else None,
        decision_note=row.decision_note,
        reminder_on=row.reminder_on,
        decided_at=row.decided_at,
        decided_by=PractitionerId(row.decided_by) if row.decided_by else None,
    )


class AlertTaskRepository:
    def __init__(self, db: Database, tariffs: TariffTable) -> None:
        self._db = db
        self._tariffs = tariffs

    def upsert_pulled(self, tasks: Iterable[PulledAlertTask]) -> UpsertReport:
        """Store pulled tasks by server id, in one transaction with the caller's batch."""
        now = self._db.clock()
        created = updated = kept = 0
        with self._db.writing() as session:
            for task in tasks:
                check_json(dict(task.payload), "payload")
                if task.patient_id is not None and session.get(PatientRow, task.patient_id) is None:
                    raise RecordNotFound("patient")
                row = session.scalar(
                    select(AlertTaskRow).where(AlertTaskRow.server_id == task.server_id)
                )
                if row is None:
                    session.add(
                        AlertTaskRow(
                            id=new_id(),
                            server_id=task.server_id,
                            patient_id=task.patient_id,
                            raised_on=task.raised_on,
                            source=task.source,
                            altered_domains=list(task.altered_domains),
                            server_status=task.server_status,
                            payload=dict(task.payload),
                            pulled_at=now,
                            updated_at=now,
                        )
                    )
                    created += 1
                    continue
                row.raised_on = task.raised_on
                row.source = task.source
                row.altered_domains = list(task.altered_domains)
                row.server_status = task.server_status
                row.payload = dict(task.payload)
                row.pulled_at = now
                if row.patient_id is None:
                    row.patient_id = task.patient_id
                unsynced = session.scalar(
                    select(OutboxRow.id).where(
                        OutboxRow.entity == EntityKind.ALERT_TASK,
                        OutboxRow.entity_id == row.id,
                        OutboxRow.status == SyncStatus.WAITING,
                    )
                )
                if unsynced is not None:
                    kept += 1
                updated += 1
        return UpsertReport(created=created, updated=updated, kept_local_decision=kept)

    def link_patient(self, task_id: AlertTaskId, patient_id: PatientId) -> None:
        """Attach an alert to a local patient (found or created from the alert's data)."""
        with self._db.writing() as session:
            row = session.get(AlertTaskRow, task_id)
            if row is None:
                raise RecordNotFound("alert_task")
            if session.get(PatientRow, patient_id) is None:
                raise RecordNotFound("patient")
            row.patient_id = patient_id
            row.updated_at = self._db.clock()

    def decide(
        self,
        task_id: AlertTaskId,
        decision: AlertDecision,
        *,
        by: PractitionerId,
        note: str | None = None,
        reminder_on: date | None = None,
    ) -> None:
        """Record confirm / invalidate (billed once) or keep open with a note and reminder.

        An open alert may be decided later; a confirmed or invalidated one is final.
        """
        now = self._db.clock()
        with self._db.writing() as session:
            row = session.get(AlertTaskRow, task_id)
            if row is None:
                raise RecordNotFound("alert_task")
            if row.decision in (AlertDecision.CONFIRM, AlertDecision.INVALIDATE):
                raise AlertAlreadyDecided()
            practitioner = session.get(PractitionerRow, by)
            if practitioner is None:
                raise RecordNotFound("practitioner")
            final = decision is not AlertDecision.OPEN
            if final and row.patient_id is None:
                raise InvalidData({"patient_id": NEEDS_PATIENT})
            row.decision = decision
            row.decision_note = note.strip() if note and note.strip() else None
            row.reminder_on = reminder_on if not final else None
            row.decided_at = now
            row.decided_by = by
            row.updated_at = now
            session.flush()
            billed = None
            if final and row.patient_id is not None and self._billable(now.date()):
                billed = bill_act(
                    session,
                    self._tariffs,
                    act_code=ACT_ALERT_DECISION,
                    source_kind="alert_task",
                    source_id=row.id,
                    act_date=now.date(),
                    patient_id=row.patient_id,
                    practitioner_id=practitioner.id,
                    practitioner_rpps=practitioner.rpps,
                    now=now,
                )
                session.flush()
            enqueue(session, EntityKind.ALERT_TASK, row.id, now)
            if billed is not None:
                enqueue(session, EntityKind.BILLING_LINE, billed.id, now)
            record_event(
                session,
                at=now,
                actor_id=by,
                action="alert.decide",
                entity=EntityKind.ALERT_TASK,
                entity_id=row.id,
                details={"decision": decision.value, "billed": billed is not None},
            )

    def _billable(self, day: date) -> bool:
        """Is handling an alert a paid act on `day`? Only when the tariff table lists
        `ICOPE_ALERT` for that day (audit item 2): unlike a Step 1 or Step 2, which the
        programme always pays, alert handling is paid only where the programme says so,
        and a table with no such row must not produce bills. A row with no amount still
        bills the act "to be priced" (protocol §7.4)."""
        return self._tariffs.find(ACT_ALERT_DECISION, day) is not None

    def get_task(self, task_id: AlertTaskId) -> AlertTask:
        with self._db.reading() as session:
            row = session.get(AlertTaskRow, task_id)
            if row is None:
                raise RecordNotFound("alert_task")
            return _task(row)

    def list_open(self) -> list[AlertTask]:
        """Undecided or kept-open alerts still open on the server; reminders due first."""
        query = (
            select(AlertTaskRow)
            .where(
                or_(AlertTaskRow.decision.is_(None), AlertTaskRow.decision == AlertDecision.OPEN),
                AlertTaskRow.server_status.not_in(CLOSED_ON_SERVER),
            )
            .order_by(
                AlertTaskRow.reminder_on.is_(None),
                AlertTaskRow.reminder_on,
                AlertTaskRow.raised_on,
            )
        )
        with self._db.reading() as session:
            return [_task(row) for row in session.scalars(query)]
