"""Unlock with the passphrase, or with the recovery key and a new passphrase.

Because the vault's unwrap is authenticated, the store tells "wrong passphrase" apart
from "damaged files" (DESIGN.md "Local store"); this screen says each plainly: a wrong
passphrase changes nothing and invites another try (Caps Lock, keyboard layout, then
the recovery key); damaged files say what to do (restore a backup), with the button to
do it. Unlocking runs Argon2id (0.5-1 s), so it runs in a Task.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from icope_desktop.i18n import _
from icope_desktop.services.session import AppSession
from icope_desktop.ui.shell.errors import user_message
from icope_desktop.ui.tasks import Task, TaskRunner
from icope_desktop.ui.widgets.buttons import BigButton, LinkButton
from icope_desktop.ui.widgets.fields import Field, FieldError
from icope_desktop.ui.widgets.labels import Card, hint_label, title_label
from icope_desktop.ui.widgets.page import CenteredColumn
from icope_desktop.ui.widgets.progress import ProgressPanel
from icope_desktop.ui.widgets.strength import StrengthMeter

DAMAGE_ERRORS = (
    "VaultDamaged",
    "VaultUnsupported",
    "DatabaseDamaged",
    "DatabaseMissing",
    "StoreNotFound",
    "SchemaTooNew",
    "NotEncrypted",
)
"""Errors that another try cannot fix: the screen offers a restore instead."""


class UnlockPage(QWidget):
    unlocked = Signal(object)  # Services
    restore_requested = Signal()
    failed = Signal(str)  # the message shown (tests wait on it)

    def __init__(
        self,
        session: AppSession,
        tasks: TaskRunner,
        parent: QWidget | None = None,
        *,
        demo_passphrase: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.tasks = tasks
        self.demo_passphrase = demo_passphrase
        self.wrong_attempts = 0
        self.busy = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        page = CenteredColumn(self, max_width=640)
        layout.addWidget(page)
        col = page.column
        col.addSpacing(24)
        col.addWidget(title_label(_("Déverrouiller vos dossiers"), page))
        col.addWidget(
            hint_label(
                _(
                    "Vos dossiers sont chiffrés sur cet ordinateur. Saisissez votre phrase "
                    "de passe pour les ouvrir."
                ),
                page,
            )
        )
        if demo_passphrase:
            col.addWidget(self._demo_banner(page, demo_passphrase))

        # passphrase ---------------------------------------------------------------------
        self.passphrase_card = Card(parent=page, name="passphrase_card")
        self.passphrase_edit = QLineEdit(self.passphrase_card)
        self.passphrase_edit.setObjectName("passphrase_edit")
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_field = Field(_("Phrase de passe"), self.passphrase_edit)
        self.passphrase_card.body.addWidget(self.passphrase_field)
        self.show_checkbox = QCheckBox(_("Afficher la saisie"), self.passphrase_card)
        self.show_checkbox.setObjectName("show_checkbox")
        self.show_checkbox.toggled.connect(self._on_show_toggled)
        row = QHBoxLayout()
        row.addWidget(self.show_checkbox)
        row.addStretch(1)
        self.unlock_button = BigButton(
            _("Déverrouiller"), self.passphrase_card, primary=True, name="unlock_button"
        )
        row.addWidget(self.unlock_button)
        self.passphrase_card.body.addLayout(row)
        self.unlock_error = FieldError(self.passphrase_card, name="unlock_error")
        self.passphrase_card.body.addWidget(self.unlock_error)
        self.forgot_button = LinkButton(
            _("Phrase de passe oubliée ? Utiliser la clé de récupération"),
            self.passphrase_card,
            name="forgot_button",
        )
        self.passphrase_card.body.addWidget(self.forgot_button, 0, Qt.AlignmentFlag.AlignLeft)
        col.addWidget(self.passphrase_card)
        self.unlock_button.clicked.connect(self._on_unlock_clicked)
        self.passphrase_edit.returnPressed.connect(self._on_unlock_clicked)
        self.forgot_button.clicked.connect(lambda: self.show_recovery(True))

        self._page = page
        self._column = col
        self.recovery_card: Card | None = None
        self.damage_card: Card | None = None
        self.progress = ProgressPanel(page, name="unlock_progress")
        col.addWidget(self.progress)
        col.addStretch(1)

    def _demo_banner(self, parent: QWidget, passphrase: str) -> QWidget:
        banner = Card(_("Mode démonstration"), parent, role="info", name="demo_banner")
        text = QLabel(
            _(
                "Données fictives, effacées à la fermeture. Phrase de passe de "
                "démonstration : {passphrase}"
            ).format(passphrase=passphrase),
            banner,
        )
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        banner.body.addWidget(text)
        fill = BigButton(_("Utiliser la phrase de démonstration"), banner, name="demo_fill_button")
        fill.clicked.connect(self._on_demo_fill_clicked)
        banner.body.addWidget(fill, 0, Qt.AlignmentFlag.AlignLeft)
        return banner

    # --- parts built on first use (the unlock screen is the start-up budget) -----------

    def _build_recovery_card(self) -> None:
        self.recovery_card = Card(_("Clé de récupération"), self._page, name="recovery_card")
        self.recovery_card.body.addWidget(
            hint_label(
                _(
                    "Saisissez la clé de 8 groupes de 5 caractères notée lors de la création "
                    "du dossier, puis choisissez une nouvelle phrase de passe."
                ),
                self.recovery_card,
            )
        )
        self.recovery_key_edit = QLineEdit(self.recovery_card)
        self.recovery_key_edit.setObjectName("recovery_key_edit")
        # the key's shape (store/recovery_key.py: 8 groups of 5), without importing the
        # store package before the first paint
        self.recovery_key_edit.setPlaceholderText("-".join(["·" * 5] * 8))
        self.recovery_key_field = Field(_("Clé de récupération"), self.recovery_key_edit)
        self.recovery_card.body.addWidget(self.recovery_key_field)
        self.new_passphrase_edit = QLineEdit(self.recovery_card)
        self.new_passphrase_edit.setObjectName("new_passphrase_edit")
        self.new_passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_passphrase_field = Field(
            _("Nouvelle phrase de passe"), self.new_passphrase_edit
        )
        self.recovery_card.body.addWidget(self.new_passphrase_field)
        self.new_strength = StrengthMeter(self.recovery_card, name="new_strength")
        self.recovery_card.body.addWidget(self.new_strength)
        self.new_passphrase_edit.textChanged.connect(self.new_strength.update_for)
        self.new_confirm_edit = QLineEdit(self.recovery_card)
        self.new_confirm_edit.setObjectName("new_confirm_edit")
        self.new_confirm_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_confirm_field = Field(
            _("Nouvelle phrase de passe, une seconde fois"), self.new_confirm_edit
        )
        self.recovery_card.body.addWidget(self.new_confirm_field)
        self.recovery_error = FieldError(self.recovery_card, name="recovery_error")
        self.recovery_card.body.addWidget(self.recovery_error)
        row = QHBoxLayout()
        self.back_button = BigButton(
            _("Revenir à la phrase de passe"), self.recovery_card, name="back_button"
        )
        self.back_button.clicked.connect(lambda: self.show_recovery(False))
        row.addWidget(self.back_button)
        row.addStretch(1)
        self.recover_button = BigButton(
            _("Ouvrir et changer la phrase de passe"),
            self.recovery_card,
            primary=True,
            name="recover_button",
        )
        self.recover_button.clicked.connect(self._on_recover_clicked)
        row.addWidget(self.recover_button)
        self.recovery_card.body.addLayout(row)
        self.new_confirm_edit.returnPressed.connect(self._on_recover_clicked)
        below_passphrase = self._column.indexOf(self.passphrase_card) + 1
        self._column.insertWidget(below_passphrase, self.recovery_card)


    def _build_damage_card(self) -> None:
        self.damage_card = Card(
            _("Dossier endommagé"), self._page, role="warning", name="damage_card"
        )
        self.damage_label = QLabel(self.damage_card)
        self.damage_label.setObjectName("damage_label")
        self.damage_label.setWordWrap(True)
        self.damage_card.body.addWidget(self.damage_label)
        self.restore_button = BigButton(
            _("Restaurer une sauvegarde…"), self.damage_card, primary=True, name="restore_button"
        )
        self.restore_button.clicked.connect(self.restore_requested.emit)
        self.damage_card.body.addWidget(self.restore_button, 0, Qt.AlignmentFlag.AlignLeft)
        self._column.insertWidget(self._column.indexOf(self.progress), self.damage_card)


    # --- modes -------------------------------------------------------------------------

    def show_recovery(self, on: bool) -> None:
        if on and self.recovery_card is None:
            self._build_recovery_card()
        if self.recovery_card is not None:
            self.recovery_card.setVisible(on)
        self.passphrase_card.setVisible(not on)
        self.focus_first()

    def focus_first(self) -> None:
        if self.recovery_card is not None and self.recovery_card.isVisible():
            self.recovery_key_edit.setFocus()
        else:
            self.passphrase_edit.setFocus()

    def _set_busy(self, busy: bool, label: str = "") -> None:
        self.busy = busy
        widgets: list[QWidget] = [self.unlock_button, self.passphrase_edit]
        if self.recovery_card is not None:
            widgets += [self.recover_button, self.recovery_key_edit, self.new_passphrase_edit,
                        self.new_confirm_edit]
        for widget in widgets:
            widget.setEnabled(not busy)
        if busy:
            self.progress.start(label)
        else:
            self.progress.stop()

    def _on_show_toggled(self, shown: bool) -> None:
        self.passphrase_edit.setEchoMode(
            QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        )

    def _on_demo_fill_clicked(self) -> None:
        self.passphrase_edit.setText(self.demo_passphrase or "")
        self.unlock_button.setFocus()

    # --- actions -----------------------------------------------------------------------

    def _on_unlock_clicked(self) -> None:
        if self.busy:
            return
        passphrase = self.passphrase_edit.text()
        self.unlock_error.clear_message()
        self.passphrase_field.clear_error()
        if not passphrase:
            self.unlock_error.show_message(_("Saisissez votre phrase de passe."))
            return
        task = Task(lambda progress, cancel: self.session.unlock(passphrase), name="unlock")
        task.succeeded.connect(self._on_unlocked)
        task.failed.connect(self._on_unlock_failed)
        self._set_busy(True, _("Ouverture de vos dossiers…"))
        self.tasks.start(task)

    def _on_recover_clicked(self) -> None:
        if self.busy:
            return
        for field in (self.recovery_key_field, self.new_passphrase_field, self.new_confirm_field):
            field.clear_error()
        self.recovery_error.clear_message()
        key = self.recovery_key_edit.text()
        new = self.new_passphrase_edit.text()
        if not key.strip():
            self.recovery_key_field.show_error(_("Saisissez la clé de récupération."))
            return
        if not self.new_strength.acceptable:
            self.new_passphrase_field.show_error(
                _("Choisissez une phrase de passe plus solide (80 bits au moins).")
            )
            return
        if self.new_confirm_edit.text() != new:
            self.new_confirm_field.show_error(_("Les deux saisies ne sont pas identiques."))
            return
        task = Task(lambda progress, cancel: self.session.recover(key, new), name="recover")
        task.succeeded.connect(self._on_unlocked)
        task.failed.connect(self._on_recover_failed)
        self._set_busy(True, _("Ouverture avec la clé de récupération…"))
        self.tasks.start(task)

    def _on_unlocked(self, services: Any) -> None:
        self._set_busy(False)
        self.passphrase_edit.clear()
        if self.recovery_card is not None:
            for edit in (self.recovery_key_edit, self.new_passphrase_edit, self.new_confirm_edit):
                edit.clear()
        self.wrong_attempts = 0
        self.unlocked.emit(services)

    def _on_unlock_failed(self, error: BaseException) -> None:
        self._set_busy(False)
        name = type(error).__name__
        if name == "WrongPassphrase":
            self.wrong_attempts += 1
            message = user_message(error)[1]
            if self.wrong_attempts >= 3:
                message += " " + _(
                    "Après {count} essais : si vous ne retrouvez pas la phrase de passe, "
                    "utilisez la clé de récupération ci-dessous."
                ).format(count=self.wrong_attempts)
            self.unlock_error.show_message(message)
            self.passphrase_edit.selectAll()
            self.passphrase_edit.setFocus()
            self.failed.emit(message)
            return
        self._show_damage_or_error(error, self.unlock_error)

    def _on_recover_failed(self, error: BaseException) -> None:
        self._set_busy(False)
        name = type(error).__name__
        message = user_message(error)[1]
        if name in ("InvalidRecoveryKey", "WrongRecoveryKey"):
            self.recovery_key_field.show_error(message)
            self.recovery_key_edit.setFocus()
            self.failed.emit(message)
            return
        if name == "WeakPassphrase":
            self.new_passphrase_field.show_error(message)
            self.failed.emit(message)
            return
        self._show_damage_or_error(error, self.recovery_error)

    def _show_damage_or_error(self, error: BaseException, label: FieldError) -> None:
        message = user_message(error)[1]
        if type(error).__name__ in DAMAGE_ERRORS:
            if self.damage_card is None:
                self._build_damage_card()
            self.damage_label.setText(message)
            self.damage_card.show()
            self.restore_button.setFocus()
        else:
            label.show_message(message)
        self.failed.emit(message)
