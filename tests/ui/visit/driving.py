"""Drive the visit page as a practitioner would: clicks on answer buttons, keystrokes in
fields, Space on a stopwatch. Each step returns the value the store must then hold."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from icope_desktop.ui.visit.form import InstrumentForm


@dataclass(frozen=True)
class Click:
    value: Any


@dataclass(frozen=True)
class Type:
    text: str
    expected: Any


@dataclass(frozen=True)
class Timed:
    """Start the stopwatch with Space, let `seconds` pass on its clock, stop with Space
    (None: let it stop by itself at its cap). `expected` is what the field must hold."""

    seconds: float | None
    expected: Any


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def tick(qtbot, box) -> None:
    """Click a check box on its indicator (its centre may be empty space)."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def click(qtbot, form: InstrumentForm, item_id: str, value: Any) -> None:
    button = form.row(item_id).field.button_for(value)
    assert button.isVisible(), f"{item_id}: answer button hidden"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def type_text(qtbot, form: InstrumentForm, item_id: str, text: str) -> None:
    row = form.row(item_id)
    edit = row.field.line_edit
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def timed(qtbot, form: InstrumentForm, item_id: str, seconds: float | None) -> None:
    row = form.row(item_id)
    stopwatch = row.field.stopwatch
    fake = FakeClock()
    stopwatch.clock = fake
    edit = row.field.line_edit
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_Space)
    assert stopwatch.is_running
    if seconds is None:
        fake.now += 3600
        qtbot.waitUntil(lambda: not stopwatch.is_running, timeout=2000)
    else:
        fake.now += seconds
        qtbot.keyClick(QApplication.focusWidget() or edit, Qt.Key.Key_Space)
        assert not stopwatch.is_running


def answer(qtbot, form: InstrumentForm, script: list[tuple[str, Any]]) -> dict[str, Any]:
    """Play `script` on the form; return the answers the store must hold."""
    expected: dict[str, Any] = {}
    for item_id, step in script:
        if isinstance(step, Click):
            click(qtbot, form, item_id, step.value)
            expected[item_id] = step.value
        elif isinstance(step, Type):
            type_text(qtbot, form, item_id, step.text)
            expected[item_id] = step.expected
        elif isinstance(step, Timed):
            timed(qtbot, form, item_id, step.seconds)
            expected[item_id] = step.expected
        else:
            raise TypeError(step)
        assert form.answer(item_id) == expected[item_id], (item_id, form.answer(item_id))
    return expected
