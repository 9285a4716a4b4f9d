"""The PHQ-9 item-9 urgent notice: a red banner and, the first time, a modal dialog.

Clinical spec §3.6 and §4: item 9 ≥ 1 raises ALERT_SUICIDE_RISK (urgent) whatever the
total, with four actions, and "the alert cannot be dismissed without a documented
action". The dialog therefore has no way out but recording at least one action taken
(or a note saying what was done): Escape and the window's close button do nothing. The
one other way out is "Corriger la réponse", for a mis-typed answer (usability audit 3):
it records nothing and asks the page to take item 9's answer back, so the alert itself
goes away rather than being dismissed. The alert's message and recommended actions are
the screening core's own texts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from icope_desktop.i18n import _, current_language
from icope_desktop.screening import Alert
from icope_desktop.services.visits import URGENT_ACTIONS, UrgentActionRecord
from icope_desktop.ui.visit.theme import TARGET


def _numbered_lines(text: str) -> str:
    """The core's action text "1. … 2. …" one step per line."""
    out = text
    for n in range(2, 10):
        out = out.replace(f" {n}. ", f"\n{n}. ")
    return out


class UrgentActionDialog(QDialog):
    """Modal; closes only once an action taken is recorded (`recorded` emitted), or when
the answer was a mistake (`correction_requested`: the page clears item 9)."""

    recorded = Signal(object)  # UrgentActionRecord
    correction_requested = Signal()

    def __init__(
        self,
        alert: Alert,
        clock: Callable[[], datetime],
        previous: UrgentActionRecord | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("urgent_dialog")
        self._clock = clock
        self.record: UrgentActionRecord | None = None
        self.corrected = False
        lang = current_language()
        self.setWindowTitle(_("Alerte urgente : risque suicidaire"))
        self.setModal(True)
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        self.setMinimumWidth(620)
        title = QLabel(_("ALERTE URGENTE — PHQ-9 question 9"), self)
        title.setStyleSheet(
            "background: #b3261e; color: white; font-size: 14pt; font-weight: bold;"
            " padding: 8px; border-radius: 6px;"
        )
        message = QLabel(alert.message.get(lang), self)
        message.setWordWrap(True)
        message.setStyleSheet("font-weight: bold;")
        actions = QLabel(_numbered_lines(alert.action.get(lang)) if alert.action else "", self)
        actions.setObjectName("actions_label")
        actions.setWordWrap(True)
        prompt = QLabel(_("Actions réalisées (au moins une, ou une précision) :"), self)
        self.action_boxes: dict[str, QCheckBox] = {}
        layout = QVBoxLayout(self)
        for widget in (title, message, actions, prompt):
            layout.addWidget(widget)
        for code, label in URGENT_ACTIONS.items():
            box = QCheckBox(label.get(lang), self)
            box.setObjectName(f"action_{code}")
            box.setMinimumHeight(TARGET - 8)
            box.setChecked(previous is not None and code in previous.actions)
            box.toggled.connect(self._update_button)
            self.action_boxes[code] = box
            layout.addWidget(box)
        self.note_edit = QLineEdit(self)
        self.note_edit.setObjectName("note_edit")
        self.note_edit.setPlaceholderText(_("Autre action ou précision (ex. patient accompagné)"))
        self.note_edit.setMinimumHeight(TARGET)
        if previous is not None:
            self.note_edit.setText(previous.note)
        self.note_edit.textChanged.connect(self._update_button)
        layout.addWidget(self.note_edit)
        self.record_button = QPushButton(_("Enregistrer l'action réalisée"), self)
        self.record_button.setObjectName("record_button")
        self.record_button.setProperty("primary", True)
        self.record_button.setMinimumHeight(TARGET + 4)
        self.record_button.setAutoDefault(True)  # Enter presses it, as Space does
        self.record_button.setDefault(True)
        self.record_button.clicked.connect(self._on_record_button_clicked)
        self.correct_button = QPushButton(_("Corriger la réponse"), self)
        self.correct_button.setObjectName("correct_button")
        self.correct_button.setToolTip(
            _(
                "Réponse saisie par erreur : la question 9 redevient sans réponse, "
                "rien n'est consigné."
            )
        )
        self.correct_button.setMinimumHeight(TARGET)
        self.correct_button.setAutoDefault(False)  # Enter records; a correction is deliberate
        self.correct_button.clicked.connect(self._on_correct_button_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.correct_button)
        buttons.addWidget(self.record_button, 1)
        layout.addLayout(buttons)
        self._update_button()

    def chosen_actions(self) -> tuple[str, ...]:
        return tuple(code for code, box in self.action_boxes.items() if box.isChecked())

    def _update_button(self) -> None:
        self.record_button.setEnabled(
            bool(self.chosen_actions()) or bool(self.note_edit.text().strip())
        )

    def _on_record_button_clicked(self) -> None:
        if not self.record_button.isEnabled():
            return
        self.record = UrgentActionRecord(
            self.chosen_actions(), self.note_edit.text().strip(), self._clock()
        )
        self.recorded.emit(self.record)
        self.accept()

    def _on_correct_button_clicked(self) -> None:
        self.corrected = True
        self.correction_requested.emit()
        self.done(QDialog.DialogCode.Rejected.value)

    def reject(self) -> None:
        """Escape: refused until an action is recorded (spec §3.6)."""
        if self.record is not None:
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.record is None and not self.corrected:
            event.ignore()
            return
        super().closeEvent(event)


class UrgentBanner(QFrame):
    """Red banner at the top of the PHQ-9 form and of the summary."""

    record_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("urgent_banner")
        self.text_label = QLabel(self)
        self.text_label.setObjectName("text_label")
        self.text_label.setWordWrap(True)
        self.record_button = QPushButton(self)
        self.record_button.setObjectName("record_button")
        self.record_button.setMinimumHeight(TARGET)
        self.record_button.setAutoDefault(True)  # Enter presses it, as Space does
        self.record_button.clicked.connect(self.record_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.text_label, 1)
        layout.addWidget(self.record_button)
        self.setVisible(False)

    def show_alert(self, alert: Alert, record: UrgentActionRecord | None) -> None:
        lang = current_language()
        lines = ["⚠ " + alert.message.get(lang)]
        if record is None:
            if alert.action is not None:
                lines.append(alert.action.get(lang))
            self.record_button.setText(_("Consigner l'action réalisée"))
        else:
            done = record.describe().get(lang)
            lines.append(_("Action consignée : {actions}").format(actions=done))
            self.record_button.setText(_("Compléter"))
        self.text_label.setText("\n".join(lines))
        self.setVisible(True)
