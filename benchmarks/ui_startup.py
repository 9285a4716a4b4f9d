"""Start-up benchmark: a fresh process to the unlock window's first paint.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/ui_startup.py [--runs 7]

Issue 4 figure: the time from launching `icope-desktop` (interpreter start included) to
the unlock window painted, against a bare `QApplication` + `QMainWindow` painted,
measured in the same run the same way; target ratio ≤ 2. The app runs its real entry
point (`icope_desktop.app.run`) on a data directory that already holds a store, so the
unlock window is what appears. Each child prints when the first Paint event reaches its
main window and exits at once; the parent times spawn to that line (the median of the
runs, bare and app alternating so both see the same machine load).

Two conditions are measured. "Installed": the children may cache bytecode (in a private
`PYTHONPYCACHEPREFIX`, warmed by one run), as in an installed app, where pip compiles the
`.pyc` files at install time. "No bytecode cache": this environment sets
`PYTHONDONTWRITEBYTECODE`, so a source checkout compiles the project's modules at every
start; the figure is printed too, for comparison with earlier notes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAINT_WATCH = """
import os, sys
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv)

class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and hasattr(watched, "window"):
            if isinstance(watched.window(), QMainWindow) and watched.window().isVisible():
                print("painted", flush=True)
                os._exit(0)
        return False

watch = FirstPaint()
app.installEventFilter(watch)
"""

BARE = PAINT_WATCH + """
window = QMainWindow()
window.resize(1280, 760)
window.show()
app.exec()
"""

APP = PAINT_WATCH + """
from icope_desktop.__main__ import parse_args
from icope_desktop.app import run
run(parse_args(["--data-dir", sys.argv[1]]))
"""


def time_child(code: str, *args: str, pycache: Path | None = None) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    began = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    elapsed = time.perf_counter() - began
    child.wait(timeout=60)
    if line.strip() != "painted":
        raise RuntimeError("the child never painted its window")
    return elapsed


def make_store(data_dir: Path) -> None:
    from icope_desktop.services.session import AppSession, Setup
    from icope_desktop.services.settings import ProfileForm
    from icope_desktop.store.records import Profession
    from icope_desktop.store.vault import FLOOR_KDF

    session = AppSession(data_dir, kdf=FLOOR_KDF)
    session.create(Setup(ProfileForm("Durand", "Claire", Profession.NURSE), "Tilleul-Loire-2024!"))
    session.lock()


def measure(runs: int, data_dir: Path, pycache: Path | None) -> tuple[list[float], list[float]]:
    time_child(BARE, pycache=pycache)  # warm the OS file cache (and bytecode) for both
    time_child(APP, str(data_dir), pycache=pycache)
    bare: list[float] = []
    app: list[float] = []
    for _ in range(runs):
        bare.append(time_child(BARE, pycache=pycache))
        app.append(time_child(APP, str(data_dir), pycache=pycache))
    return bare, app


def report(title: str, bare: list[float], app: list[float]) -> None:
    bare_ms = statistics.median(bare) * 1000
    app_ms = statistics.median(app) * 1000
    print(title)
    print(f"  bare QApplication + QMainWindow : {bare_ms:7.1f} ({min(bare) * 1000:.1f})")
    print(f"  icope-desktop to unlock window  : {app_ms:7.1f} ({min(app) * 1000:.1f})")
    print(f"  ratio app / bare                : {app_ms / bare_ms:7.2f}  (target ≤ 2)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="icope-startup-") as tmp:
        data_dir = Path(tmp) / "data"
        make_store(data_dir)
        installed = measure(args.runs, data_dir, Path(tmp) / "pycache")
        uncached = measure(args.runs, data_dir, None)
    print(f"runs: {args.runs} each, medians (min) in ms, spawn to first paint")
    report("installed (bytecode cached, as after pip install):", *installed)
    report("no bytecode cache (PYTHONDONTWRITEBYTECODE, source checkout):", *uncached)


if __name__ == "__main__":
    main()
