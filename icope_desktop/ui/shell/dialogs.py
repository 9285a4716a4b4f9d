"""Every modal question the shell asks, each behind one classmethod.

pytest-qt's advice for modal dialogs is to route them through a function a test can
replace (STYLE.md §5: "`ConfirmDialog.ask(...)` a test can monkeypatch"); a real modal
`exec()` would block the test. So screens never build a QMessageBox or QFileDialog
themselves: they call `ConfirmDialog.ask`, `DuplicateDialog.ask`, `FileDialogs.*`,
`RestoreSecretDialog.ask`, `Printer.print_recovery_key` or `ErrorDialog.show_message`.

Every `exec()` goes through `run_modal`, so the lock can interrupt it: `close_windows`
(called by `MainWindow.lock`) rejects every open dialog of the window, and a dialog
closed that way answers "cancelled" whatever was clicked at the same moment, so the
caller never acts on a locked store. While the lock is being finished no new modal
opens (`run_modal` answers "cancelled" at once). `modal_depth()` tells the lock whether
an `exec()` is still unwinding, so the pages are torn down only after it returned
(audit: a page deleted under a running `exec()` raised RuntimeError after the lock).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from icope_desktop.i18n import _
from icope_desktop.ui.style import TOUCH_HEIGHT
from icope_desktop.ui.widgets.buttons import BigButton
from icope_desktop.ui.widgets.fields import Field, FieldError

if TYPE_CHECKING:
    from icope_desktop.services.patients import DuplicateCandidate

BACKUP_FILTER = "ICOPE (*.icopebak)"
INTERRUPTED = "icope_interrupted"
"""Property set on a window the lock closed: its `exec()` counts as cancelled."""

_modal_depth = 0
_lock_pending = False


def modal_depth() -> int:
    """How many `run_modal` calls are running (nested event loops not yet unwound)."""
    return _modal_depth


def set_lock_pending(pending: bool) -> None:
    """While the lock is finishing, `run_modal` opens nothing and answers "cancelled"."""
    global _lock_pending
    _lock_pending = pending


def run_modal(dialog: QDialog) -> int:
    """`dialog.exec()`, answering Rejected when the lock interrupted (or forbade) it."""
    global _modal_depth
    if _lock_pending:
        dialog.deleteLater()
        return QDialog.DialogCode.Rejected.value
    _modal_depth += 1
    try:
        result = dialog.exec()
    finally:
        _modal_depth -= 1
    if dialog.property(INTERRUPTED):
        return QDialog.DialogCode.Rejected.value
    return int(result)


def _is_path(line: str) -> bool:
    """A line that is only an absolute file path (how `user_message` gives the log)."""
    from pathlib import PurePosixPath, PureWindowsPath

    line = line.strip()
    return bool(line) and (
        PurePosixPath(line).is_absolute() or PureWindowsPath(line).is_absolute()
    )


def readable_list(parts: list[str]) -> str:
    """"Même date de naissance, nom proche, mêmes prénoms": one sentence, a capital only
    at its start (acronyms such as INS kept)."""

    def lowered(part: str) -> str:
        if len(part) > 1 and part[0].isupper() and part[1].islower():
            return part[0].lower() + part[1:]
        return part

    return ", ".join([parts[0], *(lowered(part) for part in parts[1:])]) if parts else ""


def _owned_by(widget: QWidget, owner: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if parent is owner:
            return True
        parent = parent.parentWidget()
    return False


def open_windows(owner: QWidget) -> list[QWidget]:
    """Every visible window (dialog, popup, preview) of `owner`, and parentless dialogs."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return []
    return [
        widget
        for widget in app.topLevelWidgets()
        if widget is not owner
        and widget.isVisible()
        and (_owned_by(widget, owner) or isinstance(widget, QDialog))
    ]


def close_windows(owner: QWidget) -> list[QWidget]:
    """Reject or close every open window of `owner`, innermost first; returns them.

    A rejected `exec()` returns only when its event loop unwinds, after the caller of
    this function has returned: the caller finishes its work on a later turn."""
    windows = open_windows(owner)
    for widget in reversed(windows):
        widget.setProperty(INTERRUPTED, True)
        if isinstance(widget, QDialog):
            widget.reject()
        widget.close()
        widget.hide()
    return windows


