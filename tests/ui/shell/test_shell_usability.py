"""Fixes from the usability walkthrough: visible choices, no duplicate drafts, editable
GP, postal codes typed with a space, tab order and errors that go away when fixed."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton

from icope_desktop.ui.style import ACCENT

from .conftest import child, click, type_into, unlock
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


def test_the_gp_record_is_corrected_from_the_patient_page(qtbot, window):
    from PySide6.QtWidgets import QLabel

    from icope_desktop.services.identifiers import luhn_check_digit
    from icope_desktop.services.patients import GpForm, PatientForm
    from icope_desktop.store.records import Sex

    patients = window.services.patients
    gp_id = patients.create_gp(GpForm("Morel", "Paul"))
    form = PatientForm("Lefèvre", "", "Jeanne", "17/05/1948", Sex.FEMALE, gp_id=gp_id)
    window.open_patient(patients.create(patients.parse(form)))
    assert "RPPS non renseigné" in child(window, QLabel, "gp_label").text()
    click(qtbot, child(window, QPushButton, "edit_gp_button"))
    page = window.current_page()
    good = "1000345678" + luhn_check_digit("1000345678")
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    type_into(qtbot, child(window, QLineEdit, "gp_rpps_edit"), bad)
    click(qtbot, child(window, QPushButton, "save_gp_button"))
    rpps_field = page.gp_editor.fields["rpps"]
    qtbot.waitUntil(lambda: rpps_field.error.isVisible(), timeout=5000)
    assert "clé" in rpps_field.error.text()
    assert patients.get_gp(gp_id).data.rpps is None
    type_into(qtbot, child(window, QLineEdit, "gp_rpps_edit"), good)
    assert not rpps_field.error.isVisible()  # a corrected field loses its error at once
    type_into(qtbot, child(window, QLineEdit, "gp_email_edit"), "paul.morel@medecin.mssante.fr")
    type_into(qtbot, child(window, QLineEdit, "gp_postal_code_edit"), "44 400")
    click(qtbot, child(window, QPushButton, "save_gp_button"))
    qtbot.waitUntil(lambda: not page.gp_editor.isVisible(), timeout=5000)
    stored = patients.get_gp(gp_id).data
    assert stored.rpps == good and stored.email == "paul.morel@medecin.mssante.fr"
    assert stored.postal_code == "44400" and stored.last_name == "Morel"
    assert f"RPPS {good}" in child(window, QLabel, "gp_label").text()


def test_the_chosen_gp_is_corrected_from_the_patient_form(qtbot, window):
    from PySide6.QtWidgets import QComboBox

    from icope_desktop.services.patients import GpForm

    patients = window.services.patients
    gp_id = patients.create_gp(GpForm("Morel", "Paul"))
    open_new_form(qtbot, window)
    edit_gp = child(window, QPushButton, "edit_gp_button")
    assert not edit_gp.isVisible()  # nothing chosen: nothing to correct
    combo = child(window, QComboBox, "gp_combo")
    combo.setCurrentIndex(combo.findData(str(gp_id)))
    assert edit_gp.isVisible()
    click(qtbot, edit_gp)
    assert child(window, QLineEdit, "gp_last_name_edit").text() == "Morel"
    type_into(qtbot, child(window, QLineEdit, "gp_phone_edit"), "02 40 11 22 33")
    click(qtbot, child(window, QPushButton, "save_gp_button"))
    qtbot.waitUntil(lambda: patients.get_gp(gp_id).data.phone == "02 40 11 22 33",
                    timeout=5000)
    assert combo.currentData() == str(gp_id) and patients.search_gps("") != []
    assert len(patients.search_gps("")) == 1


def test_a_postal_code_typed_with_a_space_is_kept_whole(qtbot, window):
    from .test_shell_patients import create_patient
    from .test_shell_settings import open_settings

    patient_id = create_patient(qtbot, window, "Lefèvre", "Jeanne", "17/05/1948",
                                postal_code="44 400", city="Rezé")
    assert window.services.patients.get(patient_id).data.postal_code == "44400"
    page = open_settings(qtbot, window)
    edit = child(window, QLineEdit, "postal_code_edit")
    type_into(qtbot, edit, "44 400")
    assert edit.text() == "44 400"  # not cut to "44 40"
    with qtbot.waitSignal(page.saved, timeout=10_000):
        click(qtbot, child(window, QPushButton, "profile_save_button"))
    assert window.services.settings.profile().data.postal_code == "44400"


def test_tab_follows_the_envelope_and_errors_go_when_corrected(qtbot, window):
    from PySide6.QtWidgets import QApplication, QLabel

    from .test_shell_patients import fill, save

    page = open_new_form(qtbot, window)
    address = child(window, QLineEdit, "address_edit")
    address.setFocus()
    order = []
    for _step in range(3):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget().objectName())
    assert order == ["postal_code_edit", "city_edit", "phone_edit"]

    fill(qtbot, window, birth_name="Lefèvre", first_names="Jeanne", birth_date="17/05/1948",
         phone="02 40 AB")
    save(qtbot, window)
    assert page.fields["phone"].error.isVisible() and page.fields["sex"].error.isVisible()
    fill(qtbot, window, phone="02 40 12 34 56")
    assert not page.fields["phone"].error.isVisible()  # gone as soon as it is corrected
    click(qtbot, child(window, QPushButton, "sex_choice_0"))
    assert not page.fields["sex"].error.isVisible()

    # A birth date in the future is a typing slip: said at once, not "-19 ans".
    fill(qtbot, window, birth_date="01/02/2045")
    assert page.fields["birth_date"].error.isVisible()
    assert "dans le futur : vérifiez l'année" in page.fields["birth_date"].error.text()
    eligibility = child(window, QLabel, "eligibility_label").text()
    assert "futur" in eligibility and "-19" not in eligibility and "60 ans (" not in eligibility
    qtbot.keyClick(child(window, QLineEdit, "birth_date_edit"), Qt.Key.Key_Tab)
    assert page.fields["birth_date"].error.isVisible()  # leaving the field keeps it


def fully_on_screen(window, widget) -> bool:
    from PySide6.QtCore import QPoint

    top = widget.mapTo(window, QPoint(0, 0)).y()
    visible = widget.visibleRegion().boundingRect()
    return (widget.isVisible() and top + widget.height() <= window.height()
            and visible.height() == widget.height())


def text_fits(button) -> bool:
    from PySide6.QtGui import QFontMetrics

    return QFontMetrics(button.font()).horizontalAdvance(button.text()) + 16 <= button.width()


def test_continuer_stays_visible_when_the_profile_shows_errors(qtbot, make_window, tmp_path):
    window = make_window(tmp_path / "fresh")
    assert window.page_kind == "first_launch"
    for name, text in (("rpps_edit", "1000 3456 78"), ("email_edit", "anais.lebihan@gmail"),
                       ("phone_edit", "06 12"), ("postal_code_edit", "44 40")):
        type_into(qtbot, child(window, QLineEdit, name), text)
    next_button = child(window, QPushButton, "profile_next_button")
    click(qtbot, next_button)
    page = window.current_page()
    assert page.step == page.PROFILE
    assert sum(f.error.isVisible() for f in page.profile_fields.values()) >= 5
    assert fully_on_screen(window, next_button)
    assert text_fits(child(window, QPushButton, "restore_button"))


def test_the_forgot_link_text_fits(qtbot, make_window, data_dir):
    window = make_window(data_dir)
    assert text_fits(child(window, QPushButton, "forgot_button"))
