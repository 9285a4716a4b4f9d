"""Issue 7: the UI stays responsive during a sync of 1,000 visits (pytest-qt, offscreen).

The structural fact is tested here: the sync runs off the UI thread, so a heartbeat
QTimer keeps beating all through it. A sync done on the UI thread holds it for the whole
run (about 15 s here), far above the bound below. The fine figure (longest gap against
an idle baseline, target under 100 ms) is measured by `benchmarks/sync_ui_heartbeat.py`,
not asserted here: the CI machine is shared, and an idle loop there already shows gaps
above 100 ms now and then."""

from __future__ import annotations

import itertools
import time
from datetime import date

from sync.conftest import desk, live, store_template, tariff_table  # noqa: F401

from icope_desktop.screening import ScoringContext, evaluate_visit, score
from icope_desktop.store.records import Identity, PatientData, Sex, SyncStatus, VisitKind
from icope_desktop.ui.sync.sync_panel import SyncPanel
from icope_desktop.ui.tasks import TaskRunner

VISITS = 1_000
DAY = date(2025, 3, 3)
FIRST_ITEMS = {"C1": True, "C4": 3, "V1": False, "P1": False, "P2": False}


def thousand_visits(desk) -> None:  # noqa: F811
    """1,000 finalized Step 1 visits through the store API (a few items answered each, to
    keep the set-up short; the sync's work per visit is the same resources)."""
    store = desk.store
    patients = store.patients.create_patients([
        PatientData(Identity(f"Patient{i:04d}", "Anne", date(1940, 1, 1 + i % 28), Sex.FEMALE),
                    postal_code="44000")
        for i in range(VISITS)
    ])
    result = score("step1", FIRST_ITEMS, ScoringContext(age_years=80, visit_date=DAY))
    evaluation = evaluate_visit(result, {}, visit_date=DAY).to_json()
    for patient_id in patients:
        visit = store.visits.start_visit(patient_id, VisitKind.STEP1, performed_on=DAY,
                                         instruments=("step1",))
        store.visits.finalize_visit(visit, results={"step1": result.to_json()},
                                    evaluation=evaluation, care_plan=[],
                                    finalized_by=desk.practice.practitioner_id)


def test_ui_heartbeat_never_stalls_during_a_big_sync(qtbot, desk, live):  # noqa: F811
    thousand_visits(desk)
    panel = SyncPanel(desk.sync, TaskRunner())
    qtbot.addWidget(panel)
    panel.show()
    beats: list[float] = []
    from PySide6.QtCore import QTimer

    heartbeat = QTimer()
    heartbeat.setInterval(10)
    heartbeat.timeout.connect(lambda: beats.append(time.perf_counter()))
    heartbeat.start()
    qtbot.wait(50)

    with qtbot.waitSignal(panel.sync_finished, timeout=170_000) as finished:
        panel.start_sync()
    heartbeat.stop()

    report = finished.args[0]
    assert report.error is None and report.rejected == 0
    assert report.sent == 2 + 2 * VISITS
    assert desk.store.outbox.counts()[SyncStatus.WAITING] == 0
    assert live.count("Encounter", desk.account.rpps) == VISITS
    gaps = [b - a for a, b in itertools.pairwise(beats)]
    assert len(gaps) > 100
    print(f"UI heartbeat: {len(gaps)} beats, longest gap {max(gaps) * 1000:.0f} ms")
    assert max(gaps) < 0.500, f"UI thread stalled {max(gaps) * 1000:.0f} ms"