def _buttons_row(dialog: QDialog, ok: str, cancel: str | None) -> QDialogButtonBox:
    box = QDialogButtonBox(dialog)
    ok_button = BigButton(ok, primary=True, name="ok_button")
    ok_button.setDefault(True)
    box.addButton(ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
    if cancel:
        cancel_button = BigButton(cancel, name="cancel_button")
        box.addButton(cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class ConfirmDialog(QDialog):
    """Yes/no with the consequence spelled out in the buttons ("Remplacer", "Garder")."""

    def __init__(
        self, parent: QWidget | None, title: str, text: str, ok: str, cancel: str
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        label = QLabel(text, self)
        label.setWordWrap(True)
        label.setMinimumWidth(460)
        layout.addWidget(label)
        layout.addWidget(_buttons_row(self, ok, cancel))

    @classmethod
    def ask(
        cls, parent: QWidget | None, title: str, text: str, ok: str, cancel: str | None = None
    ) -> bool:
        dialog = cls(parent, title, text, ok, cancel or _("Annuler"))
        return run_modal(dialog) == QDialog.DialogCode.Accepted.value


class ErrorDialog(QDialog):
    """What went wrong and what to do next; never a traceback."""

    def __init__(self, parent: QWidget | None, title: str, text: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        lines = text.split("\n")
        path = lines.pop() if lines and _is_path(lines[-1]) else None
        label = QLabel("\n".join(lines).rstrip(), self)
        label.setObjectName("error_text_label")
        label.setWordWrap(True)
        label.setMinimumWidth(480)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(label)
        self.path_edit: QLineEdit | None = None
        if path is not None:
            # A word-wrapped label broke the log path after a "/" (audit): one line the
            # support can select, scroll or copy whole.
            row = QHBoxLayout()
            self.path_edit = QLineEdit(path, self)
            self.path_edit.setObjectName("path_edit")
            self.path_edit.setReadOnly(True)
            self.path_edit.setCursorPosition(0)
            metrics = self.path_edit.fontMetrics()
            self.path_edit.setMinimumWidth(min(720, metrics.horizontalAdvance(path) + 24))
            self.path_edit.setMinimumHeight(TOUCH_HEIGHT - 4)
            copy = BigButton(_("Copier le chemin"), self, name="copy_path_button")
            copy.clicked.connect(self._copy_path)
            row.addWidget(self.path_edit, 1)
            row.addWidget(copy)
            layout.addLayout(row)
        layout.addWidget(_buttons_row(self, _("Fermer"), None))

    def _copy_path(self) -> None:
        if self.path_edit is not None:
            QApplication.clipboard().setText(self.path_edit.text())

    @classmethod
    def show_message(cls, parent: QWidget | None, title: str, text: str) -> None:
        run_modal(cls(parent, title, text))


class DuplicateChoice(enum.Enum):
    OPEN_EXISTING = "open_existing"
    CREATE_ANYWAY = "create_anyway"
    CANCEL = "cancel"


@dataclass(frozen=True, slots=True)
class DuplicateDecision:
    choice: DuplicateChoice
    patient_id: Any = None


class DuplicateDialog(QDialog):
    """Before a new file: "this person may already have one" (DESIGN.md, CONTEXT.md)."""

    def __init__(self, parent: QWidget | None, candidates: list[DuplicateCandidate]) -> None:
        from icope_desktop.services.patients import format_date, summary_name

        super().__init__(parent)
        self.setWindowTitle(_("Ce patient a peut-être déjà un dossier"))
        self.decision = DuplicateDecision(DuplicateChoice.CANCEL)
        layout = QVBoxLayout(self)
        intro = QLabel(
            _(
                "Un ou plusieurs dossiers ressemblent à celui que vous créez. Ouvrez le bon "
                "dossier plutôt que d'en créer un second : un patient, un seul dossier."
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.candidates_list = QListWidget(self)
        self.candidates_list.setObjectName("candidates_list")
        self.candidates_list.setWordWrap(True)
        self.candidates_list.setResizeMode(QListView.ResizeMode.Adjust)
        self.candidates_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for candidate in candidates:
            summary = candidate.summary
            reasons = readable_list([reason.get() for reason in candidate.reasons])
            text = _("{name}, né(e) le {date}").format(
                name=summary_name(summary), date=format_date(summary.birth_date)
            )
            if summary.city:
                text += f" — {summary.city}"
            reasons = _("Points relevés : {reasons}.").format(reasons=reasons)
            item = QListWidgetItem(f"{text}\n{reasons}")
            item.setData(Qt.ItemDataRole.UserRole, summary.id)
            self.candidates_list.addItem(item)
        self.candidates_list.setCurrentRow(0)
        self.candidates_list.itemActivated.connect(lambda _item: self._open_existing())
        layout.addWidget(self.candidates_list)
        box = QDialogButtonBox(self)
        self.open_button = BigButton(_("Ouvrir ce dossier"), primary=True, name="open_button")
        self.open_button.setDefault(True)
        self.create_button = BigButton(
            _("Non, créer un nouveau dossier"), name="create_anyway_button"
        )
        self.cancel_button = BigButton(_("Revenir au formulaire"), name="cancel_button")
        for button in (self.open_button, self.create_button, self.cancel_button):
            box.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.clicked.connect(self._open_existing)
        self.create_button.clicked.connect(self._create_anyway)
        self.cancel_button.clicked.connect(self.reject)
        layout.addWidget(box)
        self.resize(760, 380)

    def _open_existing(self) -> None:
        item = self.candidates_list.currentItem()
        if item is None:
            return
        self.decision = DuplicateDecision(
            DuplicateChoice.OPEN_EXISTING, item.data(Qt.ItemDataRole.UserRole)
        )
        self.accept()

    def _create_anyway(self) -> None:
        self.decision = DuplicateDecision(DuplicateChoice.CREATE_ANYWAY)
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, candidates: list[DuplicateCandidate]) -> DuplicateDecision:
        dialog = cls(parent, candidates)
        if run_modal(dialog) != QDialog.DialogCode.Accepted.value:
            return DuplicateDecision(DuplicateChoice.CANCEL)
        return dialog.decision


class FileDialogs:
    """Where to write a backup, which backup to restore."""

    @classmethod
    def save_backup_path(cls, parent: QWidget | None, suggested: Path) -> Path | None:
        dialog = QFileDialog(parent, _("Enregistrer la sauvegarde"), str(suggested), BACKUP_FILTER)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.selectFile(str(suggested))
        return cls._chosen(dialog)

    @classmethod
    def open_backup_path(cls, parent: QWidget | None) -> Path | None:
        dialog = QFileDialog(
            parent, _("Choisir une sauvegarde à restaurer"), str(Path.home()), BACKUP_FILTER
        )
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        return cls._chosen(dialog)

    @staticmethod
    def _chosen(dialog: QFileDialog) -> Path | None:
        accepted = run_modal(dialog) == QDialog.DialogCode.Accepted.value
        files = dialog.selectedFiles() if accepted else []
        # QFileDialog writes its history when it is destroyed: destroy it now, then forget
        from shiboken6 import Shiboken

        Shiboken.delete(dialog)
        forget_file_dialog_history()
        return Path(files[0]) if files and files[0] else None


def forget_file_dialog_history() -> None:
    """Qt's file dialog keeps the folders it visited in a plaintext `QtProject.conf`; a
    folder named after a patient would outlive the encrypted store there."""
    from PySide6.QtCore import QSettings

    QSettings(QSettings.Scope.UserScope, "QtProject").remove("FileDialog")


@dataclass(frozen=True, slots=True)
class RestoreSecret:
    secret: str
    new_passphrase: str | None


class RestoreSecretDialog(QDialog):
    """The backup's passphrase, or its recovery key plus a new passphrase."""

    def __init__(self, parent: QWidget | None, backup_name: str, created: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Restaurer une sauvegarde"))
        layout = QVBoxLayout(self)
        intro = QLabel(
            _(
                "Sauvegarde « {name} » du {date}. Saisissez la phrase de passe en vigueur "
                "quand elle a été faite, ou la clé de récupération (avec alors une nouvelle "
                "phrase de passe)."
            ).format(name=backup_name, date=created),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.secret_edit = QLineEdit(self)
        self.secret_edit.setObjectName("secret_edit")
        self.secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        layout.addWidget(
            Field(_("Phrase de passe de la sauvegarde, ou clé de récupération"), self.secret_edit)
        )
        self.new_passphrase_edit = QLineEdit(self)
        self.new_passphrase_edit.setObjectName("new_passphrase_edit")
        self.new_passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        layout.addWidget(
            Field(
                _("Nouvelle phrase de passe (seulement avec la clé de récupération)"),
                self.new_passphrase_edit,
            )
        )
        self.error = FieldError(self, name="restore_error")
        layout.addWidget(self.error)
        layout.addWidget(_buttons_row(self, _("Restaurer"), _("Annuler")))
        self.setMinimumWidth(520)
        for edit in (self.secret_edit, self.new_passphrase_edit):
            edit.setMinimumHeight(TOUCH_HEIGHT - 4)

    def accept(self) -> None:
        if not self.secret_edit.text():
            self.error.show_message(_("Saisissez la phrase de passe ou la clé de récupération."))
            return
        super().accept()

    @classmethod
    def ask(cls, parent: QWidget | None, backup_name: str, created: str) -> RestoreSecret | None:
        dialog = cls(parent, backup_name, created)
        if run_modal(dialog) != QDialog.DialogCode.Accepted.value:
            return None
        return RestoreSecret(
            dialog.secret_edit.text(), dialog.new_passphrase_edit.text() or None
        )


class Printer:
    """Printing the recovery key sheet (the only secret ever printed)."""

    @classmethod
    def print_recovery_key(cls, parent: QWidget | None, html: str) -> bool:
        from PySide6.QtGui import QTextDocument
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, parent)
        if run_modal(dialog) != QDialog.DialogCode.Accepted.value:
            return False
        document = QTextDocument()
        document.setHtml(html)
        document.print_(printer)
        return True

