"""The visit page inside the app's real window (audit item 2): the main window binds
Ctrl+N application-wide (new patient), so the visit's "non évaluable" key is
Ctrl+Shift+N; with both on Ctrl+N, Qt found the key ambiguous and neither fired."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from shell.conftest import make_window, shown_errors, template_store, unlock  # noqa: F401

from icope_desktop.screening import NotAssessable
from icope_desktop.services.patients import PatientForm
from icope_desktop.store.records import Sex
from icope_desktop.ui.visit import VisitPage

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = CTRL | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def window_data_dir(template_store, tmp_path):  # noqa: F811
    target = tmp_path / "data"
    shutil.copytree(template_store[0], target)
    return target


def test_not_assessable_key_works_in_the_main_window(qtbot, make_window, window_data_dir):  # noqa: F811
    window = make_window(window_data_dir)
    unlock(qtbot, window)
    patients = window.services.patients
    patient_id = patients.create(
        patients.parse(PatientForm("Lefèvre", "", "Jeanne", "17/05/1948", Sex.FEMALE))
    )
    visit_id = window.services.visits.start_visit(patient_id)
    window.open_visit(visit_id)
    page = window.current_page()
    assert isinstance(page, VisitPage)
    window.activateWindow()
    qtbot.waitActive(window)
    form = page.forms["step1"]
    qtbot.waitUntil(lambda: form.is_built, timeout=5000)
    row = form.row("C2")
    row.focus()
    assert row.isAncestorOf(QApplication.focusWidget())

    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_N, CTRL_SHIFT)
    assert form.answer("C2") == NotAssessable()
    row.reason_combo.hidePopup()
    assert window.page_kind == "visit"
    row.focus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_N, CTRL_SHIFT)
    assert form.answer("C2") is None, "pressed again: answerable again"

    row.focus()  # Ctrl+N stays the window's "new patient", no longer ambiguous
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_N, CTRL)
    assert window.page_kind == "patient_form"
    assert form.answer("C2") is None
