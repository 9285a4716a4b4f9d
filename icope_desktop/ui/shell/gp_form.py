"""A GP record, typed or corrected in place: name, RPPS, MSSanté address, phone, address.

The summary letter asks the nurse to "ajouter le RPPS dans la fiche du médecin traitant"
(letters part); before this card no screen could change a GP once created (usability
walkthrough). The same card adds a GP from the patient form and corrects one from the
patient page or the form's picker, so the checks and wording are the same everywhere:
`services.patients.parse_gp` (RPPS key, mail address, phone, postal code), each problem
under its field, nothing written until all are fixed.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QWidget

from icope_desktop.i18n import _
from icope_desktop.services.patients import GpForm, gp_to_form
from icope_desktop.ui.shell.errors import user_message
from icope_desktop.ui.tasks import Task, TaskRunner
from icope_desktop.ui.widgets.buttons import BigButton
from icope_desktop.ui.widgets.fields import Field
from icope_desktop.ui.widgets.labels import Card

GP_FIELDS = ("last_name", "first_name", "rpps", "email", "phone", "address", "postal_code",
             "city")


class GpFormCard(Card):
    """Create (`gp_id` None) or correct a GP; `saved` carries the GP's id."""

    saved = Signal(object)  # GpId
    cancelled = Signal()

    def __init__(
        self, services: Any, tasks: TaskRunner, parent: QWidget | None = None, *,
        name: str = "gp_form",
    ) -> None:
        super().__init__(_("Nouveau médecin traitant"), parent, name=name)
        self.services = services
        self.tasks = tasks
        self.gp_id: Any = None
        self.fields: dict[str, Field] = {}
        self.edits: dict[str, QLineEdit] = {}
        for key in GP_FIELDS:
            edit = QLineEdit(self)
            edit.setObjectName(f"gp_{key}_edit")
            edit.returnPressed.connect(self._on_save_clicked)
            self.edits[key] = edit
        self.edits["rpps"].setPlaceholderText(_("11 chiffres"))
        self.edits["email"].setPlaceholderText(_("prenom.nom@medecin.mssante.fr"))
        names = QHBoxLayout()
        for key, label in (("last_name", _("Nom")), ("first_name", _("Prénom"))):
            self.fields[key] = Field(label, self.edits[key], self, required=True)
            names.addWidget(self.fields[key])
        self.body.addLayout(names)
        for key, label, hint in (
            ("rpps", _("Numéro RPPS"),
             _("Sur ses ordonnances ou sur annuaire.sante.fr ; sa clé est vérifiée.")),
            ("email", _("Messagerie sécurisée (MSSanté)"),
             _("Le courrier de synthèse lui est envoyé à cette adresse.")),
            ("phone", _("Téléphone"), None),
            ("address", _("Adresse du cabinet"), None),
        ):
            self.fields[key] = Field(label, self.edits[key], self, hint=hint)
            self.body.addWidget(self.fields[key])
        town = QHBoxLayout()
        self.edits["postal_code"].setMaxLength(12)
        self.fields["postal_code"] = Field(_("Code postal"), self.edits["postal_code"], self)
        self.fields["city"] = Field(_("Commune"), self.edits["city"], self)
        town.addWidget(self.fields["postal_code"], 1)
        town.addWidget(self.fields["city"], 2)
        self.body.addLayout(town)
        row = QHBoxLayout()
        row.addStretch(1)
        self.cancel_button = BigButton(_("Annuler"), self, name="cancel_gp_button")
        self.cancel_button.clicked.connect(self.cancelled.emit)
        row.addWidget(self.cancel_button)
        self.save_button = BigButton(
            _("Enregistrer le médecin"), self, primary=True, name="save_gp_button"
        )
        self.save_button.clicked.connect(self._on_save_clicked)
        row.addWidget(self.save_button)
        self.body.addLayout(row)

    # --- what is shown ---------------------------------------------------------------

    def start_new(self) -> None:
        self._load(None, GpForm(), _("Nouveau médecin traitant"))

    def start_edit(self, gp: Any) -> None:
        self._load(gp.id, gp_to_form(gp), _("Modifier le médecin traitant"))

    def _load(self, gp_id: Any, form: GpForm, heading: str) -> None:
        self.gp_id = gp_id
        if self.heading is not None:
            self.heading.setText(heading)
        for key in GP_FIELDS:
            self.edits[key].setText(getattr(form, key))
            self.fields[key].clear_error()
        self.save_button.setEnabled(True)

    def focus_first(self) -> None:
        self.edits["last_name"].setFocus()

    def form(self) -> GpForm:
        return GpForm(**{key: self.edits[key].text() for key in GP_FIELDS})

    # --- saving ----------------------------------------------------------------------

    def _on_save_clicked(self) -> None:
        if not self.save_button.isEnabled():
            return
        for field in self.fields.values():
            field.clear_error()
        form, gp_id, patients = self.form(), self.gp_id, self.services.patients

        def write(progress: Any, cancel: Any) -> Any:
            if gp_id is None:
                return patients.create_gp(form)
            patients.update_gp(gp_id, form)
            return gp_id

        task = Task(write, name="save-gp")
        task.succeeded.connect(self._on_saved)
        task.failed.connect(self._on_failed)
        self.save_button.setEnabled(False)
        self.tasks.start(task)

    def _on_saved(self, gp_id: Any) -> None:
        self.save_button.setEnabled(True)
        self.gp_id = gp_id
        self.saved.emit(gp_id)

    def _on_failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        messages = error.messages() if hasattr(error, "messages") else {}
        first: Field | None = None
        for name, message in messages.items():
            field = self.fields.get(name) or self.fields["last_name"]
            field.show_error(message)
            first = first or field
        if not messages:  # another GP already has this RPPS, or the store refused
            first = self.fields["rpps"]
            first.show_error(user_message(error)[1])
        first.editor.setFocus()
