"""Settings persist across restarts; passphrase change; backup then restore elsewhere."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QPushButton

from icope_desktop.i18n import current_language
from icope_desktop.services.patients import PatientForm
from icope_desktop.store.records import Sex
from icope_desktop.ui.shell.dialogs import FileDialogs, RestoreSecret, RestoreSecretDialog

from .conftest import NEW_PASSPHRASE, PASSPHRASE, child, click, type_into, unlock


def open_settings(qtbot, window):
    click(qtbot, window.settings_button)
    assert window.page_kind == "settings"
    return window.current_page()


def pick(qtbot, combo, data) -> None:
    """Choose an entry with the keyboard (Home, then Down until it is selected)."""
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    while combo.currentData() != data:
        before = combo.currentIndex()
        qtbot.keyClick(combo, Qt.Key.Key_Down)
        assert combo.currentIndex() != before, f"{data!r} not in the list"


def test_settings_change_persists_across_restart(qtbot, make_window, data_dir):
    window = make_window(data_dir)
    unlock(qtbot, window)
    page = open_settings(qtbot, window)
    pick(qtbot, child(window, QComboBox, "auto_lock_combo"), 10)
    with qtbot.waitSignal(page.saved, timeout=10_000):
        click(qtbot, child(window, QPushButton, "general_save_button"))
    assert child(window, QLabel, "general_status").text() == "Réglages enregistrés."
    type_into(qtbot, child(window, QLineEdit, "server_url_edit"), "https://icope.pdl.example/")
    type_into(qtbot, child(window, QLineEdit, "token_edit"), "jeton-123")
    click(qtbot, child(window, QCheckBox, "auto_sync_checkbox"))
    with qtbot.waitSignal(page.saved, timeout=10_000):
        click(qtbot, child(window, QPushButton, "server_save_button"))
    assert child(window, QLineEdit, "token_edit").text() == "", "the token is never shown back"
    assert window.idle.delay_ms == 10 * 60_000
    pick(qtbot, child(window, QComboBox, "language_combo"), "en")
    with qtbot.waitSignal(window.page_changed, timeout=10_000):
        click(qtbot, child(window, QPushButton, "general_save_button"))
    assert current_language() == "en"
    assert window.settings_button.text() == "Settings"
    assert child(window, QPushButton, "backup_button").text() == "Back up now…"
    window.close()

    again = make_window(data_dir)
    assert child(again, QPushButton, "unlock_button").text() == "Unlock"
    unlock(qtbot, again)
    settings = again.services.settings.get()
    assert (settings.language, settings.auto_lock_minutes, settings.auto_sync) == ("en", 10, False)
    assert settings.server_url == "https://icope.pdl.example/" and settings.has_token
    open_settings(qtbot, again)
    assert child(again, QComboBox, "auto_lock_combo").currentData() == 10
    assert child(again, QLineEdit, "server_url_edit").text() == "https://icope.pdl.example/"
    assert again.idle.delay_ms == 10 * 60_000


def test_profile_address_is_edited_in_the_settings(qtbot, make_window, data_dir):
    window = make_window(data_dir)
    unlock(qtbot, window)
    page = open_settings(qtbot, window)
    type_into(qtbot, child(window, QLineEdit, "address_edit"), "4 rue de la Paix")
    type_into(qtbot, child(window, QLineEdit, "postal_code_edit"), "440")
    type_into(qtbot, child(window, QLineEdit, "city_edit"), "Nantes")
    click(qtbot, child(window, QPushButton, "profile_save_button"))
    qtbot.waitUntil(lambda: "Rien n'a été modifié" in page.profile_status.text(), timeout=10_000)
    assert "5 chiffres" in page.profile_fields["postal_code"].error.text()
    assert window.services.settings.profile().data.city is None
    type_into(qtbot, child(window, QLineEdit, "postal_code_edit"), "44000")
    with qtbot.waitSignal(page.saved, timeout=10_000):
        click(qtbot, child(window, QPushButton, "profile_save_button"))
    data = window.services.settings.profile().data
    assert (data.address, data.postal_code, data.city, data.last_name) == (
        "4 rue de la Paix", "44000", "Nantes", "Durand",
    )  # fmt: skip
    window.show_home()
    open_settings(qtbot, window)
    assert child(window, QLineEdit, "city_edit").text() == "Nantes"


def test_a_bad_server_address_is_refused_next_to_the_field(qtbot, make_window, data_dir):
    window = make_window(data_dir)
    unlock(qtbot, window)
    page = open_settings(qtbot, window)
    type_into(qtbot, child(window, QLineEdit, "server_url_edit"), "icope.pdl.example")
    click(qtbot, child(window, QPushButton, "server_save_button"))
    qtbot.waitUntil(lambda: page.server_fields["server_url"].error.isVisible(), timeout=10_000)
    assert window.services.settings.get().server_url is None


def test_change_passphrase(qtbot, make_window, data_dir):
    window = make_window(data_dir)
    unlock(qtbot, window)
    page = open_settings(qtbot, window)
    type_into(qtbot, child(window, QLineEdit, "current_passphrase_edit"), "pas la bonne")
    type_into(qtbot, child(window, QLineEdit, "new_passphrase_edit"), NEW_PASSPHRASE)
    type_into(qtbot, child(window, QLineEdit, "new_confirm_edit"), NEW_PASSPHRASE)
    click(qtbot, child(window, QPushButton, "change_passphrase_button"))
    status = child(window, QLabel, "passphrase_status")
    qtbot.waitUntil(lambda: "incorrecte" in status.text(), timeout=10_000)
    type_into(qtbot, child(window, QLineEdit, "current_passphrase_edit"), PASSPHRASE)
    with qtbot.waitSignal(page.saved, timeout=10_000):
        click(qtbot, child(window, QPushButton, "change_passphrase_button"))
    assert child(window, QLineEdit, "current_passphrase_edit").text() == ""
    window.lock()
    unlock(qtbot, window, NEW_PASSPHRASE)


def test_backup_then_restore_in_a_new_directory(
    qtbot, make_window, data_dir, tmp_path, monkeypatch
):
    window = make_window(data_dir)
    unlock(qtbot, window)
    patients = window.services.patients
    patients.create(
        patients.parse(PatientForm("Sauvegarde", "", "Irène", "02/03/1944", Sex.FEMALE))
    )
    target = tmp_path / "usb" / "ma-sauvegarde.icopebak"
    monkeypatch.setattr(
        FileDialogs, "save_backup_path", classmethod(lambda cls, parent, suggested: target)
    )
    page = open_settings(qtbot, window)
    with qtbot.waitSignal(page.backup_finished, timeout=20_000):
        click(qtbot, child(window, QPushButton, "backup_button"))
    assert target.exists()
    assert "ma-sauvegarde.icopebak" in child(window, QLabel, "backup_status").text()
    window.close()

    monkeypatch.setattr(FileDialogs, "open_backup_path", classmethod(lambda cls, parent: target))
    asked = []

    def ask(cls, parent, name, created):
        asked.append(name)
        return RestoreSecret(PASSPHRASE, None)

    monkeypatch.setattr(RestoreSecretDialog, "ask", classmethod(ask))
    laptop = make_window(tmp_path / "new-laptop")
    assert laptop.page_kind == "first_launch"
    click(qtbot, child(laptop, QPushButton, "restore_button"))
    qtbot.waitUntil(lambda: laptop.page_kind == "home", timeout=20_000)
    assert asked == ["ma-sauvegarde.icopebak"]
    assert [s.first_names for s in laptop.services.patients.search("sauv")] == ["Irène"]
    laptop.lock()
    unlock(qtbot, laptop)
