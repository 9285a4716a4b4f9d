"""One question of a form: label, input, "not assessable" with a reason, messages.

The row never decides whether a value is acceptable: it hands the value to the form,
which asks the screening core (`validate`) and answers with an `Outcome`. A refused
value shows the core's sentence next to the field and is not saved; an implausible one
(spec §0 ranges) waits for an explicit "Confirmer" (issue 4).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from icope_desktop.i18n import _, current_language
from icope_desktop.screening import Item, NotAssessable
from icope_desktop.screening.answers import UNSPECIFIED_REASON
from icope_desktop.ui.visit.fields import FieldInput, make_field
from icope_desktop.ui.visit.theme import TARGET


@dataclass(frozen=True)
class Outcome:
    """What the form answered to a submitted value."""

    saved: bool
    message: str = ""
    needs_confirmation: bool = False

    @classmethod
    def ok(cls) -> Outcome:
        return cls(True)

    @classmethod
    def refused(cls, message: str) -> Outcome:
        return cls(False, message)

    @classmethod
    def confirm(cls, message: str) -> Outcome:
        return cls(False, message, needs_confirmation=True)


SubmitFn = Callable[[Item, Any, bool], Outcome]


class ItemRow(QWidget):
    """A question; `field` is the per-kind input, `na_button` the not-assessable switch."""

    def __init__(
        self,
        item: Item,
        submit: SubmitFn,
        advance: Callable[[ItemRow], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.item = item
        self._submit_fn = submit
        self._advance_fn = advance
        self._value: Any = None
        self._pending: Any = None
        self.read_only = False
        self.setObjectName(f"row_{item.id}")
        lang = current_language()

        self.label = QLabel(item.label.get(lang), self)
        self.label.setProperty("role", "item")
        self.label.setWordWrap(True)
        self.label.setMinimumWidth(180)
        self.label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.help_label = QLabel(item.help.get(lang) if item.help else "", self)
        self.help_label.setProperty("role", "help")
        self.help_label.setWordWrap(True)
        self.help_label.setVisible(item.help is not None)

        self.field: FieldInput = make_field(item, self._on_field_submitted, self._on_field_done)
        self.field.setObjectName(f"field_{item.id}")
        self.field.report_error = self.show_error
        self.label.setBuddy(self.field.focus_widget())

        self.na_button = QPushButton(_("Non évaluable"), self)
        self.na_button.setObjectName("na_button")
        self.na_button.setCheckable(True)
        self.na_button.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.na_button.setMinimumHeight(TARGET)
        self.na_button.setAutoDefault(True)  # Enter presses it, as Space does
        self.na_button.setToolTip(
            _("Ctrl+Maj+N : marquer la question non évaluable, avec un motif")
        )
        keep = self.na_button.sizePolicy()
        keep.setRetainSizeWhenHidden(True)  # every row's answers start at the same x
        self.na_button.setSizePolicy(keep)
        self.na_button.setVisible(item.not_assessable)
        self.na_button.clicked.connect(self._on_na_button_clicked)

        self._na_box: QWidget | None = None

        self.message_label = QLabel(self)
        self.message_label.setObjectName("message_label")
        self.message_label.setWordWrap(True)
        self.message_label.setVisible(False)
        self.confirm_button = QPushButton(_("Confirmer la valeur"), self)
        self.confirm_button.setObjectName("confirm_button")
        self.confirm_button.setVisible(False)
        self.confirm_button.setDefault(False)
        self.confirm_button.setAutoDefault(True)
        self.confirm_button.clicked.connect(self._on_confirm_button_clicked)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        text_box = QVBoxLayout()
        text_box.setSpacing(2)
        text_box.addWidget(self.label)
        text_box.addWidget(self.help_label)
        top.addLayout(text_box, 2)
        top.addWidget(self.field, 5)
        top.addWidget(self.na_button, 0, Qt.AlignmentFlag.AlignTop)
        message_line = QHBoxLayout()
        message_line.addWidget(self.message_label, 1)
        message_line.addWidget(self.confirm_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addLayout(message_line)
        self._layout = layout

    # --- the "not assessable" line, built the first time it is needed -----------------

    @property
    def na_box(self) -> QWidget:
        if self._na_box is None:
            lang = current_language()
            box = QWidget(self)
            self.reason_combo = QComboBox(box)
            self.reason_combo.setObjectName("reason_combo")
            self.reason_combo.addItem(_("Motif…"), UNSPECIFIED_REASON)
            for reason in self.item.reasons:
                self.reason_combo.addItem(reason.label.get(lang), reason.code)
            self.reason_combo.activated.connect(self._on_reason_combo_activated)
            self.reason_combo.setEnabled(not self.read_only)
            self.note_edit = QLineEdit(box)
            self.note_edit.setObjectName("note_edit")
            self.note_edit.setPlaceholderText(_("Précision (facultatif)"))
            self.note_edit.setMinimumHeight(TARGET)
            self.note_edit.setReadOnly(self.read_only)
            self.note_edit.editingFinished.connect(self._on_note_edit_finished)
            na_layout = QHBoxLayout(box)
            na_layout.setContentsMargins(0, 0, 0, 0)
            na_layout.addWidget(QLabel(_("Non évaluable :"), box))
            na_layout.addWidget(self.reason_combo, 2)
            na_layout.addWidget(self.note_edit, 3)
            box.setVisible(False)
            self._layout.insertWidget(1, box)
            self._na_box = box
        return self._na_box

    # --- state ---------------------------------------------------------------------

    @property
    def value(self) -> Any:
        return self._value

    @property
    def is_answered(self) -> bool:
        return self._value is not None

    @property
    def is_not_assessable(self) -> bool:
        return isinstance(self._value, NotAssessable)

    def set_answer(self, value: Any) -> None:
        """Show a saved value (reopened draft, or after a change elsewhere)."""
        self._value = value
        na = isinstance(value, NotAssessable)
        self.na_button.setChecked(na)
        if self._na_box is not None or na:
            self.na_box.setVisible(na)
        self.field.set_value(None if na else value)
        self.field.setEnabled(not na)
        if na:
            index = self.reason_combo.findData(value.reason)
            self.reason_combo.setCurrentIndex(max(index, 0))
            self.note_edit.setText(value.note)

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        self.field.set_read_only(read_only)
        self.na_button.setEnabled(not read_only)
        if self._na_box is not None:
            self.reason_combo.setEnabled(not read_only)
            self.note_edit.setReadOnly(read_only)

    def focus(self) -> None:
        if self.is_not_assessable:
            self.reason_combo.setFocus(Qt.FocusReason.TabFocusReason)
        else:
            self.field.focus_widget().setFocus(Qt.FocusReason.TabFocusReason)

    def owns(self, widget: QWidget | None) -> bool:
        while widget is not None:
            if widget is self:
                return True
            widget = widget.parentWidget()
        return False

    # --- messages --------------------------------------------------------------------

    def show_error(self, message: str) -> None:
        self._show_message(message, "error")

    def show_warning(self, message: str) -> None:
        self._show_message(message, "warning")

    def clear_message(self) -> None:
        self.message_label.setVisible(False)
        self.message_label.setText("")
        self.confirm_button.setVisible(False)
        self._pending = None

    def _show_message(self, message: str, role: str) -> None:
        self.message_label.setProperty("role", role)
        self.message_label.style().unpolish(self.message_label)
        self.message_label.style().polish(self.message_label)
        self.message_label.setText(message)
        self.message_label.setVisible(True)

    # --- user actions ----------------------------------------------------------------

    def _on_field_submitted(self, value: Any) -> bool:
        outcome = self._submit_fn(self.item, value, False)
        return self._apply_outcome(outcome, value)

    def _apply_outcome(self, outcome: Outcome, value: Any) -> bool:
        if outcome.saved:
            self.clear_message()
            self._value = value
            return True
        if outcome.needs_confirmation:
            self._pending = value
            self.show_warning(outcome.message)
            self.confirm_button.setVisible(True)
            self.confirm_button.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.confirm_button.setVisible(False)
            self.show_error(outcome.message)
        return False

    def _on_field_done(self) -> None:
        if not self.confirm_button.isVisible():
            self._advance_fn(self)

    def _on_confirm_button_clicked(self) -> None:
        value = self._pending
        if value is None:
            return
        outcome = self._submit_fn(self.item, value, True)
        if outcome.saved:
            self.clear_message()
            self._value = value
            self.field.set_value(value)
            self._advance_fn(self)
        else:
            self.show_error(outcome.message)

    def toggle_not_assessable(self) -> None:
        """Ctrl+Shift+N or the button: mark the item not assessable (reason next), or undo."""
        if self.read_only or not self.item.not_assessable:
            return
        self.na_button.setChecked(not self.is_not_assessable)
        self._on_na_button_clicked()

    def _on_na_button_clicked(self) -> None:
        if self.na_button.isChecked():
            value = NotAssessable()
            if self._submit_fn(self.item, value, False).saved:
                self.clear_message()
                self.set_answer(value)
                self.reason_combo.setFocus(Qt.FocusReason.OtherFocusReason)
                self.reason_combo.showPopup()
            else:
                self.na_button.setChecked(False)
        else:
            if self._submit_fn(self.item, None, False).saved:
                self.set_answer(None)
                self.field.focus_widget().setFocus(Qt.FocusReason.OtherFocusReason)
            else:
                self.na_button.setChecked(True)

    def choose_reason(self, code: str) -> None:
        self.na_box.setVisible(True)
        index = self.reason_combo.findData(code)
        if index < 0:
            raise KeyError(code)
        self.reason_combo.setCurrentIndex(index)
        self._on_reason_combo_activated(index)

    def _on_reason_combo_activated(self, _index: int) -> None:
        self._save_not_assessable()
        reason = self.item.reason(self.reason_combo.currentData())
        if reason is not None and reason.needs_note:
            self.note_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        elif reason is not None:
            self._advance_fn(self)

    def _on_note_edit_finished(self) -> None:
        if self.is_not_assessable and self.note_edit.text().strip() != self._value.note:
            self._save_not_assessable()

    def _save_not_assessable(self) -> None:
        value = NotAssessable(
            reason=self.reason_combo.currentData() or UNSPECIFIED_REASON,
            note=self.note_edit.text().strip(),
        )
        if self._submit_fn(self.item, value, False).saved:
            self._value = value
            self.clear_message()
