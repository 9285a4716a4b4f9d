"""The billing view's data: acts priced from the dated tariff table, their status, and
totals per month (DESIGN.md "Billing")."""

from __future__ import annotations

from datetime import date

from icope_desktop.services.billing import BillingStatus
from sync.workload import add_patient, finalized_visit


def test_acts_status_and_monthly_totals(desk):
    practice = desk.practice
    march = finalized_visit(practice, add_patient(practice, 1), date(2025, 3, 28))
    finalized_visit(practice, add_patient(practice, 2), date(2025, 4, 2), with_phq9=False)

    before = desk.billing.acts()
    assert [a.status for a in before] == [BillingStatus.TO_SEND] * 3
    assert [(a.line.act_date.isoformat(), a.label.fr) for a in before][-1] == (
        "2025-03-28", "Repérage ICOPE (étape 1)")
    assert before[0].patient_name == "DUBOIS-2 Odette"

    desk.sync.sync_now()

    acts = desk.billing.acts()
    assert {a.status for a in acts} == {BillingStatus.SENT}
    totals = desk.billing.monthly_totals(acts)
    assert [(t.month, t.acts, t.amount_cents) for t in totals] == [
        ("2025-04", 1, 2500),
        ("2025-03", 2, 6500),  # Step 1 (25 €) + Step 2 PHQ-9 (40 €)
    ]
    assert totals[1].by_status[BillingStatus.SENT] == 2
    assert {a.line.source_id for a in acts if a.line.act_date.month == 3} == {march}
