"""Wording the audit found clumsy: lists read as sentences, the log path whole, the
patient's sync state said of the server (or not at all when there is none), the
status bar's facts, and "Étape 1" everywhere in French."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from icope_desktop.services.patients import PatientForm
from icope_desktop.services.settings import ServerForm
from icope_desktop.store.records import Sex
from icope_desktop.ui.shell.dialogs import DuplicateDialog, ErrorDialog, readable_list
from icope_desktop.ui.shell.errors import user_message
from icope_desktop.ui.shell.status_bar import ShellStatusBar

from .conftest import click, unlock, visible_texts


def add(window, birth_name: str, first_names: str, birth_date: str):
    patients = window.services.patients
    return patients.create(
        patients.parse(PatientForm(birth_name, "", first_names, birth_date, Sex.FEMALE))
    )


def test_duplicate_reasons_read_as_one_sentence(qtbot, make_window, data_dir):
    window = make_window(data_dir)
    unlock(qtbot, window)
    add(window, "Lefèvre", "Jeanne", "17/05/1948")
    patients = window.services.patients
    data = patients.parse(PatientForm("Lefebvre", "", "Jeanne", "17/05/1948", Sex.FEMALE))
    candidates = patients.possible_duplicates(data)
    assert candidates and len(candidates[0].reasons) >= 2
    dialog = DuplicateDialog(window, candidates)
    qtbot.addWidget(dialog)
    reasons_line = dialog.candidates_list.item(0).text().split("\n")[1]
    assert reasons_line.startswith("Points relevés : Même date de naissance, ")
    assert reasons_line.endswith(".")
    assert not re.search(r", [A-ZÀ-Ý][a-zà-ÿ]", reasons_line), reasons_line
    assert readable_list(["Même INS", "Même nom"]) == "Même INS, même nom"
    assert readable_list(["Nom proche", "INS identique"]) == "Nom proche, INS identique"


def test_error_dialog_shows_the_log_path_whole_and_copies_it(qtbot, tmp_path):
    log_path = tmp_path / "un dossier assez long" / "logs" / "icope-desktop.log"
    title, text = user_message(RuntimeError("boom"), log_path)
    dialog = ErrorDialog(None, title, text)
    qtbot.addWidget(dialog)
    label = dialog.findChild(QLabel, "error_text_label")
    assert "Réessayez" in label.text() and str(log_path) not in label.text()
    assert label.text().endswith("est ici :")
    assert dialog.path_edit is not None and dialog.path_edit.text() == str(log_path)
    assert dialog.path_edit.isReadOnly()
    dialog.show()
    click(qtbot, dialog.findChild(QPushButton, "copy_path_button"))
    assert QApplication.clipboard().text() == str(log_path)
    plain = ErrorDialog(None, "Action impossible", "Le disque est plein.")
    qtbot.addWidget(plain)
    assert plain.path_edit is None


def test_patient_sync_state_only_with_a_server_and_said_of_it(qtbot, make_window, data_dir):
    window = make_window(data_dir)
    unlock(qtbot, window)
    patient_id = add(window, "Lefèvre", "Jeanne", "17/05/1948")
    window.open_patient(patient_id)
    texts = visible_texts(window)
    assert "En attente d'envoi" not in texts and "Serveur régional :" not in texts
    assert "Nouvelle visite (étape 1)" in texts
    assert not any("Step" in text for text in texts)
    window.services.settings.save_server(ServerForm(url="http://127.0.0.1:9/", token="t"))
    window.open_patient(patient_id)
    page = window.current_page()
    if page.sync_badge is None:  # the sync part is not installed in this build
        return
    label = page.findChild(QLabel, "sync_badge_label")
    assert label.isVisible() and label.text() == "Serveur régional :"
    assert page.sync_badge.isVisible() and page.sync_badge.text() == "En attente d'envoi"


def test_status_bar_states_the_outbox_and_last_sync(qtbot):
    bar = ShellStatusBar()
    qtbot.addWidget(bar)
    assert bar.outbox_label.text() == "Dossier verrouillé" and bar.last_sync_label.text() == ""
    bar.show_counts(4, 0, None, False)
    assert bar.outbox_label.text() == "Tout est enregistré sur cet ordinateur"
    assert bar.last_sync_label.text() == (
        "Hors ligne : aucun serveur régional configuré (Paramètres)"
    )
    bar.show_counts(0, 0, None, True)
    assert bar.outbox_label.text() == "Rien en attente d'envoi"
    bar.show_counts(1, 0, None, True)
    assert bar.outbox_label.text() == "1 élément en attente d'envoi au serveur"
    assert bar.last_sync_label.text() == "Jamais synchronisé"
    when = datetime(2025, 3, 11, 9, 5, tzinfo=UTC)
    bar.show_counts(3, 2, when, True)
    assert bar.outbox_label.text() == (
        "3 éléments en attente d'envoi au serveur · 2 refusé(s) par le serveur"
    )
    local = when.astimezone()
    assert bar.last_sync_label.text() == "Dernière synchronisation : {} à {}".format(
        local.strftime("%d/%m/%Y"), local.strftime("%H:%M")
    )
    bar.clear_counts(locked=False)
    assert bar.outbox_label.text() == "" and bar.waiting == 0


def test_main_window_status_bar_follows_unlock_and_lock(qtbot, make_window, data_dir):
    window = make_window(data_dir)
    assert window.status.outbox_label.text() == "Dossier verrouillé"
    unlock(qtbot, window)
    assert window.status.outbox_label.text() == "Tout est enregistré sur cet ordinateur"
    assert window.status.last_sync_label.text().startswith("Hors ligne")
    window.lock()
    assert window.status.outbox_label.text() == "Dossier verrouillé"
    assert window.status.last_sync_label.text() == ""
