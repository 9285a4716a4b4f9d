"""'Compléter la fiche du patient' from a visit whose letter waits for the GP: the form
opens, and saving (or cancelling) it returns to that visit, not to the patient page
(audit: the practitioner lost the visit and its letters)."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QPushButton

from icope_desktop.services.patients import PatientForm
from icope_desktop.store.records import Sex

from .conftest import child, click, type_into, unlock

STEP1 = {
    "C1": True, "C2": "correct", "C3": "correct", "C4": 3,
    "L1_completed": True, "L1_used_arms": False, "L1_time_s": 10.5,
    "N1": "non", "N2": False, "V1": False,
    "H1_method": "whisper", "H1_whisper_R": "pass", "H1_whisper_L": "pass",
    "P1": True, "P2": False,
}  # fmt: skip


def visible_button(qtbot, window, text: str) -> QPushButton:
    def find() -> list[QPushButton]:
        return [
            button for button in window.current_page().findChildren(QPushButton)
            if button.isVisible() and button.text() == text
        ]

    qtbot.waitUntil(lambda: bool(find()), timeout=10_000)
    return find()[0]


def open_blocked_letter_visit(qtbot, window):
    """A final visit of a patient with no GP, its letter asked for: the fix-it appears."""
    services = window.services
    patient_id = services.patients.create(
        services.patients.parse(PatientForm("Praud", "", "Odette", "14/07/1944", Sex.FEMALE))
    )
    visit_id = services.visits.start_visit(patient_id)
    for item_id, value in STEP1.items():
        services.visits.save_answer(visit_id, "step1", item_id, value)
    services.visits.finalize(visit_id, [])
    window.open_patient(patient_id)
    window.open_visit(visit_id)
    click(qtbot, visible_button(qtbot, window, "Générer maintenant"))
    click(qtbot, visible_button(qtbot, window, "Compléter la fiche du patient"))
    assert window.page_kind == "patient_form" and window.place.target == patient_id
    return patient_id, visit_id


def test_saving_the_form_opened_from_a_visit_returns_to_the_visit(
    qtbot, make_window, data_dir, shown_errors
):
    window = make_window(data_dir)
    unlock(qtbot, window)
    patient_id, visit_id = open_blocked_letter_visit(qtbot, window)
    type_into(qtbot, child(window, QLineEdit, "first_names_edit"), "Odette Marie")
    click(qtbot, child(window, QPushButton, "save_button"))
    qtbot.waitUntil(lambda: window.page_kind != "patient_form", timeout=10_000)
    assert shown_errors == []
    assert window.page_kind == "visit" and window.place.target == visit_id
    assert window.services.patients.get(patient_id).identity.first_names == "Odette Marie"
    window.go_back()  # the form is not in the way back
    assert window.page_kind == "patient" and window.place.target == patient_id


def test_cancelling_the_form_opened_from_a_visit_returns_to_the_visit(
    qtbot, make_window, data_dir
):
    window = make_window(data_dir)
    unlock(qtbot, window)
    _patient_id, visit_id = open_blocked_letter_visit(qtbot, window)
    click(qtbot, child(window, QPushButton, "cancel_button"))
    assert window.page_kind == "visit" and window.place.target == visit_id


def test_saving_a_form_opened_from_the_patient_page_still_shows_the_patient(
    qtbot, make_window, data_dir
):
    window = make_window(data_dir)
    unlock(qtbot, window)
    services = window.services
    patient_id = services.patients.create(
        services.patients.parse(PatientForm("Praud", "", "Odette", "14/07/1944", Sex.FEMALE))
    )
    window.open_patient(patient_id)
    window.edit_patient(patient_id)
    click(qtbot, child(window, QPushButton, "save_button"))
    qtbot.waitUntil(lambda: window.page_kind == "patient", timeout=10_000)
    window.go_back()
    assert window.page_kind == "home"
