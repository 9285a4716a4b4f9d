"""A whole visit driven with clicks and keystrokes: Step 1 with six capacities altered,
every Step 2 test (with the SPPB stopwatches), the summary, Finalize, the letters.

What the store holds afterwards must be what was typed, and every stored result must be
exactly the screening engine's `score` on the same answers (issue 4).
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from icope_desktop.screening import (
    Result,
    VisitEvaluation,
    answers_from_json,
    evaluate_visit,
    score,
)
from icope_desktop.store.records import RecordStatus
from icope_desktop.ui.visit import VisitPage

from .driving import Click, Timed, Type, answer, tick

STEP1 = [
    ("C1", Click(True)), ("C2", Click("incorrect")), ("C3", Click("correct")), ("C4", Click(2)),
    ("L1_completed", Click(True)), ("L1_used_arms", Click(False)),
    ("L1_time_s", Type("16,5", 16.5)),
    ("N1", Click("oui")), ("N1_kg_lost", Type("4,2", 4.2)), ("N2", Click(False)),
    ("V1", Click(True)),
    ("H1_method", Click("whisper")), ("H1_whisper_R", Click("fail")),
    ("H1_whisper_L", Click("pass")), ("H1_red_flags", Click(False)),
    ("P1", Click(True)), ("P2", Click(False)),
]  # fmt: skip
MMSE = [
    ("MMSE_NSC", Click("NSC2")), ("MMSE_OT", Click(4)), ("MMSE_OP", Click(5)),
    ("MMSE_REG", Click(3)), ("MMSE_ATT", Click(2)), ("MMSE_REC", Click(1)),
    ("MMSE_NAM", Click(2)), ("MMSE_REP", Click(1)), ("MMSE_CMD", Click(3)),
    ("MMSE_READ", Click(1)), ("MMSE_WRITE", Click(1)), ("MMSE_COPY", Click(0)),
]  # fmt: skip
MNA_SF = [
    ("A", Click("moderate")), ("B", Click("1to3")), ("C", Click("goes_out")),
    ("D", Click("yes")), ("E", Click("none")),
    ("F1_weight_kg", Type("52,5", 52.5)), ("F1_height_cm", Type("158", 158)),
]  # fmt: skip
MNA = [
    *MNA_SF,
    ("G", Click("yes")), ("H", Click("no")), ("I", Click("no")), ("J", Click(2)),
    ("K_dairy", Click(True)), ("K_legumes_eggs", Click(False)), ("K_meat", Click(True)),
    ("L", Click("yes")), ("M", Click("3to5")), ("N", Click("no_problem")),
    ("O", Click("uncertain")), ("P", Click("as_good")),
    ("Q", Type("23,5", 23.5)), ("R", Type("30", 30.0)),
]  # fmt: skip
SPPB = [
    ("B1", Timed(None, 10.0)),  # stops by itself at the 10 s hold (spec §3.3)
    ("B2", Timed(12.0, 10.0)),
    ("B3", Timed(4.237, 4.24)),  # 0.01 s, half-up (spec §0)
    ("GAIT_course_m", Click(4)),
    ("GAIT_t1_s", Timed(6.9, 6.9)), ("GAIT_t2_s", Type("6,40", 6.4)),
    ("GAIT_aid", Click("cane")),
    ("CHAIR_pretest", Click("passed")), ("CHAIR_time_s", Timed(15.2, 15.2)),
]  # fmt: skip
SNELLEN = [
    ("VA_notation", Click("monoyer")), ("VA_correction", Click("avec_correction_habituelle")),
    ("VA_OD", Type("4/10", "4/10")), ("VA_OG", Type("3/10", "3/10")),
]  # fmt: skip
PHQ9 = [
    ("Q1", Click(1)), ("Q2", Click(2)), ("Q3", Click(1)), ("Q4", Click(2)), ("Q5", Click(0)),
    ("Q6", Click(1)), ("Q7", Click(0)), ("Q8", Click(0)), ("Q9", Click(0)),
    ("Q10", Click("somewhat")),
]  # fmt: skip
HEARING = [
    ("HEAR_method", Click("whisper")),
    ("WHISPER_R_A1", Click(3)), ("WHISPER_L_A1", Click(1)), ("WHISPER_L_A2", Click(1)),
    ("HEAR_red_flags", Click(False)),
]  # fmt: skip
SCRIPTS = {
    "mmse": MMSE, "mna_sf": MNA_SF, "mna": MNA, "sppb": SPPB, "snellen": SNELLEN,
    "phq9": PHQ9, "hearing": HEARING,
}  # fmt: skip


def test_full_visit_with_every_step2_test(qtbot, services, patient_id):
    visit_id = services.visits.start_visit(patient_id)
    page = VisitPage(services, visit_id)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    with qtbot.waitActive(page):
        page.show()
        page.activateWindow()

    expected = {"step1": answer(qtbot, page.forms["step1"], STEP1)}
    assert page.forms["step1"].result.derived["altered_count"] == 6

    qtbot.mouseClick(page.next_button, Qt.MouseButton.LeftButton)
    chooser = page.chooser
    assert chooser.selected() == ["mmse", "mna_sf", "sppb", "snellen", "phq9", "hearing"]
    tick(qtbot, chooser.boxes["mna"])  # the user adds one
    assert "mna" in chooser.selected()
    qtbot.mouseClick(chooser.start_button, Qt.MouseButton.LeftButton)

    for instrument_id in ("mmse", "mna_sf", "mna", "sppb", "snellen", "phq9", "hearing"):
        assert page.current_page() == instrument_id
        expected[instrument_id] = answer(qtbot, page.forms[instrument_id], SCRIPTS[instrument_id])
        qtbot.mouseClick(page.next_button, Qt.MouseButton.LeftButton)

    assert page.current_page() == "summary"
    summary = page.summary
    assert summary.missing_label.text().startswith("Toutes")
    assert summary.plan_editors and all(e.accept_box.isChecked() for e in summary.plan_editors)
    with qtbot.waitSignal(page.finished, timeout=20_000) as finished:
        qtbot.mouseClick(summary.finalize_button, Qt.MouseButton.LeftButton)
    assert finished.args == [visit_id]
    assert page.read_only and summary.amend_button.isVisible()

    store = services.store
    view = store.visits.get_visit(visit_id)
    assert view.status is RecordStatus.FINAL
    context = services.visits.context_for(store.patients.get_patient(patient_id), view.performed_on)
    results = {}
    for assessment in view.assessments:
        typed = expected[assessment.instrument_id]
        assert answers_from_json(assessment.answers) == typed, assessment.instrument_id
        engine = score(assessment.instrument_id, typed, context)
        assert Result.from_json(assessment.result) == engine, assessment.instrument_id
        results[assessment.instrument_id] = engine
    assert set(results) == set(expected)
    engine_visit = evaluate_visit(
        results.pop("step1"), results, visit_date=view.performed_on,
        config=services.visits.visit_config(),
    )  # fmt: skip
    assert VisitEvaluation.from_json(view.evaluation) == engine_visit
    assert {e.code for e in view.care_plan} == {r.code for r in engine_visit.recommendations}

    panel = page.letters_widget
    qtbot.waitUntil(lambda: panel.batch is not None, timeout=20_000)
    assert set(panel.batch.pdfs) == {"gp_letter", "patient_summary"}
    assert store.letters.get_letter(visit_id, "gp_letter", "fr").pdf.startswith(b"%PDF-")
    if panel.preview is not None:
        panel.preview.close()
