"""Visits: drafts saved on every answer, one-transaction finalization, amendments.

DESIGN.md "Local store" and issue 3:

* "Drafts are saved on every answer change": `save_draft_answer` commits each change at
  once (a short BEGIN IMMEDIATE transaction), and `save_visit_position` remembers where
  the form was, so reopening after a crash restores every answer and the position.
* `finalize_visit` is ONE transaction: assessments become final with their results,
  the care plan is written, the billing lines, the outbox rows and the audit event are
  added, and the visit becomes final. Any failure rolls all of it back.
* "A finalized visit is immutable (corrections are new amended versions, with the audit
  trail)": guarded here with a typed error, and by SQLite triggers underneath.

The store does not interpret answers or results: the caller (services, with
`screening.score`) passes JSON and gets the same JSON back.
"""

from __future__ import annotations

import calendar
import re
import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, func, literal_column, select, text
from sqlalchemy.orm import Session

from icope_desktop.i18n import Text
from icope_desktop.store.audit import record_event
from icope_desktop.store.billing import (
    ACT_STEP1,
    ACT_STEP2,
    STEP1_INSTRUMENTS,
    STEP2_INSTRUMENTS,
    TariffTable,
    bill_act,
    billing_line,
)
from icope_desktop.store.checks import check_json
from icope_desktop.store.database import Database
from icope_desktop.store.errors import (
    AlreadyAmended,
    InvalidData,
    RecordNotFound,
    VisitFinalized,
    VisitNotFinal,
)
from icope_desktop.store.models import (
    AlertTaskRow,
    AssessmentRow,
    CarePlanItemRow,
    PatientRow,
    PractitionerRow,
    VisitRow,
)
from icope_desktop.store.outbox import enqueue
from icope_desktop.store.patients import display_name
from icope_desktop.store.practitioners import PractitionerRepository
from icope_desktop.store.records import (
    AlertTaskId,
    AssessmentId,
    AssessmentView,
    CarePlanEntry,
    DraftSummary,
    DueFollowUp,
    EntityKind,
    FinalizeReport,
    JsonValue,
    PatientId,
    PractitionerId,
    RecordStatus,
    VisitId,
    VisitKind,
    VisitSummary,
    VisitView,
    new_id,
)
from icope_desktop.store.settings import SettingKey, SettingsRepository

_INSERTION_ORDER: ColumnElement[int] = literal_column("assessment.rowid")
"""Instruments are listed in the order the visit opened them (rowid follows inserts)."""
_INSTRUMENT_ID = re.compile(r"^[a-z][a-z0-9_]{0,31}$")

BAD_INSTRUMENT = Text(
    fr="Identifiant d'instrument invalide.", en="Invalid instrument identifier."
)
BAD_ITEM = Text(fr="Identifiant de question invalide.", en="Invalid item identifier.")
UNKNOWN_RESULT = Text(
    fr="Un résultat est fourni pour un instrument absent de la visite.",
    en="A result was given for an instrument the visit does not have.",
)
DUPLICATE_CARE_PLAN = Text(
    fr="Une même recommandation apparaît deux fois dans le plan de soins.",
    en="The same recommendation appears twice in the care plan.",
)
PATIENT_EXITED = Text(
    fr="Ce patient est sorti du programme : rouvrez son dossier avant une nouvelle visite.",
    en="This patient has left the programme: reopen the file before a new visit.",
)


