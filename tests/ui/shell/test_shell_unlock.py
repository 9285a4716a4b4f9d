"""Unlock: wrong passphrase changes nothing, damaged files say what to do, recovery key."""

from __future__ import annotations

import hashlib

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QWidget

from .conftest import NEW_PASSPHRASE, PASSPHRASE, child, click, type_into, unlock


def digests(directory):
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.iterdir())
        if p.is_file()
    }


def test_wrong_passphrase_three_times_then_the_right_one(qtbot, make_window, data_dir):
    before = digests(data_dir)
    window = make_window(data_dir)
    page = window.current_page()
    edit = child(window, QLineEdit, "passphrase_edit")
    messages = []
    for attempt in range(1, 4):
        type_into(qtbot, edit, f"Pas-la-bonne-{attempt}!")
        with qtbot.waitSignal(page.failed, timeout=10_000) as blocker:
            qtbot.keyClick(edit, Qt.Key.Key_Return)
        messages.append(blocker.args[0])
        assert window.page_kind == "unlock" and window.session.services is None
        assert edit.hasFocus() and edit.selectedText() == edit.text()
    assert all("Phrase de passe incorrecte" in m for m in messages)
    assert "clé de récupération ci-dessous" not in messages[1]
    assert "Après 3 essais" in messages[2]
    damage = window.current_page().findChild(QWidget, "damage_card")
    assert damage is None or not damage.isVisible()
    assert digests(data_dir) == before, "a wrong passphrase changes nothing on disk"
    unlock(qtbot, window)
    assert window.services.settings.profile().data.first_name == "Claire"


def test_recovery_key_opens_and_sets_a_new_passphrase(qtbot, make_window, data_dir, recovery_key):
    window = make_window(data_dir)
    page = window.current_page()
    click(qtbot, child(window, QPushButton, "forgot_button"))
    assert child(window, QWidget, "recovery_card").isVisible()
    key_edit = child(window, QLineEdit, "recovery_key_edit")
    typo = ("1" if recovery_key[0] != "1" else "2") + recovery_key[1:]
    type_into(qtbot, key_edit, typo)
    type_into(qtbot, child(window, QLineEdit, "new_passphrase_edit"), NEW_PASSPHRASE)
    type_into(qtbot, child(window, QLineEdit, "new_confirm_edit"), NEW_PASSPHRASE)
    with qtbot.waitSignal(page.failed, timeout=10_000) as blocker:
        click(qtbot, child(window, QPushButton, "recover_button"))
    assert "groupe n° 1" in blocker.args[0]
    type_into(qtbot, key_edit, recovery_key.lower().replace("-", " "))
    click(qtbot, child(window, QPushButton, "recover_button"))
    qtbot.waitUntil(lambda: window.page_kind == "home", timeout=10_000)
    window.lock()
    page = window.current_page()
    type_into(qtbot, child(window, QLineEdit, "passphrase_edit"), PASSPHRASE)
    with qtbot.waitSignal(page.failed, timeout=10_000):
        click(qtbot, child(window, QPushButton, "unlock_button"))
    unlock(qtbot, window, NEW_PASSPHRASE)


def test_damaged_database_says_to_restore_a_backup(qtbot, make_window, data_dir):
    database = data_dir / "icope.db"
    database.write_bytes(database.read_bytes()[:-100])  # truncated: no longer whole pages
    damaged = digests(data_dir)
    window = make_window(data_dir)
    page = window.current_page()
    type_into(qtbot, child(window, QLineEdit, "passphrase_edit"), PASSPHRASE)
    with qtbot.waitSignal(page.failed, timeout=10_000):
        click(qtbot, child(window, QPushButton, "unlock_button"))
    assert child(window, QWidget, "damage_card").isVisible()
    text = child(window, QLabel, "damage_label").text()
    assert "endommagée" in text and "Restaurez" in text
    assert child(window, QPushButton, "restore_button").isVisible()
    assert window.session.services is None
    assert digests(data_dir) == damaged, "nothing was changed or recreated"


def test_damaged_key_file_is_not_called_a_wrong_passphrase(qtbot, make_window, data_dir):
    vault = data_dir / "vault.json"
    vault.write_text(vault.read_text().replace('"', "'", 3))
    window = make_window(data_dir)
    page = window.current_page()
    type_into(qtbot, child(window, QLineEdit, "passphrase_edit"), PASSPHRASE)
    with qtbot.waitSignal(page.failed, timeout=10_000) as blocker:
        click(qtbot, child(window, QPushButton, "unlock_button"))
    assert "incorrecte" not in blocker.args[0]
    assert "fichier de clés" in child(window, QLabel, "damage_label").text()


def test_demo_banner_gives_the_passphrase(qtbot, make_window, data_dir):
    window = make_window(data_dir, demo=True)
    assert "Mode démonstration" in " ".join(
        label.text() for label in window.current_page().findChildren(QLabel)
    )
    click(qtbot, child(window, QPushButton, "demo_fill_button"))
    assert child(window, QLineEdit, "passphrase_edit").text() == "Demo-ICOPE-2025!"
