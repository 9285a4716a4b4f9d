"""`BillingService`: the practitioner's acts, their billing status, monthly totals.

DESIGN.md "Billing": one line per act, priced from the dated tariff table
(`resources/tariffs.csv`, read through the store). Status comes from the line's outbox
row: to send (waiting), sent (the server acknowledged its ChargeItem), or rejected with
the reason. Pricing is separate from sending: an act whose tariff has no amount (the
shipped table has none yet) is still sent, "à tarifer" (docs/SYNC_PROTOCOL.md §7.4: the
national platform prices it by act code), and totals count such acts apart from the known
amounts instead of adding them as 0. Once the administrator has exported an act for
payment, the server marks its ChargeItem `billed` and the sync pulls that status
(protocol §7.6): the act shows "Exporté pour paiement".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from icope_desktop.i18n import Text
from icope_desktop.store.billing import TariffTable
from icope_desktop.store.outbox import BILLED
from icope_desktop.store.patients import display_name
from icope_desktop.store.records import BillingLine, EntityKind, SyncStatus
from icope_desktop.store.repositories import Repositories
from icope_desktop.sync.errors import decode_reason


class BillingStatus(StrEnum):
    TO_SEND = "to_send"
    SENT = "sent"
    EXPORTED = "exported"
    REJECTED = "rejected"


STATUS_LABELS: dict[BillingStatus, Text] = {
    BillingStatus.TO_SEND: Text(fr="À envoyer", en="To send"),
    BillingStatus.SENT: Text(fr="Envoyé", en="Sent"),
    BillingStatus.EXPORTED: Text(fr="Exporté pour paiement", en="Exported for payment"),
    BillingStatus.REJECTED: Text(fr="Refusé", en="Rejected"),
}
TO_BE_PRICED = Text(fr="à tarifer", en="to be priced")
"""An act with no amount in the tariff table: priced on the national platform by code."""


@dataclass(frozen=True, slots=True)
class BilledAct:
    line: BillingLine
    label: Text
    patient_name: str
    status: BillingStatus
    reason: Text | None

    @property
    def to_be_priced(self) -> bool:
        return self.line.amount_cents is None


@dataclass(frozen=True, slots=True)
class MonthTotal:
    month: str
    """`YYYY-MM` of the act date."""
    acts: int
    amount_cents: int
    """Sum of the known amounts only."""
    to_be_priced: int
    """Acts with no amount, counted apart (never added as 0)."""
    by_status: dict[BillingStatus, int]

    @property
    def priced(self) -> int:
        return self.acts - self.to_be_priced


class BillingService:
    def __init__(self, repos: Repositories, tariffs: TariffTable | None = None) -> None:
        self.repos = repos
        self.tariffs = tariffs or TariffTable.load()

    def acts(self, since: date | None = None, until: date | None = None) -> list[BilledAct]:
        """Acts, newest first, with their status."""
        names: dict[object, str] = {}
        found = []
        on_server = self.repos.outbox.charge_statuses()
        for line in reversed(self.repos.billing.list_lines(since, until)):
            if line.patient_id not in names:
                identity = self.repos.patients.get_patient(line.patient_id).identity
                names[line.patient_id] = display_name(
                    identity.birth_name, identity.used_name, identity.first_names
                )
            tariff = self.tariffs.find(line.act_code, line.act_date)
            label = tariff.label if tariff else Text(fr=line.act_code, en=line.act_code)
            record = self.repos.outbox.record_status(EntityKind.BILLING_LINE, line.id)
            reason = decode_reason(record.reason) if record else None
            if on_server.get(line.id) == BILLED:  # sticky on the server, whatever follows
                status = BillingStatus.EXPORTED
            elif record is None or record.status is SyncStatus.WAITING:
                status = BillingStatus.TO_SEND
            elif record.status is SyncStatus.SENT:
                status = BillingStatus.SENT
            else:
                status = BillingStatus.REJECTED
            found.append(BilledAct(line, label, names[line.patient_id], status, reason))
        return found

    def monthly_totals(self, acts: list[BilledAct] | None = None) -> list[MonthTotal]:
        """Totals per month of act, newest month first: acts, the sum of the known amounts,
        and how many acts are to be priced."""
        months: dict[str, list[BilledAct]] = {}
        for act in acts if acts is not None else self.acts():
            months.setdefault(act.line.act_date.strftime("%Y-%m"), []).append(act)
        totals = []
        for month in sorted(months, reverse=True):
            items = months[month]
            by_status = {status: 0 for status in BillingStatus}
            for act in items:
                by_status[act.status] += 1
            totals.append(
                MonthTotal(
                    month=month,
                    acts=len(items),
                    amount_cents=sum(a.line.amount_cents or 0 for a in items),
                    to_be_priced=sum(1 for a in items if a.to_be_priced),
                    by_status=by_status,
                )
            )
        return totals
