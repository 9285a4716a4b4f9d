"""Keyboard alone, large targets, nothing cut or scrolled sideways at 1366×768."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit, QPushButton

from icope_desktop.i18n import set_language
from icope_desktop.services.patients import PatientForm
from icope_desktop.store.records import Sex
from icope_desktop.ui.widgets.page import ScrollColumn

from .conftest import child, unlock


def add_patient(window):
    patients = window.services.patients
    return patients.create(
        patients.parse(PatientForm("Lefèvre", "", "Jeanne", "17/05/1948", Sex.FEMALE))
    )


def check_layout(window) -> None:
    QApplication.processEvents()
    page = window.current_page()
    for scroll in [s for s in page.findChildren(ScrollColumn) if s.isVisible()]:
        needed = scroll.widget().minimumSizeHint().width()
        assert needed <= scroll.viewport().width(), f"{window.page_kind}: sideways scrolling"
    assert page.minimumSizeHint().width() <= window.width()
    for button in page.findChildren(QAbstractButton):
        if button.isVisible() and isinstance(button, QPushButton):
            assert button.height() >= 40, f"{window.page_kind}: {button.text()!r} too small"
            assert button.width() >= button.sizeHint().width() - 1, f"cut: {button.text()!r}"
    for label in page.findChildren(QLabel):
        if label.isVisible() and not label.wordWrap() and label.text():
            assert label.width() >= label.sizeHint().width() - 1, f"cut: {label.text()!r}"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_screen_fits_1366_by_768(qtbot, make_window, data_dir, tmp_path, language):
    set_language(language)
    fresh = make_window(tmp_path / "fresh", language=language)
    check_layout(fresh)
    window = make_window(data_dir, language=language)
    check_layout(window)
    unlock(qtbot, window)
    patient_id = add_patient(window)
    for show in (
        window.show_home,
        lambda: window.open_patient(patient_id),
        window.new_patient,
        lambda: window.edit_patient(patient_id),
        window.open_settings,
    ):
        show()
        check_layout(window)


def test_keyboard_shortcuts(qtbot, make_window, data_dir):
    window = make_window(data_dir)
    unlock(qtbot, window)
    patient_id = add_patient(window)
    window.open_patient(patient_id)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.page_kind == "home"
    search = child(window, QLineEdit, "search_edit")
    assert search.hasFocus()
    qtbot.keyClicks(search, "lef")
    qtbot.keyClick(search, Qt.Key.Key_Return)  # Enter before the debounce still finds it
    assert window.page_kind == "patient"
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.page_kind == "patient_form"
    assert child(window, QLineEdit, "birth_name_edit").hasFocus()
    qtbot.keyClick(child(window, QLineEdit, "birth_name_edit"), Qt.Key.Key_Escape)
    assert window.page_kind == "patient"
    qtbot.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.page_kind == "home"
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.page_kind == "unlock"
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.page_kind == "unlock", "shortcuts do nothing while locked"


def test_unlock_screen_tab_order(qtbot, make_window, data_dir):
    window = make_window(data_dir)
    edit = child(window, QLineEdit, "passphrase_edit")
    qtbot.waitUntil(edit.hasFocus, timeout=2000)
    order = [edit]
    for _step in range(3):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget())
    names = [widget.objectName() for widget in order]
    assert names == ["passphrase_edit", "show_checkbox", "unlock_button", "forgot_button"]
