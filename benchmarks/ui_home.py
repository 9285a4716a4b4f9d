"""Home benchmark: 20,000 patients, the home screen's UI-thread hold and its lists.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/ui_home.py [--patients 20000]

Issue 4 figures for the home before anything is typed: how long building `HomePage`
holds the UI thread (budget 100 ms: its drafts, due follow-ups and alerts are read there),
and how long the patient list (30 most recently seen, with their follow-ups) takes on
its worker. The store holds `--patients` patients (bulk `create_patients`), of whom 70 %
were screened over the last 18 months (`last_step1_on`, `last_visit_on`, 5 % with a
planned date), as `finalize_visit` would leave them, so hundreds of follow-ups are due.
Baseline, measured in the same run: search as you type for "mar" (the store's reference
query, answered within 30 ms) and a bare page with the same empty widgets.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.ui_memory import FAMILY, FIRST, PASSPHRASE  # noqa: E402


def fill(data_dir: Path, count: int, today: date) -> None:
    from sqlalchemy import text

    from icope_desktop.services.session import AppSession, Setup
    from icope_desktop.services.settings import ProfileForm
    from icope_desktop.store.records import Identity, PatientData, Profession, Sex
    from icope_desktop.store.vault import FLOOR_KDF

    session = AppSession(data_dir, kdf=FLOOR_KDF)
    services = session.create(
        Setup(ProfileForm("Durand", "Claire", Profession.NURSE), PASSPHRASE)
    ).services
    rng = random.Random(7)
    batch: list[PatientData] = []
    for index in range(count):
        born = date(1930, 1, 1) + timedelta(days=rng.randrange(0, 365 * 35))
        sex = Sex.FEMALE if index % 2 else Sex.MALE
        batch.append(PatientData(Identity(rng.choice(FAMILY), rng.choice(FIRST), born, sex)))
        if len(batch) == 2000:
            services.store.patients.create_patients(batch)
            batch = []
    if batch:
        services.store.patients.create_patients(batch)
    rows = []
    with services.store.repos.db.reading() as read:
        ids = [row[0] for row in read.execute(text("SELECT id FROM patient"))]
    for patient_id in ids:
        if rng.random() < 0.7:
            seen = today - timedelta(days=rng.randrange(0, 540))
            planned = seen + timedelta(days=90) if rng.random() < 0.05 else None
            rows.append({"id": patient_id, "seen": seen.isoformat(),
                         "planned": planned.isoformat() if planned else None})
    with services.store.repos.db.writing() as write:
        write.execute(
            text("UPDATE patient SET last_step1_on = :seen, last_visit_on = :seen, "
                 "planned_step1_on = :planned WHERE id = :id"),
            rows,
        )
    session.lock()


def timed(fn, runs: int) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(runs):
        began = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QApplication, QLineEdit, QListWidget, QVBoxLayout, QWidget

    from icope_desktop.services.session import AppSession
    from icope_desktop.store.vault import FLOOR_KDF
    from icope_desktop.ui.shell.home import HomePage
    from icope_desktop.ui.style import apply_style

    app = QApplication.instance() or QApplication(sys.argv)
    apply_style(app)
    today = date.today()
    with tempfile.TemporaryDirectory(prefix="icope-home-") as tmp:
        data_dir = Path(tmp) / "data"
        began = time.perf_counter()
        fill(data_dir, args.patients, today)
        print(f"store filled: {args.patients} patients in {time.perf_counter() - began:.1f} s")
        session = AppSession(data_dir, kdf=FLOOR_KDF)
        services = session.unlock(PASSPHRASE)
        services.settings.confirm_recovery_key()

        def bare() -> QWidget:
            page = QWidget()
            layout = QVBoxLayout(page)
            layout.addWidget(QLineEdit(page))
            for _ in range(4):
                layout.addWidget(QListWidget(page))
            page.resize(1366, 700)
            page.show()
            app.processEvents()
            page.deleteLater()
            return page

        pool = QThreadPool.globalInstance()

        def home() -> HomePage:
            pool.waitForDone()  # the previous page's workers: not this page's time
            began = time.perf_counter()
            page = HomePage(services)
            page.resize(1366, 700)
            page.show()
            app.processEvents()
            holds.append((time.perf_counter() - began) * 1000)
            pool.waitForDone()
            app.processEvents()  # the lists drawn from the workers' results
            page.deleteLater()
            return page

        holds: list[float] = []

        bare_ms, _ = timed(bare, args.runs)
        _total_ms, page = timed(home, args.runs)
        home_ms = statistics.median(holds)
        search_ms, found = timed(lambda: services.patients.search("mar"), args.runs)
        list_ms, listed = timed(lambda: services.patients.patient_list(), args.runs)
        due_ms, due = timed(lambda: services.store.visits.list_due_followups(today), args.runs)
        app.processEvents()
        print(f"{'median of ' + str(args.runs) + ' runs':40} {'ms':>8}")
        print(f"{'bare page, same empty widgets (baseline)':40} {bare_ms:8.1f}")
        print(f"{'HomePage built and painted (UI thread)':40} {home_ms:8.1f}"
              f"   ratio {home_ms / bare_ms:5.1f}x   budget 100 ms")
        print(f"{'due follow-ups query (worker)':40} {due_ms:8.1f}"
              f"   ({len(due)} due, {page.due_list.count()} lines shown)")
        print(f"{'search as you type, mar (baseline)':40} {search_ms:8.1f}   ({len(found)} hits)")
        print(f"{'patient list before typing (worker)':40} {list_ms:8.1f}"
              f"   ratio {list_ms / search_ms:5.1f}x search   ({len(listed.items)} of "
              f"{listed.total})")
        session.lock()


if __name__ == "__main__":
    main()
