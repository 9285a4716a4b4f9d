"""Audit item 2: an alert decision is billed only when the tariff table has the act.

The store used to bill `ICOPE_ALERT` on every final decision, whatever the tariff table
said; a table with no such row means the programme does not pay alert handling. A row
with no amount still bills the act "to be priced" (protocol §7.4)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from icope_desktop.store.billing import ACT_ALERT_DECISION, TariffTable
from icope_desktop.store.records import AlertDecision, EntityKind, PulledAlertTask, SyncStatus
from sync.workload import add_patient, copy_store, set_up_practice

HEADER = "act_code,label_fr,label_en,amount_eur,valid_from,valid_to\n"
STEPS = ("ICOPE_STEP1,Étape 1,Step 1,25.00,2023-01-01,\n"
         "ICOPE_STEP2,Étape 2,Step 2,40.00,2023-01-01,\n")


def table(folder: Path, alert_row: str) -> TariffTable:
    path = folder / "tariffs.csv"
    path.write_text(HEADER + STEPS + alert_row, encoding="utf-8")
    return TariffTable.load(path)


def decided_lines(tmp_path: Path, store_template: Path, tariffs: TariffTable) -> list:
    store = copy_store(store_template, tmp_path / "desk", tariffs)
    try:
        practice = set_up_practice(store)
        patient = add_patient(practice, 5)
        store.alerts.upsert_pulled([PulledAlertTask("task-1", date(2025, 2, 27), "self",
                                                    patient_id=patient)])
        [task] = store.alerts.list_open()
        store.alerts.decide(task.id, AlertDecision.CONFIRM, by=practice.practitioner_id)
        lines = store.billing.lines_for_source(task.id)
        for line in lines:
            status = store.outbox.record_status(EntityKind.BILLING_LINE, line.id)
            assert status is not None and status.status is SyncStatus.WAITING
        assert store.outbox.record_status(EntityKind.ALERT_TASK, task.id) is not None
        return lines
    finally:
        store.close()


def test_no_alert_row_in_the_table_means_no_bill(tmp_path, store_template):
    assert decided_lines(tmp_path, store_template, table(tmp_path, "")) == []


def test_an_alert_row_ended_before_the_decision_bills_nothing(tmp_path, store_template):
    ended = "ICOPE_ALERT,Alerte,Alert,15.00,2023-01-01,2023-12-31\n"
    assert decided_lines(tmp_path, store_template, table(tmp_path, ended)) == []


@pytest.mark.parametrize(("amount", "cents"), [("15.00", 1500), ("", None)])
def test_an_alert_row_bills_the_act_priced_or_to_be_priced(
    tmp_path, store_template, amount, cents
):
    row = f"ICOPE_ALERT,Alerte,Alert,{amount},2023-01-01,\n"
    [line] = decided_lines(tmp_path, store_template, table(tmp_path, row))
    assert (line.act_code, line.amount_cents) == (ACT_ALERT_DECISION, cents)
