"""The guided visit: Step 1, the Step 2 tests, the summary and Finalize, on one page.

The main window shows `VisitPage(services, visit_id)`; it emits `finished(visit_id)`
after finalization and `closed()` when the practitioner leaves it. Every answer is
saved as it is given (the ordered `DraftWriter` off the UI thread), and so is where the
practitioner is (`save_visit_position`): after a crash or the auto-lock, a new
`VisitPage` on the same visit opens at the same question with every answer (issue 4).
The shell calls `flush()` before locking.

Keyboard (issue 4 ergonomics): Tab follows the form; Enter validates a field and moves
on; a digit picks a choice; Ctrl+→ / Page Down goes to the next section or test, Ctrl+←
/ Page Up back; Ctrl+Shift+N marks the focused question not assessable (Ctrl+N is the
main window's application-wide "new patient": the same key here made both ambiguous, so
neither fired).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from icope_desktop.i18n import Text, _, current_language
from icope_desktop.screening import Alert, get_instrument
from icope_desktop.screening.pathways import SHORT_NAMES
from icope_desktop.services.visits import (
    STEP1,
    STEP2_ORDER,
    DraftWriter,
    FinalizeOutcome,
    OpenedVisit,
    PlanLine,
    UrgentActionRecord,
    VisitServiceError,
    care_plan_entries,
    item9_unresolved,
    merge_care_plan,
    plan_line_from_entry,
    planned_follow_up,
)
from icope_desktop.store.records import VisitId
from icope_desktop.ui.tasks import Task, TaskRunner
from icope_desktop.ui.visit.dialogs import (
    BlockingDialog,
    MessageDialog,
    MissingChoice,
    MissingDialog,
)
from icope_desktop.ui.visit.form import InstrumentForm
from icope_desktop.ui.visit.step2_chooser import Step2Chooser
from icope_desktop.ui.visit.summary import SummaryPanel
from icope_desktop.ui.visit.theme import STYLE_SHEET, TARGET
from icope_desktop.ui.visit.urgent import UrgentActionDialog

NOT_ASSESSABLE_KEYS = "Ctrl+Shift+N"
"""Not Ctrl+N: the main window binds it application-wide (new patient)."""
STEP2_PAGE = "step2"
SUMMARY_PAGE = "summary"


class _WriteErrors(QObject):
    """Carries a failed write from the writer thread to the UI thread (queued signal)."""

    failed = Signal(object)


@dataclass
class _Nav:
    key: str
    title: str


def _error_text(exc: BaseException) -> str:
    message = getattr(exc, "message", None)
    if isinstance(message, Text):
        return message.get(current_language())
    messages = getattr(exc, "messages", None)
    if callable(messages):
        return " ".join(messages(current_language()))
    return _("Une erreur inattendue est survenue ; vos saisies sont conservées.")


def _close_writer(writer: DraftWriter, *_args: object) -> None:
    writer.close()


class VisitPage(QWidget):
    finished = Signal(object)  # VisitId, after finalize
    closed = Signal()
    visit_changed = Signal(object)  # VisitId of the amended version ("Corriger")
    fix_requested = Signal(str)  # "patient" (GP missing) or "profile" (RPPS missing)

    def __init__(self, services: Any, visit_id: VisitId, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("visit_page")
        self.setStyleSheet(STYLE_SHEET)
        self.services = services
        self.visits = services.visits
        self.tasks = TaskRunner(parent=self)
        self._errors = _WriteErrors(self)
        self._errors.failed.connect(self._on_write_failed)
        self.writer = DraftWriter(self._errors.failed.emit)
        self.destroyed.connect(functools.partial(_close_writer, self.writer))
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.flush)
        self.forms: dict[str, InstrumentForm] = {}
        self.urgent_dialog: UrgentActionDialog | None = None
        self.finalize_task: Task | None = None
        self.letters_widget: QWidget | None = None
        self.read_only = False
        self._build()
        self._load(visit_id)

    # --- layout ----------------------------------------------------------------------

    def _build(self) -> None:
        self.patient_label = QLabel(self)
        self.patient_label.setObjectName("patient_label")  # 14 pt bold (theme)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("status_label")
        # The status wraps rather than squeeze the save state: at 1366 px a long name
        # and an amended draft's status cut "Enregistré ✓" down to a stray "E".
        self.status_label.setWordWrap(True)
        self.save_label = QLabel(self)
        self.save_label.setObjectName("save_label")
        self.save_label.setAlignment(
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        )
        metrics = self.save_label.fontMetrics()
        self.save_label.setMinimumWidth(  # no jump between "saving" and "saved"
            max(metrics.horizontalAdvance(t) for t in (_("Enregistrement…"), _("Enregistré ✓")))
            + 4
        )
        self.close_button = QPushButton(_("Fermer"), self)
        self.close_button.setObjectName("close_button")
        self.close_button.setMinimumHeight(TARGET)
        self.close_button.setAutoDefault(True)  # Enter presses it, as Space does
        self.close_button.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.close_button.clicked.connect(self._on_close_button_clicked)
        header = QHBoxLayout()
        header.addWidget(self.patient_label)
        header.addWidget(self.status_label, 1)
        header.addWidget(self.save_label)
        header.addWidget(self.close_button)

        self.nav_list = QListWidget(self)
        self.nav_list.setObjectName("nav_list")
        self.nav_list.setFixedWidth(220)
        self.nav_list.setWordWrap(True)
        self.nav_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.nav_list.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.nav_list.currentRowChanged.connect(self._on_nav_list_current_row_changed)
        self.stack = QStackedWidget(self)
        self.stack.setObjectName("stack")
        body = QHBoxLayout()
        body.addWidget(self.nav_list)
        body.addWidget(self.stack, 1)

        self.previous_button = QPushButton("◀ " + _("Précédent"), self)
        self.previous_button.setObjectName("previous_button")
        self.previous_button.setMinimumHeight(TARGET)
        self.previous_button.setAutoDefault(True)  # Enter presses it, as Space does
        self.previous_button.clicked.connect(lambda: self.go_page(-1))
        self.next_button = QPushButton(_("Suivant") + " ▶", self)
        self.next_button.setObjectName("next_button")
        self.next_button.setProperty("primary", True)
        self.next_button.setMinimumHeight(TARGET)
        self.next_button.setAutoDefault(True)  # Enter presses it, as Space does
        self.next_button.setMinimumWidth(160)
        self.next_button.clicked.connect(lambda: self.go_page(+1))
        keys = QLabel(
            _(
                "Clavier : chiffre = réponse · Entrée = valider · Ctrl+→ / Page suiv. = section "
                "suivante · Ctrl+Maj+N = non évaluable"
            ),
            self,
        )
        keys.setProperty("role", "help")
        keys.setWordWrap(True)
        footer = QHBoxLayout()
        footer.addWidget(self.previous_button)
        footer.addWidget(keys, 1)
        footer.addWidget(self.next_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addLayout(header)
        layout.addLayout(body, 1)
        layout.addLayout(footer)

        self._chooser: Step2Chooser | None = None
        self._summary: SummaryPanel | None = None

        shortcuts = (
            ("Ctrl+Right", lambda: self.step(+1)),
            ("PgDown", lambda: self.step(+1)),
            ("Ctrl+Left", lambda: self.step(-1)),
            ("PgUp", lambda: self.step(-1)),
            (NOT_ASSESSABLE_KEYS, self._toggle_focused_not_assessable),
        )
        self.shortcuts = []
        for keys_text, slot in shortcuts:
            shortcut = QShortcut(QKeySequence(keys_text), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
            self.shortcuts.append(shortcut)
        self._save_timer = QTimer(self)
        self._save_timer.setInterval(250)
        self._save_timer.timeout.connect(self._show_save_state)
        self._save_timer.start()
        self._show_save_state()
        QApplication.instance().focusChanged.connect(self._on_focus_changed)  # type: ignore[union-attr]

    @property
    def chooser(self) -> Step2Chooser:
        """The Step 2 choice, built the first time it is needed (a page is built in
        parts so that opening a visit never holds the UI thread for long)."""
        if self._chooser is None:
            chooser = Step2Chooser(self.stack)
            chooser.selection_changed.connect(self._on_chooser_selection_changed)
            chooser.start_requested.connect(lambda: self.go_page(+1))
            chooser.summary_requested.connect(lambda: self.show_page(SUMMARY_PAGE))
            self.stack.addWidget(chooser)
            self._chooser = chooser
        return self._chooser

    @property
    def summary(self) -> SummaryPanel:
        if self._summary is None:
            summary = SummaryPanel(self.stack)
            summary.finalize_requested.connect(self._on_finalize_requested)
            summary.amend_requested.connect(self._on_amend_requested)
            summary.care_plan_changed.connect(self._on_care_plan_changed)
            summary.follow_up_changed.connect(self._on_follow_up_changed)
            summary.record_urgent_requested.connect(self._open_urgent_dialog)
            summary.missing_requested.connect(self._on_missing_requested)
            self.stack.addWidget(summary)
            self._summary = summary
        return self._summary

    # --- loading -----------------------------------------------------------------------

    def _load(self, visit_id: VisitId, *, just_finalized: bool = False) -> None:
        self.opened: OpenedVisit = self.visits.open(visit_id)
        self.visit_id = visit_id
        self.read_only = self.opened.is_final
        position = self.opened.position
        self._position_state: dict[str, Any] = dict(position)
        self.answers: dict[str, dict[str, Any]] = {
            k: dict(v) for k, v in self.opened.answers.items()
        }
        self.has_step1 = STEP1 in self.answers
        for form in self.forms.values():
            self.stack.removeWidget(form)
            form.deleteLater()
        self.forms = {}
        self.urgent_record = UrgentActionRecord.from_json(position.get("urgent"))
        self.plan = [
            line for line in (PlanLine.from_json(x) for x in position.get("plan", ())) if line
        ]
        if self.read_only:
            self.plan = [plan_line_from_entry(e) for e in self.opened.view.care_plan]
        follow = position.get("follow_up")
        self.follow_up: date | None = (
            date.fromisoformat(follow) if isinstance(follow, str) else None
        )
        self.step2_customized = bool(position.get("step2_customized"))
        saved_step2 = [i for i in position.get("step2", ()) if i in STEP2_ORDER]
        self.picture = self.visits.picture(self.answers, self.opened.context)
        if self.read_only:
            self.selected_step2 = [i for i in STEP2_ORDER if i in self.answers]
        elif self.step2_customized:
            self.selected_step2 = saved_step2
        else:
            self.selected_step2 = list(self.picture.evaluation.proposed_step2)
        lang = current_language()
        age = self.opened.context.age_years
        self.patient_label.setText(
            f"{self.opened.patient_name} · {_('{age} ans').format(age=age)}"
        )
        day = self.opened.view.performed_on.strftime("%d/%m/%Y")
        if self.read_only:
            finalized = self.opened.view.finalized_at
            when = finalized.strftime("%d/%m/%Y") if finalized else day
            status = _("Visite du {day} — finalisée le {when} (version {version}), lecture seule")
            self.status_label.setText(
                status.format(day=day, when=when, version=self.opened.view.version)
            )
        else:
            version = self.opened.view.version
            text = _("Visite du {day} — brouillon enregistré à chaque réponse").format(day=day)
            if version > 1:
                text += " · " + _("correction (version {version})").format(version=version)
            self.status_label.setText(text)
        del lang
        self._rebuild_nav()
        target = position.get("page") if not self.read_only else SUMMARY_PAGE
        keys = [n.key for n in self.nav]
        if target not in keys:
            target = keys[0] if not self.read_only else SUMMARY_PAGE
        self.show_page(target, save=False, focus=False)
        item = position.get("item")
        QTimer.singleShot(0, self, lambda: self._restore_focus(target, item))
        if self.read_only:
            self._show_letters(generate=just_finalized)
        elif self._summary is not None:  # an amended draft: its letters come at finalize
            self._summary.show_letters(None)
            self.letters_widget = None
        urgent = self._urgent_pair()
        if urgent is not None and self.urgent_record is None and not self.read_only:
            QTimer.singleShot(0, self, self._open_urgent_dialog)

    def _restore_focus(self, page: str, item: Any) -> None:
        form = self.forms.get(page)
        if form is not None:
            if not form.focus_item(item if isinstance(item, str) else None):
                form.focus_first()
        elif page == STEP2_PAGE:
            self.chooser.focus_first()
        elif page == SUMMARY_PAGE:
            self.summary.focus_first()

    # --- navigation ------------------------------------------------------------------

    def _rebuild_nav(self) -> None:
        lang = current_language()
        nav: list[_Nav] = []
        if self.has_step1:
            nav.append(_Nav(STEP1, _("Étape 1 (repérage)")))
        if not self.read_only:
            nav.append(_Nav(STEP2_PAGE, _("Étape 2 (évaluation approfondie)")))
        for instrument_id in self.step2_pages():
            short = SHORT_NAMES[instrument_id].get(lang)
            nav.append(_Nav(instrument_id, "   " + short[:1].upper() + short[1:]))
        nav.append(_Nav(SUMMARY_PAGE, _("Synthèse et finalisation")))
        self.nav = nav
        current = self.current_page() if self.nav_list.count() else None
        self.nav_list.blockSignals(True)
        self.nav_list.clear()
        for entry in nav:
            QListWidgetItem(entry.title, self.nav_list)
        keys = [n.key for n in nav]
        if current in keys:
            self.nav_list.setCurrentRow(keys.index(current))
        self.nav_list.blockSignals(False)

    def step2_pages(self) -> list[str]:
        """Chosen tests, plus any that already holds answers (never hidden)."""
        with_answers = {
            i for i in STEP2_ORDER if i in self.answers and any(self.answers[i])
        }
        return [i for i in STEP2_ORDER if i in self.selected_step2 or i in with_answers]

    def current_page(self) -> str:
        widget = self.stack.currentWidget()
        if widget is not None and widget is self._chooser:
            return STEP2_PAGE
        if widget is not None and widget is self._summary:
            return SUMMARY_PAGE
        for key, form in self.forms.items():
            if form is widget:
                return key
        return self.nav[0].key

    def show_page(self, key: str, *, save: bool = True, focus: bool = True) -> None:
        if key == STEP2_PAGE:
            self._refresh_picture()
            self.chooser.show_state(
                self.picture.evaluation,
                self.selected_step2,
                {i for i in STEP2_ORDER if i in self.answers and any(self.answers[i])},
                self.read_only,
            )
            self.stack.setCurrentWidget(self.chooser)
            if focus:
                self.chooser.focus_first()
        elif key == SUMMARY_PAGE:
            self._refresh_summary()
            self.stack.setCurrentWidget(self.summary)
            if focus:
                self.summary.focus_first()
        else:
            form = self.form(key)
            self.stack.setCurrentWidget(form)
            if focus:
                QTimer.singleShot(0, form, form.focus_first)
        keys = [n.key for n in self.nav]
        if key in keys:
            self.nav_list.blockSignals(True)
            self.nav_list.setCurrentRow(keys.index(key))
            self.nav_list.blockSignals(False)
            index = keys.index(key)
            self.previous_button.setEnabled(index > 0)
            self.next_button.setEnabled(index < len(keys) - 1)
        if save:
            self._save_position(page=key)

    def form(self, instrument_id: str) -> InstrumentForm:
        """The instrument's form, built the first time it is shown."""
        form = self.forms.get(instrument_id)
        if form is None:
            form = InstrumentForm(
                get_instrument(instrument_id),
                self.answers.get(instrument_id, {}),
                self.opened.context,
                functools.partial(self._save_answer, instrument_id),
                read_only=self.read_only,
                parent=self.stack,
            )
            form.urgent_alert_raised.connect(self._on_urgent_alert_raised)
            form.result_changed.connect(lambda _result, f=form: self._update_banner(f))
            form.completed.connect(self._on_form_completed)
            form.urgent_banner.record_requested.connect(self._open_urgent_dialog)
            self.forms[instrument_id] = form
            self.stack.addWidget(form)
            self._update_banner(form)
        return form

    def go_page(self, delta: int) -> None:
        keys = [n.key for n in self.nav]
        current = self.current_page()
        index = keys.index(current) if current in keys else 0
        target = index + delta
        if 0 <= target < len(keys):
            self.show_page(keys[target])
            if delta < 0 and keys[target] in self.forms:
                form = self.forms[keys[target]]
                sections = form.visible_sections()
                if sections:
                    QTimer.singleShot(0, form, lambda: form.go_to_section(sections[-1]))

    def step(self, delta: int) -> None:
        """Ctrl+→ / Page Down: the next section, then the next test or page."""
        form = self.forms.get(self.current_page())
        if form is not None and self.stack.currentWidget() is form and form.step_section(delta):
            self._save_position()
            return
        self.go_page(delta)

    def _on_nav_list_current_row_changed(self, row: int) -> None:
        if 0 <= row < len(self.nav):
            self.show_page(self.nav[row].key)

    def _on_form_completed(self) -> None:
        self.next_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is None or self.read_only:
            return
        form = self.forms.get(self.current_page())
        if form is None or self.stack.currentWidget() is not form:
            return
        row = form.focused_row()
        if row is not None and row.item.id != self._position().get("item"):
            self._save_position(item=row.item.id)

    def _toggle_focused_not_assessable(self) -> None:
        form = self.forms.get(self.current_page())
        if form is None:
            return
        row = form.focused_row()
        if row is not None:
            row.toggle_not_assessable()

    # --- saving ----------------------------------------------------------------------

    def _save_answer(self, instrument_id: str, item_id: str, value: Any) -> None:
        answers = self.answers.setdefault(instrument_id, {})
        if value is None:
            answers.pop(item_id, None)
        else:
            answers[item_id] = value
        visit_id = self.visit_id
        self.writer.submit(
            ("answer", instrument_id, item_id),
            lambda: self.visits.save_answer(visit_id, instrument_id, item_id, value),
        )
        if instrument_id == STEP1 and not self.step2_customized:
            self._refresh_picture()
            proposed = list(self.picture.evaluation.proposed_step2)
            if proposed != self.selected_step2:
                self.selected_step2 = proposed
                self._rebuild_nav()
        elif instrument_id in STEP2_ORDER and instrument_id not in self.selected_step2:
            self._rebuild_nav()

    def _position(self) -> dict[str, Any]:
        return self._position_state

    def _save_position(self, **changes: Any) -> None:
        if self.read_only:
            return
        state = self._position_state
        state.update(changes)
        state["step2"] = list(self.selected_step2)
        state["step2_customized"] = self.step2_customized
        state["plan"] = [line.to_json() for line in self.plan]
        state["follow_up"] = self.follow_up.isoformat() if self.follow_up else None
        state["urgent"] = self.urgent_record.to_json() if self.urgent_record else None
        if "page" not in changes:
            state["page"] = self.current_page()
        visit_id = self.visit_id
        snapshot = dict(state)
        self.writer.submit(("position",), lambda: self.visits.save_position(visit_id, snapshot))

    def flush(self) -> bool:
        """Commit everything typed (the shell calls it before the auto-lock)."""
        for form in self.forms.values():
            form.commit_pending()
        return self.writer.flush()

    def _show_save_state(self) -> None:
        if self.read_only:
            self.save_label.setText("")
            return
        pending = self.writer.pending
        self.save_label.setText(_("Enregistrement…") if pending else _("Enregistré ✓"))

    def _on_write_failed(self, exc: object) -> None:
        text = _error_text(exc) if isinstance(exc, BaseException) else ""
        self.save_label.setText(_("Non enregistré : nouvel essai…"))
        self.save_label.setToolTip(text)
        QTimer.singleShot(2000, self, self.writer.flush)

    def _on_close_button_clicked(self) -> None:
        self.flush()
        self.closed.emit()

    # --- step 2 and summary ----------------------------------------------------------

    def _refresh_picture(self) -> None:
        self.picture = self.visits.picture(self.answers, self.opened.context)

    def _on_chooser_selection_changed(self, selected: list[str]) -> None:
        self.selected_step2 = selected
        self.step2_customized = True
        self._rebuild_nav()
        self._save_position()

    def _refresh_summary(self) -> None:
        self._refresh_picture()
        evaluation = self.picture.evaluation
        if not self.read_only:
            self.plan = merge_care_plan(self.plan, evaluation.recommendations)
        if self.read_only:
            follow = planned_follow_up(self.opened.view)
        else:
            follow = self.follow_up or evaluation.next_step1_due
        # A visit finalized anyway keeps saying what it lacks (usability audit 2).
        missing = sum(len(m.errors) for m in self.visits.missing(self.answers))
        status = ""
        if self.read_only:
            status = self.status_label.text()
        self.summary.show_picture(
            self.picture,
            plan=self.plan,
            follow_up=follow,
            urgent=self._urgent_pair(),
            missing_count=missing,
            read_only=self.read_only,
            status_text=status,
        )

    def _on_care_plan_changed(self, lines: list[PlanLine]) -> None:
        self.plan = lines
        self._save_position()

    def _on_follow_up_changed(self, value: date) -> None:
        self.follow_up = value
        self._save_position()

    def _on_missing_requested(self) -> None:
        missing = self.visits.missing(self.answers)
        if MissingDialog.ask(self, missing) is MissingChoice.BACK:
            self._go_to_first_missing(missing)
        else:
            self._finalize()

    def _go_to_first_missing(self, missing: list[Any]) -> None:
        if not missing:
            return
        first = missing[0]
        self.show_page(first.instrument_id)
        item_id = first.errors[0].item_id if first.errors else None
        form = self.forms[first.instrument_id]
        QTimer.singleShot(0, form, lambda: form.focus_item(item_id) or form.focus_first())

    # --- urgent alert ----------------------------------------------------------------

    def _urgent_alert(self) -> Alert | None:
        self._refresh_picture()
        return next(
            (a for a in self.picture.evaluation.alerts if a.requires_documented_action), None
        )

    def _urgent_pair(self) -> tuple[Alert, UrgentActionRecord | None] | None:
        alert = next(
            (a for a in self.picture.evaluation.alerts if a.requires_documented_action), None
        )
        return (alert, self.urgent_record) if alert is not None else None

    def _update_banner(self, form: InstrumentForm) -> None:
        alert = form.urgent_alert()
        if alert is None:
            form.urgent_banner.setVisible(False)
        else:
            form.urgent_banner.show_alert(alert, self.urgent_record)
            form.urgent_banner.record_button.setVisible(not self.read_only)

    def _on_urgent_alert_raised(self, alert: Alert) -> None:
        if self.urgent_record is None:
            self._open_urgent_dialog()

    def _open_urgent_dialog(self) -> None:
        if self.read_only or (self.urgent_dialog is not None and self.urgent_dialog.isVisible()):
            return
        alert = self._urgent_alert()
        if alert is None:
            return
        dialog = UrgentActionDialog(alert, self.visits.clock, self.urgent_record, self)
        dialog.recorded.connect(self._on_urgent_recorded)
        dialog.correction_requested.connect(self._on_urgent_corrected)
        self.urgent_dialog = dialog
        dialog.open()

    def _on_urgent_recorded(self, record: UrgentActionRecord) -> None:
        self.urgent_record = record
        self._save_position()
        for form in self.forms.values():
            self._update_banner(form)
        if self._summary is not None and self.stack.currentWidget() is self._summary:
            self._refresh_summary()
        form = self.forms.get("phq9")
        if form is not None and self.stack.currentWidget() is form:
            # the keyboard goes on where it was heading: the question after item 9
            self.window().activateWindow()  # back from the modal dialog
            QTimer.singleShot(0, form, lambda: form.focus_after("Q9"))

    def _on_urgent_corrected(self) -> None:
        """A mis-typed item 9: its answer is taken back (nothing is recorded) and the
        practitioner asks the question again (usability audit 3)."""
        form = self.forms.get("phq9")
        if form is None:
            return
        if self.stack.currentWidget() is not form:
            self.show_page("phq9")
        form.clear_answer("Q9")
        for each in self.forms.values():
            self._update_banner(each)
        self.window().activateWindow()  # back from the modal dialog
        QTimer.singleShot(0, form, lambda: form.focus_item("Q9"))

    # --- finalize and amend ------------------------------------------------------------

    def _on_finalize_requested(self) -> None:
        self.flush()
        problems = self.visits.blocking_problems(self.answers, self.urgent_record is not None)
        if problems:
            BlockingDialog.show_problems(self, [p.get(current_language()) for p in problems])
            if item9_unresolved(self.answers.get("phq9", {})):
                self.show_page("phq9")
                form = self.forms["phq9"]
                QTimer.singleShot(0, form, lambda: form.focus_item("Q9"))
            else:
                self._open_urgent_dialog()
            return
        missing = self.visits.missing(self.answers)
        if missing and MissingDialog.ask(self, missing) is MissingChoice.BACK:
            self._go_to_first_missing(missing)
            return
        self._finalize()

    def _finalize(self) -> None:
        if self.finalize_task is not None:
            return
        self.flush()
        self.plan = self.summary.plan() or self.plan
        entries = care_plan_entries(self.plan, self.urgent_record, current_language())
        follow_up = self.summary.follow_up()
        visit_id = self.visit_id
        recorded = self.urgent_record is not None
        task = Task(
            lambda _progress, _cancel: self.visits.finalize(
                visit_id, entries, planned_follow_up=follow_up, urgent_action_recorded=recorded
            ),
            name="finalize-visit",
        )
        task.succeeded.connect(self._on_finalize_succeeded)
        task.failed.connect(self._on_finalize_failed)
        self.finalize_task = task
        self.summary.finalize_button.setEnabled(False)
        self.summary.finalize_button.setText(_("Finalisation…"))
        self.tasks.start(task)

    def _on_finalize_succeeded(self, outcome: FinalizeOutcome) -> None:
        self.finalize_task = None
        self.summary.finalize_button.setEnabled(True)
        self.summary.finalize_button.setText(_("Finaliser la visite"))
        self._load(outcome.report.visit_id, just_finalized=True)
        self.finished.emit(outcome.report.visit_id)

    def _on_finalize_failed(self, exc: object) -> None:
        self.finalize_task = None
        self.summary.finalize_button.setEnabled(True)
        self.summary.finalize_button.setText(_("Finaliser la visite"))
        text = _error_text(exc) if isinstance(exc, BaseException) else ""
        if isinstance(exc, VisitServiceError) and "profil" in exc.message.fr:
            self.fix_requested.emit("profile")
        MessageDialog.inform(self, _("La visite n'a pas été finalisée"), text)

    def _on_amend_requested(self) -> None:
        try:
            new_id = self.visits.amend(self.visit_id)
        except Exception as exc:  # a typed store error: shown as its sentence
            MessageDialog.inform(self, _("Correction impossible"), _error_text(exc))
            return
        self._load(new_id)
        self.visit_changed.emit(new_id)

    # --- letters -----------------------------------------------------------------------

    def _show_letters(self, *, generate: bool) -> None:
        """The letters of a final visit: rendered just after Finalize, or, on a visit
        reopened later, the ones kept with it (and a way to make any that are missing)."""
        from icope_desktop.ui.visit.letters_panel import LettersPanel

        letters = getattr(self.services, "letters", None)
        if letters is None:
            return
        panel = LettersPanel(letters, self.visit_id, self.tasks, self)
        panel.fix_requested.connect(self.fix_requested)
        self.letters_widget = panel
        self.summary.show_letters(panel)
        if generate:
            panel.generate()
        else:
            panel.load_stored()
