"""The visit summary: capacities, alerts (urgent first), Step 2 results, the care plan the
practitioner accepts, edits or adds to, the next follow-up, and Finalize.

Everything shown comes from `VisitService.picture()` (the engine's `score` and
`evaluate_visit` on the saved answers); the care-plan lines come from the evaluation's
recommendations (clinical spec §5) merged with what the practitioner changed.
"""

from __future__ import annotations

import html
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from icope_desktop.i18n import _, current_language
from icope_desktop.screening import Alert, Domain, DomainStatus, Severity, get_instrument
from icope_desktop.services.visits import (
    GENERAL_DOMAIN,
    STEP1,
    Picture,
    PlanLine,
    UrgentActionRecord,
    next_custom_code,
)
from icope_desktop.ui.visit.live_score import derived_facts
from icope_desktop.ui.visit.theme import SEVERITY_COLOURS, STATUS_COLOURS, TARGET
from icope_desktop.ui.visit.urgent import UrgentBanner


def _card(title: str, parent: QWidget) -> tuple[QFrame, QVBoxLayout]:
    card = QFrame(parent)
    card.setProperty("card", True)
    layout = QVBoxLayout(card)
    layout.setContentsMargins(12, 8, 12, 10)
    label = QLabel(title, card)
    label.setProperty("role", "section")
    layout.addWidget(label)
    return card, layout


