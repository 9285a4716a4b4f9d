"""`SyncService`: "Synchroniser maintenant", the server settings and "Tester la connexion".

The only sync API the UI calls (STYLE.md §1, §3). `sync_now(progress, cancel)` runs in a
worker thread (`ui.tasks.Task`); it pushes the outbox, then pulls the alert Tasks and
the ChargeItem feed (which acts were exported for payment, protocol §7.6), and
returns a `SyncReport` the UI summarises (sent / rejected / alerts received). A second
call while one runs raises `SyncAlreadyRunning` at once: never two syncs at a time.

The token lives in the encrypted store's settings (`SettingKey.API_TOKEN`), never in a
plain file. The documented demo token is sent only when the composition root built this
service with `demo=True` (`icope-desktop --demo`); a production service refuses to store
or send it, whatever the settings hold.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from icope_desktop.i18n import Text
from icope_desktop.store.billing import TariffTable
from icope_desktop.store.errors import StoreError
from icope_desktop.store.patients import display_name
from icope_desktop.store.records import (
    AlertTaskId,
    Clock,
    EntityKind,
    GpId,
    LetterId,
    PatientId,
    RecordSync,
    SyncStatus,
    VisitId,
    system_clock,
)
from icope_desktop.store.repositories import Repositories
from icope_desktop.store.settings import SettingKey
from icope_desktop.sync.errors import (
    AuthenticationRequired,
    BadAddress,
    DemoTokenRefused,
    NotConfigured,
    ProtocolMismatch,
    ServerFailure,
    ServerUnreachable,
    SyncAlreadyRunning,
    SyncError,
    TlsFailure,
    decode_reason,
)
from icope_desktop.sync.heap import full_collections_deferred
from icope_desktop.sync.identifiers import DEMO_TOKEN
from icope_desktop.sync.preferences import LastSync, SyncPreferences
from icope_desktop.sync.pull import Puller, PullReport
from icope_desktop.sync.pull_billing import ChargeItemFeed
from icope_desktop.sync.push import Pusher, PushReport, Rejection
from icope_desktop.sync.transport import HttpTransport, Refused, RetryPolicy

log = logging.getLogger(__name__)

ProgressFn = Callable[[int, int, str], None]
TransportFactory = Callable[[str, "str | None", RetryPolicy], HttpTransport]


def _no_progress(done: int, total: int, label: str) -> None:
    return None


def default_transport(url: str, token: str | None, retry: RetryPolicy) -> HttpTransport:
    return HttpTransport(url, token, retry=retry)


@dataclass
class SyncReport:
    """What one sync did, for the result summary (issue 7: sent / rejected / alerts)."""

    sent: int = 0
    rejected: int = 0
    alerts_received: int = 0
    alerts_removed: int = 0
    patients_linked: int = 0
    exported: int = 0
    """Acts the administrator exported for payment since the last sync (§7.6)."""
    rejections: list[Rejection] = field(default_factory=list)
    notices: list[Text] = field(default_factory=list)
    error: SyncError | None = None
    finished_at: datetime | None = None

    @property
    def needs_token(self) -> bool:
        return isinstance(self.error, AuthenticationRequired)

    @property
    def reached_server(self) -> bool:
        return not isinstance(self.error, ServerUnreachable | TlsFailure | NotConfigured)


class ConnectionStatus(StrEnum):
    OK = "ok"
    UNREACHABLE = "unreachable"
    BAD_TOKEN = "bad_token"
    TLS_ERROR = "tls_error"
    NOT_A_SERVER = "not_a_server"
    NOT_CONFIGURED = "not_configured"


CONNECTION_MESSAGES: dict[ConnectionStatus, Text] = {
    ConnectionStatus.OK: Text(
        fr="Connexion réussie : serveur « {name} », jeton accepté.",
        en="Connection works: server \"{name}\", token accepted.",
    ),
    ConnectionStatus.UNREACHABLE: Text(
        fr="Serveur injoignable : vérifiez l'adresse et la connexion Internet.",
        en="Server unreachable: check the address and the Internet connection.",
    ),
    ConnectionStatus.BAD_TOKEN: Text(
        fr="Le serveur répond, mais refuse le jeton : vérifiez-le ou demandez-en un nouveau.",
        en="The server answers but refuses the token: check it or ask for a new one.",
    ),
    ConnectionStatus.TLS_ERROR: Text(
        fr="Erreur de sécurité TLS : le certificat du serveur n'est pas reconnu.",
        en="TLS security error: the server's certificate is not trusted.",
    ),
    ConnectionStatus.NOT_A_SERVER: Text(
        fr="Cette adresse ne répond pas comme un serveur ICOPE (FHIR) : vérifiez-la.",
        en="This address does not answer like an ICOPE (FHIR) server: check it.",
    ),
    ConnectionStatus.NOT_CONFIGURED: Text(
        fr="Indiquez l'adresse du serveur et votre jeton.",
        en="Enter the server address and your token.",
    ),
}


@dataclass(frozen=True, slots=True)
class ConnectionCheck:
    status: ConnectionStatus
    server_name: str | None
    message: Text

    @property
    def ok(self) -> bool:
        return self.status is ConnectionStatus.OK


@dataclass(frozen=True, slots=True)
class ServerSettings:
    url: str | None
    has_token: bool
    auto_sync: bool


@dataclass(frozen=True, slots=True)
class RecordSyncView:
    """Per-record sync state as shown beside a record (waiting / sent / rejected)."""

    status: SyncStatus
    reason: Text | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class RefusedRecord:
    """One refused record for "Envois refusés": which record, in words, and why."""

    entity: EntityKind
    entity_id: UUID
    what: Text
    reason: Text | None
    refused_at: datetime


RECORD_DELETED = Text(fr="Dossier supprimé", en="Deleted record")


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


class SyncService:
    def __init__(
        self,
        repos: Repositories,
        *,
        tariffs: TariffTable | None = None,
        demo: bool = False,
        retry: RetryPolicy | None = None,
        transport_factory: TransportFactory = default_transport,
        clock: Clock = system_clock,
    ) -> None:
        self.repos = repos
        self.tariffs = tariffs or TariffTable.load()
        self.demo = demo
        self.retry = retry or RetryPolicy()
        self._transport_factory = transport_factory
        self._clock = clock
        self._running = threading.Lock()
        self._cancel = threading.Event()
        self.preferences = SyncPreferences(repos.db)

    # --- settings ----------------------------------------------------------------------

    def server_settings(self) -> ServerSettings:
        settings = self.repos.settings
        return ServerSettings(
            url=settings.get(SettingKey.SERVER_URL),
            has_token=bool(settings.get(SettingKey.API_TOKEN)),
            auto_sync=bool(settings.get(SettingKey.AUTO_SYNC)),
        )

    def save_server_settings(self, url: str | None, token: str | None = None) -> None:
        """Store the address, and the token when one is given (None keeps the old one)."""
        if token is not None:
            token = token.strip()
            self._refuse_demo_token(token)
        self.repos.settings.set(SettingKey.SERVER_URL, url.strip() if url else None)
        if token:
            self.repos.settings.set(SettingKey.API_TOKEN, token)

    def set_auto_sync(self, enabled: bool) -> None:
        self.repos.settings.set(SettingKey.AUTO_SYNC, enabled)

    def is_configured(self) -> bool:
        settings = self.server_settings()
        return bool(settings.url and settings.has_token)

    def _refuse_demo_token(self, token: str | None) -> None:
        if token == DEMO_TOKEN and not self.demo:
            raise DemoTokenRefused()

    def _transport(self, url: str | None = None, token: str | None = None) -> HttpTransport:
        url = url or self.repos.settings.get(SettingKey.SERVER_URL)
        token = token or self.repos.settings.get(SettingKey.API_TOKEN)
        if not url or not token:
            raise NotConfigured()
        self._refuse_demo_token(token)
        return self._transport_factory(url, token, self.retry)

    # --- status ------------------------------------------------------------------------

    @property
    def is_running(self) -> bool:
        return self._running.locked()

    def counts(self) -> dict[SyncStatus, int]:
        return self.repos.outbox.counts()

    def last_sync_at(self) -> datetime | None:
        return self.repos.sync_state.last_sync_at()

    def record_status(self, entity: EntityKind, entity_id: UUID) -> RecordSyncView | None:
        found: RecordSync | None = self.repos.outbox.record_status(entity, entity_id)
        if found is None:
            return None
        return RecordSyncView(found.status, decode_reason(found.reason), found.updated_at)

    def retry_rejected(
        self, entity: EntityKind | None = None, entity_id: UUID | None = None
    ) -> int:
        """Queue refused records again: one (`entity`, `entity_id`), or all of them
        ("Renvoyer les envois refusés"). Returns how many were queued."""
        if entity is not None and entity_id is not None:
            self.repos.outbox.retry_rejected(entity, entity_id)
            return 1
        return self.repos.outbox.retry_all_rejected()

    def refused_records(self) -> list[RefusedRecord]:
        """Every record whose latest attempt was refused, named in words (patient, letter,
        GP...) with the reason, for the sync UI's list (audit item 4)."""
        return [
            RefusedRecord(
                record.entity,
                record.entity_id,
                self._describe(record.entity, record.entity_id),
                decode_reason(record.reason),
                record.rejected_at,
            )
            for record in self.repos.outbox.rejected()
        ]

    def _patient_name(self, patient_id: UUID | None) -> str:
        if patient_id is None:
            return "?"
        identity = self.repos.patients.get_patient(PatientId(patient_id)).identity
        return display_name(identity.birth_name, identity.used_name, identity.first_names)

    def _describe(self, entity: EntityKind, entity_id: UUID) -> Text:
        repos = self.repos
        try:
            if entity is EntityKind.PATIENT:
                name = self._patient_name(entity_id)
                return Text(fr=f"Patient {name}", en=f"Patient {name}")
            if entity is EntityKind.GENERAL_PRACTITIONER:
                gp = repos.gps.get_gp(GpId(entity_id)).data
                who = f"{gp.first_name} {gp.last_name}".strip()
                return Text(fr=f"Médecin traitant : Dr {who}", en=f"GP: Dr {who}")
            if entity is EntityKind.PRACTITIONER:
                return Text(fr="Votre profil de praticien", en="Your practitioner profile")
            if entity is EntityKind.VISIT:
                visit = repos.visits.get_visit(VisitId(entity_id))
                name, day = self._patient_name(visit.patient_id), _day(visit.performed_on)
                return Text(fr=f"Visite du {day}, {name}", en=f"Visit of {day}, {name}")
            if entity is EntityKind.LETTER:
                letter = repos.letters.get_letter_by_id(LetterId(entity_id))
                visit = repos.visits.get_visit(letter.visit_id)
                name, day = self._patient_name(visit.patient_id), _day(visit.performed_on)
                return Text(fr=f"Courrier au médecin traitant, {name} (visite du {day})",
                            en=f"Letter to the GP, {name} (visit of {day})")
            if entity is EntityKind.BILLING_LINE:
                line = next(x for x in repos.billing.list_lines() if x.id == entity_id)
                tariff = self.tariffs.find(line.act_code, line.act_date)
                label = tariff.label if tariff else Text(fr=line.act_code, en=line.act_code)
                name, day = self._patient_name(line.patient_id), _day(line.act_date)
                return Text(fr=f"Acte « {label.fr} » du {day}, {name}",
                            en=f"Act \"{label.en}\" of {day}, {name}")
            if entity is EntityKind.ALERT_TASK:
                alert = repos.alerts.get_task(AlertTaskId(entity_id))
                name = self._patient_name(alert.patient_id)
                return Text(fr=f"Décision sur l'alerte de {name}",
                            en=f"Decision on the alert of {name}")
        except (StoreError, StopIteration):
            return RECORD_DELETED
        return RECORD_DELETED

    # --- actions -----------------------------------------------------------------------

    def sync_now(
        self, progress: ProgressFn = _no_progress, cancel: threading.Event | None = None
    ) -> SyncReport:
        """Push, then pull; worker thread only. Never two at once (SyncAlreadyRunning)."""
        if not self._running.acquire(blocking=False):
            raise SyncAlreadyRunning()
        cancel = cancel or threading.Event()
        self._cancel = cancel
        report = SyncReport()
        try:
            transport = self._transport()
        except SyncError as error:
            report.error = error
            report.finished_at = self._clock()
            self._remember(report)
            self._running.release()
            return report
        pushed, pulled = PushReport(), PullReport()
        exported = 0
        try:
            with full_collections_deferred():
                Pusher(self.repos, transport, tariffs=self.tariffs, test_ins=self.demo).push(
                    progress, cancel, pushed
                )
                Puller(self.repos, transport).pull(progress, cancel, pulled)
                exported = ChargeItemFeed(self.repos, transport).pull(progress, cancel)
        except SyncError as error:
            report.error = error
        except Refused:
            report.error = ProtocolMismatch()
        finally:
            transport.close()
            report.sent, report.rejected = pushed.sent, pushed.rejected
            report.rejections = pushed.rejections
            report.alerts_received = pulled.created
            report.alerts_removed = pulled.removed
            report.patients_linked = pulled.linked
            report.exported = exported
            report.notices = pulled.notices
            report.finished_at = self._clock()
            self._remember(report)  # before the lock is freed: the store is still open
            self._running.release()
        return report

    def _remember(self, report: SyncReport) -> None:
        """Keep the outcome for the status bar after a restart (audit item 7). A store
        that cannot be written now (disk full...) costs the summary, never the sync."""
        if report.finished_at is None:
            return
        error = report.error.message if report.error is not None else None
        try:
            self.preferences.save_last_sync(
                LastSync(report.finished_at, report.sent, report.rejected,
                         report.alerts_received, report.alerts_removed, error)
            )
        except StoreError:
            log.warning("sync: last outcome not saved")

    def last_sync(self) -> LastSync | None:
        """The last sync's time and outcome, kept across restarts."""
        return self.preferences.last_sync()

    def sync_interval_minutes(self) -> int:
        return self.preferences.interval_minutes()

    def set_sync_interval(self, minutes: int) -> None:
        """Automatic sync every `minutes` (5, 15, 30 or 60; audit item 5)."""
        self.preferences.set_interval_minutes(minutes)

    def close(self, timeout: float = 10.0) -> bool:
        """Before the store is locked (`Services.close`): ask a running sync to stop at its
        next Bundle and wait for it; True when no sync is left running."""
        self._cancel.set()
        if self._running.acquire(timeout=timeout):
            self._running.release()
            return True
        return False

    def probe(self) -> bool:
        """Is the server reachable? `GET /metadata`, no token, short timeouts."""
        url = self.repos.settings.get(SettingKey.SERVER_URL)
        if not url:
            return False
        try:
            transport = self._transport_factory(url, None, self.retry)
        except SyncError:
            return False
        try:
            transport.metadata()
        except SyncError:
            return False
        finally:
            transport.close()
        return True

    def test_connection(self, url: str | None = None, token: str | None = None) -> ConnectionCheck:
        """"Tester la connexion": reachable? a FHIR server? token accepted? (worker thread)"""
        url = url or self.repos.settings.get(SettingKey.SERVER_URL)
        token = token or self.repos.settings.get(SettingKey.API_TOKEN)
        if not url or not token:
            return _check(ConnectionStatus.NOT_CONFIGURED)
        try:
            self._refuse_demo_token(token)
        except DemoTokenRefused as error:
            return ConnectionCheck(ConnectionStatus.BAD_TOKEN, None, error.message)
        try:
            transport = self._transport_factory(url, token, self.retry)
        except BadAddress:
            return _check(ConnectionStatus.NOT_A_SERVER)
        try:
            capability = transport.metadata()
            name = _server_name(capability)
            transport.check_token()
        except AuthenticationRequired:
            return _check(ConnectionStatus.BAD_TOKEN)
        except TlsFailure:
            return _check(ConnectionStatus.TLS_ERROR)
        except (ServerUnreachable, ServerFailure):
            return _check(ConnectionStatus.UNREACHABLE)
        except (ProtocolMismatch, Refused, BadAddress):
            return _check(ConnectionStatus.NOT_A_SERVER)
        finally:
            transport.close()
        return _check(ConnectionStatus.OK, name)


def _server_name(capability: dict[str, Any]) -> str:
    software = capability.get("software") or {}
    name = str(software.get("name") or capability.get("name") or "FHIR")
    version = software.get("version")
    return f"{name} {version}" if version else name


def _check(status: ConnectionStatus, name: str | None = None) -> ConnectionCheck:
    return ConnectionCheck(status, name, CONNECTION_MESSAGES[status].format(name=name or ""))
