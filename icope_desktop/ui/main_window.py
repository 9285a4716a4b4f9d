"""The application's main window."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow

from icope_desktop.i18n import _


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(_("ICOPE Desktop"))
        self.setCentralWidget(QLabel(_("ICOPE Desktop")))
        self.resize(1200, 760)
