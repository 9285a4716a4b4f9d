"""Auto-lock hides patient data at once, keeps what was typed, resumes where it was."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLineEdit

from icope_desktop.services.patients import PatientForm
from icope_desktop.store.records import Sex
from icope_desktop.ui.shell.patient_page import PatientPage

from .conftest import child, type_into, unlock, visible_texts

MINUTE_MS = 100  # the default 5-minute delay becomes half a second


def add_patient(window, birth_name="Lefèvre", first_names="Jeanne", birth_date="17/05/1948"):
    patients = window.services.patients
    return patients.create(
        patients.parse(PatientForm(birth_name, "", first_names, birth_date, Sex.FEMALE))
    )


def test_idle_delay_locks_hides_patient_data_and_resumes(qtbot, make_window, data_dir):
    window = make_window(data_dir, minute_ms=MINUTE_MS)
    unlock(qtbot, window)
    assert window.idle.delay_ms == 5 * MINUTE_MS
    patient_id = add_patient(window)
    window.open_patient(patient_id)
    assert any("LEFÈVRE" in text for text in visible_texts(window))
    with qtbot.waitSignal(window.locked, timeout=5000):
        pass  # no input at all
    assert window.page_kind == "unlock"
    assert window.session.services is None
    qtbot.wait(10)  # deleteLater of the old pages
    assert window.findChildren(PatientPage) == []
    texts = "\n".join(visible_texts(window))
    for secret in ("LEFÈVRE", "Lefèvre", "Jeanne", "17/05/1948"):
        assert secret not in texts
    unlock(qtbot, window)
    assert window.page_kind == "patient" and window.place.target == patient_id
    assert any("LEFÈVRE" in text for text in visible_texts(window))


def test_user_input_keeps_the_session_open(qtbot, make_window, data_dir):
    window = make_window(data_dir, minute_ms=MINUTE_MS)
    unlock(qtbot, window)
    search = child(window, QLineEdit, "search_edit")
    for step in range(12):  # 1.2 s of activity, more than twice the delay
        if step % 2:
            qtbot.keyClick(search, Qt.Key.Key_A)
        else:
            qtbot.mouseMove(search, QPoint(10 + step, 10))
        qtbot.wait(100)
    assert window.session.is_unlocked
    with qtbot.waitSignal(window.locked, timeout=5000):
        pass


def test_typed_patient_form_survives_a_lock(qtbot, make_window, data_dir):
    window = make_window(data_dir)
    unlock(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    type_into(qtbot, child(window, QLineEdit, "birth_name_edit"), "Dupuis")
    type_into(qtbot, child(window, QLineEdit, "birth_date_edit"), "03/04/1950")
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.page_kind == "unlock"
    assert not any("Dupuis" in text for text in visible_texts(window))
    unlock(qtbot, window)
    assert window.page_kind == "patient_form"
    assert child(window, QLineEdit, "birth_name_edit").text() == "Dupuis"
    assert child(window, QLineEdit, "birth_date_edit").text() == "03/04/1950"
    assert window.services.patients.count() == 0, "a lock never saves a half-typed form"


def test_locking_signal_lets_an_open_page_flush_before_the_store_closes(
    qtbot, make_window, data_dir
):
    window = make_window(data_dir)
    unlock(qtbot, window)
    flushed = []

    def flush_draft() -> None:  # what the visit page does with its pending autosaves
        flushed.append(add_patient(window, "Brouillon", "Avant", "01/01/1945"))

    window.locking.connect(flush_draft)
    window.lock()
    assert flushed and window.session.services is None
    unlock(qtbot, window)
    assert window.services.patients.get(flushed[0]).identity.birth_name == "Brouillon"
