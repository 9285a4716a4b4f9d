"""One patient's file: identity, GP, visits, and the button that starts a Step 1.

The visit flow itself belongs to the visit part (`ui/visit`): this page places its
`PatientHistory` (every visit, drafts included, and the capacity trends), opens the visit
chosen there, and starts a new one through `services.visits.start_visit`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from icope_desktop.i18n import _
from icope_desktop.services.patients import display_name, format_date
from icope_desktop.ui.shell.dialogs import ErrorDialog
from icope_desktop.ui.shell.errors import user_message
from icope_desktop.ui.shell.gp_form import GpFormCard
from icope_desktop.ui.shell.wording import born_on
from icope_desktop.ui.tasks import Task, TaskRunner
from icope_desktop.ui.widgets.buttons import BigButton
from icope_desktop.ui.widgets.labels import Card, hint_label, title_label
from icope_desktop.ui.widgets.page import ScrollColumn


def gp_lines(gp: Any) -> str:
    """What the GP card says: name, RPPS, mail, phone, address (a missing RPPS is said,
    since the letter needs it)."""
    data = gp.data
    lines = [f"{data.last_name.upper()} {data.first_name}"]
    lines.append(
        _("RPPS {rpps}").format(rpps=data.rpps) if data.rpps else _("RPPS non renseigné")
    )
    lines.extend(value for value in (data.email, data.phone) if value)
    town = " ".join(part for part in (data.postal_code, data.city) if part)
    address = ", ".join(part for part in (data.address, town) if part)
    if address:
        lines.append(address)
    return "\n".join(lines)


class PatientPage(QWidget):
    visit_requested = Signal(object)  # VisitId
    edit_requested = Signal(object)  # PatientId

    def __init__(
        self,
        services: Any,
        tasks: TaskRunner,
        patient_id: Any,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.tasks = tasks
        self.patient_id = patient_id
        self.starting = False
        file = services.patients.open_file(patient_id)
        patient = file.patient
        identity = patient.identity
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        page = ScrollColumn(self, max_width=1180)
        layout.addWidget(page)
        col = page.column

        top = QHBoxLayout()
        heading = QVBoxLayout()
        heading.addWidget(title_label(display_name(patient), page, name="patient_name_label"))
        facts = [born_on(str(identity.sex), identity.birth_date, services.patients.today())]
        if identity.ins:
            facts.append(_("INS {ins}").format(ins=identity.ins))
        if patient.data.city:
            facts.append(patient.data.city)
        heading.addWidget(hint_label(" · ".join(facts), page, name="patient_facts_label"))
        self.sync_badge: QLabel | None = None
        if getattr(services, "sync", None) is not None and services.settings.sync_overview(
        ).server_set:
            # The sync part's per-record status (waiting / sent / rejected and why), said
            # of the regional server; with no server set nothing is ever sent, so a bare
            # "En attente d'envoi" would only puzzle (audit).
            from icope_desktop.store.records import EntityKind
            from icope_desktop.ui.sync.record_status import RecordSyncBadge

            row = QHBoxLayout()
            row.addWidget(hint_label(_("Serveur régional :"), page, name="sync_badge_label"))
            self.sync_badge = RecordSyncBadge(services.sync, page)
            self.sync_badge.show_record(EntityKind.PATIENT, patient_id)
            row.addWidget(self.sync_badge, 1)
            heading.addLayout(row)
        top.addLayout(heading, 1)
        self.edit_button = BigButton(_("Modifier le dossier"), page, name="edit_button")
        self.edit_button.clicked.connect(lambda: self.edit_requested.emit(self.patient_id))
        top.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignTop)
        draft = file.in_progress
        label = (
            _("Reprendre la visite en cours (commencée le {day})").format(
                day=format_date(draft.performed_on)
            )
            if draft is not None
            else _("Nouvelle visite (étape 1)")
        )
        self.new_visit_button = BigButton(label, page, primary=True, name="new_visit_button")
        if draft is not None:
            self.new_visit_button.setToolTip(
                _("Une visite non terminée existe déjà : elle est rouverte plutôt qu'une "
                  "seconde visite identique.")
            )
        self.new_visit_button.clicked.connect(self._on_new_visit_clicked)
        top.addWidget(self.new_visit_button, 0, Qt.AlignmentFlag.AlignTop)
        col.addLayout(top)

        eligibility = file.eligibility
        if eligibility.eligible is not True:
            banner = Card(parent=page, role="warning", name="eligibility_banner")
            label = QLabel(eligibility.explanation(saved=True), banner)
            label.setWordWrap(True)
            banner.body.addWidget(label)
            col.addWidget(banner)
        if patient.data.consent_given is not True:
            consent = Card(parent=page, role="info", name="consent_banner")
            consent.body.addWidget(
                QLabel(
                    _(
                        "Consentement au programme non enregistré : recueillez-le avant la "
                        "visite (Modifier le dossier)."
                    ),
                    consent,
                    wordWrap=True,
                )
            )
            col.addWidget(consent)

        # GP and contact details side by side, then the history at full width (its
        # charts need the room).
        cards = QHBoxLayout()
        cards.setSpacing(16)
        cards.addWidget(self._gp_card(page, file.gp), 1)
        cards.addWidget(self._contact_card(page, patient), 1)
        col.addLayout(cards)

        # The visit part's history: every visit (drafts included, to resume) and trends.
        from icope_desktop.ui.visit import PatientHistory

        history = Card(parent=page, name="history_card")
        self.history: PatientHistory | None = None
        if not file.visits:
            # Nothing to chart yet: one sentence rather than an empty table and two
            # empty charts (seen on the screenshots).
            history.body.addWidget(
                hint_label(
                    _(
                        "Aucune visite pour l'instant : commencez par « Nouvelle visite "
                        "(étape 1) »."
                    ),
                    history,
                    name="no_visit_label",
                )
            )
        else:
            self.history = PatientHistory(services, patient_id, history)
            self.history.visit_opened.connect(self.visit_requested.emit)
            history.body.addWidget(self.history)
        col.addWidget(history)
        col.addStretch(1)
        # A visit starts from here: load what its first paint needs meanwhile.
        visits = services.visits
        self.tasks.start(Task(lambda progress, cancel: visits.warm_up(), name="visit-warm-up"))

    def _gp_card(self, parent: QWidget, gp: Any) -> Card:
        card = Card(_("Médecin traitant"), parent, name="gp_card")
        self.gp_label: QLabel | None = None
        self.gp_editor: GpFormCard | None = None
        if gp is None:
            card.body.addWidget(
                hint_label(
                    _("Aucun médecin traitant renseigné : le courrier de synthèse ne pourra "
                      "pas lui être adressé. Ajoutez-le avec « Modifier le dossier »."),
                    card,
                    name="gp_label",
                )
            )
            return card
        self.gp_label = QLabel(gp_lines(gp), card)
        self.gp_label.setObjectName("gp_label")
        self.gp_label.setWordWrap(True)
        card.body.addWidget(self.gp_label)
        # The letter asks to complete "la fiche du médecin traitant" (RPPS, MSSanté):
        # corrected here, in place (usability walkthrough).
        self.edit_gp_button = BigButton(_("Modifier le médecin"), card, name="edit_gp_button")
        self.edit_gp_button.setToolTip(_("Corriger son RPPS, sa messagerie MSSanté..."))
        self.edit_gp_button.clicked.connect(lambda: self._show_gp_editor(True))
        card.body.addWidget(self.edit_gp_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.gp_editor = GpFormCard(self.services, self.tasks, card)
        self.gp_editor.saved.connect(self._on_gp_saved)
        self.gp_editor.cancelled.connect(lambda: self._show_gp_editor(False))
        self.gp_editor.hide()
        card.body.addWidget(self.gp_editor)
        card.body.addStretch(1)
        self.gp_id = gp.id
        return card

    def _show_gp_editor(self, on: bool) -> None:
        assert self.gp_editor is not None and self.gp_label is not None
        if on:
            self.gp_editor.start_edit(self.services.patients.get_gp(self.gp_id))
        self.gp_editor.setVisible(on)
        self.gp_label.setVisible(not on)
        self.edit_gp_button.setVisible(not on)
        if on:
            self.gp_editor.focus_first()
        else:
            self.edit_gp_button.setFocus()

    def _on_gp_saved(self, gp_id: Any) -> None:
        assert self.gp_label is not None
        self.gp_label.setText(gp_lines(self.services.patients.get_gp(gp_id)))
        self._show_gp_editor(False)

    @staticmethod
    def _contact_card(parent: QWidget, patient: Any) -> Card:
        card = Card(_("Coordonnées"), parent, name="contact_card")
        data = patient.data
        town = " ".join(part for part in (data.postal_code, data.city) if part)
        address = ", ".join(part for part in (data.address, town) if part)
        lines = [address or _("Adresse non renseignée")]
        if data.phone:
            lines.append(_("tél. {phone}").format(phone=data.phone))
        label = QLabel("\n".join(lines), card)
        label.setObjectName("contact_label")
        label.setWordWrap(True)
        card.body.addWidget(label)
        card.body.addStretch(1)
        return card

    def focus_first(self) -> None:
        self.new_visit_button.setFocus()

    def _on_new_visit_clicked(self) -> None:
        if self.starting:
            return
        visits = self.services.visits
        patients = self.services.patients
        patient_id = self.patient_id

        def resume_or_start(progress: Any, cancel: Any) -> Any:
            # Read again now: a draft started since this page was built is resumed too.
            draft = patients.visit_in_progress(patient_id)
            return draft.id if draft is not None else visits.start_visit(patient_id)

        task = Task(resume_or_start, name="start-visit")
        task.succeeded.connect(self._on_visit_started)
        task.failed.connect(self._on_visit_failed)
        self.starting = True
        self.new_visit_button.setEnabled(False)
        self.tasks.start(task)

    def _on_visit_started(self, visit_id: Any) -> None:
        self.starting = False
        self.new_visit_button.setEnabled(True)
        self.visit_requested.emit(visit_id)

    def _on_visit_failed(self, error: BaseException) -> None:
        self.starting = False
        self.new_visit_button.setEnabled(True)
        ErrorDialog.show_message(self, *user_message(error))
