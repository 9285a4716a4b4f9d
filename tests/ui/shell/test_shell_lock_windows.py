"""The lock closes every window of the app, and never pulls a page from under a dialog.

Audit findings: the GP letter preview (a top-level dialog) stayed over the unlock page
after an idle lock; a lock during a modal `exec()` deleted the page its caller then
touched (RuntimeError, "Erreur inattendue" after the lock). These tests let the idle
timer lock the window (`minute_ms`), as on a laptop left alone.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from icope_desktop.services.patients import PatientForm
from icope_desktop.store.records import Sex
from icope_desktop.ui.shell.dialogs import DuplicateChoice, DuplicateDialog

from .conftest import child, click, type_into, unlock, visible_texts

MINUTE_MS = 60  # the default 5-minute delay becomes 0.3 s
SECRETS = ("LEFÈVRE", "Lefèvre", "Jeanne", "17/05/1948")


def add_patient(window) -> object:
    patients = window.services.patients
    return patients.create(
        patients.parse(PatientForm("Lefèvre", "", "Jeanne", "17/05/1948", Sex.FEMALE))
    )


def other_windows(window) -> list:
    return [w for w in QApplication.topLevelWidgets() if w is not window and w.isVisible()]


def letter_pdf() -> bytes:
    from io import BytesIO

    from reportlab.pdfgen.canvas import Canvas

    buffer = BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(72, 720, "Mme LEFÈVRE Jeanne, née le 17/05/1948")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def rescue_after(window, ms: int = 8000) -> None:
    """Without the fix a modal would stay open forever: close it so the test fails, not hangs."""

    def close_modal() -> None:
        modal = QApplication.activeModalWidget()
        if modal is not None:
            modal.reject()

    QTimer.singleShot(ms, window, close_modal)


def test_idle_lock_closes_the_letter_preview_and_every_dialog(qtbot, make_window, data_dir):
    from icope_desktop.ui.letter_preview import LetterPreview

    window = make_window(data_dir, minute_ms=MINUTE_MS)
    unlock(qtbot, window)
    window.open_patient(add_patient(window))
    preview = LetterPreview(
        letter_pdf(), title="Courrier au médecin", file_name="icope.pdf", parent=window
    )
    preview.open()
    note = QDialog(window.current_page())
    QVBoxLayout(note).addWidget(QLabel("LEFÈVRE Jeanne, née le 17/05/1948", note))
    note.show()
    qtbot.waitUntil(lambda: preview.isVisible() and note.isVisible())
    assert len(other_windows(window)) == 2

    with qtbot.waitSignal(window.locked, timeout=5000):
        pass  # no input: the idle delay runs out
    assert window.page_kind == "unlock"
    assert other_windows(window) == []
    texts = "\n".join(visible_texts(window))
    assert not any(secret in texts for secret in SECRETS)
    qtbot.waitUntil(lambda: not shiboken6.isValid(preview), timeout=2000)
    unlock(qtbot, window)
    assert window.page_kind == "patient"


def test_idle_lock_during_a_visit_dialog_exec_resumes_without_error(
    qtbot, make_window, data_dir, shown_errors
):
    """`MissingDialog.exec()` is running when the idle timer locks: its caller
    (`_go_to_first_missing`) resumes on a page that still exists, then the lock ends."""
    window = make_window(data_dir, minute_ms=MINUTE_MS)
    unlock(qtbot, window)
    window.open_patient(add_patient(window))
    click(qtbot, child(window, QPushButton, "new_visit_button"))
    qtbot.waitUntil(lambda: window.page_kind == "visit", timeout=10_000)
    page = window.current_page()
    visit_id = window.place.target
    page.show_page("summary")
    missing = page.summary.missing_button
    qtbot.waitUntil(missing.isVisible)
    rescue_after(window)
    click(qtbot, missing)  # MissingDialog.exec() runs until the lock closes it
    qtbot.waitUntil(lambda: window.page_kind == "unlock", timeout=5000)
    assert window.session.services is None
    assert other_windows(window) == []
    qtbot.wait(50)  # the deferred deletions run: no RuntimeError from a deleted page
    assert shown_errors == []
    unlock(qtbot, window)
    assert window.page_kind == "visit" and window.place.target == visit_id


def test_idle_lock_during_the_duplicate_question_cancels_it(
    qtbot, make_window, data_dir, shown_errors, monkeypatch
):
    """The shell's own helper: an `exec()` the lock closed answers "cancel", the typed
    form survives, and no second file is created."""
    window = make_window(data_dir, minute_ms=MINUTE_MS)
    unlock(qtbot, window)
    add_patient(window)
    window.new_patient()
    type_into(qtbot, child(window, QLineEdit, "birth_name_edit"), "Lefevre")
    type_into(qtbot, child(window, QLineEdit, "first_names_edit"), "Jeanne")
    type_into(qtbot, child(window, QLineEdit, "birth_date_edit"), "17/05/1948")
    for name in ("sex_choice_0", "lives_at_home_choice_0", "autonomous_choice_0"):
        click(qtbot, child(window, QPushButton, name))
    click(qtbot, child(window, QCheckBox, "consent_checkbox"))
    asked: list[tuple[DuplicateChoice, bool, bool]] = []
    original = DuplicateDialog.ask.__func__

    def ask(cls, parent, candidates):
        decision = original(cls, parent, candidates)
        # what the caller finds when exec() returns: its page alive, the store still open
        asked.append((decision.choice, shiboken6.isValid(parent), window.services is not None))
        return decision

    monkeypatch.setattr(DuplicateDialog, "ask", classmethod(ask))
    rescue_after(window)
    click(qtbot, child(window, QPushButton, "save_button"))  # the question runs its exec()
    qtbot.waitUntil(lambda: window.page_kind == "unlock", timeout=5000)
    assert asked == [(DuplicateChoice.CANCEL, True, True)]
    assert other_windows(window) == []
    assert shown_errors == []
    unlock(qtbot, window)
    assert window.page_kind == "patient_form"
    assert child(window, QLineEdit, "birth_name_edit").text() == "Lefevre"
    assert window.services.patients.count() == 1


def test_idle_lock_during_a_visit_hides_it_and_reopens_every_answer(
    qtbot, make_window, data_dir, shown_errors
):
    """Answers typed in the real window, then no input until the idle delay runs out."""
    from tests.ui.visit.driving import Click, Type, answer

    window = make_window(data_dir, minute_ms=MINUTE_MS)
    unlock(qtbot, window)
    assert window.idle.delay_ms == 5 * MINUTE_MS
    patient_id = add_patient(window)
    window.open_patient(patient_id)
    click(qtbot, child(window, QPushButton, "new_visit_button"))
    qtbot.waitUntil(lambda: window.page_kind == "visit", timeout=10_000)
    visit_id = window.place.target
    form = window.current_page().forms["step1"]
    script = [
        ("C1", Click(True)), ("C2", Click("incorrect")), ("C4", Click(2)),
        ("L1_completed", Click(True)), ("L1_time_s", Type("16,5", 16.5)),
        ("N1", Click("oui")), ("N1_kg_lost", Type("4,2", 4.2)), ("V1", Click(True)),
    ]  # fmt: skip
    window.idle.stop()  # the typing may be slower than the test delay on a busy machine
    expected = answer(qtbot, form, script)
    assert any("LEFÈVRE" in text for text in visible_texts(window))
    window.idle.start(5 * MINUTE_MS)

    with qtbot.waitSignal(window.locked, timeout=5000):
        pass  # no input at all
    assert window.page_kind == "unlock" and window.session.services is None
    assert other_windows(window) == []
    texts = "\n".join(visible_texts(window))
    assert not any(secret in texts for secret in (*SECRETS, "16,5", "4,2"))

    unlock(qtbot, window)
    assert window.page_kind == "visit" and window.place.target == visit_id
    form = window.current_page().forms["step1"]
    assert {item: form.answer(item) for item in expected} == expected
    stored = window.services.visits.open(visit_id)
    assert stored.patient.id == patient_id
    assert {item: stored.answers["step1"].get(item) for item in expected} == expected
    assert shown_errors == []
