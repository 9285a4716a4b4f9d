"""Settings: language, auto-lock, profile, regional server, passphrase, backups.

Each card saves on its own ("Enregistrer" under it), so changing the auto-lock delay
never re-checks an unrelated server address. Everything is written through the services
in a Task (a write may wait behind the sync worker), and settings live in the encrypted
store. A language change rebuilds the screens at once (`language_changed`). Backups run
with progress and can be cancelled; restoring replaces the open store, so the window
drives it (`restore_requested`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from icope_desktop.i18n import LANGUAGES, _, current_language
from icope_desktop.services.settings import AUTO_LOCK_CHOICES, ProfileForm, ServerForm
from icope_desktop.ui.shell.dialogs import ErrorDialog, FileDialogs
from icope_desktop.ui.shell.errors import user_message
from icope_desktop.ui.shell.first_launch import LANGUAGE_NAMES, address_rows, profession_combo
from icope_desktop.ui.style import set_role
from icope_desktop.ui.tasks import Task, TaskRunner
from icope_desktop.ui.widgets.buttons import BigButton
from icope_desktop.ui.widgets.fields import Field
from icope_desktop.ui.widgets.labels import Card, hint_label, title_label
from icope_desktop.ui.widgets.page import ScrollColumn
from icope_desktop.ui.widgets.progress import ProgressPanel
from icope_desktop.ui.widgets.strength import StrengthMeter


def _edit(parent: QWidget, name: str, *, password: bool = False) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setObjectName(name)
    if password:
        edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def _status(parent: QWidget, name: str) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


class SettingsPage(QWidget):
    language_changed = Signal(str)
    auto_lock_changed = Signal(int)
    restore_requested = Signal()
    recovery_key_requested = Signal()
    saved = Signal(str)  # which card was saved: general, profile, server, passphrase
    backup_finished = Signal(object)  # BackupInfo

    def __init__(
        self,
        services: Any,
        session: Any,
        tasks: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.session = session
        self.tasks = tasks
        self.backup_task: Task | None = None
        settings = services.settings.get()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        page = ScrollColumn(self, max_width=1180)
        layout.addWidget(page)
        col = page.column
        col.addWidget(title_label(_("Paramètres"), page))
        columns = QHBoxLayout()
        columns.setSpacing(16)
        left = QVBoxLayout()
        right = QVBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        col.addLayout(columns)

        # general ----------------------------------------------------------------------------
        general = Card(_("Général"), page)
        self.language_combo = QComboBox(general)
        self.language_combo.setObjectName("language_combo")
        for lang in LANGUAGES:
            self.language_combo.addItem(LANGUAGE_NAMES[lang], lang)
        self.language_combo.setCurrentIndex(LANGUAGES.index(settings.language))
        general.body.addWidget(Field(_("Langue de l'interface"), self.language_combo))
        self.auto_lock_combo = QComboBox(general)
        self.auto_lock_combo.setObjectName("auto_lock_combo")
        choices = sorted(set(AUTO_LOCK_CHOICES) | {settings.auto_lock_minutes})
        for minutes in choices:
            self.auto_lock_combo.addItem(_("{n} min").format(n=minutes), minutes)
        self.auto_lock_combo.setCurrentIndex(choices.index(settings.auto_lock_minutes))
        self.general_fields = {
            "auto_lock_minutes": Field(
                _("Verrouillage automatique après une inactivité de"),
                self.auto_lock_combo,
                hint=_("Les données patient sont masquées ; vos saisies sont conservées."),
            )
        }
        general.body.addWidget(self.general_fields["auto_lock_minutes"])
        self.general_status = _status(general, "general_status")
        self.general_save_button = self._save_row(
            general, "general_save_button", self._on_general_save_clicked, self.general_status
        )
        left.addWidget(general)

        # profile ----------------------------------------------------------------------------
        profile = Card(_("Votre profil"), page)
        self.profile_fields: dict[str, Field] = {}
        self.last_name_edit = _edit(profile, "last_name_edit")
        self.first_name_edit = _edit(profile, "first_name_edit")
        self.profession_combo = profession_combo(profile, "profession_combo")
        self.rpps_edit = _edit(profile, "rpps_edit")
        self.phone_edit = _edit(profile, "phone_edit")
        self.email_edit = _edit(profile, "email_edit")
        names = QHBoxLayout()
        for key, label, editor in (
            ("last_name", _("Nom"), self.last_name_edit),
            ("first_name", _("Prénom"), self.first_name_edit),
        ):
            self.profile_fields[key] = Field(label, editor, profile, required=True)
            names.addWidget(self.profile_fields[key])
        profile.body.addLayout(names)
        for key, label, editor in (
            ("profession", _("Profession"), self.profession_combo),
            ("rpps", _("Numéro RPPS"), self.rpps_edit),
            ("phone", _("Téléphone"), self.phone_edit),
            ("email", _("Adresse e-mail"), self.email_edit),
        ):
            self.profile_fields[key] = Field(label, editor, profile)
            profile.body.addWidget(self.profile_fields[key])
        self.address_edit, self.postal_code_edit, self.city_edit = address_rows(
            profile, profile.body, self.profile_fields
        )
        current = services.settings.profile()
        if current is not None:
            data = current.data
            self.last_name_edit.setText(data.last_name)
            self.first_name_edit.setText(data.first_name)
            self.profession_combo.setCurrentIndex(
                max(0, self.profession_combo.findData(str(data.profession)))
            )
            self.rpps_edit.setText(data.rpps or "")
            self.phone_edit.setText(data.phone or "")
            self.email_edit.setText(data.email or "")
            self.address_edit.setText(data.address or "")
            self.postal_code_edit.setText(data.postal_code or "")
            self.city_edit.setText(data.city or "")
        self.profile_status = _status(profile, "profile_status")
        self.profile_save_button = self._save_row(
            profile, "profile_save_button", self._on_profile_save_clicked, self.profile_status
        )
        left.addWidget(profile)
        left.addStretch(1)

        # server -----------------------------------------------------------------------------
        server = Card(_("Serveur régional"), page)
        server.body.addWidget(
            hint_label(
                _("Facultatif : sans serveur, tout fonctionne hors ligne sur cet ordinateur."),
                server,
            )
        )
        self.server_fields: dict[str, Field] = {}
        self.server_url_edit = _edit(server, "server_url_edit")
        self.server_url_edit.setText(settings.server_url or "")
        self.server_url_edit.setPlaceholderText("https://icope.example-region.fr/")
        self.server_fields["server_url"] = Field(_("Adresse du serveur"), self.server_url_edit)
        server.body.addWidget(self.server_fields["server_url"])
        self.token_edit = _edit(server, "token_edit", password=True)
        self.token_edit.setPlaceholderText(
            _("Jeton enregistré : laissez vide pour le garder")
            if settings.has_token
            else _("Aucun jeton enregistré")
        )
        self.server_fields["token"] = Field(_("Jeton d'accès"), self.token_edit)
        server.body.addWidget(self.server_fields["token"])
        self.auto_sync_checkbox = QCheckBox(
            _("Synchroniser automatiquement quand le réseau est disponible"), server
        )
        self.auto_sync_checkbox.setObjectName("auto_sync_checkbox")
        self.auto_sync_checkbox.setChecked(settings.auto_sync)
        server.body.addWidget(self.auto_sync_checkbox)
        # the status on a line of its own (a connection test says a full sentence), then
        # the buttons side by side: [Tester la connexion] [Enregistrer]
        self.server_status = _status(server, "server_status")
        server.body.addWidget(self.server_status)
        self.server_actions = QHBoxLayout()
        """Where the sync part adds "Tester la connexion", before "Enregistrer"."""
        self.server_actions.addStretch(1)
        self.server_save_button = BigButton(
            _("Enregistrer"), server, primary=True, name="server_save_button"
        )
        self.server_save_button.clicked.connect(self._on_server_save_clicked)
        self.server_actions.addWidget(self.server_save_button)
        server.body.addLayout(self.server_actions)
        right.addWidget(server)

        # passphrase -------------------------------------------------------------------------
        security = Card(_("Phrase de passe"), page)
        self.current_passphrase_edit = _edit(security, "current_passphrase_edit", password=True)
        self.new_passphrase_edit = _edit(security, "new_passphrase_edit", password=True)
        self.new_confirm_edit = _edit(security, "new_confirm_edit", password=True)
        self.passphrase_fields = {
            "current": Field(_("Phrase de passe actuelle"), self.current_passphrase_edit),
            "new": Field(_("Nouvelle phrase de passe"), self.new_passphrase_edit),
        }
        security.body.addWidget(self.passphrase_fields["current"])
        security.body.addWidget(self.passphrase_fields["new"])
        self.new_strength = StrengthMeter(security, name="new_strength")
        self.new_passphrase_edit.textChanged.connect(self.new_strength.update_for)
        security.body.addWidget(self.new_strength)
        self.passphrase_fields["confirm"] = Field(
            _("Nouvelle phrase de passe, une seconde fois"), self.new_confirm_edit
        )
        security.body.addWidget(self.passphrase_fields["confirm"])
        self.passphrase_status = _status(security, "passphrase_status")
        self.change_passphrase_button = self._save_row(
            security,
            "change_passphrase_button",
            self._on_change_passphrase_clicked,
            self.passphrase_status,
            label=_("Changer la phrase de passe"),
        )
        right.addWidget(security)

        # recovery key ------------------------------------------------------------------------
        recovery = Card(_("Clé de récupération"), page, name="recovery_card")
        recovery.body.addWidget(
            hint_label(
                _(
                    "Clé perdue, ou jamais notée ? Créez-en une nouvelle : l'ancienne "
                    "n'ouvrira plus vos dossiers."
                ),
                recovery,
            )
        )
        row = QHBoxLayout()
        self.new_recovery_key_button = BigButton(
            _("Nouvelle clé de récupération…"), recovery, name="new_recovery_key_button"
        )
        self.new_recovery_key_button.clicked.connect(self.recovery_key_requested.emit)
        row.addWidget(self.new_recovery_key_button)
        row.addStretch(1)
        recovery.body.addLayout(row)
        right.addWidget(recovery)

        # backups ----------------------------------------------------------------------------
        backups = Card(_("Sauvegardes"), page)
        backups.body.addWidget(
            hint_label(
                _(
                    "Une sauvegarde est un fichier chiffré : gardez-la sur une clé USB ou un "
                    "disque rangé à part. Elle se rouvre avec la phrase de passe du moment "
                    "ou la clé de récupération."
                ),
                backups,
            )
        )
        row = QHBoxLayout()
        self.backup_button = BigButton(
            _("Sauvegarder maintenant…"), backups, primary=True, name="backup_button"
        )
        self.backup_button.clicked.connect(self._on_backup_clicked)
        row.addWidget(self.backup_button)
        self.restore_button = BigButton(
            _("Restaurer une sauvegarde…"), backups, name="restore_button"
        )
        self.restore_button.clicked.connect(self.restore_requested.emit)
        row.addWidget(self.restore_button)
        row.addStretch(1)
        backups.body.addLayout(row)
        self.backup_progress = ProgressPanel(backups, cancellable=True, name="backup_progress")
        self.backup_progress.cancel_requested.connect(self._on_backup_cancel_clicked)
        backups.body.addWidget(self.backup_progress)
        self.backup_status = _status(backups, "backup_status")
        backups.body.addWidget(self.backup_status)
        right.addWidget(backups)
        right.addStretch(1)
        col.addStretch(1)

    def _save_row(
        self,
        card: Card,
        name: str,
        slot: Callable[[], None],
        status: QLabel,
        *,
        label: str | None = None,
    ) -> BigButton:
        row = QHBoxLayout()
        row.addWidget(status, 1)
        button = BigButton(label or _("Enregistrer"), card, primary=True, name=name)
        button.clicked.connect(slot)
        row.addWidget(button, 0, Qt.AlignmentFlag.AlignRight)
        card.body.addLayout(row)
        return button

    # --- helpers -------------------------------------------------------------------------

    def _run(
        self,
        name: str,
        fn: Callable[[], Any],
        button: BigButton,
        status: QLabel,
        fields: dict[str, Field],
        done: Callable[[Any], None],
    ) -> None:
        for field in fields.values():
            field.clear_error()
        status.setText("")
        task = Task(lambda progress, cancel: fn(), name=name)
        task.succeeded.connect(lambda result: (button.setEnabled(True), done(result)))
        task.failed.connect(
            lambda error: (button.setEnabled(True), self._show_failure(error, status, fields))
        )
        button.setEnabled(False)
        self.tasks.start(task)

    @staticmethod
    def _say(status: QLabel, text: str, *, error: bool = False) -> None:
        status.setText(text)
        set_role(status, "error" if error else "hint")

    def _show_failure(
        self, error: BaseException, status: QLabel, fields: dict[str, Field]
    ) -> None:
        messages = error.messages() if hasattr(error, "messages") else {}
        placed = False
        for name, message in messages.items():
            if name in fields:
                fields[name].show_error(message)
                placed = True
        if placed:
            self._say(status, _("Rien n'a été modifié : corrigez le champ signalé."), error=True)
            return
        self._say(status, user_message(error)[1], error=True)

    # --- cards ---------------------------------------------------------------------------

    def _on_general_save_clicked(self) -> None:
        language = self.language_combo.currentData()
        minutes = self.auto_lock_combo.currentData()
        settings = self.services.settings

        def done(_result: Any) -> None:
            self._say(self.general_status, _("Réglages enregistrés."))
            self.auto_lock_changed.emit(minutes)
            self.saved.emit("general")
            if language != current_language():
                self.language_changed.emit(language)

        self._run(
            "save-general",
            lambda: settings.save_general(language=language, auto_lock_minutes=minutes),
            self.general_save_button,
            self.general_status,
            self.general_fields,
            done,
        )

    def _on_profile_save_clicked(self) -> None:
        from icope_desktop.services.patients import compact_postal_code  # "44 400"
        from icope_desktop.store.records import Profession

        value = self.profession_combo.currentData()
        form = ProfileForm(
            last_name=self.last_name_edit.text(),
            first_name=self.first_name_edit.text(),
            profession=Profession(value) if value else None,
            rpps=self.rpps_edit.text(),
            phone=self.phone_edit.text(),
            email=self.email_edit.text(),
            address=self.address_edit.text(),
            postal_code=compact_postal_code(self.postal_code_edit.text()),
            city=self.city_edit.text(),
        )
        settings = self.services.settings

        def done(_result: Any) -> None:
            self._say(self.profile_status, _("Profil enregistré."))
            self.saved.emit("profile")

        self._run("save-profile", lambda: settings.save_profile(form),
                  self.profile_save_button, self.profile_status, self.profile_fields, done)

    def _on_server_save_clicked(self) -> None:
        form = ServerForm(
            url=self.server_url_edit.text(),
            token=self.token_edit.text(),
            auto_sync=self.auto_sync_checkbox.isChecked(),
        )
        settings = self.services.settings

        def done(_result: Any) -> None:
            self.token_edit.clear()
            if form.token.strip():
                self.token_edit.setPlaceholderText(
                    _("Jeton enregistré : laissez vide pour le garder")
                )
            self._say(self.server_status, _("Réglages du serveur enregistrés."))
            self.saved.emit("server")

        self._run("save-server", lambda: settings.save_server(form),
                  self.server_save_button, self.server_status, self.server_fields, done)

    def _on_change_passphrase_clicked(self) -> None:
        current = self.current_passphrase_edit.text()
        new = self.new_passphrase_edit.text()
        for field in self.passphrase_fields.values():
            field.clear_error()
        if not current:
            self.passphrase_fields["current"].show_error(
                _("Saisissez votre phrase de passe actuelle.")
            )
            return
        if not self.new_strength.acceptable:
            self.passphrase_fields["new"].show_error(
                _("Choisissez une phrase de passe plus solide (80 bits au moins).")
            )
            return
        if self.new_confirm_edit.text() != new:
            self.passphrase_fields["confirm"].show_error(
                _("Les deux saisies ne sont pas identiques.")
            )
            return
        session = self.session

        def done(_result: Any) -> None:
            for edit in (self.current_passphrase_edit, self.new_passphrase_edit,
                         self.new_confirm_edit):
                edit.clear()
            self._say(
                self.passphrase_status,
                _("Phrase de passe changée. Votre clé de récupération reste valable."),
            )
            self.saved.emit("passphrase")

        self._run(
            "change-passphrase",
            lambda: session.change_passphrase(current, new),
            self.change_passphrase_button,
            self.passphrase_status,
            {},
            done,
        )

    # --- backups -------------------------------------------------------------------------

    def _on_backup_clicked(self) -> None:
        from pathlib import Path

        backups = self.services.backups
        target = FileDialogs.save_backup_path(self, Path.home() / backups.suggested_name())
        if target is None:
            return
        task = Task(lambda progress, cancel: backups.backup(target, progress, cancel),
                    name="backup")
        task.progressed.connect(self.backup_progress.update_progress)
        task.succeeded.connect(self._on_backup_done)
        task.failed.connect(self._on_backup_failed)
        self.backup_task = task
        self.backup_button.setEnabled(False)
        self.restore_button.setEnabled(False)
        self.backup_status.setText("")
        self.backup_progress.start(_("Sauvegarde en cours…"), delay_ms=0)
        self.tasks.start(task)

    def _on_backup_cancel_clicked(self) -> None:
        if self.backup_task is not None:
            self.backup_task.cancel()

    def _backup_ended(self) -> None:
        self.backup_task = None
        self.backup_progress.stop()
        self.backup_button.setEnabled(True)
        self.restore_button.setEnabled(True)

    def _on_backup_done(self, info: Any) -> None:
        self._backup_ended()
        size_kib = max(1, round(info.size_bytes / 1024))
        self._say(
            self.backup_status,
            _("Sauvegarde enregistrée : {path} ({size} Kio).").format(
                path=str(info.path), size=size_kib
            ),
        )
        self.backup_finished.emit(info)

    def _on_backup_failed(self, error: BaseException) -> None:
        self._backup_ended()
        title, text = user_message(error)
        self._say(self.backup_status, text, error=True)
        if type(error).__name__ != "BackupCancelled":
            ErrorDialog.show_message(self, title, text)
