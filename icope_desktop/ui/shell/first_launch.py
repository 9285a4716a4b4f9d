"""First launch: profile, passphrase, optional server, then the recovery key, once.

Issue 4's order, kept short (fewer screens, nothing forced): who you are (the eight
professions, RPPS with its key), a passphrase with a live strength meter (CNIL 80 bits),
the regional server (skippable: the app is complete offline), then the encrypted store
is created in a Task (Argon2id calibration takes about a second) and the recovery key is
shown with an "I have written it down" confirmation and a way to print it. A new
laptop can instead restore a backup from the first screen.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from icope_desktop.i18n import LANGUAGES, _, current_language
from icope_desktop.services.session import PROFESSION_LABELS, AppSession, Setup
from icope_desktop.ui.shell.dialogs import ErrorDialog
from icope_desktop.ui.shell.errors import user_message
from icope_desktop.ui.shell.recovery_key import RecoveryKeyPanel
from icope_desktop.ui.tasks import Task, TaskRunner
from icope_desktop.ui.widgets.buttons import BigButton, LinkButton
from icope_desktop.ui.widgets.fields import Field, FieldError
from icope_desktop.ui.widgets.labels import Card, hint_label, title_label
from icope_desktop.ui.widgets.page import ButtonBar, ScrollColumn, with_button_bar
from icope_desktop.ui.widgets.progress import ProgressPanel
from icope_desktop.ui.widgets.strength import StrengthMeter

LANGUAGE_NAMES = {"fr": "Français", "en": "English"}

def profession_combo(parent: QWidget, name: str) -> QComboBox:
    """The eight professions; item data is the store's `Profession` value (a string)."""
    combo = QComboBox(parent)
    combo.setObjectName(name)
    combo.addItem(_("Choisissez votre profession…"), None)
    for value, label in PROFESSION_LABELS.items():
        combo.addItem(label.get(), value)
    return combo


def address_rows(
    parent: QWidget, layout: QVBoxLayout, fields: dict[str, Field]
) -> tuple[QLineEdit, QLineEdit, QLineEdit]:
    """The practice's postal address (the GP letter's sender block): street, then postal
    code and town side by side, as on an envelope."""
    address = _line(parent, "address_edit")
    postal_code = _line(parent, "postal_code_edit")
    postal_code.setMaxLength(12)  # "44 400" as on envelopes; spaces dropped on save
    city = _line(parent, "city_edit")
    fields["address"] = Field(
        _("Adresse du cabinet"),
        address,
        hint=_("Elle figure sur vos courriers au médecin traitant."),
    )
    layout.addWidget(fields["address"])
    town = QHBoxLayout()
    fields["postal_code"] = Field(_("Code postal"), postal_code)
    fields["city"] = Field(_("Ville"), city)
    town.addWidget(fields["postal_code"], 1)
    town.addWidget(fields["city"], 3)
    layout.addLayout(town)
    return address, postal_code, city


