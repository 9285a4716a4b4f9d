"""The run command opens a real Qt main window."""

from __future__ import annotations

from icope_desktop.ui.main_window import MainWindow


def test_main_window_opens(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.isVisible()
    assert window.windowTitle() == "ICOPE Desktop"
