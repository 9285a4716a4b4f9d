"""The patient's visit history shows each visit's sync status (DESIGN.md "Sync": the
state is visible where the nurse looks), and a sync refreshes it."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from PySide6.QtWidgets import QPushButton
from sync.conftest import desk, live, store_template, tariff_table  # noqa: F401
from sync.workload import Practice, add_patient, finalized_visit
from ui.sync.test_sync_ui_wiring import LEFT, window  # noqa: F401

from icope_desktop.services.visits import VisitService
from icope_desktop.store.records import GpData, VisitKind
from icope_desktop.sync import push
from icope_desktop.ui.sync.wiring import install_sync
from icope_desktop.ui.visit.history import SYNC_COLUMN, PatientHistory


def column(history: PatientHistory) -> list[str]:
    return [history.table.item(r, SYNC_COLUMN).text() for r in range(history.table.rowCount())]


def open_history(qtbot, services, patient_id) -> PatientHistory:
    history = PatientHistory(services, patient_id)
    qtbot.addWidget(history)
    with qtbot.waitSignal(history.loaded, timeout=10_000):
        history.show()
    return history


def test_history_shows_waiting_sent_and_refused_visits(qtbot, desk, monkeypatch):  # noqa: F811
    patient = add_patient(desk.practice, 1)
    refused = finalized_visit(desk.practice, patient, date(2024, 9, 2), with_phq9=False)
    finalized_visit(desk.practice, patient, date(2025, 3, 3), with_phq9=False)
    desk.store.visits.start_visit(patient, VisitKind.STEP1)  # a draft stays local
    services = SimpleNamespace(visits=VisitService(desk.store), sync=desk.sync)

    history = open_history(qtbot, services, patient)
    assert history.table.horizontalHeaderItem(SYNC_COLUMN).text() == "Serveur régional"
    assert sorted(column(history)) == ["En attente d'envoi", "En attente d'envoi",
                                       "reste sur cet ordinateur"]

    original = push.VisitMapper.entries

    def one_bad_visit(self):
        entries = original(self)
        if self.visit.id == refused:  # a status the server's required binding refuses
            entries[0].resource["status"] = "bogus"
        return entries

    monkeypatch.setattr(push.VisitMapper, "entries", one_bad_visit)
    assert desk.sync.sync_now().rejected >= 1
    with qtbot.waitSignal(history.sync_status_refreshed, timeout=10_000):
        history.refresh_sync_status()

    rows = {history.row_visits[r]: r for r in range(history.table.rowCount())}
    bad = history.table.item(rows[refused], SYNC_COLUMN)
    assert bad.text() == "Refusé par le serveur"
    assert "status" in bad.toolTip()  # the server's reason, in the tooltip
    assert sorted(column(history)) == ["Envoyé au serveur", "Refusé par le serveur",
                                       "reste sur cet ordinateur"]


def test_the_patient_page_history_follows_a_sync(qtbot, window, live):  # noqa: F811
    wiring = install_sync(window, tick_ms=60_000)
    if wiring.auto is not None:
        wiring.auto.stop()
    store = window.services.store
    practice = Practice(store, store.practitioner.get_profile().id,
                        store.gps.create_gp(GpData("Le Gall", "Hervé", rpps="10009876543")))
    patient = add_patient(practice, 3)
    finalized_visit(practice, patient, date(2025, 2, 3), with_phq9=False)

    window.open_patient(patient)
    history = window.current_page().findChild(PatientHistory)
    qtbot.waitUntil(lambda: history.data is not None, timeout=10_000)
    assert column(history) == ["En attente d'envoi"]

    with qtbot.waitSignal(history.sync_status_refreshed, timeout=30_000):
        qtbot.mouseClick(window.status.findChild(QPushButton, "sync_button"), LEFT)
    assert column(history) == ["Envoyé au serveur"]
