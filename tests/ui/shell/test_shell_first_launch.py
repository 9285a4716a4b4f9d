"""First launch, driven with the keyboard and the mouse as a nurse would."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QPushButton

from icope_desktop.services.session import read_language
from icope_desktop.store import Store
from icope_desktop.store.settings import SettingKey
from icope_desktop.ui.shell.dialogs import Printer

from .conftest import PASSPHRASE, RPPS, child, click, type_into, unlock

BAD_RPPS = RPPS[:-1] + str((int(RPPS[-1]) + 1) % 10)


def fill_profile(qtbot, window, rpps: str) -> None:
    type_into(qtbot, child(window, QLineEdit, "last_name_edit"), "Durand")
    type_into(qtbot, child(window, QLineEdit, "first_name_edit"), "Claire")
    combo = child(window, QComboBox, "profession_combo")
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # the first profession: Infirmier(ère)
    type_into(qtbot, child(window, QLineEdit, "rpps_edit"), rpps)
    type_into(qtbot, child(window, QLineEdit, "address_edit"), "8 allée des Œillets")
    type_into(qtbot, child(window, QLineEdit, "postal_code_edit"), "44400")
    type_into(qtbot, child(window, QLineEdit, "city_edit"), "Rezé")


def test_first_launch_to_home_then_lock_and_unlock(qtbot, make_window, tmp_path):
    data_dir = tmp_path / "fresh"
    window = make_window(data_dir)
    assert window.page_kind == "first_launch"
    page = window.current_page()

    fill_profile(qtbot, window, BAD_RPPS)
    click(qtbot, child(window, QPushButton, "profile_next_button"))
    assert page.step == page.PROFILE
    assert "clé de contrôle" in page.profile_fields["rpps"].error.text()

    type_into(qtbot, child(window, QLineEdit, "rpps_edit"), RPPS)
    qtbot.keyClick(child(window, QLineEdit, "rpps_edit"), Qt.Key.Key_Return)
    assert page.step == page.PASSPHRASE

    passphrase = child(window, QLineEdit, "passphrase_edit")
    type_into(qtbot, passphrase, "soleil2024")
    level = child(window, QLabel, "strength_level_label").text()
    assert "80 requis" in level and ("faible" in level.lower())
    type_into(qtbot, child(window, QLineEdit, "confirm_edit"), "soleil2024")
    click(qtbot, child(window, QPushButton, "passphrase_next_button"))
    assert page.step == page.PASSPHRASE
    assert "trop faible" in page.passphrase_field.error.text()

    type_into(qtbot, passphrase, PASSPHRASE)
    assert "olide" in child(window, QLabel, "strength_level_label").text()
    type_into(qtbot, child(window, QLineEdit, "confirm_edit"), PASSPHRASE + "x")
    click(qtbot, child(window, QPushButton, "passphrase_next_button"))
    assert "pas identiques" in page.confirm_field.error.text()
    type_into(qtbot, child(window, QLineEdit, "confirm_edit"), PASSPHRASE)
    click(qtbot, child(window, QPushButton, "passphrase_next_button"))
    assert page.step == page.SERVER

    with qtbot.waitSignal(page.created, timeout=20_000):
        click(qtbot, child(window, QPushButton, "skip_button"))
    assert page.step == page.KEY
    key = child(window, QLabel, "recovery_key_label").text()
    assert len(key.split("-")) == 8
    start = child(window, QPushButton, "start_button")
    assert not start.isEnabled()
    assert not window.lock_button.isVisible()
    window.lock()  # the key is on screen: never hidden before it is noted
    assert window.page_kind == "first_launch"
    click(qtbot, child(window, QCheckBox, "key_confirm_checkbox"))
    assert start.isEnabled()
    click(qtbot, start)
    qtbot.waitUntil(lambda: window.page_kind == "home", timeout=10_000)
    assert window.services.settings.recovery_key_confirmed()
    assert window.current_page().recovery_banner is None  # noted: nothing to offer
    assert page.recovery_key == ""  # off the screen and out of the page
    assert "Claire Durand" in child(window, QLabel, "greeting_label").text()

    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.page_kind == "unlock" and window.session.services is None
    unlock(qtbot, window)
    profile = window.services.settings.profile()
    assert (profile.data.last_name, profile.data.rpps, profile.data.profession) == (
        "Durand",
        RPPS,
        "nurse",
    )
    assert (profile.data.address, profile.data.postal_code, profile.data.city) == (
        "8 allée des Œillets", "44400", "Rezé",
    )  # fmt: skip
    assert window.services.store.settings.get(SettingKey.SERVER_URL) is None


def test_server_address_is_checked_before_anything_is_created(qtbot, make_window, tmp_path):
    data_dir = tmp_path / "fresh"
    window = make_window(data_dir)
    page = window.current_page()
    fill_profile(qtbot, window, "")
    click(qtbot, child(window, QPushButton, "profile_next_button"))
    type_into(qtbot, child(window, QLineEdit, "passphrase_edit"), PASSPHRASE)
    type_into(qtbot, child(window, QLineEdit, "confirm_edit"), PASSPHRASE)
    click(qtbot, child(window, QPushButton, "passphrase_next_button"))
    type_into(qtbot, child(window, QLineEdit, "server_url_edit"), "http://icope.example.fr/")
    click(qtbot, child(window, QPushButton, "create_button"))
    assert page.step == page.SERVER
    assert "https://" in page.server_fields["server_url"].error.text()
    assert not Store.exists(data_dir)

    type_into(qtbot, child(window, QLineEdit, "server_url_edit"), "https://icope.example.fr/")
    type_into(qtbot, child(window, QLineEdit, "token_edit"), "jeton-secret")
    with qtbot.waitSignal(page.created, timeout=20_000):
        click(qtbot, child(window, QPushButton, "create_button"))
    settings = window.services.settings.get()
    assert settings.server_url == "https://icope.example.fr/" and settings.has_token


def test_recovery_key_can_be_printed(qtbot, make_window, tmp_path, monkeypatch):
    printed: list[str] = []
    monkeypatch.setattr(
        Printer, "print_recovery_key", classmethod(lambda cls, parent, html: printed.append(html))
    )
    window = make_window(tmp_path / "fresh")
    page = window.current_page()
    fill_profile(qtbot, window, RPPS)
    click(qtbot, child(window, QPushButton, "profile_next_button"))
    type_into(qtbot, child(window, QLineEdit, "passphrase_edit"), PASSPHRASE)
    type_into(qtbot, child(window, QLineEdit, "confirm_edit"), PASSPHRASE)
    qtbot.keyClick(child(window, QLineEdit, "confirm_edit"), Qt.Key.Key_Return)
    with qtbot.waitSignal(page.created, timeout=20_000):
        click(qtbot, child(window, QPushButton, "skip_button"))
    click(qtbot, child(window, QPushButton, "print_button"))
    assert printed and page.recovery_key in printed[0]


def test_language_can_be_chosen_on_the_first_screen(qtbot, make_window, tmp_path):
    data_dir = tmp_path / "fresh"
    window = make_window(data_dir)
    combo = child(window, QComboBox, "language_combo")
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert window.page_kind == "first_launch"
    assert child(window, QPushButton, "profile_next_button").text() == "Continue"
    assert read_language(data_dir) == "en"
