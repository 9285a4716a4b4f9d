"""Pull the alert Tasks assigned to the practitioner (docs/SYNC_PROTOCOL.md §5.1).

* The cursor is the server's (`ICOPE-Cursor`), stored opaque and only *after* the page's
  Tasks are stored, so a crash between the two re-pulls a page (harmless: Tasks are
  matched by server id) and never skips one. The laptop's clock is never used.
* A `410 cursor-ahead` (the server was restored from a backup) drops the cursor and pulls
  from the start once.
* A reassigned Task comes back as a `cancelled` stub: the alert leaves the inbox.
* The patient of a Task is looked for among the local files: the same INS, or one
  candidate of `find_possible_duplicates` that matches exactly (same birth date, names and
  sex), links it; anything less certain is left for the practitioner to confirm in the
  inbox ("Lier à ce dossier" / "Créer un nouveau dossier"), never merged silently.
* Demographics (DESIGN.md "Conflicts"): when a new alert's person is linked to a local
  file, the server's contact details win unless the local file has unsynced edits or was
  edited after the alert was written (`authoredOn`, the date of the server's version of
  these details; `lastModified` moves with every decision and says nothing about them);
  either way the practitioner is told. Identity fields (names, birth date, sex, INS) are
  never changed by a pull: identity vigilance leaves that to the practitioner.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from icope_desktop.i18n import Text, _
from icope_desktop.store.patients import display_name
from icope_desktop.store.records import (
    AlertTask,
    Candidate,
    EntityKind,
    PatientId,
    PulledAlertTask,
    SyncStatus,
)
from icope_desktop.store.repositories import Repositories
from icope_desktop.sync.errors import Cancelled
from icope_desktop.sync.fhir_tasks import Contact, IncomingPerson, parse_task
from icope_desktop.sync.transport import HttpTransport, Refused

ProgressFn = Callable[[int, int, str], None]
STREAM = "tasks"
PAGE_SIZE = 100


@dataclass
class PullReport:
    received: int = 0
    created: int = 0
    removed: int = 0
    linked: int = 0
    notices: list[Text] = field(default_factory=list)


def match_patient(
    repos: Repositories, person: IncomingPerson
) -> tuple[PatientId | None, list[Candidate]]:
    """The local file that is certainly this person, else the candidates to show."""
    identity = person.identity
    if identity.ins:
        found = repos.patients.find_by_ins(identity.ins)
        if found is not None:
            return found.id, []
    candidates = repos.patients.find_possible_duplicates(identity)
    if len(candidates) == 1 and candidates[0].score >= 1.0:
        return candidates[0].patient_id, []
    return None, candidates


def reconcile_contact(
    repos: Repositories, patient_id: PatientId, incoming: Contact, server_time: datetime | None
) -> Text | None:
    """Apply the server's contact details unless the local version is newer or unsynced."""
    patient = repos.patients.get_patient(patient_id)
    data = patient.data
    changes = {
        name: value
        for name, value in dataclasses.asdict(incoming).items()
        if value is not None and value != getattr(data, name)
    }
    if not changes:
        return None
    name = display_name(
        patient.identity.birth_name, patient.identity.used_name, patient.identity.first_names
    )
    status = repos.outbox.record_status(EntityKind.PATIENT, patient_id)
    unsynced = status is not None and status.status is SyncStatus.WAITING
    # The server stamps to the second: a local edit counts as newer only in a later second.
    local_time = patient.updated_at.replace(microsecond=0)
    if unsynced or server_time is None or local_time > server_time:
        return Text(
            fr=f"{name} : coordonnées différentes sur le serveur ; votre version, plus récente, "
            "est conservée.",
            en=f"{name}: contact details differ on the server; your newer version is kept.",
        )
    repos.patients.update_patient(patient_id, dataclasses.replace(data, **changes))
    return Text(
        fr=f"{name} : coordonnées mises à jour depuis le serveur.",
        en=f"{name}: contact details updated from the server.",
    )


class Puller:
    def __init__(self, repos: Repositories, transport: HttpTransport) -> None:
        self.repos = repos
        self.transport = transport

    def pull(
        self, progress: ProgressFn, cancel: threading.Event, report: PullReport | None = None
    ) -> PullReport:
        report = report if report is not None else PullReport()
        label = _("Réception des alertes")
        restarted = False
        while True:
            if cancel.is_set():
                raise Cancelled()
            cursor = self.repos.sync_state.get(STREAM).cursor
            try:
                page = self.transport.get_tasks(cursor, PAGE_SIZE, cancel)
            except Refused as refused:
                if refused.code == "cursor-ahead" and not restarted:
                    restarted = True
                    self.repos.sync_state.save(STREAM, None)
                    continue
                raise
            self._store(page.tasks, report)
            self.repos.sync_state.save(STREAM, page.cursor)
            report.received += len(page.tasks)
            progress(report.received, max(page.total, report.received), label)
            if not page.tasks or page.total <= len(page.tasks):
                return report

    def _store(self, tasks: tuple[dict[str, object], ...], report: PullReport) -> None:
        known: dict[str, AlertTask] = {a.server_id: a for a in self.repos.alerts.list_open()}
        pulled: list[PulledAlertTask] = []
        to_reconcile: list[tuple[PatientId, Contact, datetime | None]] = []
        for raw in tasks:
            task = parse_task(dict(raw))
            existing = known.get(task.alert.server_id)
            if task.reassigned:
                if existing is not None:
                    report.removed += 1
                    pulled.append(
                        PulledAlertTask(
                            server_id=existing.server_id,
                            raised_on=existing.raised_on,
                            source=existing.source,
                            altered_domains=existing.altered_domains,
                            server_status="cancelled",
                            payload={**existing.payload, "status": "cancelled"},
                        )
                    )
                continue
            patient_id = existing.patient_id if existing else None
            if patient_id is None and task.person is not None:
                patient_id, _candidates = match_patient(self.repos, task.person)
                if patient_id is not None and existing is None:
                    report.linked += 1
            pulled.append(dataclasses.replace(task.alert, patient_id=patient_id))
            fresh = existing is None and task.alert.server_status == "requested"
            if fresh and patient_id is not None and task.person is not None:
                to_reconcile.append((patient_id, task.person.contact, task.authored))
        if pulled:
            report.created += self.repos.alerts.upsert_pulled(pulled).created
        for patient_id, contact, moment in to_reconcile:
            notice = reconcile_contact(self.repos, patient_id, contact, moment)
            if notice is not None:
                report.notices.append(notice)
