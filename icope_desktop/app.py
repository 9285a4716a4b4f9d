"""Composition root: builds the services and hands them to the UI.

Nothing below this module knows about Qt; nothing above it builds services.
"""

from __future__ import annotations

import argparse
import sys

from icope_desktop.i18n import set_language


def run(args: argparse.Namespace) -> int:
    from PySide6.QtWidgets import QApplication

    from icope_desktop.ui.main_window import MainWindow

    if args.lang:
        set_language(args.lang)
    app = QApplication.instance() or QApplication(sys.argv)
    window = MainWindow()
    window.show()
    return app.exec()
