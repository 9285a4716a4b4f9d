"""A recovery key never confirmed is offered again after unlock; a new one replaces it."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QCheckBox, QFrame, QLabel, QLineEdit, QPushButton

from icope_desktop.store.errors import WrongRecoveryKey

from .conftest import NEW_PASSPHRASE, PASSPHRASE, child, click, type_into, unlock


def test_quit_before_noting_the_key_then_a_new_key_is_offered_at_unlock(
    qtbot, make_window, data_dir, recovery_key
):
    """The template store was created and closed without "J'ai noté ma clé"."""
    window = make_window(data_dir)
    unlock(qtbot, window)
    assert window.page_kind == "home"
    banner = child(window, QFrame, "recovery_banner")
    assert banner.isVisible() and "pas été confirmée" in " ".join(
        label.text() for label in banner.findChildren(QLabel)
    )
    click(qtbot, child(window, QPushButton, "new_key_button"))
    assert window.page_kind == "recovery_key"
    page = window.current_page()
    assert "n'a pas été confirmée" in child(window, QLabel, "why_label").text()

    type_into(qtbot, child(window, QLineEdit, "passphrase_edit"), "pas la bonne phrase")
    click(qtbot, child(window, QPushButton, "create_key_button"))
    qtbot.waitUntil(lambda: page.passphrase_field.has_error and not page.busy, timeout=10_000)
    assert "Phrase de passe incorrecte" in page.passphrase_field.error.text()
    assert page.step == page.ASK

    type_into(qtbot, child(window, QLineEdit, "passphrase_edit"), PASSPHRASE)
    click(qtbot, child(window, QPushButton, "create_key_button"))
    qtbot.waitUntil(lambda: page.step == page.KEY, timeout=10_000)
    new_key = child(window, QLabel, "recovery_key_label").text()
    assert len(new_key.split("-")) == 8 and new_key != recovery_key
    assert child(window, QLineEdit, "passphrase_edit").text() == ""
    window.lock()  # the new key is on screen: never hidden before it is noted
    assert window.page_kind == "recovery_key" and window.session.is_unlocked
    done = child(window, QPushButton, "start_button")
    assert not done.isEnabled()
    click(qtbot, child(window, QCheckBox, "key_confirm_checkbox"))
    click(qtbot, done)
    qtbot.waitUntil(lambda: window.page_kind == "home", timeout=10_000)
    assert window.current_page().recovery_banner is None
    assert window.services.settings.recovery_key_confirmed()

    session = window.session
    window.lock()
    with pytest.raises(WrongRecoveryKey):
        session.recover(recovery_key, NEW_PASSPHRASE)
    session.recover(new_key, NEW_PASSPHRASE)
    session.lock()


def test_already_noted_ends_the_offer(qtbot, make_window, data_dir):
    window = make_window(data_dir)
    unlock(qtbot, window)
    click(qtbot, child(window, QPushButton, "key_noted_button"))
    qtbot.waitUntil(lambda: not child(window, QFrame, "recovery_banner").isVisible(),
                    timeout=10_000)
    window.close()
    again = make_window(data_dir)
    unlock(qtbot, again)
    assert again.current_page().recovery_banner is None


def test_settings_offer_a_new_key_and_later_changes_nothing(qtbot, make_window, data_dir):
    window = make_window(data_dir)
    unlock(qtbot, window)
    window.services.settings.confirm_recovery_key()
    window.open_settings()
    click(qtbot, child(window, QPushButton, "new_recovery_key_button"))
    assert window.page_kind == "recovery_key"
    assert "Clé perdue" in child(window, QLabel, "why_label").text()
    click(qtbot, child(window, QPushButton, "later_button"))
    assert window.page_kind == "settings"
    assert window.services.settings.recovery_key_confirmed()
