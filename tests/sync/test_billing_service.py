"""The billing view's data: acts priced from the dated tariff table, their status, and
totals per month (DESIGN.md "Billing")."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from icope_desktop.services.billing import BillingStatus
from icope_desktop.store.billing import TariffTable
from sync.conftest import make_desk
from sync.workload import TARIFFS, add_patient, finalized_visit


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
    assert [(t.to_be_priced, t.priced) for t in totals] == [(0, 1), (0, 2)]
    assert {a.line.source_id for a in acts if a.line.act_date.month == 3} == {march}


def test_acts_to_be_priced_are_counted_apart_from_known_amounts(
    tmp_path, store_template, live
):
    """An act with no tariff amount is sent and counted "à tarifer", never as 0 €."""
    table = tariffs_without_step2_amount(tmp_path)
    desk = make_desk(tmp_path, store_template, table, live)
    try:
        finalized_visit(desk.practice, add_patient(desk.practice, 1), date(2025, 5, 6))
        finalized_visit(desk.practice, add_patient(desk.practice, 2), date(2025, 5, 7))
        desk.sync.sync_now()
        acts = desk.billing.acts()
        assert {a.status for a in acts} == {BillingStatus.SENT}
        assert sorted((a.line.act_code, a.to_be_priced) for a in acts) == [
            ("ICOPE_STEP1", False), ("ICOPE_STEP1", False),
            ("ICOPE_STEP2", True), ("ICOPE_STEP2", True)]
        [may] = desk.billing.monthly_totals(acts)
        assert (may.acts, may.priced, may.to_be_priced, may.amount_cents) == (4, 2, 2, 5000)
    finally:
        desk.store.close()


def tariffs_without_step2_amount(folder: Path) -> TariffTable:
    path = folder / "tariffs.csv"
    path.write_text(TARIFFS.replace("ICOPE Step 2,40.00,", "ICOPE Step 2,,"), encoding="utf-8")
    return TariffTable.load(path)
