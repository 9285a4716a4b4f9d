"""The stopwatch beside a timed field (audit item 8): an idle stopwatch once read
"0,00 s" next to a typed 10,00. The running time shows only while timing; the field
holds the recorded time."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from .driving import FakeClock, Type, answer
from .test_page import open_page


def test_idle_stopwatch_shows_no_competing_time(qtbot, services, patient_id):
    page = open_page(qtbot, services, services.visits.start_visit(patient_id))
    page.show_page("sppb")
    form = page.forms["sppb"]
    qtbot.waitUntil(lambda: form.is_built, timeout=5000)
    row = form.row("B1")
    label = row.field.stopwatch.time_label
    assert label.text() == "", "nothing timed yet: no 0,00 s"
    answer(qtbot, form, [("B1", Type("10,00", 10.0))])
    assert row.field.line_edit.text() == "10,00"
    assert "0,00" not in label.text()

    stopwatch = row.field.stopwatch
    clock = FakeClock()
    stopwatch.clock = clock
    edit = row.field.line_edit
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_Space)
    assert stopwatch.is_running
    clock.now += 7.5
    qtbot.waitUntil(lambda: label.text() == "7,50 s", timeout=2000)  # the running time
    qtbot.keyClick(QApplication.focusWidget() or edit, Qt.Key.Key_Space)
    assert not stopwatch.is_running
    assert label.text() == "" and edit.text() == "7,50"
    assert form.answer("B1") == 7.5
