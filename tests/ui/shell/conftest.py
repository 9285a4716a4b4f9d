"""Fixtures for the shell tests: a real encrypted store per test, the real window.

The store is set up once per session at the Argon2id floor (like tests/store) and copied
into each test's tmp_path, so every test drives its own app on its own files in well
under a second. Every modal dialog goes through a classmethod seam; the autouse fixture
below replaces the error dialog so a stray modal can never block the suite, and records
what it would have shown.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from icope_desktop.app import build_window
from icope_desktop.services.identifiers import luhn_check_digit
from icope_desktop.services.session import AppSession, Setup
from icope_desktop.services.settings import ProfileForm
from icope_desktop.store.records import Profession
from icope_desktop.store.vault import FLOOR_KDF
from icope_desktop.ui.shell.dialogs import ErrorDialog
from icope_desktop.ui.style import apply_style

PASSPHRASE = "Tilleul-Loire-2024!"
NEW_PASSPHRASE = "le chat de Lucie dort sous la table verte"
RPPS = "1000345678" + luhn_check_digit("1000345678")


@pytest.fixture(scope="session")
def template_store(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("shell-template") / "data"
    session = AppSession(data_dir, kdf=FLOOR_KDF)
    result = session.create(
        Setup(ProfileForm("Durand", "Claire", Profession.NURSE, rpps=RPPS), PASSPHRASE)
    )
    session.lock()
    return data_dir, result.recovery_key


@pytest.fixture
def data_dir(template_store, tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(template_store[0], target)
    return target


@pytest.fixture
def recovery_key(template_store) -> str:
    return template_store[1]


@pytest.fixture(autouse=True)
def shown_errors(monkeypatch) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        ErrorDialog,
        "show_message",
        classmethod(lambda cls, parent, title, text: shown.append((title, text))),
    )
    return shown


@pytest.fixture
def make_window(qtbot):
    """Factory: the app's own window over a data directory, shown at 1366×768."""
    app = QApplication.instance()
    apply_style(app)
    windows = []

    def make(directory: Path, **options):
        options.setdefault("kdf", FLOOR_KDF)
        window = build_window(directory, **options)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()


def child(window, cls, name):
    """The widget named `name` on the current page (objectName = attribute name)."""
    found = window.current_page().findChild(cls, name)
    assert found is not None, f"no {cls.__name__} named {name!r} on {window.page_kind}"
    return found


def click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def type_text(qtbot, widget, text: str) -> None:
    """Key presses, as typed; QTest only maps ASCII, so an accented letter is sent as a
    key event carrying its text (what a French keyboard produces)."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent

    for char in text:
        if char.isascii():
            qtbot.keyClicks(widget, char)
        else:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(
                    widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char)
                )


def type_into(qtbot, edit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    type_text(qtbot, edit, text)


def unlock(qtbot, window, passphrase: str = PASSPHRASE) -> None:
    from PySide6.QtWidgets import QLineEdit, QPushButton

    assert window.page_kind == "unlock"
    type_into(qtbot, child(window, QLineEdit, "passphrase_edit"), passphrase)
    click(qtbot, child(window, QPushButton, "unlock_button"))
    qtbot.waitUntil(
        lambda: window.session.is_unlocked and window.page_kind not in ("unlock", "busy"),
        timeout=20_000,
    )


def visible_texts(window) -> list[str]:
    """Every text a person could read on the window right now."""
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel, QLineEdit, QListWidget

    texts = [window.windowTitle()]
    for widget in window.findChildren(QWidget):
        if not widget.isVisible():
            continue
        if isinstance(widget, QLabel | QLineEdit | QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QListWidget):
            texts.extend(widget.item(i).text() for i in range(widget.count()))
        elif isinstance(widget, QComboBox):
            texts.extend(widget.itemText(i) for i in range(widget.count()))
    return texts
