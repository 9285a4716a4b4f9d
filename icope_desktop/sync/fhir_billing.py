"""A billing line as a ChargeItem (docs/SYNC_PROTOCOL.md §7.4; DESIGN.md "Billing").

The act code on the wire is the protocol's (`icope#step1`, `icope#step2`,
`icope#alert-decision`), its display the tariff table's French label; the amount is the
line's, priced by the store from the dated table `resources/tariffs.csv` on the act's
date. The act is the billable fact and the amount is optional: a line with no amount (the
shipped table has none until the programme confirms them) goes out without
`priceOverride`, and the server exports it "à tarifer" (priced on the national platform by
its act code). An amount is never invented.
"""

from __future__ import annotations

from typing import Any

from icope_desktop.store.billing import ACT_ALERT_DECISION, ACT_STEP1, ACT_STEP2, TariffTable
from icope_desktop.store.records import BillingLine
from icope_desktop.sync.bundles import Entry, checked
from icope_desktop.sync.identifiers import ICOPE_CS, business_identifier, reference

WIRE_CODES = {ACT_STEP1: "step1", ACT_STEP2: "step2", ACT_ALERT_DECISION: "alert-decision"}


def charge_item_entry(
    line: BillingLine, tariffs: TariffTable, *, task_server_id: str | None = None
) -> Entry:
    """The ChargeItem of `line`; an alert decision's names its Task (`task_server_id`) in
    `supportingInformation`, the server's link from a bill to the decision it pays
    (/work/notes/CHARGEITEM_TASK_LINK.md, protocol §7.4: R4 has no element for it)."""
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
    }
    if line.amount_cents is not None:
        resource["priceOverride"] = {"value": line.amount_cents / 100, "currency": "EUR"}
    if line.source_kind == "visit":
        resource["context"] = reference("Encounter", line.source_id)
    if task_server_id is not None:
        resource["supportingInformation"] = [{"reference": f"Task/{task_server_id}"}]
    if line.practitioner_id:
        resource["enterer"] = reference("Practitioner", line.practitioner_id)
    return Entry(checked(resource), line.id)