def _clear(layout: QVBoxLayout | QGridLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget()
        if widget is not None:
            widget.deleteLater()
        elif item.layout() is not None:
            _clear(item.layout())  # type: ignore[arg-type]


def domain_name(code: str) -> str:
    if code == GENERAL_DOMAIN:
        return _("Général")
    try:
        return Domain(code).label.get(current_language())
    except ValueError:
        return code


def alert_html(alert: Alert) -> str:
    """The alert with its priority as a coloured tag ("Priorité : élevée"), not the raw
    bracketed level ("[élevée]", "[URGENTE]") the audit found hard to read."""
    lang = current_language()
    level = _("Priorité : {level}").format(level=alert.severity.label.get(lang).lower())
    colour = SEVERITY_COLOURS[alert.severity]
    tag = (
        f'<span style="background-color: {colour}; color: #ffffff; font-weight: bold;">'
        f"&nbsp;{html.escape(level)}&nbsp;</span>"
    )
    return f"{tag}&nbsp; {html.escape(alert.message.get(lang))}"


class PlanLineEditor(QWidget):
    """One care-plan line: ticked or not, its wording editable."""

    changed = Signal()

    def __init__(self, line: PlanLine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.line = line
        self.setObjectName(f"plan_{line.code}")
        self.accept_box = QCheckBox(self)
        self.accept_box.setObjectName("accept_box")
        self.accept_box.setChecked(line.accepted)
        self.accept_box.setMinimumSize(TARGET - 8, TARGET)
        self.accept_box.setToolTip(_("Retenir cette recommandation dans le plan de soins"))
        self.accept_box.toggled.connect(self._on_changed)
        self.domain_combo = QComboBox(self)
        self.domain_combo.setObjectName("domain_combo")
        for code in (GENERAL_DOMAIN, *(d.value for d in Domain)):
            self.domain_combo.addItem(domain_name(code), code)
        self.domain_combo.setCurrentIndex(max(self.domain_combo.findData(line.domain), 0))
        self.domain_combo.setEnabled(line.is_custom)
        self.domain_combo.setFixedWidth(200)
        self.domain_label = QLabel(domain_name(line.domain), self)
        self.domain_label.setFixedWidth(200)
        self.domain_label.setStyleSheet("color: #555555;")
        self.domain_combo.setVisible(line.is_custom)
        self.domain_label.setVisible(not line.is_custom)
        self.domain_combo.activated.connect(lambda _i: self._on_changed())
        initial = line.text if line.is_custom else line.label().get(current_language())
        self.text_edit = QLineEdit(initial, self)
        self.text_edit.setObjectName("text_edit")
        self.text_edit.setMinimumHeight(TARGET)
        if line.is_custom:
            self.text_edit.setPlaceholderText(_("Votre recommandation"))
        self.text_edit.editingFinished.connect(self._on_changed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.accept_box)
        layout.addWidget(self.domain_combo)
        layout.addWidget(self.domain_label)
        layout.addWidget(self.text_edit, 1)

    def current(self) -> PlanLine:
        typed = self.text_edit.text().strip()
        offered = PlanLine(self.line.code, self.line.domain).label().get(current_language())
        text = typed if (self.line.is_custom or typed != offered) else ""
        return PlanLine(
            self.line.code, self.domain_combo.currentData(), text, self.accept_box.isChecked()
        )

    def set_read_only(self, read_only: bool) -> None:
        self.accept_box.setEnabled(not read_only)
        self.text_edit.setReadOnly(read_only)
        self.domain_combo.setEnabled(not read_only and self.line.is_custom)

    def _on_changed(self) -> None:
        if self.current() != self.line:
            self.line = self.current()
            self.changed.emit()


class SummaryPanel(QWidget):
    finalize_requested = Signal()
    amend_requested = Signal()
    care_plan_changed = Signal(list)  # list[PlanLine]
    follow_up_changed = Signal(object)  # date
    record_urgent_requested = Signal()
    missing_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("summary_panel")
        self.read_only = False
        self.plan_editors: list[PlanLineEditor] = []

        self.urgent_banner = UrgentBanner(self)
        self.urgent_banner.record_requested.connect(self.record_urgent_requested)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("status_label")
        self.status_label.setWordWrap(True)
        self.status_label.setVisible(False)

        scroll = QScrollArea(self)
        scroll.setObjectName("summary_scroll")
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        content = QWidget(scroll)
        self.content_layout = QVBoxLayout(content)
        self.content_layout.setContentsMargins(4, 4, 12, 12)
        self.content_layout.setSpacing(10)

        top = QHBoxLayout()
        capacities, capacities_layout = _card(_("Capacités"), content)
        self.domain_grid = QGridLayout()
        capacities_layout.addLayout(self.domain_grid)
        alerts, alerts_layout = _card(_("Alertes"), content)
        self.alerts_layout = QVBoxLayout()
        alerts_layout.addLayout(self.alerts_layout)
        alerts_layout.addStretch(1)
        top.addWidget(capacities, 1)
        top.addWidget(alerts, 1)
        self.content_layout.addLayout(top)

        results, results_layout = _card(_("Résultats des tests"), content)
        self.results_layout = QVBoxLayout()
        results_layout.addLayout(self.results_layout)
        self.content_layout.addWidget(results)

        plan, plan_layout = _card(_("Plan de soins (recommandations)"), content)
        self.plan_hint = QLabel(
            _("Cochez celles à retenir, modifiez leur texte si besoin, ou ajoutez les vôtres."),
            plan,
        )
        self.plan_hint.setObjectName("plan_hint")
        self.plan_hint.setProperty("role", "help")
        plan_layout.addWidget(self.plan_hint)
        self.plan_layout = QVBoxLayout()
        plan_layout.addLayout(self.plan_layout)
        self.add_line_button = QPushButton(_("+ Ajouter une recommandation"), plan)
        self.add_line_button.setObjectName("add_line_button")
        self.add_line_button.clicked.connect(self._on_add_line_button_clicked)
        plan_layout.addWidget(self.add_line_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.content_layout.addWidget(plan)

        closing, closing_layout = _card(_("Suivi et finalisation"), content)
        follow = QHBoxLayout()
        follow.addWidget(QLabel(_("Prochain repérage (étape 1) le :"), closing))
        self.follow_up_edit = QDateEdit(closing)
        self.follow_up_edit.setObjectName("follow_up_edit")
        self.follow_up_edit.setCalendarPopup(True)
        self.follow_up_edit.setDisplayFormat("dd/MM/yyyy")
        self.follow_up_edit.setMinimumWidth(150)
        self.follow_up_edit.dateChanged.connect(self._on_follow_up_edit_date_changed)
        follow.addWidget(self.follow_up_edit)
        follow_hint = QLabel(
            _("À cette date, le patient apparaîtra dans « Suivis à faire » à l'accueil."),
            closing,
        )
        follow_hint.setProperty("role", "help")
        follow_hint.setWordWrap(True)
        follow.addWidget(follow_hint, 1)
        closing_layout.addLayout(follow)
        self.missing_label = QLabel(closing)
        self.missing_label.setObjectName("missing_label")
        self.missing_label.setWordWrap(True)
        self.missing_button = QPushButton(_("Voir ce qui manque"), closing)
        self.missing_button.setObjectName("missing_button")
        self.missing_button.clicked.connect(self.missing_requested)
        missing_line = QHBoxLayout()
        missing_line.addWidget(self.missing_label, 1)
        missing_line.addWidget(self.missing_button)
        closing_layout.addLayout(missing_line)
        buttons = QHBoxLayout()
        self.finalize_button = QPushButton(_("Finaliser la visite"), closing)
        self.finalize_button.setObjectName("finalize_button")
        self.finalize_button.setMinimumHeight(TARGET + 8)
        self.finalize_button.setAutoDefault(True)  # Enter presses it, as Space does
        self.finalize_button.setMinimumWidth(220)
        self.finalize_button.clicked.connect(self.finalize_requested)
        self.amend_button = QPushButton(_("Corriger (nouvelle version)"), closing)
        self.amend_button.setObjectName("amend_button")
        self.amend_button.setMinimumHeight(TARGET + 8)
        self.amend_button.setAutoDefault(True)  # Enter presses it, as Space does
        self.amend_button.clicked.connect(self.amend_requested)
        buttons.addWidget(self.finalize_button)
        buttons.addWidget(self.amend_button)
        buttons.addStretch(1)
        closing_layout.addLayout(buttons)
        self.content_layout.addWidget(closing)

        self.letters_box = QWidget(content)
        self.letters_box.setObjectName("letters_box")
        self.letters_layout = QVBoxLayout(self.letters_box)
        self.letters_layout.setContentsMargins(0, 0, 0, 0)
        self.content_layout.addWidget(self.letters_box)
        self.content_layout.addStretch(1)
        scroll.setWidget(content)
        self.scroll_area = scroll

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.urgent_banner)
        layout.addWidget(self.status_label)
        layout.addWidget(scroll, 1)
        self._updating = False

    # --- state ---------------------------------------------------------------------

    def show_picture(
        self,
        picture: Picture,
        *,
        plan: list[PlanLine],
        follow_up: date | None,
        urgent: tuple[Alert, UrgentActionRecord | None] | None,
        missing_count: int,
        read_only: bool,
        status_text: str = "",
    ) -> None:
        self.read_only = read_only
        self._updating = True
        lang = current_language()
        evaluation = picture.evaluation
        if urgent is not None:
            self.urgent_banner.show_alert(*urgent)
            self.urgent_banner.record_button.setVisible(not read_only)
        else:
            self.urgent_banner.setVisible(False)
        self.status_label.setText(status_text)
        self.status_label.setVisible(bool(status_text))
        self.status_label.setStyleSheet(
            "background: #e6f2e9; border: 1px solid #1b7f3b; border-radius: 6px; padding: 6px;"
            " font-weight: bold;"
        )

        _clear(self.domain_grid)
        headers = (_("Capacité"), _("Étape 1"), _("Après l'étape 2"), _("Décidé par"))
        for column, text in enumerate(headers):
            header = QLabel(text)
            header.setStyleSheet("font-weight: bold; color: #555555;")
            self.domain_grid.addWidget(header, 0, column)
        for row, domain in enumerate(Domain, start=1):
            step1 = evaluation.step1_domains.get(domain, DomainStatus.NOT_EVALUATED)
            final = evaluation.domains.get(domain, DomainStatus.NOT_EVALUATED)
            by = evaluation.decided_by.get(domain)
            by_text = "" if by is None else (
                _("Étape 1") if by == STEP1 else get_instrument(by).title.get(lang)
            )  # fmt: skip
            name = QLabel(domain.label.get(lang))
            name.setObjectName(f"domain_name_{domain.value}")
            self.domain_grid.addWidget(name, row, 0)
            for column, status in ((1, step1), (2, final)):
                chip = QLabel(status.label.get(lang))
                chip.setObjectName(f"status_{domain.value}_{column}")
                chip.setStyleSheet(f"color: {STATUS_COLOURS[status]}; font-weight: bold;")
                self.domain_grid.addWidget(chip, row, column)
            self.domain_grid.addWidget(QLabel(by_text), row, 3)

        _clear(self.alerts_layout)
        if not evaluation.alerts:
            self.alerts_layout.addWidget(QLabel(_("Aucune alerte.")))
        for alert in evaluation.alerts:
            label = QLabel(alert_html(alert))
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setWordWrap(True)
            weight = "bold" if alert.severity >= Severity.HIGH else "normal"
            colour = SEVERITY_COLOURS[alert.severity]
            label.setStyleSheet(f"color: {colour}; font-weight: {weight};")
            label.setObjectName(f"alert_{alert.code}")
            self.alerts_layout.addWidget(label)

        _clear(self.results_layout)
        shown = [r for k, r in picture.results.items() if k != STEP1]
        if not shown:
            self.results_layout.addWidget(QLabel(_("Aucun test d'étape 2 dans cette visite.")))
        for result in shown:
            text = result.summary(lang).splitlines()[0]
            extra = [result.interpretation.get(lang)] if result.interpretation else []
            extra += derived_facts(result)
            label = QLabel(f"<b>{text}</b><br>{' — '.join(extra)}")
            label.setObjectName(f"result_{result.instrument_id}")
            label.setWordWrap(True)
            self.results_layout.addWidget(label)
        for instrument_id, error in picture.errors.items():
            label = QLabel(
                _("{test} : score indisponible, une saisie est à corriger.").format(
                    test=get_instrument(instrument_id).title.get(lang)
                )
                + " "
                + " ".join(error.messages(lang)[:1])
            )
            label.setWordWrap(True)
            label.setStyleSheet("color: #b3261e;")
            self.results_layout.addWidget(label)

        self._show_plan(plan)
        if follow_up is not None:
            self.follow_up_edit.setDate(QDate(follow_up.year, follow_up.month, follow_up.day))
        self.follow_up_edit.setReadOnly(read_only)
        if missing_count and read_only:
            self.missing_label.setText(
                _("Finalisée avec {count} question(s) sans réponse : le résultat est incomplet.")
                .format(count=missing_count)
            )
            self.missing_label.setStyleSheet("color: #8a5a00; font-weight: 600;")
        elif missing_count:
            self.missing_label.setText(
                _("{count} élément(s) manquant(s) : vous pouvez compléter ou finaliser quand même.")
                .format(count=missing_count)
            )
            self.missing_label.setStyleSheet("color: #8a5a00; font-weight: 600;")
        else:
            self.missing_label.setText(_("Toutes les questions nécessaires sont renseignées."))
            self.missing_label.setStyleSheet("color: #1b7f3b;")
        self.missing_button.setVisible(bool(missing_count) and not read_only)
        self.finalize_button.setVisible(not read_only)
        self.amend_button.setVisible(read_only)
        self.plan_hint.setVisible(not read_only)  # a final plan is not edited here
        self.add_line_button.setVisible(not read_only)
        self._updating = False

    def _show_plan(self, plan: list[PlanLine]) -> None:
        same = [e.line.code for e in self.plan_editors] == [line.code for line in plan]
        if same and plan:  # an empty plan is rebuilt: its « no recommendation » line shows
            for editor, line in zip(self.plan_editors, plan, strict=True):
                if editor.current() != line and not editor.text_edit.hasFocus():
                    editor.line = line
                    editor.accept_box.setChecked(line.accepted)
                    editor.text_edit.setText(
                        line.text if line.is_custom else line.label().get(current_language())
                    )
                editor.set_read_only(self.read_only)
            return
        _clear(self.plan_layout)
        self.plan_editors = []
        if not plan:
            empty = QLabel(_("Aucune recommandation : aucune capacité évaluée comme altérée."))
            self.plan_layout.addWidget(empty)
        for line in plan:
            editor = PlanLineEditor(line)
            editor.set_read_only(self.read_only)
            editor.changed.connect(self._on_plan_changed)
            self.plan_layout.addWidget(editor)
            self.plan_editors.append(editor)

    def plan(self) -> list[PlanLine]:
        return [editor.current() for editor in self.plan_editors]

    def _on_plan_changed(self) -> None:
        if not self._updating:
            self.care_plan_changed.emit(self.plan())

    def _on_add_line_button_clicked(self) -> None:
        lines = self.plan()
        line = PlanLine(next_custom_code(lines), GENERAL_DOMAIN)
        self._updating = True
        self._show_plan([*lines, line])
        self._updating = False
        self.plan_editors[-1].text_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.care_plan_changed.emit(self.plan())

    def _on_follow_up_edit_date_changed(self, value: QDate) -> None:
        if not self._updating:
            self.follow_up_changed.emit(date(value.year(), value.month(), value.day()))

    def follow_up(self) -> date:
        value = self.follow_up_edit.date()
        return date(value.year(), value.month(), value.day())

    def show_letters(self, widget: QWidget | None) -> None:
        """Put the letters panel in place (None: take it away, e.g. on "Corriger")."""
        _clear(self.letters_layout)
        if widget is not None:
            self.letters_layout.addWidget(widget)

    def focus_first(self) -> None:
        target = self.finalize_button if self.finalize_button.isVisible() else self.amend_button
        target.setFocus(Qt.FocusReason.OtherFocusReason)
