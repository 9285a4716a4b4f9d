"""Memory benchmark: resident memory with 20,000 patients once the home screen is open.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/ui_memory.py [--patients 20000]

Issue 4 figure: RSS of the app process after unlocking a store of 20,000 patients (filled
with the store's bulk `create_patients`) and showing the home screen, then after a
search as you type; target under 300 MB. The baseline, measured in the same run, is a
bare `QApplication` + `QMainWindow` shown. Each figure comes from a fresh child process
reading its own /proc/self/status (VmRSS now, VmHWM the peak).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSPHRASE = "Tilleul-Loire-2024!"
FAMILY = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
          "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David",
          "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Guérin",
          "Le Gall", "N'Diaye", "Chauvet", "Baudry", "Tessier", "Gouraud"]
FIRST = ["Jeanne", "Marie", "Marcel", "Paul", "Yvonne", "Simone", "André", "Jacques",
         "Madeleine", "Thérèse", "Louis", "Germaine", "Roger", "Odette", "Henri", "Lucienne"]

MEMORY = """
def memory():
    fields = {}
    for line in open("/proc/self/status"):
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields
"""

BARE = MEMORY + """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
window = QMainWindow()
window.resize(1366, 768)
window.show()
app.processEvents()
m = memory()
print(f"bare {m['VmRSS']:.1f} {m['VmHWM']:.1f}")
"""

APP = MEMORY + """
import sys
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton
app = QApplication(sys.argv)
from icope_desktop.app import build_window
from icope_desktop.ui.style import apply_style
apply_style(app)
window = build_window(__import__("pathlib").Path(sys.argv[1]))
window.resize(1366, 768)
window.show()

def wait(condition, ms=60_000):
    waited = 0
    while not condition() and waited < ms:
        loop = QEventLoop()
        QTimer.singleShot(50, loop.quit)
        loop.exec()
        waited += 50

page = window.current_page()
page.findChild(QLineEdit, "passphrase_edit").setText(sys.argv[2])
page.findChild(QPushButton, "unlock_button").click()
wait(lambda: window.page_kind == "home")
wait(lambda: False, 500)
home = memory()
print(f"home {home['VmRSS']:.1f} {home['VmHWM']:.1f} {window.services.patients.count()}")
window.current_page().findChild(QLineEdit, "search_edit").setText("mar")
wait(lambda: False, 500)
found = window.current_page().results_list.count()
after = memory()
print(f"search {after['VmRSS']:.1f} {after['VmHWM']:.1f} {found}")
window.close()
"""


def fill_store(data_dir: Path, count: int) -> float:
    from icope_desktop.services.session import AppSession, Setup
    from icope_desktop.services.settings import ProfileForm
    from icope_desktop.store.records import Identity, PatientData, Profession, Sex
    from icope_desktop.store.vault import FLOOR_KDF

    session = AppSession(data_dir, kdf=FLOOR_KDF)
    services = session.create(
        Setup(ProfileForm("Durand", "Claire", Profession.NURSE), PASSPHRASE)
    ).services
    rng = random.Random(4)
    began = time.perf_counter()
    batch: list[PatientData] = []
    for index in range(count):
        born = date(1930, 1, 1) + timedelta(days=rng.randrange(0, 365 * 35))
        sex = Sex.FEMALE if index % 2 else Sex.MALE
        batch.append(
            PatientData(
                Identity(rng.choice(FAMILY), rng.choice(FIRST), born, sex),
                city="Nantes",
            )
        )
        if len(batch) == 2000:
            services.store.patients.create_patients(batch)
            batch = []
    if batch:
        services.store.patients.create_patients(batch)
    elapsed = time.perf_counter() - began
    session.lock()
    return elapsed


def child(code: str, *args: str) -> list[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=600, check=True,
    )
    return [line.split() for line in out.stdout.splitlines() if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="icope-memory-") as tmp:
        data_dir = Path(tmp) / "data"
        filled = fill_store(data_dir, args.patients)
        bare = child(BARE)[0]
        home, search = child(APP, str(data_dir), PASSPHRASE)
    print(f"store filled with {home[3]} patients in {filled:.1f} s (bulk create_patients)")
    print("process                          RSS MB   peak MB")
    print(f"bare QApplication + QMainWindow  {float(bare[1]):7.1f}  {float(bare[2]):7.1f}")
    print(f"app, home screen shown           {float(home[1]):7.1f}  {float(home[2]):7.1f}")
    print(f"app, after search 'mar' ({search[3]:>2} hits) {float(search[1]):7.1f}  "
          f"{float(search[2]):7.1f}")
    print(f"ratio home / bare                {float(home[1]) / float(bare[1]):7.2f}  "
          "(target: under 300 MB)")


if __name__ == "__main__":
    main()
