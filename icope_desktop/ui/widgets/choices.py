"""A row of big toggle buttons for a closed answer (Oui / Non / Ne sait pas...).

Nothing is pre-selected and a chosen answer can be taken back by clicking it again
(DESIGN.md "No forced choice"); radio buttons cannot be unchecked, which is why they are
not used. Each button is reachable with Tab and toggled with Space.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from icope_desktop.ui.style import TOUCH_HEIGHT


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
        for value, label in options:
            button = QPushButton(label, self)
            button.setCheckable(True)
            button.setMinimumHeight(TOUCH_HEIGHT)
            button.setAutoDefault(False)
            button.clicked.connect(lambda checked, v=value: self._on_button_clicked(v, checked))
            layout.addWidget(button)
            self.buttons[value] = button
        layout.addStretch(1)
        if name:
            self.setObjectName(name)
            for index, button in enumerate(self.buttons.values()):
                button.setObjectName(f"{name}_{index}")

    def value(self) -> Any:
        return self._value

    def set_value(self, value: Any) -> None:
        self._value = value if value in self.buttons else None
        for option, button in self.buttons.items():
            button.setChecked(option == self._value and self._value is not None)

    def button(self, value: Any) -> QPushButton:
        return self.buttons[value]

    def _on_button_clicked(self, value: Any, checked: bool) -> None:
        self.set_value(value if checked else None)
        self.changed.emit(self._value)
