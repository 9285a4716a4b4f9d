"""Patients: create, duplicates, invalid entries, search as you type, eligibility."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QWidget,
)

from icope_desktop.services.identifiers import luhn_check_digit, nir_key
from icope_desktop.ui.shell.dialogs import DuplicateChoice, DuplicateDecision, DuplicateDialog

from .conftest import child, click, type_into, unlock


@pytest.fixture
def window(qtbot, make_window, data_dir):
    opened = make_window(data_dir)
    unlock(qtbot, opened)
    return opened


def open_new_form(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.page_kind == "patient_form"
    return window.current_page()


def fill(qtbot, window, **values):
    for name, text in values.items():
        type_into(qtbot, child(window, QLineEdit, f"{name}_edit"), text)


def choose(qtbot, window, name, index):
    click(qtbot, child(window, QPushButton, f"{name}_{index}"))


def save(qtbot, window):
    page = window.current_page()
    click(qtbot, child(window, QPushButton, "save_button"))
    return page


def create_patient(qtbot, window, birth_name, first_names, birth_date, sex_index=0, **more):
    open_new_form(qtbot, window)
    fill(qtbot, window, birth_name=birth_name, first_names=first_names, birth_date=birth_date,
         **more)
    choose(qtbot, window, "sex_choice", sex_index)
    choose(qtbot, window, "lives_at_home_choice", 0)
    choose(qtbot, window, "autonomous_choice", 0)
    click(qtbot, child(window, QCheckBox, "consent_checkbox"))
    save(qtbot, window)
    qtbot.waitUntil(lambda: window.page_kind == "patient", timeout=10_000)
    return window.place.target


def test_create_a_patient_and_see_the_file(qtbot, window):
    ins_body = "2480544109123"
    ins = f"{ins_body}{nir_key(ins_body):02d}"
    patient_id = create_patient(
        qtbot, window, "Lefèvre", "Jeanne", "17/05/1948", ins=ins, city="Nantes",
        postal_code="44000", phone="02 40 12 34 56",
    )
    assert child(window, QLabel, "patient_name_label").text() == "LEFÈVRE Jeanne"
    facts = child(window, QLabel, "patient_facts_label").text()
    assert "née le 17/05/1948" in facts and "Nantes" in facts and ins in facts
    stored = window.services.patients.get(patient_id)
    assert stored.data.consent_given is True and stored.data.lives_at_home is True
    page = window.current_page()  # no visit yet: one sentence, no empty table or charts
    assert child(window, QLabel, "no_visit_label").isVisible() and page.history is None
    # Back goes home, not to the form that was just saved.
    qtbot.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.page_kind == "home"


def test_duplicate_warning_offers_the_existing_file(qtbot, window, monkeypatch):
    existing = create_patient(qtbot, window, "Lefèvre", "Jeanne", "17/05/1948")
    shown = []

    def ask(cls, parent, candidates):
        shown.extend(candidates)
        return DuplicateDecision(DuplicateChoice.OPEN_EXISTING, candidates[0].summary.id)

    monkeypatch.setattr(DuplicateDialog, "ask", classmethod(ask))
    open_new_form(qtbot, window)
    fill(qtbot, window, birth_name="Lefebvre", first_names="Jeanne", birth_date="17/05/1948")
    choose(qtbot, window, "sex_choice", 0)
    save(qtbot, window)
    assert [c.summary.id for c in shown] == [existing]
    assert any("naissance" in reason.fr for reason in shown[0].reasons)
    assert window.page_kind == "patient" and window.place.target == existing
    assert window.services.patients.count() == 1


def test_duplicate_dialog_lists_the_candidate_and_can_create_anyway(qtbot, window, monkeypatch):
    create_patient(qtbot, window, "Lefèvre", "Jeanne", "17/05/1948")
    seen = {}

    def ask(cls, parent, candidates):
        dialog = cls(parent, candidates)
        qtbot.addWidget(dialog)
        seen["lines"] = [dialog.candidates_list.item(0).text()]
        click(qtbot, dialog.create_button)
        return dialog.decision

    monkeypatch.setattr(DuplicateDialog, "ask", classmethod(ask))
    create_patient(qtbot, window, "Lefebvre", "Jeanne", "17/05/1948")
    assert "LEFÈVRE Jeanne" in seen["lines"][0] and "17/05/1948" in seen["lines"][0]
    assert window.services.patients.count() == 2


@pytest.mark.parametrize(
    ("field", "typed", "expected"),
    [
        ("birth_date", "31/02/1950", "n'existe pas"),
        ("birth_date", "12/03/2099", "futur"),
        ("birth_date", "12/03/48", "4 chiffres"),
        ("phone", "02 40 AB 34 56", "chiffres"),
        ("ins", "1 37 04 76 243 484 16", "clé"),
        ("postal_code", "44A00", "5 chiffres"),
    ],
)
def test_invalid_entries_are_shown_next_to_the_field_and_not_saved(
    qtbot, window, field, typed, expected
):
    page = open_new_form(qtbot, window)
    fill(qtbot, window, birth_name="Martin", first_names="Paul", birth_date="01/02/1950")
    choose(qtbot, window, "sex_choice", 1)
    type_into(qtbot, child(window, QLineEdit, f"{field}_edit"), typed)
    with qtbot.waitSignal(page.save_refused, timeout=2000):
        save(qtbot, window)
    error = page.fields[field].error
    assert error.isVisible() and expected in error.text()
    assert "rien n'a été enregistré" in child(window, QLabel, "error_summary").text()
    assert window.page_kind == "patient_form"
    assert window.services.patients.count() == 0


def test_letters_never_get_into_the_birth_date(qtbot, window):
    open_new_form(qtbot, window)
    edit = child(window, QLineEdit, "birth_date_edit")
    qtbot.keyClicks(edit, "1a7/0b5/19x48")
    assert edit.text() == "17/05/1948"


def test_editing_with_an_invalid_entry_keeps_the_saved_file(qtbot, window):
    patient_id = create_patient(qtbot, window, "Martin", "Paul", "01/02/1950", sex_index=1)
    before = window.services.patients.get(patient_id)
    click(qtbot, child(window, QPushButton, "edit_button"))
    assert window.page_kind == "patient_form"
    assert child(window, QLineEdit, "birth_name_edit").text() == "Martin"
    fill(qtbot, window, birth_name="Martin-Durand", birth_date="30/02/1950")
    page = save(qtbot, window)
    assert page.fields["birth_date"].error.isVisible()
    assert window.services.patients.get(patient_id) == before
    fill(qtbot, window, birth_date="01/02/1950")
    save(qtbot, window)
    qtbot.waitUntil(lambda: window.page_kind == "patient", timeout=10_000)
    assert window.services.patients.get(patient_id).identity.birth_name == "Martin-Durand"


def test_gp_with_bad_rpps_is_refused_then_added_and_chosen(qtbot, window):
    open_new_form(qtbot, window)
    click(qtbot, child(window, QPushButton, "add_gp_button"))
    good = "1000345678" + luhn_check_digit("1000345678")
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    fill(qtbot, window, gp_last_name="Morel", gp_first_name="Paul", gp_rpps=bad,
         gp_email="paul.morel@medecin.mssante.fr")
    page = window.current_page()
    click(qtbot, child(window, QPushButton, "save_gp_button"))
    qtbot.waitUntil(lambda: page.gp_fields["rpps"].error.isVisible(), timeout=5000)
    assert window.services.patients.search_gps("mor") == []
    fill(qtbot, window, gp_rpps=good)
    click(qtbot, child(window, QPushButton, "save_gp_button"))
    combo = child(window, QComboBox, "gp_combo")
    qtbot.waitUntil(lambda: combo.currentData() is not None, timeout=5000)
    assert "MOREL Paul" in combo.currentText()
    fill(qtbot, window, birth_name="Martin", first_names="Paul", birth_date="01/02/1950")
    choose(qtbot, window, "sex_choice", 1)
    save(qtbot, window)
    qtbot.waitUntil(lambda: window.page_kind == "patient", timeout=10_000)
    assert "MOREL Paul" in child(window, QLabel, "gp_label").text()


def test_not_eligible_is_explained_and_still_saved_flagged(qtbot, window):
    open_new_form(qtbot, window)
    fill(qtbot, window, birth_name="Jeune", first_names="Alice", birth_date="01/02/1980")
    choose(qtbot, window, "sex_choice", 0)
    choose(qtbot, window, "lives_at_home_choice", 0)
    choose(qtbot, window, "autonomous_choice", 0)
    explanation = child(window, QLabel, "eligibility_label").text()
    assert "Hors critères" in explanation and "moins de 60 ans" in explanation
    save(qtbot, window)
    qtbot.waitUntil(lambda: window.page_kind == "patient", timeout=10_000)
    banner = child(window, QWidget, "eligibility_banner")
    assert banner.isVisible()
    assert any("Hors critères" in label.text() for label in banner.findChildren(QLabel))


def test_search_as_you_type_by_prefix_and_by_birth_date(qtbot, window):
    create_patient(qtbot, window, "Lefèvre", "Jeanne", "17/05/1948")
    create_patient(qtbot, window, "Dupont", "Marcel", "03/11/1941", sex_index=1)
    window.show_home()
    home = window.current_page()
    search = child(window, QLineEdit, "search_edit")
    results = child(window, QListWidget, "results_list")
    with qtbot.waitSignal(home.search_done, timeout=2000):
        qtbot.keyClicks(search, "lef")
    assert results.count() == 1 and results.item(0).text().startswith("LEFÈVRE Jeanne")
    search.clear()
    with qtbot.waitSignal(home.search_done, timeout=2000):
        qtbot.keyClicks(search, "03/11")
    assert results.count() == 1 and "DUPONT Marcel" in results.item(0).text()
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert window.page_kind == "patient"
    assert child(window, QLabel, "patient_name_label").text() == "DUPONT Marcel"