def _line(parent: QWidget, name: str, *, password: bool = False) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setObjectName(name)
    if password:
        edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class FirstLaunchPage(QWidget):
    created = Signal()  # the store exists and is open; the key is on screen
    completed = Signal(object)  # Services, after the key was confirmed
    restore_requested = Signal()
    language_requested = Signal(str)

    PROFILE, PASSPHRASE, SERVER, CREATING, KEY = range(5)

    def __init__(
        self, session: AppSession, tasks: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.tasks = tasks
        self.services: Any = None
        self.steps = QStackedWidget(self)
        self.steps.setObjectName("steps")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.steps)
        self.steps.addWidget(self._build_profile())
        self.steps.addWidget(self._build_passphrase())
        self.steps.addWidget(self._build_server())
        self.steps.addWidget(self._build_creating())
        self.steps.addWidget(self._build_key())
        self.show_step(self.PROFILE)

    # --- steps -------------------------------------------------------------------------

    def _build_profile(self) -> QWidget:
        page = ScrollColumn(self)
        col = page.column
        top = QHBoxLayout()
        top.addWidget(title_label(_("Bienvenue dans ICOPE Desktop"), page), 1)
        self.language_combo = QComboBox(page)
        self.language_combo.setObjectName("language_combo")
        for lang in LANGUAGES:
            self.language_combo.addItem(LANGUAGE_NAMES[lang], lang)
        self.language_combo.setCurrentIndex(LANGUAGES.index(current_language()))
        self.language_combo.currentIndexChanged.connect(self._on_language_changed)
        top.addWidget(self.language_combo, 0, Qt.AlignmentFlag.AlignTop)
        col.addLayout(top)
        col.addWidget(
            hint_label(
                _(
                    "Étape 1 sur 3 — Votre profil de professionnel. Il signe vos courriers "
                    "au médecin traitant et vos actes facturés. Les champs marqués * sont "
                    "obligatoires."
                ),
                page,
            )
        )
        card = Card(parent=page)
        names = QHBoxLayout()
        self.last_name_edit = _line(card, "last_name_edit")
        self.first_name_edit = _line(card, "first_name_edit")
        self.profile_fields: dict[str, Field] = {}
        self.profile_fields["last_name"] = Field(_("Nom"), self.last_name_edit, required=True)
        self.profile_fields["first_name"] = Field(
            _("Prénom"), self.first_name_edit, required=True
        )
        names.addWidget(self.profile_fields["last_name"])
        names.addWidget(self.profile_fields["first_name"])
        card.body.addLayout(names)
        self.profession_combo = profession_combo(card, "profession_combo")
        self.profile_fields["profession"] = Field(
            _("Profession"), self.profession_combo, required=True
        )
        card.body.addWidget(self.profile_fields["profession"])
        self.rpps_edit = _line(card, "rpps_edit")
        self.rpps_edit.setPlaceholderText(_("11 chiffres, sur votre carte CPS"))
        self.profile_fields["rpps"] = Field(
            _("Numéro RPPS"),
            self.rpps_edit,
            hint=_("Nécessaire pour la facturation des actes ; vous pourrez l'ajouter plus tard."),
        )
        card.body.addWidget(self.profile_fields["rpps"])
        contact = QHBoxLayout()
        self.phone_edit = _line(card, "phone_edit")
        self.email_edit = _line(card, "email_edit")
        self.profile_fields["phone"] = Field(_("Téléphone"), self.phone_edit)
        self.profile_fields["email"] = Field(_("Adresse e-mail"), self.email_edit)
        contact.addWidget(self.profile_fields["phone"])
        contact.addWidget(self.profile_fields["email"])
        card.body.addLayout(contact)
        self.address_edit, self.postal_code_edit, self.city_edit = address_rows(
            card, card.body, self.profile_fields
        )
        col.addWidget(card)
        bar = ButtonBar(self)
        buttons = bar.row
        self.restore_button = LinkButton(
            _("Nouvel ordinateur ? Restaurer une sauvegarde"), bar, name="restore_button"
        )
        self.restore_button.clicked.connect(self.restore_requested.emit)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        self.profile_next_button = BigButton(
            _("Continuer"), bar, primary=True, name="profile_next_button"
        )
        self.profile_next_button.clicked.connect(self._on_profile_next_clicked)
        buttons.addWidget(self.profile_next_button)
        col.addStretch(1)
        for edit in (self.last_name_edit, self.first_name_edit, self.rpps_edit,
                     self.phone_edit, self.email_edit, self.address_edit,
                     self.postal_code_edit, self.city_edit):
            edit.returnPressed.connect(self.profile_next_button.click)
        return with_button_bar(page, bar)

    def _build_passphrase(self) -> QWidget:
        page = ScrollColumn(self)
        col = page.column
        col.addWidget(title_label(_("Votre phrase de passe"), page))
        col.addWidget(
            hint_label(
                _(
                    "Étape 2 sur 3 — Elle chiffre tous vos dossiers sur cet ordinateur : un "
                    "portable perdu ne révèle rien. Elle n'est jamais enregistrée ; si vous "
                    "l'oubliez, seule la clé de récupération (affichée à la fin) permet de "
                    "rouvrir vos dossiers. Une phrase de 7 mots, facile à retenir, convient."
                ),
                page,
            )
        )
        card = Card(parent=page)
        self.passphrase_edit = _line(card, "passphrase_edit", password=True)
        self.passphrase_field = Field(_("Phrase de passe"), self.passphrase_edit, required=True)
        card.body.addWidget(self.passphrase_field)
        self.strength_meter = StrengthMeter(card, name="strength_meter")
        card.body.addWidget(self.strength_meter)
        self.confirm_edit = _line(card, "confirm_edit", password=True)
        self.confirm_field = Field(
            _("Saisissez-la une seconde fois"), self.confirm_edit, required=True
        )
        card.body.addWidget(self.confirm_field)
        self.show_passphrase_checkbox = QCheckBox(_("Afficher la phrase de passe"), card)
        self.show_passphrase_checkbox.setObjectName("show_passphrase_checkbox")
        self.show_passphrase_checkbox.toggled.connect(self._on_show_passphrase_toggled)
        card.body.addWidget(self.show_passphrase_checkbox)
        col.addWidget(card)
        self.passphrase_edit.textChanged.connect(self.strength_meter.update_for)
        buttons = QHBoxLayout()
        back = BigButton(_("Retour"), page, name="passphrase_back_button")
        back.clicked.connect(lambda: self.show_step(self.PROFILE))
        buttons.addWidget(back)
        buttons.addStretch(1)
        self.passphrase_next_button = BigButton(
            _("Continuer"), page, primary=True, name="passphrase_next_button"
        )
        self.passphrase_next_button.clicked.connect(self._on_passphrase_next_clicked)
        buttons.addWidget(self.passphrase_next_button)
        col.addLayout(buttons)
        col.addStretch(1)
        self.passphrase_edit.returnPressed.connect(self.confirm_edit.setFocus)
        self.confirm_edit.returnPressed.connect(self.passphrase_next_button.click)
        return page

    def _build_server(self) -> QWidget:
        page = ScrollColumn(self)
        col = page.column
        col.addWidget(title_label(_("Serveur régional (facultatif)"), page))
        col.addWidget(
            hint_label(
                _(
                    "Étape 3 sur 3 — L'application fonctionne entièrement sans réseau. Le "
                    "serveur régional reçoit vos visites, courriers et actes quand une "
                    "connexion est disponible. Vous pourrez le régler plus tard dans les "
                    "paramètres."
                ),
                page,
            )
        )
        card = Card(parent=page)
        self.server_url_edit = _line(card, "server_url_edit")
        self.server_url_edit.setPlaceholderText("https://icope.example-region.fr/")
        self.server_fields: dict[str, Field] = {}
        self.server_fields["server_url"] = Field(
            _("Adresse du serveur"), self.server_url_edit
        )
        card.body.addWidget(self.server_fields["server_url"])
        self.token_edit = _line(card, "token_edit", password=True)
        self.server_fields["token"] = Field(
            _("Jeton d'accès (remis par l'association régionale)"), self.token_edit
        )
        card.body.addWidget(self.server_fields["token"])
        self.auto_sync_checkbox = QCheckBox(
            _("Synchroniser automatiquement quand le réseau est disponible"), card
        )
        self.auto_sync_checkbox.setObjectName("auto_sync_checkbox")
        self.auto_sync_checkbox.setChecked(True)
        card.body.addWidget(self.auto_sync_checkbox)
        col.addWidget(card)
        self.create_error = FieldError(page, name="create_error")
        col.addWidget(self.create_error)
        buttons = QHBoxLayout()
        back = BigButton(_("Retour"), page, name="server_back_button")
        back.clicked.connect(lambda: self.show_step(self.PASSPHRASE))
        buttons.addWidget(back)
        buttons.addStretch(1)
        self.skip_button = BigButton(
            _("Passer : travailler hors ligne"), page, name="skip_button"
        )
        self.skip_button.clicked.connect(lambda: self._start_creation(with_server=False))
        buttons.addWidget(self.skip_button)
        self.create_button = BigButton(
            _("Créer mon dossier"), page, primary=True, name="create_button"
        )
        self.create_button.clicked.connect(lambda: self._start_creation(with_server=True))
        buttons.addWidget(self.create_button)
        col.addLayout(buttons)
        col.addStretch(1)
        self.server_url_edit.returnPressed.connect(self.token_edit.setFocus)
        self.token_edit.returnPressed.connect(self.create_button.click)
        return page

    def _build_creating(self) -> QWidget:
        page = ScrollColumn(self)
        page.column.addWidget(title_label(_("Création de votre dossier chiffré"), page))
        page.column.addWidget(
            hint_label(
                _(
                    "Le chiffrement est réglé pour la puissance de cet ordinateur : "
                    "quelques secondes tout au plus."
                ),
                page,
            )
        )
        self.creation_progress = ProgressPanel(page, name="creation_progress")
        page.column.addWidget(self.creation_progress)
        page.column.addStretch(1)
        return page

    def _build_key(self) -> QWidget:
        page = ScrollColumn(self)
        page.column.addWidget(title_label(_("Votre clé de récupération"), page))
        self.key_panel = RecoveryKeyPanel(_("Commencer"), page)
        self.key_panel.confirmed.connect(self._on_key_confirmed)
        self.recovery_key_label = self.key_panel.recovery_key_label
        self.key_confirm_checkbox = self.key_panel.key_confirm_checkbox
        self.start_button = self.key_panel.start_button
        page.column.addWidget(self.key_panel)
        page.column.addStretch(1)
        return page

    # --- navigation ----------------------------------------------------------------------

    def show_step(self, index: int) -> None:
        self.steps.setCurrentIndex(index)
        focus = {
            self.PROFILE: self.last_name_edit,
            self.PASSPHRASE: self.passphrase_edit,
            self.SERVER: self.server_url_edit,
            self.KEY: self.key_confirm_checkbox,
        }.get(index)
        if focus is not None:
            focus.setFocus()

    def focus_first(self) -> None:
        self.show_step(self.step)

    @property
    def step(self) -> int:
        return self.steps.currentIndex()

    @property
    def recovery_key(self) -> str:
        """The key on screen (empty once confirmed)."""
        return self.key_panel.key

    def _on_language_changed(self, index: int) -> None:
        self.language_requested.emit(self.language_combo.itemData(index))

    def _profile_form(self) -> Any:
        from icope_desktop.services.patients import compact_postal_code  # "44 400"
        from icope_desktop.services.settings import ProfileForm
        from icope_desktop.store.records import Profession

        value = self.profession_combo.currentData()
        return ProfileForm(
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

    def _on_profile_next_clicked(self) -> None:
        from icope_desktop.services.settings import check_profile
        from icope_desktop.store.errors import InvalidData

        for field in self.profile_fields.values():
            field.clear_error()
        try:
            check_profile(self._profile_form())
        except InvalidData as err:
            self._show_field_errors(self.profile_fields, err.messages())
            return
        self.show_step(self.PASSPHRASE)

    def _on_show_passphrase_toggled(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.passphrase_edit.setEchoMode(mode)
        self.confirm_edit.setEchoMode(mode)

    def _on_passphrase_next_clicked(self) -> None:
        self.passphrase_field.clear_error()
        self.confirm_field.clear_error()
        from icope_desktop.store.passphrase import estimate_strength

        strength = estimate_strength(self.passphrase_edit.text())
        if not strength.acceptable:
            self.passphrase_field.show_error(
                _("Phrase de passe trop faible (80 bits au moins).") + " " + strength.advice.get()
            )
            self.passphrase_edit.setFocus()
            return
        if self.confirm_edit.text() != self.passphrase_edit.text():
            self.confirm_field.show_error(_("Les deux saisies ne sont pas identiques."))
            self.confirm_edit.selectAll()
            self.confirm_edit.setFocus()
            return
        self.show_step(self.SERVER)

    def _server_form(self, with_server: bool) -> Any:
        from icope_desktop.services.settings import ServerForm

        if not with_server:
            return None
        return ServerForm(
            url=self.server_url_edit.text(),
            token=self.token_edit.text(),
            auto_sync=self.auto_sync_checkbox.isChecked(),
        )

    def _start_creation(self, *, with_server: bool) -> None:
        from icope_desktop.services.settings import check_server
        from icope_desktop.store.errors import InvalidData

        for field in self.server_fields.values():
            field.clear_error()
        self.create_error.clear_message()
        server = self._server_form(with_server)
        if server is not None:
            try:
                check_server(server)
            except InvalidData as err:
                self._show_field_errors(self.server_fields, err.messages())
                return
        setup = Setup(
            profile=self._profile_form(),
            passphrase=self.passphrase_edit.text(),
            server=server,
            language=current_language(),
        )
        task = Task(lambda progress, cancel: self.session.create(setup, progress, cancel),
                    name="create-store")
        task.progressed.connect(self.creation_progress.update_progress)
        task.succeeded.connect(self._on_created)
        task.failed.connect(self._on_creation_failed)
        self.show_step(self.CREATING)
        self.creation_progress.start(_("Création de votre dossier chiffré…"), delay_ms=0)
        self.tasks.start(task)

    def _on_created(self, result: Any) -> None:
        self.creation_progress.stop()
        self.services = result.services
        self.key_panel.show_key(result.recovery_key)
        self.passphrase_edit.clear()
        self.confirm_edit.clear()
        self.token_edit.clear()
        self.show_step(self.KEY)
        self.created.emit()

    def _on_creation_failed(self, error: BaseException) -> None:
        from icope_desktop.store.errors import InvalidData, WeakPassphrase

        self.creation_progress.stop()
        if isinstance(error, WeakPassphrase):
            self.show_step(self.PASSPHRASE)
            self.passphrase_field.show_error(error.user_message())
            return
        if isinstance(error, InvalidData):
            messages = error.messages()
            if set(messages) & set(self.profile_fields):
                self.show_step(self.PROFILE)
                self._show_field_errors(self.profile_fields, messages)
                return
            self.show_step(self.SERVER)
            self._show_field_errors(self.server_fields, messages)
            return
        self.show_step(self.SERVER)
        title, text = user_message(error)
        self.create_error.show_message(text)
        ErrorDialog.show_message(self, title, text)

    def _on_key_confirmed(self) -> None:
        """Recorded in the store, so that a key never noted is offered again after the
        next unlock; the home opens whatever the write says (it asks again if it
        failed)."""
        services = self.services
        if services is None:
            return
        task = Task(lambda progress, cancel: services.store.confirm_recovery_key(),
                    name="confirm-recovery-key")
        task.succeeded.connect(lambda _result: self._complete())
        task.failed.connect(lambda _error: self._complete())
        self.start_button.setEnabled(False)
        self.tasks.start(task)

    def _complete(self) -> None:
        self.key_panel.clear()
        self.completed.emit(self.services)

    @staticmethod
    def _show_field_errors(fields: dict[str, Field], messages: dict[str, str]) -> None:
        first: Field | None = None
        for name, message in messages.items():
            field = fields.get(name)
            if field is not None:
                field.show_error(message)
                first = first or field
        if first is not None:
            first.editor.setFocus()
