"""From the patient page to the visit page and back; a lock resumes the same visit."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QPushButton

from icope_desktop.services.patients import PatientForm
from icope_desktop.store.records import Sex
from icope_desktop.ui.visit import VisitPage

from .conftest import child, click, unlock


def test_new_visit_opens_the_visit_page_and_resumes_after_a_lock(qtbot, make_window, data_dir):
    window = make_window(data_dir)
    unlock(qtbot, window)
    patients = window.services.patients
    patient_id = patients.create(
        patients.parse(PatientForm("Lefèvre", "", "Jeanne", "17/05/1948", Sex.FEMALE))
    )
    window.open_patient(patient_id)
    click(qtbot, child(window, QPushButton, "new_visit_button"))
    qtbot.waitUntil(lambda: window.page_kind == "visit", timeout=10_000)
    page = window.current_page()
    assert isinstance(page, VisitPage)
    visit_id = window.place.target
    assert window.services.visits.open(visit_id).patient.id == patient_id
    flushed = []
    original_flush = page.flush
    page.flush = lambda: flushed.append(True) or original_flush()

    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert flushed, "the visit page saved its pending answers before the store closed"
    assert window.page_kind == "unlock"
    unlock(qtbot, window)
    assert window.page_kind == "visit" and window.place.target == visit_id
    assert isinstance(window.current_page(), VisitPage)

    window.current_page().closed.emit()
    assert window.page_kind == "patient"


def test_a_draft_on_the_home_screen_reopens_its_visit(qtbot, make_window, data_dir):
    window = make_window(data_dir)
    unlock(qtbot, window)
    patients = window.services.patients
    patient_id = patients.create(
        patients.parse(PatientForm("Dupont", "", "Marcel", "03/11/1941", Sex.MALE))
    )
    visit_id = window.services.visits.start_visit(patient_id)
    window.show_home()
    drafts = child(window, QListWidget, "drafts_list")
    assert drafts.count() == 1 and "DUPONT Marcel" in drafts.item(0).text()
    drafts.setCurrentRow(0)
    drafts.setFocus()
    qtbot.keyClick(drafts, Qt.Key.Key_Return)
    assert window.page_kind == "visit" and window.place.target == visit_id


STEP1 = {
    "C1": True, "C2": "correct", "C3": "correct", "C4": 3,
    "L1_completed": True, "L1_used_arms": False, "L1_time_s": 10.5,
    "N1": "non", "N2": False, "V1": False,
    "H1_method": "whisper", "H1_whisper_R": "pass", "H1_whisper_L": "pass",
    "P1": False, "P2": False,
}  # fmt: skip


def test_home_follow_ups_use_the_date_planned_at_the_visit(qtbot, make_window, data_dir):
    """Moved to three days ago at the last visit: due now, although + 6 months is not."""
    from datetime import timedelta

    window = make_window(data_dir)
    unlock(qtbot, window)
    services = window.services
    patient_id = services.patients.create(
        services.patients.parse(PatientForm("Praud", "", "Odette", "14/07/1944", Sex.FEMALE))
    )
    today = services.patients.today()
    visit_id = services.visits.start_visit(patient_id, performed_on=today - timedelta(days=20))
    for item_id, value in STEP1.items():
        services.visits.save_answer(visit_id, "step1", item_id, value)
    services.visits.finalize(visit_id, [], planned_follow_up=today - timedelta(days=3))
    window.show_home()
    with qtbot.waitSignal(window.current_page().due_loaded, timeout=10_000):
        pass
    due = child(window, QListWidget, "due_list")
    assert [due.item(i).text() for i in range(due.count())] == [
        "PRAUD Odette\nprévu le {} (date fixée à la dernière visite), en retard de 3 jours"
        .format((today - timedelta(days=3)).strftime("%d/%m/%Y"))
    ]
    assert window.current_page().due_title.text() == "Suivis à faire (1)"
