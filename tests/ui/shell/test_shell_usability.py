"""Fixes from the usability walkthrough: visible choices, no duplicate drafts, editable
GP, postal codes typed with a space, tab order and errors that go away when fixed."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from icope_desktop.ui.style import ACCENT

from .conftest import child, click, unlock
from .test_shell_patients import open_new_form


def painted(button) -> str:
    """The colour drawn inside the button, left of its text."""
    return button.grab().toImage().pixelColor(6, button.height() // 2).name()


@pytest.fixture
def window(qtbot, make_window, data_dir):
    opened = make_window(data_dir)
    unlock(qtbot, opened)
    return opened


def test_a_chosen_answer_is_marked_and_a_second_click_keeps_it(qtbot, window):
    page = open_new_form(qtbot, window)
    femme = child(window, QPushButton, "sex_choice_0")
    homme = child(window, QPushButton, "sex_choice_1")
    click(qtbot, femme)
    assert femme.isChecked() and femme.property("chosen") == "true"
    assert femme.text().startswith("✓") and not homme.text().startswith("✓")
    assert painted(femme) == ACCENT and painted(homme) != ACCENT  # the style applies
    click(qtbot, femme)  # "yes, that one": still chosen
    assert femme.isChecked() and page.sex_choice.value() == "F"
    click(qtbot, homme)
    assert homme.isChecked() and not femme.isChecked() and page.sex_choice.value() == "M"
    assert femme.property("chosen") == "false"
    clear = child(window, QPushButton, "sex_choice_clear")
    assert clear.isVisible()
    click(qtbot, clear)  # the explicit way back to "no answer"
    assert page.sex_choice.value() is None and not homme.isChecked()
    assert not clear.isVisible()
    click(qtbot, child(window, QPushButton, "lives_at_home_choice_1"))
    qtbot.keyClick(child(window, QPushButton, "lives_at_home_choice_1"), Qt.Key.Key_Delete)
    assert page.lives_at_home_choice.value() is None


def make_patient(window, name="Lefèvre"):
    from icope_desktop.services.patients import PatientForm
    from icope_desktop.store.records import Sex

    patients = window.services.patients
    return patients.create(patients.parse(PatientForm(name, "", "Jeanne", "17/05/1948",
                                                      Sex.FEMALE)))


def test_a_visit_in_progress_is_resumed_not_started_twice(qtbot, window):
    patient_id = make_patient(window)
    window.open_patient(patient_id)
    button = child(window, QPushButton, "new_visit_button")
    assert button.text() == "Nouvelle visite (étape 1)"
    click(qtbot, button)
    qtbot.waitUntil(lambda: window.page_kind == "visit", timeout=10_000)
    visit_id = window.place.target
    window.current_page().closed.emit()  # back to the patient page
    assert window.page_kind == "patient"
    button = child(window, QPushButton, "new_visit_button")
    today = window.services.patients.today().strftime("%d/%m/%Y")
    assert button.text() == f"Reprendre la visite en cours (commencée le {today})"
    click(qtbot, button)
    qtbot.waitUntil(lambda: window.page_kind == "visit", timeout=10_000)
    assert window.place.target == visit_id
    assert len(window.services.visits.list_visits(patient_id)) == 1


def test_a_draft_started_after_the_page_was_built_is_resumed(qtbot, window):
    patient_id = make_patient(window)
    window.open_patient(patient_id)
    button = child(window, QPushButton, "new_visit_button")
    visit_id = window.services.visits.start_visit(patient_id)  # e.g. from another screen
    click(qtbot, button)
    qtbot.waitUntil(lambda: window.page_kind == "visit", timeout=10_000)
    assert window.place.target == visit_id
    assert len(window.services.visits.list_visits(patient_id)) == 1
