"""The alerts inbox: three outcomes, none forced (CONTEXT.md; issue 7).

Confirm (a Step 2 visit is started with the proposed tests), invalidate (with an exit
reason: the patient leaves the follow-up), or keep open with a note and a reminder date.
An alert whose person is not linked to a local file first offers the candidate files
("Lier à ce dossier") or a new file ("Créer un nouveau dossier"); a final decision waits
for that, keeping it open never does.

Confirming and invalidating are final once sent (protocol §5.3) and bill the alert act,
so each asks once, in a `DecisionDialog` that spells out what will happen; keeping an
alert open can be changed later and asks nothing.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from icope_desktop.i18n import Text, _, current_language
from icope_desktop.screening import Domain
from icope_desktop.screening.pathways import SHORT_NAMES
from icope_desktop.services.alerts import AlertsService, InboxAlert
from icope_desktop.store.errors import StoreError
from icope_desktop.sync.errors import SyncError
from icope_desktop.sync.fhir_tasks import EXIT_REASON_LABELS
from icope_desktop.ui.shell.dialogs import ConfirmDialog
from icope_desktop.ui.shell.wording import alert_source_label
from icope_desktop.ui.sync.messages import error_text, text


class DecisionDialog(ConfirmDialog):
    """The consequences of a final decision, with the decision in the button's words
    (a classmethod seam, `DecisionDialog.ask`, that tests replace)."""

    def __init__(
        self, parent: QWidget | None, title: str, text: str, ok: str, cancel: str
    ) -> None:
        super().__init__(parent, title, text, ok, cancel)
        self.setObjectName("decision_dialog")
        heading = QLabel(title, self)
        heading.setProperty("role", "section")
        layout = self.layout()
        if isinstance(layout, QVBoxLayout):
            layout.insertWidget(0, heading)


FINAL_NOTICE = Text(
    fr="L'acte « traitement d'une alerte » est facturé. Une fois envoyée au serveur, la "
    "décision est définitive.",
    en="The \"alert handling\" act is billed. Once sent to the server, the decision is final.",
)


def _domains(alert: InboxAlert) -> str:
    labels = [Domain(d).label.get(current_language()) for d in alert.task.altered_domains
              if d in {x.value for x in Domain}]
    return ", ".join(labels)


class AlertsInbox(QWidget):
    visit_started = Signal(object)  # VisitId of the Step 2 visit a confirmation started
    alerts_changed = Signal()

    def __init__(self, alerts: AlertsService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.alerts = alerts
        self.items: list[InboxAlert] = []
        self.current: InboxAlert | None = None
        self.link_buttons: list[QPushButton] = []

        self.alert_list = QListWidget(self)
        self.alert_list.setObjectName("alert_list")
        # two lines per alert (who; what and when), wrapped, never a sideways scroll
        self.alert_list.setWordWrap(True)
        self.alert_list.setSpacing(2)
        self.alert_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.empty_label = QLabel(_("Aucune alerte à traiter."), self)
        self.empty_label.setObjectName("empty_label")

        self.title_label = QLabel(self)
        self.title_label.setObjectName("title_label")
        self.title_label.setWordWrap(True)
        self.title_label.setProperty("role", "section")
        self.details_label = QLabel(self)
        self.details_label.setObjectName("details_label")
        self.details_label.setWordWrap(True)
        self.message_label = QLabel(self)
        self.message_label.setObjectName("message_label")
        self.message_label.setWordWrap(True)

        self.link_box = QGroupBox(_("Dossier du patient"), self)
        self.link_layout = QVBoxLayout(self.link_box)
        self.create_file_button = QPushButton(_("Créer un nouveau dossier"), self.link_box)
        self.create_file_button.setObjectName("create_file_button")

        decide = QGroupBox(_("Décision"), self)
        self.confirm_button = QPushButton(_("Confirmer : planifier l'étape 2"), decide)
        self.confirm_button.setObjectName("confirm_button")
        self.confirm_button.setProperty("primary", True)
        self.reason_combo = QComboBox(decide)
        self.reason_combo.setObjectName("reason_combo")
        for code, label in EXIT_REASON_LABELS.items():
            self.reason_combo.addItem(label.get(current_language()), code)
        self.reason_edit = QLineEdit(decide)
        self.reason_edit.setObjectName("reason_edit")
        self.reason_edit.setPlaceholderText(_("Précision (facultative)"))
        self.invalidate_button = QPushButton(_("Invalider : sortie du suivi"), decide)
        self.invalidate_button.setObjectName("invalidate_button")
        self.note_edit = QPlainTextEdit(decide)
        self.note_edit.setObjectName("note_edit")
        self.note_edit.setPlaceholderText(_("Note : ce qui reste à faire"))
        self.note_edit.setMaximumHeight(80)
        self.reminder_check = QCheckBox(_("Me le rappeler le"), decide)
        self.reminder_check.setObjectName("reminder_check")
        self.reminder_edit = QDateEdit(decide)
        self.reminder_edit.setObjectName("reminder_edit")
        self.reminder_edit.setCalendarPopup(True)
        self.reminder_edit.setDisplayFormat("dd/MM/yyyy")
        self.reminder_edit.setDate(QDate.currentDate().addDays(7))
        self.keep_open_button = QPushButton(_("Garder ouverte"), decide)
        self.keep_open_button.setObjectName("keep_open_button")

        grid = QGridLayout(decide)
        grid.addWidget(self.confirm_button, 0, 0, 1, 3)
        grid.addWidget(self.reason_combo, 1, 0)
        grid.addWidget(self.reason_edit, 1, 1)
        grid.addWidget(self.invalidate_button, 1, 2)
        grid.addWidget(self.note_edit, 2, 0, 1, 3)
        grid.addWidget(self.reminder_check, 3, 0)
        grid.addWidget(self.reminder_edit, 3, 1)
        grid.addWidget(self.keep_open_button, 3, 2)
        hint = QLabel(_("Aucune décision n'est obligatoire : une alerte peut rester ouverte."),
                      decide)
        hint.setWordWrap(True)
        grid.addWidget(hint, 4, 0, 1, 3)

        detail = QVBoxLayout()
        detail.addWidget(self.title_label)
        detail.addWidget(self.details_label)
        detail.addWidget(self.link_box)
        detail.addWidget(decide)
        detail.addWidget(self.message_label)
        detail.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(self.empty_label)
        left.addWidget(self.alert_list)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 2)
        layout.addLayout(detail, 3)

        self.alert_list.currentRowChanged.connect(self._on_alert_list_row_changed)
        self.create_file_button.clicked.connect(self._on_create_file_clicked)
        self.confirm_button.clicked.connect(self._on_confirm_clicked)
        self.invalidate_button.clicked.connect(self._on_invalidate_clicked)
        self.keep_open_button.clicked.connect(self._on_keep_open_clicked)
        self.refresh()

    # --- listing -----------------------------------------------------------------------

    def refresh(self, keep: object | None = None) -> None:
        keep = keep if keep is not None else (self.current.id if self.current else None)
        self.items = self.alerts.inbox()
        self.alert_list.blockSignals(True)
        self.alert_list.clear()
        row = 0
        for index, alert in enumerate(self.items):
            label = (alert.patient_name or alert.person_name or _("Identité inconnue")) + "\n"
            label += _("{count} capacité(s) altérée(s) — alerte du {day}").format(
                count=len(alert.task.altered_domains),
                day=alert.task.raised_on.strftime("%d/%m/%Y"),
            )
            if alert.task.reminder_on:
                label += "\n" + _("rappel le {day}").format(
                    day=alert.task.reminder_on.strftime("%d/%m/%Y"))
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, str(alert.id))
            self.alert_list.addItem(item)
            if alert.id == keep:
                row = index
        self.alert_list.blockSignals(False)
        self.empty_label.setVisible(not self.items)
        if self.items:
            self.alert_list.setCurrentRow(row)
            self._show(self.items[row])
        else:
            self._show(None)

    def _on_alert_list_row_changed(self, row: int) -> None:
        self._show(self.items[row] if 0 <= row < len(self.items) else None)

    def select(self, row: int) -> None:
        self.alert_list.setCurrentRow(row)

    def show_alert(self, alert_id: object) -> None:
        """Open on this alert (the home's alert lines lead here)."""
        for row, alert in enumerate(self.items):
            if alert.id == alert_id:
                self.select(row)
                return

    def _show(self, alert: InboxAlert | None) -> None:
        self.current = alert
        self.message_label.setText("")
        self.link_buttons = []
        while self.link_layout.count():
            item = self.link_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None and widget is not self.create_file_button:
                widget.deleteLater()
        enabled = alert is not None
        for widget in (self.confirm_button, self.invalidate_button, self.keep_open_button,
                       self.reason_combo, self.reason_edit, self.note_edit):
            widget.setEnabled(enabled)
        if alert is None:
            self.title_label.setText("")
            self.details_label.setText("")
            self.link_box.hide()
            return
        who = alert.patient_name or alert.person_name or _("Identité inconnue")
        born = alert.birth_date.strftime("%d/%m/%Y") if alert.birth_date else "?"
        self.title_label.setText(_("{name}, né(e) le {born}").format(name=who, born=born))
        tests = ", ".join(SHORT_NAMES[t].get(current_language()) for t in alert.proposed_step2
                          if t in SHORT_NAMES)
        details = [
            _("Étape 1 du {date} ({source})").format(
                date=alert.task.raised_on.strftime("%d/%m/%Y"),
                source=alert_source_label(alert.task.source),
            ),
            _("Capacités altérées : {domains}").format(domains=_domains(alert)),
            _("Étape 2 proposée : {tests}").format(tests=tests or "—"),
        ]
        if alert.task.decision_note:
            details.append(_("Note : {note}").format(note=alert.task.decision_note))
        if alert.sync_reason is not None:
            details.append(_("Refusé par le serveur : {reason}").format(
                reason=text(alert.sync_reason)))
        self.details_label.setText("\n".join(details))
        self.note_edit.setPlainText(alert.task.decision_note or "")
        self.link_box.setVisible(alert.needs_link)
        if alert.needs_link:
            intro = QLabel(
                _("Ce patient n'est pas encore relié à un dossier. Dossiers qui lui ressemblent :")
                if alert.candidates else _("Aucun dossier local ne lui ressemble."),
                self.link_box,
            )
            intro.setWordWrap(True)
            self.link_layout.addWidget(intro)
            for index, candidate in enumerate(alert.candidates):
                reasons = ", ".join(text(r) for r in candidate.reasons)
                button = QPushButton(
                    _("Lier à ce dossier : {name} ({born}) — {reasons}").format(
                        name=candidate.name, born=candidate.birth_date.strftime("%d/%m/%Y"),
                        reasons=reasons),
                    self.link_box,
                )
                button.setObjectName(f"link_button_{index}")
                button.clicked.connect(
                    lambda _checked=False, pid=candidate.patient_id: self._on_link_clicked(pid)
                )
                self.link_buttons.append(button)
                self.link_layout.addWidget(button)
            self.link_layout.addWidget(self.create_file_button)
        self.confirm_button.setEnabled(not alert.needs_link)
        self.invalidate_button.setEnabled(not alert.needs_link)
        if alert.needs_link:
            self.confirm_button.setToolTip(_("Reliez d'abord l'alerte à un dossier."))
            self.invalidate_button.setToolTip(_("Reliez d'abord l'alerte à un dossier."))

    # --- actions -----------------------------------------------------------------------

    def _run(self, action: object, done_message: str) -> bool:
        alert = self.current
        if alert is None:
            return False
        try:
            action()  # type: ignore[operator]
        except (SyncError, StoreError) as error:
            self.message_label.setText(error_text(error))
            return False
        self.refresh(keep=alert.id)
        self.message_label.setText(done_message)
        self.alerts_changed.emit()
        return True

    def _on_link_clicked(self, patient_id: object) -> None:
        alert = self.current
        assert alert is not None
        self._run(lambda: self.alerts.link_patient(alert.id, patient_id),  # type: ignore[arg-type]
                  _("Alerte reliée au dossier."))

    def _on_create_file_clicked(self) -> None:
        alert = self.current
        if alert is not None:
            self._run(lambda: self.alerts.create_patient_from_alert(alert.id),
                      _("Dossier créé à partir de l'alerte."))

    def _who(self, alert: InboxAlert) -> str:
        return alert.patient_name or alert.person_name or _("Identité inconnue")

    def _on_confirm_clicked(self) -> None:
        alert = self.current
        if alert is None:
            return
        tests = ", ".join(SHORT_NAMES[t].get(current_language()) for t in alert.proposed_step2
                          if t in SHORT_NAMES) or "—"
        if not DecisionDialog.ask(
            self,
            _("Confirmer l'alerte"),
            _("{name} : l'alerte est confirmée et une visite d'étape 2 est préparée avec : "
              "{tests}.").format(name=self._who(alert), tests=tests)
            + "\n\n" + text(FINAL_NOTICE),
            _("Confirmer et préparer l'étape 2"),
        ):
            return
        started: list[object] = []
        note = self.note_edit.toPlainText().strip() or None
        if self._run(lambda: started.append(self.alerts.confirm(alert.id, note)),
                     _("Alerte confirmée : la visite d'étape 2 est prête.")):
            self.visit_started.emit(started[0])

    def _on_invalidate_clicked(self) -> None:
        alert = self.current
        if alert is not None:
            reason = str(self.reason_combo.currentData())
            detail = self.reason_edit.text().strip()
            why = self.reason_combo.currentText() + (f" ({detail})" if detail else "")
            if not DecisionDialog.ask(
                self,
                _("Invalider l'alerte"),
                _("{name} sort du suivi ICOPE. Motif : {reason}.").format(
                    name=self._who(alert), reason=why)
                + "\n\n" + text(FINAL_NOTICE),
                _("Invalider l'alerte"),
            ):
                return
            self._run(
                lambda: self.alerts.invalidate(alert.id, reason, self.reason_edit.text()),
                _("Alerte invalidée : le patient sort du suivi."),
            )

    def _on_keep_open_clicked(self) -> None:
        alert = self.current
        if alert is None:
            return
        reminder: date | None = None
        if self.reminder_check.isChecked():
            picked = self.reminder_edit.date()
            reminder = date(picked.year(), picked.month(), picked.day())
        self._run(
            lambda: self.alerts.keep_open(alert.id, self.note_edit.toPlainText(), reminder),
            _("Alerte gardée ouverte."),
        )
