"""A row of big toggle buttons for a closed answer (Oui / Non / Ne sait pas...).

Nothing is pre-selected. Clicking the chosen answer again keeps it (a second click meant
as "yes, that one" must not silently erase it: the usability walkthrough found answers
saved as unknown that way); the answer is taken back with the explicit "Effacer" link
next to the row, or Suppr/Retour arrière on a button (DESIGN.md "No forced choice").
Radio buttons cannot be unchecked, which is why they are not used. The chosen button is
marked by colour, a check mark and bold text (never by colour alone, RGAA 3.1). Each
button is reachable with Tab and chosen with Space.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from icope_desktop.i18n import _
from icope_desktop.ui.style import TOUCH_HEIGHT, set_flag
from icope_desktop.ui.widgets.buttons import LinkButton
from icope_desktop.ui.widgets.tags import tag_flag

CHECK_MARK = "✓ "


class ChoiceButtons(QWidget):
    changed = Signal(object)  # the value, or None when nothing is chosen

    def __init__(
        self,
        options: Sequence[tuple[Any, str]],
        parent: QWidget | None = None,
        *,
        name: str | None = None,
    ) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self._value: Any = None
        self.buttons: dict[Any, QPushButton] = {}
        self._labels: dict[Any, str] = {}
        for value, label in options:
            button = QPushButton(label, self)
            button.setCheckable(True)
            button.setMinimumHeight(TOUCH_HEIGHT)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked, v=value: self._on_button_clicked(v))
            button.installEventFilter(self)
            layout.addWidget(button)
            self.buttons[value] = button
            self._labels[value] = label
        self.clear_button = LinkButton(_("Effacer"), self)
        self.clear_button.setToolTip(_("Ne plus donner de réponse (Suppr)"))
        self.clear_button.clicked.connect(self._on_clear_clicked)
        layout.addWidget(self.clear_button)
        layout.addStretch(1)
        if name:
            self.setObjectName(name)
            for index, button in enumerate(self.buttons.values()):
                button.setObjectName(f"{name}_{index}")
            self.clear_button.setObjectName(f"{name}_clear")
        self._refresh()

    def value(self) -> Any:
        return self._value

    def set_value(self, value: Any) -> None:
        self._value = value if value in self.buttons else None
        self._refresh()

    def button(self, value: Any) -> QPushButton:
        return self.buttons[value]

    def _refresh(self) -> None:
        for option, button in self.buttons.items():
            chosen = option == self._value and self._value is not None
            button.setChecked(chosen)
            button.setText(CHECK_MARK + self._labels[option] if chosen else self._labels[option])
            if button.property("chosen") != ("true" if chosen else "false"):
                # re-polish only a button already drawn with the other look
                (set_flag if button.property("chosen") else tag_flag)(button, "chosen", chosen)
        self.clear_button.setVisible(self._value is not None)

    def _on_button_clicked(self, value: Any) -> None:
        previous = self._value
        self.set_value(value)  # a click on the chosen answer keeps it
        if self._value != previous:
            self.changed.emit(self._value)

    def _on_clear_clicked(self) -> None:
        focused = any(button.hasFocus() for button in self.buttons.values())
        had_value = self._value is not None
        self.set_value(None)
        if focused or self.clear_button.hasFocus():
            next(iter(self.buttons.values())).setFocus()
        if had_value:
            self.changed.emit(None)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and watched in self.buttons.values():
            key = event.key()  # type: ignore[attr-defined]
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self._on_clear_clicked()
                return True
        return super().eventFilter(watched, event)
