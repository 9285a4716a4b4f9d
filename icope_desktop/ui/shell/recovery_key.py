"""The recovery key on screen, once, with "I have written it down"; and a new one.

The key is shown at set-up and never again (DESIGN.md "Local store"). A nurse who quit
before ticking "J'ai noté ma clé" may have none: the store remembers that the key was
not confirmed, the home says so after unlock, and `NewRecoveryKeyPage` makes a fresh key
(the recovery slot is rewrapped; the database is not re-encrypted) and shows it with
the same confirmation. The settings offer the same page for a key that was lost.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from icope_desktop.i18n import _
from icope_desktop.ui.shell.dialogs import ErrorDialog, Printer
from icope_desktop.ui.shell.errors import user_message
from icope_desktop.ui.tasks import Task, TaskRunner
from icope_desktop.ui.widgets.buttons import BigButton
from icope_desktop.ui.widgets.fields import Field
from icope_desktop.ui.widgets.labels import Card, hint_label, title_label
from icope_desktop.ui.widgets.page import ScrollColumn
from icope_desktop.ui.widgets.progress import ProgressPanel
from icope_desktop.ui.widgets.tags import tag_role


class RecoveryKeyPanel(QWidget):
    """Warning, the key in large type, Print, the confirmation box and the go button."""

    confirmed = Signal()

    def __init__(self, button_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = ""
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(12)
        warning = Card(parent=self, role="warning")
        warning.body.addWidget(
            QLabel(
                _(
                    "Notez cette clé sur papier et rangez-la en lieu sûr, loin de "
                    "l'ordinateur. Elle ne sera plus jamais affichée. Sans elle, une phrase "
                    "de passe oubliée rend vos dossiers illisibles, pour vous comme pour "
                    "nous."
                ),
                warning,
                wordWrap=True,
            )
        )
        col.addWidget(warning)
        self.recovery_key_label = QLabel(self)
        self.recovery_key_label.setObjectName("recovery_key_label")
        tag_role(self.recovery_key_label, "key")
        self.recovery_key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.recovery_key_label.setWordWrap(True)
        self.recovery_key_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        col.addWidget(self.recovery_key_label)
        row = QHBoxLayout()
        self.print_button = BigButton(_("Imprimer la clé…"), self, name="print_button")
        self.print_button.clicked.connect(self._on_print_clicked)
        row.addWidget(self.print_button)
        row.addStretch(1)
        col.addLayout(row)
        self.key_confirm_checkbox = QCheckBox(
            _("J'ai noté ma clé de récupération et je la range en lieu sûr"), self
        )
        self.key_confirm_checkbox.setObjectName("key_confirm_checkbox")
        col.addWidget(self.key_confirm_checkbox)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.start_button = BigButton(button_text, self, primary=True, name="start_button")
        self.start_button.setEnabled(False)
        self.key_confirm_checkbox.toggled.connect(self.start_button.setEnabled)
        self.start_button.clicked.connect(self._on_start_clicked)
        buttons.addWidget(self.start_button)
        col.addLayout(buttons)

    def show_key(self, key: str) -> None:
        self.key = key
        self.recovery_key_label.setText(key)
        self.key_confirm_checkbox.setChecked(False)

    def clear(self) -> None:
        """Off the screen once noted: nothing keeps the key in memory longer."""
        self.key = ""
        self.recovery_key_label.clear()

    def _on_print_clicked(self) -> None:
        html = (
            "<h2>ICOPE Desktop — " + _("Clé de récupération") + "</h2>"
            "<p>" + _("Gardez cette feuille en lieu sûr, loin de l'ordinateur.") + "</p>"
            "<p style='font-family: monospace; font-size: 20pt'>" + self.key + "</p>"
        )
        Printer.print_recovery_key(self, html)

    def _on_start_clicked(self) -> None:
        if self.key_confirm_checkbox.isChecked() and self.key:
            self.confirmed.emit()


class NewRecoveryKeyPage(QWidget):
    """Passphrase, then the new key with the set-up's confirmation; `finished` after."""

    finished = Signal()
    cancelled = Signal()

    ASK, KEY = range(2)

    def __init__(
        self,
        session: Any,
        tasks: TaskRunner,
        *,
        unconfirmed: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        """`unconfirmed`: opened because the current key was never confirmed (the text
        says so); otherwise the practitioner asked for it (lost key)."""
        super().__init__(parent)
        self.session = session
        self.tasks = tasks
        self.busy = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.steps = QStackedWidget(self)
        self.steps.setObjectName("steps")
        layout.addWidget(self.steps)
        self.steps.addWidget(self._build_ask(unconfirmed))
        self.steps.addWidget(self._build_key())

    def _build_ask(self, unconfirmed: bool) -> QWidget:
        page = ScrollColumn(self)
        col = page.column
        col.addWidget(title_label(_("Nouvelle clé de récupération"), page))
        why = (
            _(
                "La clé de récupération affichée à la création de votre dossier n'a pas été "
                "confirmée comme notée. Créez-en une nouvelle maintenant : c'est elle qui "
                "rouvre vos dossiers si vous oubliez votre phrase de passe."
            )
            if unconfirmed
            else _(
                "Clé perdue, ou jamais notée ? Créez-en une nouvelle : c'est elle qui "
                "rouvre vos dossiers si vous oubliez votre phrase de passe."
            )
        )
        col.addWidget(hint_label(why, page, name="why_label"))
        col.addWidget(
            hint_label(
                _(
                    "L'ancienne clé n'ouvrira plus ces dossiers. Les sauvegardes déjà faites "
                    "gardent la clé et la phrase de passe de leur date. Vos dossiers ne sont "
                    "pas rechiffrés : rien ne change pour eux."
                ),
                page,
            )
        )
        card = Card(parent=page)
        self.passphrase_edit = QLineEdit(card)
        self.passphrase_edit.setObjectName("passphrase_edit")
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_field = Field(
            _("Votre phrase de passe"),
            self.passphrase_edit,
            hint=_("Demandée pour qu'une autre personne ne puisse pas créer de clé à votre place."),
        )
        card.body.addWidget(self.passphrase_field)
        col.addWidget(card)
        self.progress = ProgressPanel(page, name="new_key_progress")
        col.addWidget(self.progress)
        buttons = QHBoxLayout()
        self.later_button = BigButton(_("Plus tard"), page, name="later_button")
        self.later_button.clicked.connect(self.cancelled.emit)
        buttons.addWidget(self.later_button)
        buttons.addStretch(1)
        self.create_button = BigButton(
            _("Créer la nouvelle clé"), page, primary=True, name="create_key_button"
        )
        self.create_button.clicked.connect(self._on_create_clicked)
        buttons.addWidget(self.create_button)
        col.addLayout(buttons)
        col.addStretch(1)
        self.passphrase_edit.returnPressed.connect(self._on_create_clicked)
        return page

    def _build_key(self) -> QWidget:
        page = ScrollColumn(self)
        page.column.addWidget(title_label(_("Votre nouvelle clé de récupération"), page))
        self.panel = RecoveryKeyPanel(_("Terminer"), page)
        self.panel.confirmed.connect(self._on_key_confirmed)
        page.column.addWidget(self.panel)
        page.column.addStretch(1)
        return page

    @property
    def step(self) -> int:
        return self.steps.currentIndex()

    @property
    def showing_key(self) -> bool:
        """The window never locks while a new key is on screen and not yet noted."""
        return self.step == self.KEY and bool(self.panel.key)

    def focus_first(self) -> None:
        if self.step == self.ASK:
            self.passphrase_edit.setFocus()
        else:
            self.panel.key_confirm_checkbox.setFocus()

    def _set_busy(self, busy: bool, label: str = "") -> None:
        self.busy = busy
        for widget in (self.passphrase_edit, self.create_button, self.later_button):
            widget.setEnabled(not busy)
        if busy:
            self.progress.start(label)
        else:
            self.progress.stop()

    def _on_create_clicked(self) -> None:
        if self.busy:
            return
        self.passphrase_field.clear_error()
        passphrase = self.passphrase_edit.text()
        if not passphrase:
            self.passphrase_field.show_error(_("Saisissez votre phrase de passe."))
            return
        session = self.session
        task = Task(lambda progress, cancel: session.new_recovery_key(passphrase),
                    name="new-recovery-key")
        task.succeeded.connect(self._on_key_made)
        task.failed.connect(self._on_key_failed)
        self._set_busy(True, _("Création de la nouvelle clé…"))
        self.tasks.start(task)

    def _on_key_made(self, key: str) -> None:
        self._set_busy(False)
        self.passphrase_edit.clear()
        self.panel.show_key(key)
        self.steps.setCurrentIndex(self.KEY)
        self.focus_first()

    def _on_key_failed(self, error: BaseException) -> None:
        self._set_busy(False)
        self.passphrase_field.show_error(user_message(error)[1])
        self.passphrase_edit.selectAll()
        self.passphrase_edit.setFocus()

    def _on_key_confirmed(self) -> None:
        session = self.session
        task = Task(lambda progress, cancel: session.confirm_recovery_key(),
                    name="confirm-recovery-key")
        task.succeeded.connect(lambda _result: self._finish())
        task.failed.connect(self._on_confirm_failed)
        self.panel.start_button.setEnabled(False)
        self.tasks.start(task)

    def _on_confirm_failed(self, error: BaseException) -> None:
        """The key is noted but the store could not say so: it asks again next time."""
        ErrorDialog.show_message(self, *user_message(error))
        self._finish()

    def _finish(self) -> None:
        self.panel.clear()
        self.finished.emit()
