"""A billing line as a ChargeItem (docs/SYNC_PROTOCOL.md §7.4; DESIGN.md "Billing").

The act code on the wire is the protocol's (`icope#step1`, `icope#step2`,
`icope#alert-decision`), its display the tariff table's French label; the amount is the
line's, priced by the store from the dated table `resources/tariffs.csv` on the act's
date. A line with no amount (the shipped table has none until the programme confirms
them) cannot be paid: the server refuses a ChargeItem without `priceOverride`, so it is
kept and marked "to be priced" instead of being sent with an invented amount.
"""

from __future__ import annotations

from typing import Any

from icope_desktop.i18n import Text
from icope_desktop.store.billing import ACT_ALERT_DECISION, ACT_STEP1, ACT_STEP2, TariffTable
from icope_desktop.store.records import BillingLine
from icope_desktop.sync.bundles import Entry, checked
from icope_desktop.sync.errors import CannotMap
from icope_desktop.sync.identifiers import ICOPE_CS, business_identifier, reference

WIRE_CODES = {ACT_STEP1: "step1", ACT_STEP2: "step2", ACT_ALERT_DECISION: "alert-decision"}

NOT_PRICED = Text(
    fr="Acte enregistré mais non tarifé : la table des tarifs ne donne pas de montant pour "
    "cet acte à cette date, il ne peut pas être transmis pour paiement.",
    en="Act recorded but not priced: the tariff table gives no amount for this act on this "
    "date, so it cannot be sent for payment.",
)


def charge_item_entry(line: BillingLine, tariffs: TariffTable) -> Entry:
    if line.amount_cents is None:
        raise CannotMap(NOT_PRICED)
    tariff = tariffs.find(line.act_code, line.act_date)
    label = tariff.label.fr if tariff else line.act_code
    resource: dict[str, Any] = {
        "resourceType": "ChargeItem",
        "identifier": [business_identifier(line.id)],
        "status": "billable",
        "code": {
            "coding": [
                {
                    "system": ICOPE_CS,
                    "code": WIRE_CODES.get(line.act_code, line.act_code),
                    "display": label,
                }
            ]
        },
        "subject": reference("Patient", line.patient_id),
        "occurrenceDateTime": line.act_date.isoformat(),
        "priceOverride": {"value": line.amount_cents / 100, "currency": "EUR"},
    }
    if line.source_kind == "visit":
        resource["context"] = reference("Encounter", line.source_id)
    if line.practitioner_id:
        resource["enterer"] = reference("Practitioner", line.practitioner_id)
    return Entry(checked(resource), line.id)