def add_months(day: date, months: int) -> date:
    """Calendar months, clamped to the month's end (31 Aug + 6 months = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _latest_due_cutoff(today: date, months: int) -> date:
    """The latest last-Step-1 date whose follow-up falls on or before `today`."""
    cutoff = add_months(today, -months)
    while add_months(cutoff + timedelta(days=1), months) <= today:
        cutoff += timedelta(days=1)
    return cutoff


def _assessment(row: AssessmentRow) -> AssessmentView:
    return AssessmentView(
        id=AssessmentId(row.id),
        instrument_id=row.instrument_id,
        answers=dict(row.answers),
        result=row.result,
        status=RecordStatus(row.status),
        updated_at=row.updated_at,
    )


def _draft_visit(session: Session, visit_id: uuid.UUID) -> VisitRow:
    visit = session.get(VisitRow, visit_id)
    if visit is None:
        raise RecordNotFound("visit")
    if visit.status is not RecordStatus.DRAFT:
        raise VisitFinalized()
    return visit


class VisitRepository:
    def __init__(
        self,
        db: Database,
        actor: PractitionerRepository,
        tariffs: TariffTable,
        settings: SettingsRepository,
    ) -> None:
        self._db = db
        self._actor = actor
        self._tariffs = tariffs
        self._settings = settings

    # --- drafts ------------------------------------------------------------------------

    def start_visit(
        self,
        patient_id: PatientId,
        kind: VisitKind,
        *,
        by: PractitionerId | None = None,
        performed_on: date | None = None,
        instruments: Sequence[str] = (),
        alert_task_id: AlertTaskId | None = None,
    ) -> VisitId:
        """A new draft visit, with empty draft assessments for `instruments`."""
        for instrument_id in instruments:
            if not _INSTRUMENT_ID.match(instrument_id):
                raise InvalidData({"instrument_id": BAD_INSTRUMENT})
        now = self._db.clock()
        actor = by or self._actor.profile_id()
        with self._db.writing() as session:
            patient = session.get(PatientRow, patient_id)
            if patient is None:
                raise RecordNotFound("patient")
            if patient.exited_on is not None:
                raise InvalidData({"patient_id": PATIENT_EXITED})
            if alert_task_id is not None and session.get(AlertTaskRow, alert_task_id) is None:
                raise RecordNotFound("alert_task")
            visit_id = new_id()
            day = performed_on or now.date()
            if patient.last_visit_on is None or patient.last_visit_on < day:
                patient.last_visit_on = day  # derived, not synced: the home's order
            session.add(
                VisitRow(
                    id=visit_id,
                    patient_id=patient_id,
                    kind=kind,
                    status=RecordStatus.DRAFT,
                    performed_on=day,
                    version=1,
                    root_id=visit_id,
                    alert_task_id=alert_task_id,
                    started_at=now,
                    created_at=now,
                    updated_at=now,
                )
            )
            session.flush()
            for instrument_id in dict.fromkeys(instruments):
                session.add(_new_assessment(visit_id, instrument_id, {}, now))
            record_event(
                session,
                at=now,
                actor_id=actor,
                action="visit.start",
                entity=EntityKind.VISIT,
                entity_id=visit_id,
                details={"kind": kind.value, "instruments": list(dict.fromkeys(instruments))},
            )
            return VisitId(visit_id)

    def open_assessment(self, visit_id: VisitId, instrument_id: str) -> AssessmentId:
        """The visit's draft assessment for this instrument, created when first opened."""
        if not _INSTRUMENT_ID.match(instrument_id):
            raise InvalidData({"instrument_id": BAD_INSTRUMENT})
        now = self._db.clock()
        with self._db.writing() as session:
            visit = _draft_visit(session, visit_id)
            existing = session.scalar(
                select(AssessmentRow.id).where(
                    AssessmentRow.visit_id == visit_id,
                    AssessmentRow.instrument_id == instrument_id,
                )
            )
            if existing is not None:
                return AssessmentId(existing)
            row = _new_assessment(visit.id, instrument_id, {}, now)
            session.add(row)
            visit.updated_at = now
            return AssessmentId(row.id)

    def save_draft_answer(
        self, assessment_id: AssessmentId, item_id: str, value: JsonValue
    ) -> None:
        """Autosave one answer at once; `None` clears it (the item is unanswered again)."""
        if not item_id or len(item_id) > 64:
            raise InvalidData({"item_id": BAD_ITEM})
        check_json(value, item_id)
        now = self._db.clock()
        with self._db.writing() as session:
            row = session.get(AssessmentRow, assessment_id)
            if row is None:
                raise RecordNotFound("assessment")
            visit = _draft_visit(session, row.visit_id)
            answers = dict(row.answers)
            if value is None:
                answers.pop(item_id, None)
            else:
                answers[item_id] = value
            row.answers = answers
            row.updated_at = now
            visit.updated_at = now

    def save_visit_position(self, visit_id: VisitId, position: JsonValue) -> None:
        """Where the form was (instrument, item, page...): opaque JSON for the UI."""
        check_json(position, "position")
        now = self._db.clock()
        with self._db.writing() as session:
            visit = _draft_visit(session, visit_id)
            visit.position = position
            visit.updated_at = now

    def discard_draft(self, visit_id: VisitId, *, by: PractitionerId | None = None) -> None:
        """Delete a draft the practitioner chose to abandon (a final visit never is)."""
        now = self._db.clock()
        actor = by or self._actor.profile_id()
        with self._db.writing() as session:
            visit = _draft_visit(session, visit_id)
            session.execute(delete(AssessmentRow).where(AssessmentRow.visit_id == visit.id))
            session.delete(visit)
            session.flush()
            patient = session.get(PatientRow, visit.patient_id)
            if patient is not None:
                patient.last_visit_on = session.scalar(
                    select(func.max(VisitRow.performed_on)).where(
                        VisitRow.patient_id == visit.patient_id
                    )
                )
            record_event(
                session,
                at=now,
                actor_id=actor,
                action="visit.discard",
                entity=EntityKind.VISIT,
                entity_id=visit.id,
            )

    # --- finalization ------------------------------------------------------------------

    def finalize_visit(
        self,
        visit_id: VisitId,
        *,
        results: Mapping[str, JsonValue],
        evaluation: JsonValue,
        care_plan: Sequence[CarePlanEntry],
        finalized_by: PractitionerId,
        planned_follow_up: date | None = None,
    ) -> FinalizeReport:
        """Everything a finished visit produces, in ONE transaction (all or nothing).

        `results` maps instrument id -> the JSON of `screening.score(...)`; `evaluation`
        is the JSON of `screening.evaluate_visit(...)`. Billing: the Step 1 act when the
        visit has Step 1 answers, the Step 2 act when it has Step 2 answers, each once
        per visit lineage (an amendment is not billed again). `planned_follow_up`: the
        next Step 1 date the practitioner chose (None: last Step 1 + the configured
        months); the patient's latest visit sets the patient's next due date.
        """
        for instrument_id, result in results.items():
            check_json(result, instrument_id)
        check_json(evaluation, "evaluation")
        codes = [entry.code for entry in care_plan]
        if len(set(codes)) != len(codes):
            raise InvalidData({"care_plan": DUPLICATE_CARE_PLAN})
        now = self._db.clock()
        with self._db.writing() as session:
            visit = _draft_visit(session, visit_id)
            practitioner = session.get(PractitionerRow, finalized_by)
            if practitioner is None:
                raise RecordNotFound("practitioner")
            assessments = session.scalars(
                select(AssessmentRow).where(AssessmentRow.visit_id == visit.id)
            ).all()
            by_instrument = {a.instrument_id: a for a in assessments}
            if set(results) - set(by_instrument):
                raise InvalidData({"results": UNKNOWN_RESULT})
            for assessment in assessments:
                assessment.result = results.get(assessment.instrument_id)
                assessment.status = RecordStatus.FINAL
                assessment.updated_at = now
            for position, entry in enumerate(care_plan):
                session.add(
                    CarePlanItemRow(
                        id=new_id(),
                        visit_id=visit.id,
                        position=position,
                        domain=entry.domain,
                        code=entry.code,
                        label_fr=entry.label.fr,
                        label_en=entry.label.en,
                        note=entry.note,
                        created_at=now,
                    )
                )
            # Children first, while the visit is still a draft (the triggers allow it).
            session.flush()

            answered = {a.instrument_id for a in assessments if a.answers}
            acts = [
                act
                for act, instruments in (
                    (ACT_STEP1, STEP1_INSTRUMENTS),
                    (ACT_STEP2, STEP2_INSTRUMENTS),
                )
                if answered & instruments
            ]
            lines = []
            for act in acts:
                line = bill_act(
                    session,
                    self._tariffs,
                    act_code=act,
                    source_kind="visit",
                    source_id=visit.root_id,
                    act_date=visit.performed_on,
                    patient_id=visit.patient_id,
                    practitioner_id=practitioner.id,
                    practitioner_rpps=practitioner.rpps,
                    now=now,
                )
                if line is not None:
                    lines.append(line)
            session.flush()
            patient = session.get(PatientRow, visit.patient_id)
            latest = patient is not None and (
                patient.last_step1_on is None or patient.last_step1_on <= visit.performed_on
            )
            if patient is not None and latest and answered & STEP1_INSTRUMENTS:
                # Derived, not synced: the latest Step 1 and the date planned after it.
                patient.last_step1_on = visit.performed_on
                patient.planned_step1_on = planned_follow_up
            elif patient is not None and latest and planned_follow_up is not None:
                patient.planned_step1_on = planned_follow_up  # a Step 2 visit moved it

            enqueue(session, EntityKind.VISIT, visit.id, now)
            for line in lines:
                enqueue(session, EntityKind.BILLING_LINE, line.id, now)
            record_event(
                session,
                at=now,
                actor_id=finalized_by,
                action="visit.finalize",
                entity=EntityKind.VISIT,
                entity_id=visit.id,
                details={
                    "version": visit.version,
                    "instruments": sorted(by_instrument),
                    "billed": [line.act_code for line in lines],
                    "care_plan": codes,
                },
            )
            visit.evaluation = evaluation
            visit.planned_follow_up_on = planned_follow_up
            visit.status = RecordStatus.FINAL
            visit.finalized_at = now
            visit.finalized_by = finalized_by
            visit.updated_at = now
            session.flush()
            return FinalizeReport(
                visit_id=VisitId(visit.id),
                billing_lines=tuple(billing_line(line) for line in lines),
                outbox_entries=1 + len(lines),
            )

    def amend_visit(self, visit_id: VisitId, by: PractitionerId | None = None) -> VisitId:
        """A draft copy of a final visit, linked to it; the original stays untouched."""
        now = self._db.clock()
        actor = by or self._actor.profile_id()
        with self._db.writing() as session:
            original = session.get(VisitRow, visit_id)
            if original is None:
                raise RecordNotFound("visit")
            if original.status is not RecordStatus.FINAL:
                raise VisitNotFinal()
            if session.scalar(select(VisitRow.id).where(VisitRow.amends_id == original.id)):
                raise AlreadyAmended()
            amended_id = new_id()
            session.add(
                VisitRow(
                    id=amended_id,
                    patient_id=original.patient_id,
                    kind=original.kind,
                    status=RecordStatus.DRAFT,
                    performed_on=original.performed_on,
                    version=original.version + 1,
                    root_id=original.root_id,
                    amends_id=original.id,
                    alert_task_id=original.alert_task_id,
                    position=original.position,
                    started_at=now,
                    created_at=now,
                    updated_at=now,
                )
            )
            session.flush()
            for assessment in session.scalars(
                select(AssessmentRow).where(AssessmentRow.visit_id == original.id)
            ):
                session.add(
                    _new_assessment(
                        amended_id, assessment.instrument_id, dict(assessment.answers), now
                    )
                )
            record_event(
                session,
                at=now,
                actor_id=actor,
                action="visit.amend",
                entity=EntityKind.VISIT,
                entity_id=amended_id,
                details={"amends": str(original.id), "version": original.version + 1},
            )
            return VisitId(amended_id)

    # --- reading -----------------------------------------------------------------------

    def get_visit(self, visit_id: VisitId) -> VisitView:
        with self._db.reading() as session:
            visit = session.get(VisitRow, visit_id)
            if visit is None:
                raise RecordNotFound("visit")
            assessments = session.scalars(
                select(AssessmentRow)
                .where(AssessmentRow.visit_id == visit.id)
                .order_by(_INSERTION_ORDER)
            ).all()
            care_plan = session.scalars(
                select(CarePlanItemRow)
                .where(CarePlanItemRow.visit_id == visit.id)
                .order_by(CarePlanItemRow.position)
            ).all()
            return VisitView(
                id=VisitId(visit.id),
                patient_id=PatientId(visit.patient_id),
                kind=VisitKind(visit.kind),
                status=RecordStatus(visit.status),
                performed_on=visit.performed_on,
                version=visit.version,
                root_id=VisitId(visit.root_id),
                amends_id=VisitId(visit.amends_id) if visit.amends_id else None,
                position=visit.position,
                evaluation=visit.evaluation,
                started_at=visit.started_at,
                finalized_at=visit.finalized_at,
                finalized_by=PractitionerId(visit.finalized_by) if visit.finalized_by else None,
                alert_task_id=AlertTaskId(visit.alert_task_id) if visit.alert_task_id else None,
                assessments=tuple(_assessment(a) for a in assessments),
                care_plan=tuple(
                    CarePlanEntry(
                        domain=item.domain,
                        code=item.code,
                        label=Text(fr=item.label_fr, en=item.label_en),
                        note=item.note,
                    )
                    for item in care_plan
                ),
                planned_follow_up_on=visit.planned_follow_up_on,
            )

    def list_visits(self, patient_id: PatientId) -> list[VisitSummary]:
        """Every version of every visit of a patient, newest first."""
        with self._db.reading() as session:
            visits = session.scalars(
                select(VisitRow)
                .where(VisitRow.patient_id == patient_id)
                .order_by(VisitRow.performed_on.desc(), VisitRow.version.desc())
            ).all()
            instruments = _instruments_by_visit(session, [v.id for v in visits])
            amended_by = {v.amends_id: v.id for v in visits if v.amends_id}
            return [
                VisitSummary(
                    id=VisitId(v.id),
                    patient_id=PatientId(v.patient_id),
                    kind=VisitKind(v.kind),
                    status=RecordStatus(v.status),
                    performed_on=v.performed_on,
                    version=v.version,
                    amended_by=VisitId(amended_by[v.id]) if v.id in amended_by else None,
                    instruments=instruments.get(v.id, ()),
                )
                for v in visits
            ]

    def list_drafts(self) -> list[DraftSummary]:
        """Unfinished visits, most recently touched first."""
        with self._db.reading() as session:
            rows = session.execute(
                select(
                    VisitRow, PatientRow.birth_name, PatientRow.used_name, PatientRow.first_names
                )
                .join(PatientRow, PatientRow.id == VisitRow.patient_id)
                .where(VisitRow.status == RecordStatus.DRAFT)
                .order_by(VisitRow.updated_at.desc())
            ).all()
            instruments = _instruments_by_visit(session, [row[0].id for row in rows])
            return [
                DraftSummary(
                    visit_id=VisitId(visit.id),
                    patient_id=PatientId(visit.patient_id),
                    patient_name=display_name(birth, used, first),
                    kind=VisitKind(visit.kind),
                    performed_on=visit.performed_on,
                    updated_at=visit.updated_at,
                    instruments=instruments.get(visit.id, ()),
                )
                for visit, birth, used, first in rows
            ]

    def list_due_followups(self, today: date, *, months: int | None = None) -> list[DueFollowUp]:
        """Patients whose next Step 1 is due on or before `today`, most overdue first.

        Next due = the date the practitioner planned at the last Step 1 when there is
        one, else the last final Step 1 + N calendar months (clinical spec §1, Step 4;
        N = the `follow_up_months` setting, 6 by default). Patients who left the
        programme are not listed. `patient.last_step1_on` and `planned_step1_on`, kept
        by `finalize_visit`, make this two index ranges rather than a scan of every
        visit.
        """
        months = months or int(self._settings.get(SettingKey.FOLLOW_UP_MONTHS))
        cutoff = _latest_due_cutoff(today, months)
        sql = text(
            "SELECT id, birth_name, used_name, first_names, last_step1_on, planned_step1_on "
            "FROM patient WHERE exited_on IS NULL AND ("
            "(planned_step1_on IS NULL AND last_step1_on <= :cutoff) "
            "OR planned_step1_on <= :today)"
        )
        with self._db.reading() as session:
            rows = session.execute(
                sql, {"cutoff": cutoff.isoformat(), "today": today.isoformat()}
            ).all()
        due = []
        for row in rows:
            last = date.fromisoformat(row[4]) if row[4] else None
            planned = date.fromisoformat(row[5]) if row[5] else None
            if planned is not None:
                due_on = planned
            else:
                assert last is not None  # the WHERE clause needs one of the two
                due_on = add_months(last, months)
            due.append(
                DueFollowUp(
                    patient_id=PatientId(uuid.UUID(hex=row[0])),
                    patient_name=display_name(row[1], row[2], row[3]),
                    last_step1_on=last,
                    due_on=due_on,
                    planned=planned is not None,
                )
            )
        due.sort(key=lambda item: (item.due_on, item.patient_name))
        return due

    def count_visits(self) -> int:
        with self._db.reading() as session:
            return int(session.scalar(select(func.count()).select_from(VisitRow)) or 0)


def _new_assessment(
    visit_id: uuid.UUID, instrument_id: str, answers: dict[str, Any], now: datetime
) -> AssessmentRow:
    return AssessmentRow(
        id=new_id(),
        visit_id=visit_id,
        instrument_id=instrument_id,
        answers=answers,
        result=None,
        status=RecordStatus.DRAFT,
        created_at=now,
        updated_at=now,
    )


def _instruments_by_visit(
    session: Session, visit_ids: list[uuid.UUID]
) -> dict[uuid.UUID, tuple[str, ...]]:
    found: dict[uuid.UUID, list[str]] = {}
    for start in range(0, len(visit_ids), 500):
        chunk = visit_ids[start : start + 500]
        for visit_id, instrument_id in session.execute(
            select(AssessmentRow.visit_id, AssessmentRow.instrument_id)
            .where(AssessmentRow.visit_id.in_(chunk))
            .order_by(_INSERTION_ORDER)
        ):
            found.setdefault(visit_id, []).append(instrument_id)
    return {key: tuple(value) for key, value in found.items()}
