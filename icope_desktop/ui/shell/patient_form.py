"""Create or edit a patient file: identity, contact, GP, consent and eligibility.

What the nurse types is checked by `PatientService.parse` (dates typed dd/mm/yyyy,
impossible and future dates, NIR key with Corsica, phone digits); each problem shows
under its field and nothing is written until all are fixed, so a file already saved is
never half-changed (issue 4). Before a new file is created, possible duplicates are
shown and the existing file can be opened instead (CONTEXT.md: duplicates across tools).
Eligibility is explained live and never blocks saving (clinical spec §1).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from icope_desktop.i18n import _
from icope_desktop.services.patients import PatientForm
from icope_desktop.ui.shell.dialogs import DuplicateChoice, DuplicateDialog, ErrorDialog
from icope_desktop.ui.shell.errors import user_message
from icope_desktop.ui.shell.gp_form import GpFormCard
from icope_desktop.ui.tasks import Task, TaskRunner
from icope_desktop.ui.widgets.buttons import BigButton
from icope_desktop.ui.widgets.choices import ChoiceButtons
from icope_desktop.ui.widgets.date_edit import DateLineEdit
from icope_desktop.ui.widgets.fields import Field, FieldError
from icope_desktop.ui.widgets.labels import Card, hint_label, title_label
from icope_desktop.ui.widgets.page import ScrollColumn

TEXT_FIELDS = (
    "birth_name",
    "used_name",
    "first_names",
    "birth_date",
    "ins",
    "address",
    "postal_code",
    "city",
    "phone",
)


def _edit(parent: QWidget, name: str) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setObjectName(name)
    return edit


class PatientFormPage(QWidget):
    saved = Signal(object)  # PatientId
    cancelled = Signal()
    existing_requested = Signal(object)  # PatientId of a possible duplicate
    save_refused = Signal(object)  # dict of field -> message (tests wait on it)

    def __init__(
        self,
        services: Any,
        tasks: TaskRunner,
        patient_id: Any = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.tasks = tasks
        self.patient_id = patient_id
        self.saving = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        page = ScrollColumn(self, max_width=1180)
        layout.addWidget(page)
        col = page.column
        heading = _("Modifier le dossier") if patient_id else _("Nouveau patient")
        col.addWidget(title_label(heading, page, name="form_title"))
        col.addWidget(
            hint_label(
                _(
                    "Les champs marqués * sont obligatoires. Les dates se tapent jj/mm/aaaa. "
                    "Entrée enregistre, Échap revient en arrière."
                ),
                page,
            )
        )
        self.error_summary = FieldError(page, name="error_summary")
        col.addWidget(self.error_summary)
        self.fields: dict[str, Field] = {}

        columns = QHBoxLayout()
        columns.setSpacing(16)
        left = QVBoxLayout()
        right = QVBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        col.addLayout(columns)

        # identity ---------------------------------------------------------------------------
        identity = Card(_("Identité"), page)
        self.birth_name_edit = _edit(identity, "birth_name_edit")
        self.used_name_edit = _edit(identity, "used_name_edit")
        self.first_names_edit = _edit(identity, "first_names_edit")
        self.birth_date_edit = DateLineEdit(identity, name="birth_date_edit")
        self.sex_choice = ChoiceButtons(
            [("F", _("Femme")), ("M", _("Homme")), ("I", _("Indéterminé"))],
            identity,
            name="sex_choice",
        )
        self.ins_edit = _edit(identity, "ins_edit")
        self.ins_edit.setPlaceholderText(_("15 caractères, sur la carte Vitale"))
        self._add(identity, "birth_name", _("Nom de naissance"), self.birth_name_edit, True)
        self._add(identity, "used_name", _("Nom d'usage (si différent)"), self.used_name_edit)
        self._add(
            identity, "first_names", _("Prénom(s) de naissance"), self.first_names_edit, True
        )
        self._add(identity, "birth_date", _("Date de naissance"), self.birth_date_edit, True)
        self._add(identity, "sex", _("Sexe"), self.sex_choice, True)
        self._add(
            identity,
            "ins",
            _("INS (matricule INS / NIR)"),
            self.ins_edit,
            hint=_("Facultatif. Sa clé est vérifiée ; 2A/2B pour une naissance en Corse."),
        )
        self.identity_verified_checkbox = QCheckBox(
            _("Identité vérifiée sur une pièce d'identité"), identity
        )
        self.identity_verified_checkbox.setObjectName("identity_verified_checkbox")
        identity.body.addWidget(self.identity_verified_checkbox)
        left.addWidget(identity)
        left.addStretch(1)

        # contact ----------------------------------------------------------------------------
        contact = Card(_("Coordonnées"), page)
        self.address_edit = _edit(contact, "address_edit")
        self.postal_code_edit = _edit(contact, "postal_code_edit")
        self.postal_code_edit.setMaxLength(12)  # "44 400" typed with a space fits
        self.city_edit = _edit(contact, "city_edit")
        self.phone_edit = _edit(contact, "phone_edit")
        self._add(contact, "address", _("Adresse"), self.address_edit)
        town = QHBoxLayout()
        self.fields["postal_code"] = Field(_("Code postal"), self.postal_code_edit, contact)
        self.fields["city"] = Field(_("Commune"), self.city_edit, contact)
        town.addWidget(self.fields["postal_code"], 1)
        town.addWidget(self.fields["city"], 2)
        contact.body.addLayout(town)
        self._add(contact, "phone", _("Téléphone"), self.phone_edit)
        # Tab goes as the envelope reads: address, postal code, town, then phone (the
        # town row was reparented after the phone field, so Tab jumped to the phone).
        for before, after in ((self.address_edit, self.postal_code_edit),
                              (self.postal_code_edit, self.city_edit),
                              (self.city_edit, self.phone_edit)):
            QWidget.setTabOrder(before, after)
        right.addWidget(contact)

        # GP ---------------------------------------------------------------------------------
        gp = Card(_("Médecin traitant"), page)
        self.gp_combo = QComboBox(gp)
        self.gp_combo.setObjectName("gp_combo")
        self._add(gp, "gp_id", _("Médecin traitant"), self.gp_combo)
        self.fields["gp_id"].label.hide()
        gp_buttons = QHBoxLayout()
        self.add_gp_button = BigButton(_("Ajouter un médecin…"), gp, name="add_gp_button")
        self.add_gp_button.clicked.connect(lambda: self.show_gp_form(True))
        gp_buttons.addWidget(self.add_gp_button)
        self.edit_gp_button = BigButton(
            _("Modifier ce médecin…"), gp, name="edit_gp_button"
        )
        self.edit_gp_button.setToolTip(_("Corriger son RPPS, sa messagerie MSSanté..."))
        self.edit_gp_button.clicked.connect(self._on_edit_gp_clicked)
        gp_buttons.addWidget(self.edit_gp_button)
        gp_buttons.addStretch(1)
        gp.body.addLayout(gp_buttons)
        self.gp_form = GpFormCard(services, tasks, gp)
        self.gp_form.saved.connect(self._on_gp_saved)
        self.gp_form.cancelled.connect(lambda: self.show_gp_form(False))
        self.gp_fields = self.gp_form.fields
        self.save_gp_button = self.gp_form.save_button
        gp.body.addWidget(self.gp_form)
        self.gp_combo.currentIndexChanged.connect(lambda *_args: self._update_gp_buttons())
        right.addWidget(gp)

        # consent and eligibility ------------------------------------------------------------
        consent = Card(_("Consentement et éligibilité"), page)
        self.consent_checkbox = QCheckBox(
            _("Le patient accepte de participer au programme ICOPE"), consent
        )
        self.consent_checkbox.setObjectName("consent_checkbox")
        consent.body.addWidget(self.consent_checkbox)
        yes_no = [(True, _("Oui")), (False, _("Non"))]
        self.lives_at_home_choice = ChoiceButtons(yes_no, consent, name="lives_at_home_choice")
        self.autonomous_choice = ChoiceButtons(yes_no, consent, name="autonomous_choice")
        self._add(consent, "lives_at_home", _("Vit à domicile"), self.lives_at_home_choice)
        self._add(
            consent,
            "autonomous",
            _("Autonome (pas de dépendance pour les actes de la vie quotidienne)"),
            self.autonomous_choice,
        )
        self.eligibility_card = Card(parent=consent, role="info", name="eligibility_card")
        self.eligibility_label = QLabel(self.eligibility_card)
        self.eligibility_label.setObjectName("eligibility_label")
        self.eligibility_label.setWordWrap(True)
        self.eligibility_card.body.addWidget(self.eligibility_label)
        consent.body.addWidget(self.eligibility_card)
        right.addWidget(consent)
        right.addStretch(1)

        # buttons ----------------------------------------------------------------------------
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel_button = BigButton(_("Annuler"), page, name="cancel_button")
        self.cancel_button.clicked.connect(self.cancelled.emit)
        buttons.addWidget(self.cancel_button)
        self.save_button = BigButton(
            _("Enregistrer le dossier"), page, primary=True, name="save_button"
        )
        self.save_button.setToolTip(_("Entrée ou Ctrl+S"))
        self.save_button.clicked.connect(self._on_save_clicked)
        buttons.addWidget(self.save_button)
        col.addLayout(buttons)
        col.addStretch(1)

        for edit in (self.birth_name_edit, self.used_name_edit, self.first_names_edit,
                     self.birth_date_edit, self.ins_edit, self.address_edit,
                     self.postal_code_edit, self.city_edit, self.phone_edit):
            edit.returnPressed.connect(self._on_save_clicked)
        QShortcut(QKeySequence("Ctrl+S"), self, self._on_save_clicked)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.cancelled.emit)
        for trigger in (self.birth_date_edit.textChanged, self.lives_at_home_choice.changed,
                        self.autonomous_choice.changed):
            trigger.connect(lambda *_args: self._update_eligibility())
        self.birth_date_edit.editingFinished.connect(self._on_birth_date_left)
        self.birth_date_edit.textEdited.connect(self._on_birth_date_typed)

        self._load_gps()
        if patient_id is not None:
            self.load_form(services.patients.to_form(services.patients.get(patient_id)))
        self._update_eligibility()
        self.show_gp_form(False)

    def focus_first(self) -> None:
        self.birth_name_edit.setFocus()

    def _add(
        self,
        card: Card,
        name: str,
        label: str,
        editor: QWidget,
        required: bool = False,
        *,
        hint: str | None = None,
    ) -> Field:
        field = Field(label, editor, card, required=required, hint=hint)
        self.fields[name] = field
        card.body.addWidget(field)
        return field

    # --- reading and writing the widgets -------------------------------------------------

    def form(self) -> PatientForm:
        from icope_desktop.store.records import Sex

        sex = self.sex_choice.value()
        return PatientForm(
            birth_name=self.birth_name_edit.text(),
            used_name=self.used_name_edit.text(),
            first_names=self.first_names_edit.text(),
            birth_date=self.birth_date_edit.text(),
            sex=Sex(sex) if sex else None,
            ins=self.ins_edit.text(),
            identity_verified=self.identity_verified_checkbox.isChecked(),
            address=self.address_edit.text(),
            postal_code=self.postal_code_edit.text(),
            city=self.city_edit.text(),
            phone=self.phone_edit.text(),
            gp_id=self.selected_gp(),
            consent_given=True if self.consent_checkbox.isChecked() else None,
            lives_at_home=self.lives_at_home_choice.value(),
            autonomous=self.autonomous_choice.value(),
        )

    def load_form(self, form: PatientForm) -> None:
        for name in TEXT_FIELDS:
            getattr(self, f"{name}_edit").setText(getattr(form, name))
        self.sex_choice.set_value(str(form.sex) if form.sex else None)
        self.identity_verified_checkbox.setChecked(form.identity_verified)
        self.consent_checkbox.setChecked(bool(form.consent_given))
        self.lives_at_home_choice.set_value(form.lives_at_home)
        self.autonomous_choice.set_value(form.autonomous)
        self._select_gp(form.gp_id)
        self._update_eligibility()

    def snapshot(self) -> dict[str, Any]:
        """What was typed, kept in memory across an auto-lock (nothing typed is lost)."""
        return {"patient_id": self.patient_id, "form": asdict(self.form())}

    def restore_snapshot(self, snapshot: dict[str, Any]) -> None:
        self.load_form(PatientForm(**snapshot["form"]))

    # --- GPs -----------------------------------------------------------------------------

    def _load_gps(self, select: Any = None) -> None:
        current = select if select is not None else self.selected_gp()
        self.gp_combo.clear()
        self.gp_combo.addItem(_("— Pas de médecin traitant renseigné —"), None)
        for gp in self.services.patients.search_gps("", limit=500):
            label = f"{gp.data.last_name.upper()} {gp.data.first_name}"
            if gp.data.rpps:
                label += f" (RPPS {gp.data.rpps})"
            self.gp_combo.addItem(label, str(gp.id))  # strings compare by value in Qt
        self._select_gp(current)

    def selected_gp(self) -> Any:
        from uuid import UUID

        from icope_desktop.store.records import GpId

        value = self.gp_combo.currentData()
        return GpId(UUID(value)) if value else None

    def _select_gp(self, gp_id: Any) -> None:
        index = self.gp_combo.findData(str(gp_id)) if gp_id is not None else 0
        self.gp_combo.setCurrentIndex(max(0, index))

    def show_gp_form(self, on: bool, *, edit: bool = False) -> None:
        if on and edit and self.selected_gp() is not None:
            self.gp_form.start_edit(self.services.patients.get_gp(self.selected_gp()))
        elif on:
            self.gp_form.start_new()
        self.gp_form.setVisible(on)
        self._update_gp_buttons()
        if on:
            self.gp_form.focus_first()

    def _update_gp_buttons(self) -> None:
        editing = self.gp_form.isVisibleTo(self)
        self.add_gp_button.setVisible(not editing)
        self.edit_gp_button.setVisible(not editing and self.selected_gp() is not None)

    def _on_edit_gp_clicked(self) -> None:
        self.show_gp_form(True, edit=True)

    def _on_gp_saved(self, gp_id: Any) -> None:
        self._load_gps(select=gp_id)
        self.show_gp_form(False)
        self.gp_combo.setFocus()

    # --- eligibility and checks ----------------------------------------------------------

    def _update_eligibility(self) -> None:
        from icope_desktop.ui.style import set_role

        verdict = self.services.patients.eligibility(self.form())
        self.eligibility_label.setText(verdict.explanation())
        set_role(self.eligibility_card, "warning" if verdict.eligible is False else "info")

    def _birth_date_problem(self) -> str | None:
        from icope_desktop.services.patients import DATE_FUTURE

        typed = self.birth_date_edit.date_value()
        if typed is not None and typed > self.services.patients.today():
            return DATE_FUTURE.get()
        return self.birth_date_edit.problem()

    def _on_birth_date_typed(self) -> None:
        """A whole date in the future is said at once (usability walkthrough: 2045 was
        typed for 1945); other problems wait until the field is left."""
        typed = self.birth_date_edit.date_value()
        if typed is not None and typed > self.services.patients.today():
            self.fields["birth_date"].show_error(self._birth_date_problem() or "")

    def _on_birth_date_left(self) -> None:
        problem = self._birth_date_problem()
        if problem:
            self.fields["birth_date"].show_error(problem)
        else:
            self.fields["birth_date"].clear_error()

    def show_errors(self, messages: dict[str, str]) -> None:
        first: Field | None = None
        for name in ("birth_name", "used_name", "first_names", "birth_date", "sex", "ins",
                     "address", "postal_code", "city", "phone", "gp_id"):
            if name in messages:
                self.fields[name].show_error(messages[name])
                first = first or self.fields[name]
        unplaced = [m for n, m in messages.items() if n not in self.fields]
        count = len(messages)
        summary = (
            _("1 champ à corriger : rien n'a été enregistré.")
            if count == 1
            else _("{count} champs à corriger : rien n'a été enregistré.").format(count=count)
        )
        self.error_summary.show_message(" ".join([summary, *unplaced]))
        if first is not None:
            first.editor.setFocus()
        self.save_refused.emit(messages)

    def clear_errors(self) -> None:
        self.error_summary.clear_message()
        for field in self.fields.values():
            field.clear_error()

    # --- saving --------------------------------------------------------------------------

    def _on_save_clicked(self) -> None:
        from icope_desktop.store.errors import InvalidData

        if self.saving:
            return
        self.clear_errors()
        try:
            data = self.services.patients.parse(self.form())
        except InvalidData as err:
            self.show_errors(err.messages())
            return
        if self.patient_id is None:
            candidates = self.services.patients.possible_duplicates(data)
            if candidates:
                decision = DuplicateDialog.ask(self, candidates)
                if decision.choice is DuplicateChoice.OPEN_EXISTING:
                    self.existing_requested.emit(decision.patient_id)
                    return
                if decision.choice is DuplicateChoice.CANCEL:
                    return
        patients = self.services.patients
        patient_id = self.patient_id

        def write(progress: Any, cancel: Any) -> Any:
            if patient_id is None:
                return patients.create(data)
            patients.update(patient_id, data)
            return patient_id

        task = Task(write, name="save-patient")
        task.succeeded.connect(self._on_saved)
        task.failed.connect(self._on_save_failed)
        self.saving = True
        self.save_button.setEnabled(False)
        self.tasks.start(task)

    def _on_saved(self, patient_id: Any) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        self.patient_id = patient_id
        self.saved.emit(patient_id)

    def _on_save_failed(self, error: BaseException) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        name = type(error).__name__
        if name == "InvalidData":
            self.show_errors(error.messages())  # type: ignore[attr-defined]
            return
        if name == "DuplicateRecord":
            self.show_errors({"ins": user_message(error)[1]})
            return
        title, text = user_message(error)
        self.error_summary.show_message(text)
        ErrorDialog.show_message(self, title, text)
