"""Push the outbox: map waiting records, send them in transaction Bundles, mark each one.

DESIGN.md "Sync" and issue 7: exactly once, and a bad record never blocks the others.

* Records go in outbox order (a patient before its visits) in Bundles of at most
  `MAX_ENTRIES` entries and `MAX_BYTES` bytes; each record's resources travel together.
* A Bundle the server refuses (`422` and the like: all or nothing, nothing stored) is split:
  the records the OperationOutcome names are marked rejected with the server's message
  (French and English) and the rest go again in a new Bundle, hence with a new key; when
  no entry is named, the Bundle is halved until the bad record is alone.
* A record that cannot be mapped (a letter with no GP address, an unreadable stored
  result...) is marked rejected locally with what to fix; it is never sent half-made. An
  act with no amount is not one of them: it goes out "to be priced" (protocol §7.4).
* Transport failures are retried by the transport with the same key; if they persist the
  push stops and every unsent record stays waiting for the next sync.
* Alert decisions go after the other Bundles, one transaction Bundle per alert: the
  `PUT Task/<id>` entry first (§5.3), then the decision's ChargeItem, which names its Task
  (`supportingInformation`). All or nothing (audit item 3): a decision the server refuses
  (alert reassigned, already decided) refuses its bill too, so no act is paid for a
  decision that was never recorded. A bill refused on its own leaves the decision to go
  alone. A bill whose decision was sent in an earlier sync goes alone.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from icope_desktop.i18n import Text, _
from icope_desktop.store.billing import TariffTable
from icope_desktop.store.errors import StoreError
from icope_desktop.store.records import (
    AlertTaskId,
    BillingLine,
    EntityKind,
    GpId,
    LetterId,
    OutboxItem,
    PatientId,
    SyncStatus,
    VisitId,
)
from icope_desktop.store.repositories import Repositories
from icope_desktop.sync.bundles import (
    MAX_BYTES,
    MAX_ENTRIES,
    Entry,
    canonical_bytes,
    checked,
    idempotency_key,
    transaction,
)
from icope_desktop.sync.errors import Cancelled, CannotMap, ProtocolMismatch, encode_reason
from icope_desktop.sync.fhir_billing import charge_item_entry
from icope_desktop.sync.fhir_letters import letter_entries
from icope_desktop.sync.fhir_people import gp_resource, patient_resource, practitioner_resource
from icope_desktop.sync.fhir_tasks import decision_body
from icope_desktop.sync.fhir_visit import VisitMapper
from icope_desktop.sync.heap import collect_young
from icope_desktop.sync.transport import HttpTransport, Refused

log = logging.getLogger(__name__)

ALERT_SOURCE = "alert_task"
"""`BillingLine.source_kind` of an alert decision's bill (store/alerts.py)."""

ProgressFn = Callable[[int, int, str], None]
PAGE_SIZE = 500
"""Outbox rows read per page. The producer walks the waiting list with keyset paging
(`outbox.pending(PAGE_SIZE, after=<last id>)`): rows stay waiting while their Bundle is
in flight, so each page starts after the last row taken instead of re-reading the list."""

RECORD_GONE = Text(
    fr="Ce dossier n'existe plus localement ; rien n'a été envoyé.",
    en="This record no longer exists locally; nothing was sent.",
)
DECISION_REFUSED = Text(
    fr="Non facturé : le serveur a refusé la décision sur cette alerte.",
    en="Not billed: the server refused the decision on this alert.",
)
TASK_GONE = Text(
    fr="Cette alerte n'est plus attribuée à vous sur le serveur (réattribuée ou retirée).",
    en="This alert is no longer assigned to you on the server (reassigned or withdrawn).",
)


@dataclass(frozen=True, slots=True)
class Rejection:
    entity: EntityKind
    entity_id: UUID
    reason: Text


