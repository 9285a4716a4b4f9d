"""Saving a letter where it cannot be written (audit item 5): the user reads what went
wrong and what to do, in their language; the system's English text never shows."""

from __future__ import annotations

import errno

import pytest
from PySide6.QtCore import Qt
from test_preview_print import two_page_pdf

from icope_desktop.i18n import set_language
from icope_desktop.ui import letter_preview
from icope_desktop.ui.letter_preview import LetterPreview


@pytest.fixture
def preview(qtbot, monkeypatch):
    window = LetterPreview(two_page_pdf(), title="Courrier", file_name="courrier.pdf")
    qtbot.addWidget(window)
    window.show()
    return window


def save_to(qtbot, preview, monkeypatch, path) -> str:
    monkeypatch.setattr(LetterPreview, "ask_save_path", classmethod(lambda cls, p, s: str(path)))
    with qtbot.assertNotEmitted(preview.saved):
        qtbot.mouseClick(preview.save_button, Qt.MouseButton.LeftButton)
    return preview.status_label.text()


def test_a_missing_folder_is_named_in_french(qtbot, preview, monkeypatch, tmp_path):
    text = save_to(qtbot, preview, monkeypatch, tmp_path / "absent" / "lettre.pdf")
    assert text == ("Le fichier n'a pas pu être enregistré : ce dossier n'existe pas (ou "
                    "plus). Choisissez un autre dossier.")  # fmt: skip
    assert "No such file" not in text
    assert not (tmp_path / "absent").exists()


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (PermissionError(errno.EACCES, "Permission denied"), "vous n'avez pas le droit"),
        (OSError(errno.EROFS, "Read-only file system"), "protégé en écriture"),
        (OSError(errno.ENOSPC, "No space left on device"), "le disque est plein"),
        (OSError(errno.ENAMETOOLONG, "File name too long"), "nom de fichier n'est pas"),
        (OSError(errno.EIO, "Input/output error"), "le système a refusé l'écriture"),
    ],
)
def test_each_write_failure_says_what_to_do(qtbot, preview, monkeypatch, tmp_path, error,
                                           expected):  # fmt: skip
    def refuse(path, data):  # the disk's answer (running as root, chmod cannot refuse)
        raise error

    monkeypatch.setattr(letter_preview, "write_atomically", refuse)
    text = save_to(qtbot, preview, monkeypatch, tmp_path / "lettre.pdf")
    assert text.startswith("Le fichier n'a pas pu être enregistré : ") and expected in text
    assert error.strerror not in text


def test_the_message_follows_the_language(qtbot, preview, monkeypatch, tmp_path):
    set_language("en")
    text = save_to(qtbot, preview, monkeypatch, tmp_path / "absent" / "letter.pdf")
    assert text == ("The file could not be saved: this folder does not exist (any more). "
                    "Choose another folder.")  # fmt: skip
