"""`AlertsService`: the alerts inbox and its three outcomes (CONTEXT.md, issue 7).

Confirm (→ a Step 2 visit is started with the tests proposed for the altered domains),
invalidate (with a reason; the patient leaves the programme's follow-up), or keep open
with a note and a reminder date. Nothing forces a choice: an alert may stay open forever.
Confirming and invalidating are billed by the store, in the decision's own transaction,
when the tariff table says so; every decision is queued for the server (protocol §5.3).

An alert's person is linked to a local file before a final decision (the billing line and
the Step 2 visit need a patient): the inbox shows the candidate files ("Lier à ce
dossier") or creates one from the alert's data ("Créer un nouveau dossier").
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

from icope_desktop.i18n import Text
from icope_desktop.screening import STEP2_BY_DOMAIN, Domain
from icope_desktop.store.errors import InvalidData
from icope_desktop.store.patients import display_name
from icope_desktop.store.records import (
    AlertDecision,
    AlertTask,
    AlertTaskId,
    Clock,
    EntityKind,
    PatientData,
    PatientId,
    PractitionerId,
    VisitId,
    VisitKind,
    system_clock,
)
from icope_desktop.store.repositories import Repositories
from icope_desktop.sync.errors import SyncError, decode_reason
from icope_desktop.sync.fhir_tasks import (
    EXIT_REASON_LABELS,
    IncomingPerson,
    invalidation_note,
    parse_task,
)
from icope_desktop.sync.pull import match_patient

NOTE_REQUIRED = Text(
    fr="Pour garder l'alerte ouverte, écrivez une note (ce qui reste à faire).",
    en="To keep the alert open, write a note (what remains to be done).",
)
NO_PROFILE = Text(
    fr="Renseignez d'abord votre profil de praticien.",
    en="Fill in your practitioner profile first.",
)
UNKNOWN_REASON = Text(fr="Motif de sortie inconnu.", en="Unknown exit reason.")
NO_PERSON = Text(
    fr="L'alerte ne contient pas l'identité du patient : liez-la à un dossier existant.",
    en="The alert holds no patient identity: link it to an existing file.",
)


class AlertActionError(SyncError):
    """A decision the inbox cannot record as asked; the message says what to do."""


@dataclass(frozen=True, slots=True)
class CandidateFile:
    patient_id: PatientId
    name: str
    birth_date: date
    score: float
    reasons: tuple[Text, ...]


@dataclass(frozen=True, slots=True)
class InboxAlert:
    task: AlertTask
    person_name: str | None
    birth_date: date | None
    patient_name: str | None
    candidates: tuple[CandidateFile, ...]
    proposed_step2: tuple[str, ...]
    sync_status: str | None
    sync_reason: Text | None

    @property
    def id(self) -> AlertTaskId:
        return self.task.id

    @property
    def needs_link(self) -> bool:
        return self.task.patient_id is None


def proposed_step2(domains: tuple[str, ...]) -> tuple[str, ...]:
    """The Step 2 test of each altered domain, in the spec's domain order (§1, §3)."""
    found = []
    for domain in Domain:
        if domain.value in domains:
            found.append(STEP2_BY_DOMAIN[domain])
    return tuple(found)