@dataclass
class PushReport:
    sent: int = 0
    rejected: int = 0
    bundles: int = 0
    resources: int = 0
    rejections: list[Rejection] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Unit:
    item: OutboxItem
    entries: tuple[Entry, ...]
    size: int


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A Bundle ready to send, and how many records were settled locally before it."""

    units: tuple[_Unit, ...]
    body: bytes
    skipped: int


class Pusher:
    def __init__(
        self,
        repos: Repositories,
        transport: HttpTransport,
        *,
        tariffs: TariffTable,
        test_ins: bool = False,
    ) -> None:
        self.repos = repos
        self.transport = transport
        self.tariffs = tariffs
        self.test_ins = test_ins
        self._lines: dict[UUID, BillingLine] | None = None

    def push(
        self, progress: ProgressFn, cancel: threading.Event, report: PushReport | None = None
    ) -> PushReport:
        """Map and send everything waiting; the next Bundle is mapped (and checked) in a
        helper thread while the current one is on the wire, so the mapping's cost hides
        behind the server's (benchmarks/sync_push.py). `report` is filled as records are
        settled, so it is right even when the push stops on an error."""
        report = report if report is not None else PushReport()
        total = self.repos.outbox.counts()[SyncStatus.WAITING]
        label = _("Envoi des dossiers")
        progress(0, total, label)
        ready: queue.Queue[_Prepared | BaseException | None] = queue.Queue(maxsize=2)
        stop = threading.Event()
        decisions: list[OutboxItem] = []
        bills: dict[UUID, OutboxItem] = {}
        producer = threading.Thread(
            target=self._produce, args=(ready, stop, decisions, bills, report), daemon=True
        )
        producer.start()
        done = 0
        try:
            while True:
                prepared = ready.get()
                if prepared is None:
                    break
                if isinstance(prepared, BaseException):
                    raise prepared
                if cancel.is_set():
                    raise Cancelled()
                done += prepared.skipped
                if prepared.units:
                    self._send(prepared.units, report, prepared.body)
                    done += len(prepared.units)
                progress(min(done, total), total, label)
                collect_young()
        finally:
            stop.set()
            while producer.is_alive():
                try:
                    ready.get(timeout=0.05)
                except queue.Empty:
                    continue
            producer.join()
        for item in decisions:
            if cancel.is_set():
                raise Cancelled()
            bill = bills.pop(item.entity_id, None)
            self._send_decision(item, bill, report)
            done += 1 + (bill is not None)
            progress(min(done, total), total, label)
        for bill in bills.values():  # their decision reached the server in an earlier sync
            if cancel.is_set():
                raise Cancelled()
            unit = self._unit(bill, report)
            if unit is not None:
                self._send([unit], report)
            done += 1
            progress(min(done, total), total, label)
        return report

    def _produce(
        self,
        ready: queue.Queue[_Prepared | BaseException | None],
        stop: threading.Event,
        decisions: list[OutboxItem],
        bills: dict[UUID, OutboxItem],
        report: PushReport,
    ) -> None:
        """Map records in outbox order and hand over each Bundle as soon as it is full;
        alert decisions and their bills (by alert id) are kept for their own Bundles."""
        try:
            after: int | None = None
            current: list[_Unit] = []
            count = size = skipped = 0
            while not stop.is_set():
                items = self.repos.outbox.pending(PAGE_SIZE, after=after)
                if not items:
                    break
                after = items[-1].id
                for item in items:
                    if stop.is_set():
                        return
                    if item.entity is EntityKind.ALERT_TASK:
                        decisions.append(item)
                        continue
                    alert = self._billed_alert(item)
                    if alert is not None:
                        bills[alert] = item
                        continue
                    unit = self._unit(item, report)
                    if unit is None:
                        skipped += 1
                        continue
                    full = count + len(unit.entries) > MAX_ENTRIES or size + unit.size > MAX_BYTES
                    if current and full:
                        ready.put(_Prepared(tuple(current), _body(current), skipped))
                        current, count, size, skipped = [], 0, 0, 0
                    current.append(unit)
                    count += len(unit.entries)
                    size += unit.size
            if current or skipped:
                ready.put(_Prepared(tuple(current), _body(current) if current else b"", skipped))
            ready.put(None)
        except BaseException as error:  # handed to the sending thread, which raises it
            ready.put(error)

    # --- mapping -----------------------------------------------------------------------

    def _unit(self, item: OutboxItem, report: PushReport) -> _Unit | None:
        try:
            entries = tuple(self._entries(item))
        except CannotMap as problem:
            self._reject(item, problem.message, report)
            return None
        except StoreError:
            self._reject(item, RECORD_GONE, report)
            return None
        size = sum(len(canonical_bytes(e.resource)) + 300 for e in entries)
        return _Unit(item, entries, size)

    def _entries(self, item: OutboxItem) -> list[Entry]:
        repos = self.repos
        kind = item.entity
        if kind is EntityKind.PATIENT:
            patient = repos.patients.get_patient(PatientId(item.entity_id))
            return [_put(patient_resource(patient, test_ins=self.test_ins), patient.id)]
        if kind is EntityKind.GENERAL_PRACTITIONER:
            gp = repos.gps.get_gp(GpId(item.entity_id))
            return [_put(gp_resource(gp), gp.id)]
        if kind is EntityKind.PRACTITIONER:
            profile = repos.practitioner.get_profile()
            if profile is None or profile.id != item.entity_id:
                raise CannotMap(RECORD_GONE)
            return [_put(practitioner_resource(profile), profile.id)]
        if kind is EntityKind.VISIT:
            visit = repos.visits.get_visit(VisitId(item.entity_id))
            return VisitMapper(visit, visit.finalized_by).entries()
        if kind is EntityKind.LETTER:
            letter = repos.letters.get_letter_by_id(LetterId(item.entity_id))
            visit = repos.visits.get_visit(letter.visit_id)
            patient = repos.patients.get_patient(visit.patient_id)
            gp_id = patient.data.gp_id
            return letter_entries(
                letter, visit, patient, repos.gps.get_gp(gp_id) if gp_id else None,
                visit.finalized_by,
            )
        if kind is EntityKind.BILLING_LINE:
            line = self._billing_line(item.entity_id)
            task = None
            if line.source_kind == ALERT_SOURCE:
                task = repos.alerts.get_task(AlertTaskId(line.source_id)).server_id
            return [charge_item_entry(line, self.tariffs, task_server_id=task)]
        raise CannotMap(RECORD_GONE)

    def _billed_alert(self, item: OutboxItem) -> UUID | None:
        """The alert an alert-decision bill pays for; None for any other record."""
        if item.entity is not EntityKind.BILLING_LINE:
            return None
        try:
            line = self._billing_line(item.entity_id)
        except CannotMap:
            return None  # mapped, hence rejected, with the other records
        return line.source_id if line.source_kind == ALERT_SOURCE else None

    def _billing_line(self, line_id: UUID) -> BillingLine:
        if self._lines is None or line_id not in self._lines:
            self._lines = {line.id: line for line in self.repos.billing.list_lines()}
        line = self._lines.get(line_id)
        if line is None:
            raise CannotMap(RECORD_GONE)
        return line

    # --- sending -----------------------------------------------------------------------

    def _send(
        self, units: Sequence[_Unit], report: PushReport, body: bytes | None = None
    ) -> None:
        entries = [entry for unit in units for entry in unit.entries]
        body = body or _body(units)
        try:
            self.transport.post_transaction(body, idempotency_key(body, _rows(units)))
        except Refused as refused:
            if refused.code == "idempotency-key-reused":
                raise ProtocolMismatch() from None
            self._split(units, refused, report)
            return
        report.bundles += 1
        report.resources += len(entries)
        report.sent += self.repos.outbox.mark_sent([unit.item for unit in units])

    def _split(self, units: Sequence[_Unit], refused: Refused, report: PushReport) -> None:
        if len(units) == 1:
            self._reject(units[0].item, refused.message(), report)
            return
        named = refused.entries
        if named and refused.status != 413:
            bad: list[_Unit] = []
            good: list[_Unit] = []
            start = 0
            for unit in units:
                indexes = set(range(start, start + len(unit.entries)))
                (bad if indexes & named else good).append(unit)
                start += len(unit.entries)
            if bad:
                for unit in bad:
                    self._reject(unit.item, _issues_for(refused, unit, units), report)
                if good:
                    self._send(good, report)
                return
        middle = len(units) // 2
        self._send(units[:middle], report)
        self._send(units[middle:], report)

    def _send_decision(
        self, item: OutboxItem, bill: OutboxItem | None, report: PushReport
    ) -> None:
        try:
            alert = self.repos.alerts.get_task(AlertTaskId(item.entity_id))
            body = decision_body(alert, step2_planned=alert.decided_at)
        except (CannotMap, StoreError) as problem:
            reason = problem.message if isinstance(problem, CannotMap) else RECORD_GONE
            self._reject(item, reason, report)
            if bill is not None:
                self._reject(bill, DECISION_REFUSED, report)
            return
        units: list[_Unit] = []
        if body is not None:
            task = Entry(body, alert.id, "PUT", url=f"Task/{alert.server_id}")
            units.append(_Unit(item, (task,), 0))
        else:  # kept open without a note: nothing to tell the server
            report.sent += self.repos.outbox.mark_sent(item)
        if bill is not None:
            unit = self._unit(bill, report)
            if unit is not None:
                units.append(unit)
        if units:
            self._send_together(units, report)

    def _send_together(self, units: list[_Unit], report: PushReport) -> None:
        """A decision and its bill in one Bundle, decision first (audit item 3)."""
        body = _body(units)
        try:
            self.transport.post_transaction(body, idempotency_key(body, _rows(units)))
        except Refused as refused:
            if refused.code == "idempotency-key-reused":
                raise ProtocolMismatch() from None
            decision = units[0]
            named = refused.entries
            if len(units) > 1 and named and not named & set(range(len(decision.entries))):
                for unit in units[1:]:  # the bill alone was refused: the decision goes
                    self._reject(unit.item, _issues_for(refused, unit, units), report)
                self._send_together([decision], report)
                return
            gone = refused.status == 404 or refused.code == "not-found"
            first = TASK_GONE if gone else refused.message()
            if decision.item.entity is EntityKind.ALERT_TASK:
                self._reject(decision.item, first, report)
            for unit in units:
                if unit.item.entity is EntityKind.BILLING_LINE:
                    reason = DECISION_REFUSED if unit is not decision else refused.message()
                    self._reject(unit.item, reason, report)
            return
        report.bundles += 1
        report.resources += sum(len(unit.entries) for unit in units)
        report.sent += self.repos.outbox.mark_sent([unit.item for unit in units])

    def _reject(self, item: OutboxItem, reason: Text, report: PushReport) -> None:
        if self.repos.outbox.mark_rejected(item, encode_reason(reason)):
            report.rejected += 1
            report.rejections.append(Rejection(item.entity, item.entity_id, reason))
        log.info("sync: %s record rejected", item.entity.value)


def _put(resource: dict[str, Any], business_id: UUID) -> Entry:
    return Entry(checked(resource), business_id, "PUT")


def _rows(units: Sequence[_Unit]) -> list[tuple[UUID, int]]:
    return [(unit.item.key, unit.item.revision) for unit in units]


def _body(units: Sequence[_Unit]) -> bytes:
    return canonical_bytes(transaction([entry for unit in units for entry in unit.entries]))


def _issues_for(refused: Refused, unit: _Unit, units: Sequence[_Unit]) -> Text:
    start = 0
    for other in units:
        if other is unit:
            break
        start += len(other.entries)
    indexes = set(range(start, start + len(unit.entries)))
    texts = [issue.message for issue in refused.issues if set(issue.entries) & indexes]
    if not texts:
        return refused.message()
    return Text(fr=" ".join(t.fr for t in texts), en=" ".join(t.en for t in texts))
