"""One input widget class per `ItemKind` (DESIGN.md: "one instrument definition drives
everything"; the form never restates an item).

Every input reports a parsed value to its row through `submit(value) -> bool` (the row
validates with the screening core and saves); `None` means "no answer". The keyboard
rules of issue 4 live here:

* choices (and booleans, and small integer scores such as C4 0–3) are a row of large
  buttons in one focus stop; a digit key picks an option (the option's own number when
  the options are numbers, PHQ-9 0–3; else its position 1, 2, 3…), O/Y and N answer
  yes/no, Delete clears, and the focus moves on to the next question;
* typed values are checked on Enter (which also moves on) or when the field is left;
* a timed item has a stopwatch: Space in the field starts and stops it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from icope_desktop.i18n import Text, _, current_language
from icope_desktop.screening import Item, ItemKind
from icope_desktop.screening.acuity import (
    AcuityNotationError,
    AcuityParseError,
    Notation,
    resolve_acuity,
)
from icope_desktop.ui.visit.flow_layout import FlowLayout
from icope_desktop.ui.visit.numbers import (
    NumberError,
    format_fixed,
    format_number,
    parse_decimal,
    parse_integer,
)
from icope_desktop.ui.visit.stopwatch import Stopwatch, stopwatch_cap
from icope_desktop.ui.visit.theme import TARGET

Submit = Callable[[Any], bool]
"""Row callback: validate and save the value; False when refused (message shown)."""
Advance = Callable[[], None]

NAVIGATION_KEYS = {
    (Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier),
    (Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier),
    (Qt.Key.Key_PageDown, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_PageUp, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier),
}
"""Page shortcuts that a line edit must not swallow (Ctrl+→ would jump a word)."""

SMALL_SCALE_MAX = 9


def is_navigation_key(event: QKeyEvent) -> bool:
    modifiers = event.modifiers() & (
        Qt.KeyboardModifier.ControlModifier
        | Qt.KeyboardModifier.ShiftModifier
        | Qt.KeyboardModifier.AltModifier
    )
    return (Qt.Key(event.key()), modifiers) in NAVIGATION_KEYS


class FieldInput(QWidget):
    """Base of the inputs: shows a value, hands typed values to the row."""

    # Each concrete input defines these (declared, not stubbed: Shiboken's metaclass does
    # not mix with ABCMeta, so the contract is written as typed attributes).
    set_value: Callable[[Any], None]
    """Show the saved value without submitting it."""

    def __init__(self, item: Item, submit: Submit, advance: Advance) -> None:
        super().__init__()
        self.item = item
        self._submit = submit
        self._advance = advance
        self.read_only = False
        self.report_error: Callable[[str], None] = lambda _message: None

    def focus_widget(self) -> QWidget:
        return self

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only

    def commit_pending(self) -> None:
        """Submit text typed but not yet validated (before the page closes)."""

    def set_context(self, answers: dict[str, Any]) -> None:
        """The other answers changed (an acuity's conversion depends on the notation)."""


# --- buttons -------------------------------------------------------------------------


class ButtonChoices(FieldInput):
    """A row of large checkable buttons: one focus stop, digits pick an option."""

    def __init__(
        self,
        item: Item,
        submit: Submit,
        advance: Advance,
        options: Sequence[tuple[Any, str]],
        letter_keys: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(item, submit, advance)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setProperty("choiceGroup", True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._values = [value for value, _label in options]
        self._keys = _digit_keys(self._values)
        self._letters = {k.upper(): v for k, v in (letter_keys or {}).items()}
        self._value: Any = None
        self._has_value = False
        layout = FlowLayout(self, spacing=6)
        layout.setContentsMargins(4, 4, 4, 4)
        self.buttons: list[QPushButton] = []
        for (value, label), key in zip(options, self._keys, strict=True):
            button = QPushButton(f"{key} · {label}" if key else label, self)
            button.setCheckable(True)
            button.setProperty("choice", True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setMinimumHeight(TARGET)
            button.setMinimumWidth(TARGET + 16)
            button.clicked.connect(lambda _checked=False, v=value: self._on_button_clicked(v))
            layout.addWidget(button)
            self.buttons.append(button)

    def button_for(self, value: Any) -> QPushButton:
        for candidate, button in zip(self._values, self.buttons, strict=True):
            if type(candidate) is type(value) and candidate == value:
                return button
        raise KeyError(value)

    def set_value(self, value: Any) -> None:
        self._value = value
        self._has_value = value is not None
        for candidate, button in zip(self._values, self.buttons, strict=True):
            button.setChecked(
                self._has_value and type(candidate) is type(value) and candidate == value
            )

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        for button in self.buttons:
            button.setEnabled(not read_only)

    def choose(self, value: Any) -> None:
        if self.read_only:
            return
        if self._submit(value):
            self.set_value(value)
            self._advance()
        else:
            self.set_value(self._value if self._has_value else None)

    def clear(self) -> None:
        if self.read_only or not self._has_value:
            return
        if self._submit(None):
            self.set_value(None)

    def _on_button_clicked(self, value: Any) -> None:
        if self._has_value and type(self._value) is type(value) and self._value == value:
            self.clear()  # clicking the chosen answer again takes it back (no forced choice)
            return
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self.choose(value)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text().upper()
        key = event.key()
        if text and text in self._keys:
            self.choose(self._values[self._keys.index(text)])
        elif text and text in self._letters:
            self.choose(self._letters[text])
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.clear()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._advance()
        else:
            super().keyPressEvent(event)


def _digit_keys(values: Sequence[Any]) -> list[str]:
    """The option's own number when options are distinct one-digit numbers, else 1, 2…"""
    if all(type(v) is int and 0 <= v <= 9 for v in values) and len(set(values)) == len(values):
        return [str(v) for v in values]
    return [str(i) if i <= 9 else "" for i in range(1, len(values) + 1)]


class ChoiceInput(ButtonChoices):
    """`ItemKind.choice`: the item's options, in the definition's order."""

    def __init__(self, item: Item, submit: Submit, advance: Advance) -> None:
        options = [(o.value, o.label.get()) for o in item.options]
        super().__init__(item, submit, advance, options)


class BooleanInput(ButtonChoices):
    """`ItemKind.boolean`: Oui / Non (keys 1/2, or O/Y and N)."""

    def __init__(self, item: Item, submit: Submit, advance: Advance) -> None:
        options = [(True, _("Oui")), (False, _("Non"))]
        letters = {"O": True, "Y": True, "N": False}
        super().__init__(item, submit, advance, options, letters)


# --- typed values ---------------------------------------------------------------------


class _KeyFilter(QObject):
    """Lets the page shortcuts through a line edit and gives Space to the stopwatch."""

    def __init__(self, on_space: Callable[[], bool] | None = None) -> None:
        super().__init__()
        self._on_space = on_space

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and is_navigation_key(event)
        ):
            event.ignore()
            return True
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Space
            and self._on_space is not None
        ):
            return self._on_space()
        return False


class LineInput(FieldInput):
    """A line edit whose text is parsed on Enter (then the focus moves on) or on leave."""

    parse: Callable[[str], Any]
    """Typed text to a value, or `NumberError` with the message to show (each subclass)."""
    format: Callable[[Any], str]
    """A saved value as the text to show (each subclass)."""

    def __init__(self, item: Item, submit: Submit, advance: Advance) -> None:
        super().__init__(item, submit, advance)
        self.line_edit = QLineEdit(self)
        self.line_edit.setObjectName("line_edit")
        self.line_edit.setMinimumHeight(TARGET)
        self.line_edit.setMaximumWidth(260)
        self.line_edit.setClearButtonEnabled(False)
        if item.max_length:
            self.line_edit.setMaxLength(item.max_length)
        self._shown = ""
        self._filter = _KeyFilter(self._on_space)
        self.line_edit.installEventFilter(self._filter)
        self.line_edit.returnPressed.connect(self._on_line_edit_return_pressed)
        self.line_edit.editingFinished.connect(self.commit_pending)
        self.unit_label = QLabel(item.unit or "", self)
        self.layout_ = QHBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.addWidget(self.line_edit)
        self.layout_.addWidget(self.unit_label)
        self.layout_.addStretch(1)
        self.setFocusProxy(self.line_edit)

    def focus_widget(self) -> QWidget:
        return self.line_edit

    def set_value(self, value: Any) -> None:
        self._shown = "" if value is None or not self._displayable(value) else self.format(value)
        self.line_edit.setText(self._shown)

    def _displayable(self, value: Any) -> bool:
        return not isinstance(value, dict | list) and not hasattr(value, "reason")

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        self.line_edit.setReadOnly(read_only)

    def commit_pending(self) -> bool:
        """Parse and submit the text if it changed; True when nothing is left pending."""
        if self.read_only:
            return True
        text = self.line_edit.text()
        if text.strip() == self._shown.strip():
            return True
        if not text.strip():
            value = None
        else:
            try:
                value = self.parse(text)
            except NumberError as err:
                self._submit_error(err.message)
                return False
        if self._submit(value):
            self._shown = text
            return True
        return False

    def _submit_error(self, message: str) -> None:
        self.report_error(message)

    def _on_line_edit_return_pressed(self) -> None:
        if self.commit_pending():
            self._advance()

    def _on_space(self) -> bool:
        return False


class IntegerInput(FieldInput):
    """`ItemKind.integer`: a small score (0–9, e.g. C4, MMSE sub-scores, whisper
    characters) is a row of number buttons, one key each; a larger one is typed."""

    def __init__(self, item: Item, submit: Submit, advance: Advance) -> None:
        super().__init__(item, submit, advance)
        small = (
            item.min is not None
            and item.max is not None
            and item.min >= 0
            and item.max <= SMALL_SCALE_MAX
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.inner: FieldInput
        if small:
            assert item.min is not None and item.max is not None
            options = [(n, str(n)) for n in range(int(item.min), int(item.max) + 1)]
            self.inner = _NumberButtons(item, submit, advance, options)
        else:
            self.inner = _IntegerLine(item, submit, advance)
        layout.addWidget(self.inner)
        self.setFocusProxy(self.inner)
        self.inner.report_error = lambda message: self.report_error(message)

    def set_value(self, value: Any) -> None:
        self.inner.set_value(value if type(value) is int else None)

    def focus_widget(self) -> QWidget:
        return self.inner.focus_widget()

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        self.inner.set_read_only(read_only)

    def commit_pending(self) -> None:
        self.inner.commit_pending()

    @property
    def buttons(self) -> list[QPushButton]:
        return getattr(self.inner, "buttons", [])

    def button_for(self, value: int) -> QPushButton:
        if not isinstance(self.inner, ButtonChoices):
            raise KeyError(value)
        return self.inner.button_for(value)

    @property
    def line_edit(self) -> QLineEdit | None:
        return getattr(self.inner, "line_edit", None)


class _NumberButtons(ButtonChoices):
    def __init__(
        self, item: Item, submit: Submit, advance: Advance, options: Sequence[tuple[int, str]]
    ) -> None:
        super().__init__(item, submit, advance, options)
        for button, (value, _label) in zip(self.buttons, options, strict=True):
            button.setText(str(value))


class _IntegerLine(LineInput):
    def parse(self, text: str) -> int:
        return parse_integer(text)

    def format(self, value: Any) -> str:
        return str(value)


class DecimalInput(LineInput):
    """`ItemKind.decimal`: kg, cm, dB; comma or point."""

    def parse(self, text: str) -> float | int:
        value = parse_decimal(text)
        return int(value) if self.item.decimals == 0 and value == int(value) else value

    def format(self, value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return str(value)
        return format_number(value, self.item.decimals)


class DurationInput(LineInput):
    """`ItemKind.duration`: seconds, typed or timed with the built-in stopwatch."""

    def __init__(self, item: Item, submit: Submit, advance: Advance) -> None:
        super().__init__(item, submit, advance)
        self.stopwatch = Stopwatch(stopwatch_cap(item), parent=self)
        self.stopwatch.setObjectName("stopwatch")
        self.stopwatch.stopped.connect(self._on_stopwatch_stopped)
        self.stopwatch.started.connect(lambda: self.line_edit.setFocus())
        self.layout_.insertWidget(2, self.stopwatch)
        self.line_edit.setMaximumWidth(140)
        self.line_edit.setPlaceholderText(_("Espace = chrono"))

    def parse(self, text: str) -> float | str:
        token = self.item.over_token
        if token is not None and text.strip().replace(" ", "") == token:
            return token
        return parse_decimal(text)

    def format(self, value: Any) -> str:
        if isinstance(value, str):
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            return str(value)
        return format_fixed(float(value), 2)

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        self.stopwatch.toggle_button.setEnabled(not read_only)

    def _on_space(self) -> bool:
        if self.read_only:
            return True
        self.stopwatch.toggle()
        return True

    def _on_stopwatch_stopped(self, value: float | str) -> None:
        self.line_edit.setText(self.format(value))
        self.line_edit.setFocus()
        self.commit_pending()


class AcuityInput(LineInput):
    """`ItemKind.acuity`: 6/12, 20/40, Monoyer 5/10, decimal 0,5 or logMAR 0,3, read
    under the instrument's notation; the decimal and logMAR values are shown live."""

    def __init__(self, item: Item, submit: Submit, advance: Advance) -> None:
        super().__init__(item, submit, advance)
        self.line_edit.setPlaceholderText(_("ex. 6/12, 20/40, 5/10, 0,5"))
        self.converted_label = QLabel(self)
        self.converted_label.setObjectName("converted_label")
        self.converted_label.setProperty("role", "converted")
        self.layout_.insertWidget(2, self.converted_label)
        self._notation: Notation | None = None
        self.line_edit.textEdited.connect(lambda _text: self._show_conversion())

    def parse(self, text: str) -> str:
        return " ".join(text.split())

    def format(self, value: Any) -> str:
        return str(value)

    def set_value(self, value: Any) -> None:
        super().set_value(value)
        self._show_conversion()

    def set_context(self, answers: dict[str, Any]) -> None:
        raw = answers.get("VA_notation")
        self._notation = Notation(raw) if raw in {n.value for n in Notation} else None
        self._show_conversion()

    def _show_conversion(self) -> None:
        text = self.line_edit.text().strip()
        if not text:
            self.converted_label.setText("")
            return
        try:
            acuity = resolve_acuity(text, self._notation)
        except AcuityNotationError as err:
            self.converted_label.setText(err.message.get(current_language()))
            return
        except AcuityParseError:
            self.converted_label.setText(_("notation non reconnue"))
            return
        self.converted_label.setText(
            _("= {decimal} décimal · logMAR {logmar}").format(
                decimal=format_fixed(acuity.decimal_value, 2),
                logmar=format_fixed(acuity.logmar, 2),
            )
        )


class TextInput(LineInput):
    """`ItemKind.text`: saved while typing (after a short pause) and on leave."""

    def __init__(self, item: Item, submit: Submit, advance: Advance) -> None:
        super().__init__(item, submit, advance)
        self.line_edit.setMaximumWidth(16777215)
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(700)
        self._pause.timeout.connect(self.commit_pending)
        self.line_edit.textEdited.connect(lambda _text: self._pause.start())

    def parse(self, text: str) -> str:
        return text.strip()

    def format(self, value: Any) -> str:
        return str(value)


FIELD_BY_KIND: dict[ItemKind, type[FieldInput]] = {
    ItemKind.CHOICE: ChoiceInput,
    ItemKind.BOOLEAN: BooleanInput,
    ItemKind.INTEGER: IntegerInput,
    ItemKind.DECIMAL: DecimalInput,
    ItemKind.DURATION: DurationInput,
    ItemKind.ACUITY: AcuityInput,
    ItemKind.TEXT: TextInput,
}
"""Every kind has its widget; `tests/ui/visit` checks the mapping covers `ItemKind`."""


def make_field(item: Item, submit: Submit, advance: Advance) -> FieldInput:
    return FIELD_BY_KIND[item.kind](item, submit, advance)


def label_text(text: Text | None) -> str:
    return text.get(current_language()) if text is not None else ""
