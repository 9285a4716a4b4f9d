"""A patient's history: the visits and the trend charts from the stored results."""

from __future__ import annotations

from datetime import date

from PySide6.QtCharts import QScatterSeries

from icope_desktop.screening import Domain, DomainStatus
from icope_desktop.ui.visit import PatientHistory

STEP1 = {
    "C1": True, "C2": "correct", "C3": "correct", "C4": 3,
    "L1_completed": True, "L1_used_arms": False, "L1_time_s": 10.0,
    "N1": "non", "N2": False, "V1": False,
    "H1_method": "whisper", "H1_whisper_R": "pass", "H1_whisper_L": "pass",
    "P1": False, "P2": False,
}  # fmt: skip
SPPB = {
    "B1": 10.0, "B2": 10.0, "B3": 4.2, "GAIT_course_m": 4, "GAIT_t1_s": 6.9,
    "CHAIR_pretest": "passed", "CHAIR_time_s": 15.2,
}  # fmt: skip


def _visit(services, patient_id, on, step1, sppb=None):
    visits = services.visits
    visit_id = visits.start_visit(patient_id, performed_on=on)
    for item_id, value in step1.items():
        visits.save_answer(visit_id, "step1", item_id, value)
    for item_id, value in (sppb or {}).items():
        visits.save_answer(visit_id, "sppb", item_id, value)
    visits.finalize(visit_id, [])
    return visit_id


def test_history_lists_visits_and_draws_the_trends(qtbot, services, patient_id):
    first = _visit(services, patient_id, date(2024, 3, 4), STEP1)
    _visit(services, patient_id, date(2024, 9, 9), STEP1 | {"L1_time_s": 15.5}, SPPB)
    last = _visit(
        services, patient_id, date(2025, 3, 3), STEP1 | {"L1_time_s": 17.0},
        SPPB | {"CHAIR_time_s": 19.0, "B3": 2.0},
    )  # fmt: skip
    services.visits.start_visit(patient_id)  # today's draft

    history = PatientHistory(services, patient_id)
    qtbot.addWidget(history)
    with qtbot.waitSignal(history.loaded, timeout=10_000):
        history.show()
    table = history.table
    assert table.rowCount() == 4
    assert [table.item(r, 2).text() for r in range(4)].count("brouillon") == 1
    assert table.item(3, 0).text() == "04/03/2024"
    assert "Locomotion" in table.item(0, 3).text() or "Locomotion" in table.item(1, 3).text()

    dots = {s.name(): s for s in history.status_chart.series() if isinstance(s, QScatterSeries)}
    altered = dots[DomainStatus.ALTERED.label.fr]
    normal = dots[DomainStatus.NORMAL.label.fr]
    assert normal.count() + altered.count() == 3 * len(Domain)
    assert altered.count() == 2  # locomotion at the 2nd and 3rd visits

    assert history.score_combo.currentData() == "sppb"
    points = history.data.points
    totals = [p.results["sppb"].total for p in points if "sppb" in p.results]
    assert history.plotted == [float(t) for t in totals] and len(totals) == 2

    with qtbot.waitSignal(history.visit_opened) as opened:
        history.table.cellActivated.emit(3, 0)
    assert opened.args == [first]
    assert points[-1].visit_id == last


def test_history_without_visits_says_so(qtbot, services, patient_without_gp):
    history = PatientHistory(services, patient_without_gp)
    qtbot.addWidget(history)
    with qtbot.waitSignal(history.loaded, timeout=10_000):
        history.show()
    assert history.table.rowCount() == 0
    assert "première" in history.empty_label.text()
    assert not history.score_combo.isEnabled()
