"""The app survives more signal emissions than True has references (PySide6 6.12 on 3.11)."""

from __future__ import annotations

import subprocess
import sys

import pytest

SCRIPT = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(sys.argv)
natural = sys.getrefcount(True) + sys.getrefcount(None)
if sys.argv[1] == "guarded":
    from icope_desktop.ui.shell.refcount_guard import keep_singletons_alive
    assert keep_singletons_alive()
    assert not keep_singletons_alive(), "once is enough"
class Progress(QObject):
    progressed = Signal(int, int, str)
source = Progress()
source.progressed.connect(lambda done, total, label: None)
label = QLabel()
for done in range(natural + 1000):
    source.progressed.emit(done, 0, "")
    label.setText("x")
print("survived")
"""


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None and True are immortal (PEP 683)")
def test_guarded_process_survives_more_emits_than_true_has_references():
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT, "guarded"], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr[-500:]
    assert run.stdout.strip() == "survived"


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None and True are immortal (PEP 683)")
def test_the_guard_is_needed_with_this_pyside_build():
    """Documents the defect: when a PySide6 upgrade fixes it, this test says the guard
    can go (it then fails with "survived")."""
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT, "bare"], capture_output=True, text=True, timeout=120
    )
    assert run.returncode != 0 and "deallocating" in run.stderr
