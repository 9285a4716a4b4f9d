"""Audit item 4 through clicks: "Envois refusés (n)" in the status bar opens the refused
records, each named (patient, letter...) with its reason in words; "Renvoyer les envois
refusés" queues them again and the list empties."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import Qt
from sync.conftest import desk, live, store_template, tariff_table  # noqa: F401
from sync.workload import PDF, add_patient, finalized_visit

from icope_desktop.store.records import EntityKind, SyncStatus
from icope_desktop.ui.sync.refused_view import RefusedView
from icope_desktop.ui.sync.sync_panel import SyncPanel
from icope_desktop.ui.tasks import TaskRunner

LEFT = Qt.MouseButton.LeftButton


def test_refused_records_listed_in_words_and_sent_again(qtbot, desk):  # noqa: F811
    patient_id = add_patient(desk.practice, 4)
    patient = desk.store.patients.get_patient(patient_id)
    desk.store.patients.update_patient(patient_id, replace(patient.data, gp_id=None))
    visit_id = finalized_visit(desk.practice, patient_id, date(2025, 3, 5))
    letter_id = desk.store.letters.save_letter(visit_id, "gp_letter", "fr", PDF)
    panel = SyncPanel(desk.sync, TaskRunner())
    qtbot.addWidget(panel)
    panel.show()
    assert not panel.refused_button.isVisible()

    with qtbot.waitSignal(panel.sync_finished, timeout=30_000):
        qtbot.mouseClick(panel.sync_button, LEFT)
    assert panel.refused_button.isVisible()
    assert panel.refused_button.text() == "Envois refusés (1)"
    with qtbot.waitSignal(panel.refused_requested, timeout=1_000):
        qtbot.mouseClick(panel.refused_button, LEFT)

    view = RefusedView(desk.sync)
    qtbot.addWidget(view)
    assert view.table.rowCount() == 1
    assert view.table.item(0, 0).text() == (
        "Courrier au médecin traitant, ROBERT-4 Yvonne (visite du 05/03/2025)")
    assert view.table.item(0, 1).text().startswith(
        "Le courrier n'a pas de destinataire : indiquez le médecin traitant")
    assert view.retry_button.isEnabled()

    with qtbot.waitSignal(view.retried, timeout=1_000) as retried:
        qtbot.mouseClick(view.retry_button, LEFT)
    assert retried.args == [1]
    assert view.table.rowCount() == 0 and not view.retry_button.isEnabled()
    assert view.hint_label.text() == "Aucun envoi refusé."
    assert desk.sync.record_status(EntityKind.LETTER, letter_id).status is SyncStatus.WAITING
    panel.refresh_refused()
    assert not panel.refused_button.isVisible()