class AlertsService:
    def __init__(self, repos: Repositories, clock: Clock = system_clock) -> None:
        self.repos = repos
        self.clock = clock

    # --- reading -----------------------------------------------------------------------

    def count_open(self) -> int:
        return len(self.repos.alerts.list_open())

    def inbox(self) -> list[InboxAlert]:
        return [self._view(task) for task in self.repos.alerts.list_open()]

    def get(self, task_id: AlertTaskId) -> InboxAlert:
        return self._view(self.repos.alerts.get_task(task_id))

    def _person(self, task: AlertTask) -> IncomingPerson | None:
        return parse_task(dict(task.payload)).person if task.payload.get("id") else None

    def _view(self, task: AlertTask) -> InboxAlert:
        person = self._person(task)
        candidates: tuple[CandidateFile, ...] = ()
        patient_name = None
        if task.patient_id is not None:
            patient = self.repos.patients.get_patient(task.patient_id)
            identity = patient.identity
            patient_name = display_name(
                identity.birth_name, identity.used_name, identity.first_names
            )
        elif person is not None:
            _found, matches = match_patient(self.repos, person)
            found = []
            for match in matches:
                other = self.repos.patients.get_patient(match.patient_id).identity
                found.append(
                    CandidateFile(
                        match.patient_id,
                        display_name(other.birth_name, other.used_name, other.first_names),
                        other.birth_date,
                        match.score,
                        match.reasons,
                    )
                )
            candidates = tuple(found)
        status = self.repos.outbox.record_status(EntityKind.ALERT_TASK, task.id)
        return InboxAlert(
            task=task,
            person_name=(
                display_name(person.identity.birth_name, None, person.identity.first_names)
                if person
                else None
            ),
            birth_date=person.identity.birth_date if person else None,
            patient_name=patient_name,
            candidates=candidates,
            proposed_step2=proposed_step2(task.altered_domains),
            sync_status=status.status.value if status else None,
            sync_reason=decode_reason(status.reason) if status else None,
        )

    # --- linking -----------------------------------------------------------------------

    def link_patient(self, task_id: AlertTaskId, patient_id: PatientId) -> None:
        """"Lier à ce dossier": the alert's person is this local patient."""
        self.repos.alerts.link_patient(task_id, patient_id)

    def create_patient_from_alert(self, task_id: AlertTaskId) -> PatientId:
        """"Créer un nouveau dossier" from the alert's identity and contact details."""
        task = self.repos.alerts.get_task(task_id)
        person = self._person(task)
        if person is None:
            raise AlertActionError(NO_PERSON)
        contact = person.contact
        patient_id = self.repos.patients.create_patient(
            PatientData(
                identity=person.identity,
                address=contact.address,
                postal_code=contact.postal_code,
                city=contact.city,
                phone=contact.phone,
            )
        )
        self.repos.alerts.link_patient(task_id, patient_id)
        return patient_id

    # --- the three decisions -----------------------------------------------------------

    def _actor(self) -> PractitionerId:
        actor = self.repos.practitioner.profile_id()
        if actor is None:
            raise AlertActionError(NO_PROFILE)
        return actor

    def confirm(self, task_id: AlertTaskId, note: str | None = None) -> VisitId:
        """Confirm, and start the Step 2 visit with the tests for the altered domains."""
        actor = self._actor()
        task = self.repos.alerts.get_task(task_id)
        if task.patient_id is not None:
            patient = self.repos.patients.get_patient(task.patient_id)
            if patient.data.exited_on is not None:
                # Confirming brings the patient back into the programme's follow-up.
                self.repos.patients.update_patient(
                    patient.id, dataclasses.replace(patient.data, exited_on=None)
                )
        self.repos.alerts.decide(task_id, AlertDecision.CONFIRM, by=actor, note=note)
        assert task.patient_id is not None  # decide() refuses a final decision without one
        return self.repos.visits.start_visit(
            task.patient_id,
            VisitKind.STEP2,
            by=actor,
            instruments=proposed_step2(task.altered_domains),
            alert_task_id=task_id,
        )

    def invalidate(self, task_id: AlertTaskId, reason: str, text: str | None = None) -> None:
        """Invalidate with an exit reason; the patient leaves the follow-up (exit date)."""
        if reason not in EXIT_REASON_LABELS:
            raise InvalidData({"reason": UNKNOWN_REASON})
        actor = self._actor()
        self.repos.alerts.decide(
            task_id, AlertDecision.INVALIDATE, by=actor, note=invalidation_note(reason, text)
        )
        task = self.repos.alerts.get_task(task_id)
        if task.patient_id is not None:
            patient = self.repos.patients.get_patient(task.patient_id)
            if patient.data.exited_on is None:
                self.repos.patients.update_patient(
                    patient.id,
                    dataclasses.replace(patient.data, exited_on=self.clock().date()),
                    by=actor,
                )

    def keep_open(
        self, task_id: AlertTaskId, note: str, reminder_on: date | None = None
    ) -> None:
        """Neither yes nor no: a note (the server requires one, §5.3) and a reminder."""
        if not note or not note.strip():
            raise AlertActionError(NOTE_REQUIRED)
        actor = self._actor()
        self.repos.alerts.decide(
            task_id, AlertDecision.OPEN, by=actor, note=note, reminder_on=reminder_on
        )
