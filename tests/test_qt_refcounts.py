"""The pinned PySide6 keeps the reference counts of None and True (requirements.lock).

PySide6 6.12.0 on CPython 3.11 gives back `None` from void methods and `True` from
`Signal.emit` without the reference it owes; after a few thousand calls (a backup's
progress reports) CPython aborts with "deallocating True or False". 6.11.3 is correct, so
it is the pinned version; this test fails if an upgrade brings the defect back.
"""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(sys.argv)
class Progress(QObject):
    progressed = Signal(int, int, str)
source = Progress()
source.progressed.connect(lambda done, total, label: None)
label = QLabel()
before = sys.getrefcount(None), sys.getrefcount(True)
for done in range(5000):
    source.progressed.emit(done, 0, "")
    label.setText("x")
after = sys.getrefcount(None), sys.getrefcount(True)
print(after[0] - before[0], after[1] - before[1])
"""


def test_signals_and_void_methods_keep_singleton_references():
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr[-500:]
    none_delta, true_delta = (int(x) for x in run.stdout.split())
    assert abs(none_delta) < 50 and abs(true_delta) < 50, run.stdout
