"""A finalized visit reopened later still gives its letters (audit item 1): the ones kept
with it open in the preview, and one that could not be made at finalization (no GP) can
be made from the read-only visit once the gap is filled."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from icope_desktop.store.records import GpData
from icope_desktop.ui.visit.dialogs import MissingChoice, MissingDialog

from .driving import Click, answer
from .test_page import open_page


def finalize_with_letters(qtbot, services, patient_id, monkeypatch):
    visit_id = services.visits.start_visit(patient_id)
    page = open_page(qtbot, services, visit_id, track=False)
    answer(qtbot, page.forms["step1"], [("P1", Click(True))])
    monkeypatch.setattr(
        MissingDialog, "ask", classmethod(lambda cls, p, m: MissingChoice.FINALIZE)
    )
    page.show_page("summary")
    with qtbot.waitSignal(page.finished, timeout=20_000) as done:
        qtbot.mouseClick(page.summary.finalize_button, Qt.MouseButton.LeftButton)
    panel = page.letters_widget
    qtbot.waitUntil(lambda: panel.batch is not None and panel.task is None, timeout=20_000)
    if panel.preview is not None:
        panel.preview.close()
    qtbot.mouseClick(page.close_button, Qt.MouseButton.LeftButton)
    page.tasks.wait_for_done()
    page.close()
    page.deleteLater()
    return done.args[0]


def test_reopened_final_visit_shows_its_letters_and_opens_the_preview(
    qtbot, services, patient_id, monkeypatch
):
    final_id = finalize_with_letters(qtbot, services, patient_id, monkeypatch)
    page = open_page(qtbot, services, final_id)
    assert page.read_only
    panel = page.letters_widget
    assert panel is not None and panel.isVisible()
    qtbot.waitUntil(lambda: panel.findChild(type(panel.retry_button), "open_gp_letter")
                    is not None, timeout=10_000)  # fmt: skip
    open_letter = panel.findChild(type(panel.retry_button), "open_gp_letter")
    assert panel.findChild(type(panel.retry_button), "open_patient_summary") is not None
    assert panel.preview is None, "reopening never pops a window by itself"
    assert not panel.retry_button.isVisible()
    # no regional server in this store: the letter is not "sent at the next sync"
    assert "Aucun serveur régional n'est configuré" in panel.state_label.text()
    assert "prochaine synchronisation" not in panel.state_label.text()
    with qtbot.waitSignal(panel.preview_opened) as opened:
        qtbot.mouseClick(open_letter, Qt.MouseButton.LeftButton)
    preview = opened.args[0]
    stored = services.store.letters.get_letter(final_id, "gp_letter", "fr").pdf
    assert preview.pdf == stored and preview.page_count >= 1
    preview.close()


def test_letter_missing_at_finalize_can_be_made_from_the_read_only_visit(
    qtbot, services, patient_without_gp, monkeypatch
):
    final_id = finalize_with_letters(qtbot, services, patient_without_gp, monkeypatch)
    assert services.store.letters.get_letter(final_id, "gp_letter", "fr") is None
    store = services.store
    gp = store.gps.create_gp(
        GpData("Roux", "Anne", rpps="10001112223", address="3 rue Jean-Jaurès",
               postal_code="85300", city="Challans", email="anne.roux@medecin.mssante.fr")
    )  # fmt: skip
    patient = store.patients.get_patient(patient_without_gp)
    store.patients.update_patient(patient_without_gp, replace(patient.data, gp_id=gp))

    page = open_page(qtbot, services, final_id)
    panel = page.letters_widget
    qtbot.waitUntil(lambda: panel.retry_button.isVisible(), timeout=10_000)
    assert panel.retry_button.text() == "Générer maintenant"
    assert "Courrier au médecin traitant : pas encore produit" in panel.state_label.text()
    assert panel.findChild(type(panel.retry_button), "open_patient_summary") is not None
    with qtbot.waitSignal(panel.preview_opened, timeout=20_000) as opened:
        qtbot.mouseClick(panel.retry_button, Qt.MouseButton.LeftButton)
    opened.args[0].close()
    assert store.letters.get_letter(final_id, "gp_letter", "fr").pdf.startswith(b"%PDF-")
    assert set(panel.batch.pdfs) == {"gp_letter", "patient_summary"}
    assert not panel.batch.problems and not panel.retry_button.isVisible()
    assert panel.findChild(type(panel.retry_button), "open_gp_letter") is not None


def test_reopened_visit_says_at_once_what_keeps_the_letter_back(
    qtbot, services, patient_without_gp, monkeypatch
):
    """Usability audit 5: the reason (no GP on file) and the way to fix it once showed
    only after « Générer maintenant »."""
    final_id = finalize_with_letters(qtbot, services, patient_without_gp, monkeypatch)
    page = open_page(qtbot, services, final_id)
    panel = page.letters_widget
    qtbot.waitUntil(lambda: panel.retry_button.isVisible(), timeout=10_000)
    assert panel.retry_button.text() == "Générer maintenant"
    assert panel.task is None, "nothing rendered to find out"
    assert services.store.letters.get_letter(final_id, "gp_letter", "fr") is None
    box = panel.findChild(QLabel, "problems_gp_letter")
    assert box is not None and box.isVisible()
    assert "médecin traitant" in box.text()
    assert panel.findChild(QPushButton, "fix_patient") is not None
    assert "complétez les informations indiquées ci-dessous" in panel.state_label.text()
