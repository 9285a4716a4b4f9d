"""One patient's file: identity, GP, visits, and the button that starts a Step 1.

The visit flow itself belongs to the visit part (`ui/visit`); this page lists the visits
the store holds (drafts first, to resume), starts a new one through
`services.visits.start_visit`, and keeps `history_area` for the visit part's history and
trend widget.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from icope_desktop.i18n import _
from icope_desktop.services.patients import display_name, format_date
from icope_desktop.ui.shell.dialogs import ErrorDialog
from icope_desktop.ui.shell.errors import user_message
from icope_desktop.ui.shell.wording import born_on, record_status_label, visit_kind_label
from icope_desktop.ui.tasks import Task, TaskRunner
from icope_desktop.ui.widgets.buttons import BigButton
from icope_desktop.ui.widgets.labels import Card, hint_label, title_label
from icope_desktop.ui.widgets.page import ScrollColumn

ROLE = Qt.ItemDataRole.UserRole


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
        if patient.data.phone:
            facts.append(_("tél. {phone}").format(phone=patient.data.phone))
        heading.addWidget(hint_label(" · ".join(facts), page, name="patient_facts_label"))
        top.addLayout(heading, 1)
        self.edit_button = BigButton(_("Modifier le dossier"), page, name="edit_button")
        self.edit_button.clicked.connect(lambda: self.edit_requested.emit(self.patient_id))
        top.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignTop)
        self.new_visit_button = BigButton(
            _("Nouvelle visite (Step 1)"), page, primary=True, name="new_visit_button"
        )
        self.new_visit_button.clicked.connect(self._on_new_visit_clicked)
        top.addWidget(self.new_visit_button, 0, Qt.AlignmentFlag.AlignTop)
        col.addLayout(top)

        eligibility = file.eligibility
        if eligibility.eligible is not True:
            banner = Card(parent=page, role="warning", name="eligibility_banner")
            label = QLabel(eligibility.explanation(), banner)
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

        columns = QHBoxLayout()
        columns.setSpacing(16)
        left = QVBoxLayout()
        right = QVBoxLayout()
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)
        col.addLayout(columns, 1)

        visits = Card(_("Visites"), page, name="visits_card")
        self.visits_list = QListWidget(visits)
        self.visits_list.setObjectName("visits_list")
        self.visits_list.setMinimumHeight(180)
        ordered = sorted(file.visits, key=lambda v: (v.status != "draft",))
        for visit in ordered:
            text = _("{date} · {kind} · {status}").format(
                date=format_date(visit.performed_on),
                kind=visit_kind_label(visit.kind),
                status=record_status_label(visit.status),
            )
            if visit.version > 1:
                text += " · " + _("version {n}").format(n=visit.version)
            if visit.status == "draft":
                text += " — " + _("reprendre")
            item = QListWidgetItem(text)
            item.setData(ROLE, visit.id)
            self.visits_list.addItem(item)
        if not file.visits:
            empty = QListWidgetItem(
                _("Aucune visite pour l'instant : commencez par « Nouvelle visite (Step 1) ».")
            )
            empty.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.visits_list.addItem(empty)
        self.visits_list.itemActivated.connect(self._on_visit_item_activated)
        self.visits_list.itemClicked.connect(self._on_visit_item_activated)
        visits.body.addWidget(self.visits_list, 1)
        left.addWidget(visits, 1)
        self.history_area = QWidget(page)
        self.history_area.setObjectName("history_area")
        self.history_layout = QVBoxLayout(self.history_area)
        self.history_layout.setContentsMargins(0, 0, 0, 0)
        left.addWidget(self.history_area)

        gp_card = Card(_("Médecin traitant"), page, name="gp_card")
        gp = file.gp
        if gp is None:
            gp_card.body.addWidget(
                hint_label(
                    _("Aucun médecin traitant renseigné : le courrier de synthèse ne pourra "
                      "pas lui être adressé. Ajoutez-le avec « Modifier le dossier »."),
                    gp_card,
                    name="gp_label",
                )
            )
        else:
            lines = [f"{gp.data.last_name.upper()} {gp.data.first_name}"]
            if gp.data.rpps:
                lines.append(_("RPPS {rpps}").format(rpps=gp.data.rpps))
            if gp.data.email:
                lines.append(gp.data.email)
            if gp.data.phone:
                lines.append(gp.data.phone)
            label = QLabel("\n".join(lines), gp_card)
            label.setObjectName("gp_label")
            label.setWordWrap(True)
            gp_card.body.addWidget(label)
        right.addWidget(gp_card)
        contact = Card(_("Coordonnées"), page, name="contact_card")
        address = ", ".join(
            part
            for part in (
                patient.data.address,
                " ".join(p for p in (patient.data.postal_code, patient.data.city) if p),
            )
            if part
        )
        contact.body.addWidget(
            QLabel(address or _("Adresse non renseignée"), contact, wordWrap=True)
        )
        right.addWidget(contact)
        right.addStretch(1)

    def focus_first(self) -> None:
        self.new_visit_button.setFocus()

    def set_history_widget(self, widget: QWidget) -> None:
        """Where the visit part's history and trend widget goes."""
        self.history_layout.addWidget(widget)

    def _on_visit_item_activated(self, item: QListWidgetItem) -> None:
        visit_id = item.data(ROLE)
        if visit_id is not None:
            self.visit_requested.emit(visit_id)

    def _on_new_visit_clicked(self) -> None:
        if self.starting:
            return
        visits = self.services.visits
        patient_id = self.patient_id
        task = Task(lambda progress, cancel: visits.start_visit(patient_id), name="start-visit")
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
