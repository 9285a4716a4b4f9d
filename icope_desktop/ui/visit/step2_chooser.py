"""Between Step 1 and the summary: which Step 2 tests to do now.

The tests `evaluate_visit(...).proposed_step2` proposes (one per capacity altered at
Step 1, the full MNA after an MNA-SF ≤ 11) are ticked; the practitioner may add any other
or untick any (issue 4: "the user may add or skip any"). A test that already holds
answers stays in the visit (its answers are never thrown away).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from icope_desktop.i18n import _, current_language
from icope_desktop.screening import DomainStatus, VisitEvaluation, get_instrument
from icope_desktop.screening.pathways import FOLLOW_UP_BY_INSTRUMENT
from icope_desktop.services.visits import STEP2_ORDER
from icope_desktop.ui.visit.theme import STATUS_COLOURS, TARGET


class Step2Chooser(QWidget):
    selection_changed = Signal(list)  # instrument ids, in STEP2_ORDER
    start_requested = Signal()
    summary_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("step2_chooser")
        lang = current_language()
        title = QLabel(_("Étape 2 (évaluation approfondie) : choix des tests"), self)
        title.setProperty("role", "section")
        intro = QLabel(
            _(
                "Les tests des capacités altérées à l'étape 1 sont proposés et cochés. "
                "Ajoutez ou retirez ceux que vous ferez aujourd'hui ; rien n'est obligatoire."
            ),
            self,
        )
        intro.setWordWrap(True)
        card = QFrame(self)
        card.setProperty("card", True)
        card_layout = QVBoxLayout(card)
        self.boxes: dict[str, QCheckBox] = {}
        self.reason_labels: dict[str, QLabel] = {}
        for instrument_id in STEP2_ORDER:
            instrument = get_instrument(instrument_id)
            line = QHBoxLayout()
            box = QCheckBox(instrument.title.get(lang), card)
            box.setObjectName(f"choose_{instrument_id}")
            box.setMinimumHeight(TARGET)
            box.setMinimumWidth(300)
            box.toggled.connect(self._on_box_toggled)
            reason = QLabel(card)
            reason.setObjectName(f"reason_{instrument_id}")
            reason.setWordWrap(True)
            line.addWidget(box)
            line.addWidget(reason, 1)
            card_layout.addLayout(line)
            self.boxes[instrument_id] = box
            self.reason_labels[instrument_id] = reason
        self.start_button = QPushButton(_("Commencer les tests cochés"), self)
        self.start_button.setObjectName("start_button")
        self.start_button.setProperty("primary", True)
        self.start_button.setMinimumHeight(TARGET + 4)
        self.start_button.setAutoDefault(True)  # Enter presses it, as Space does
        self.start_button.clicked.connect(self.start_requested)
        self.summary_button = QPushButton(_("Passer à la synthèse"), self)
        self.summary_button.setObjectName("summary_button")
        self.summary_button.setMinimumHeight(TARGET + 4)
        self.summary_button.setAutoDefault(True)  # Enter presses it, as Space does
        self.summary_button.clicked.connect(self.summary_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.summary_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addWidget(card)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self._updating = False

    def selected(self) -> list[str]:
        return [i for i in STEP2_ORDER if self.boxes[i].isChecked()]

    def show_state(
        self,
        evaluation: VisitEvaluation,
        selected: list[str],
        locked: set[str],
        read_only: bool = False,
    ) -> None:
        """Tick `selected`; explain why each test is proposed; lock tests with answers."""
        lang = current_language()
        self._updating = True
        for instrument_id, box in self.boxes.items():
            box.setChecked(instrument_id in selected or instrument_id in locked)
            box.setEnabled(not read_only and instrument_id not in locked)
            reason = self.reason_labels[instrument_id]
            text, colour = self._reason(instrument_id, evaluation, instrument_id in locked, lang)
            reason.setText(text)
            reason.setStyleSheet(f"color: {colour};")
        self._updating = False
        self.start_button.setEnabled(bool(self.selected()) and not read_only)

    @staticmethod
    def _reason(
        instrument_id: str, evaluation: VisitEvaluation, locked: bool, lang: str
    ) -> tuple[str, str]:
        domain = get_instrument(instrument_id).domain
        status = evaluation.step1_domains.get(domain) if domain else None
        if locked:
            return _("Commencé : contient des réponses"), "#333333"
        if instrument_id in evaluation.proposed_step2:
            if instrument_id in FOLLOW_UP_BY_INSTRUMENT.values():
                return _("Proposé : le test de dépistage est altéré"), STATUS_COLOURS[
                    DomainStatus.ALTERED
                ]
            assert domain is not None
            return (
                _("Proposé : {capacity} altérée à l'étape 1").format(
                    capacity=domain.label.get(lang)  # type: ignore[arg-type]
                ),
                STATUS_COLOURS[DomainStatus.ALTERED],
            )
        if status is DomainStatus.NOT_EVALUATED:
            return _("Capacité non évaluée à l'étape 1"), "#6b6b6b"
        return _("Non proposé (à ajouter si besoin)"), "#6b6b6b"

    def _on_box_toggled(self, _checked: bool) -> None:
        if self._updating:
            return
        self.start_button.setEnabled(bool(self.selected()))
        self.selection_changed.emit(self.selected())

    def focus_first(self) -> None:
        target = self.start_button if self.start_button.isEnabled() else self.summary_button
        target.setFocus(Qt.FocusReason.OtherFocusReason)
