"""The summary of a finalized visit (audit item 6): no care-plan editing hint nor "add"
button once the plan is final, and alert priorities read as words in a tag
("Priorité : élevée"), not as bracketed raw levels ("[élevée]", "[URGENTE]")."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from icope_desktop.ui.visit import VisitPage

from .test_page import open_page

STEP1 = {
    "C1": True, "C2": "incorrect", "C3": "correct", "C4": 2,
    "L1_completed": True, "L1_used_arms": False, "L1_time_s": 16.5,
    "N1": "oui", "N1_kg_lost": 4.2, "N2": False, "V1": True,
    "H1_method": "whisper", "H1_whisper_R": "fail", "H1_whisper_L": "pass",
    "H1_red_flags": False, "P1": True, "P2": False,
}  # fmt: skip


def visit_with_alerts(services, patient_id):
    visit_id = services.visits.start_visit(patient_id)
    for item_id, value in STEP1.items():
        services.visits.save_answer(visit_id, "step1", item_id, value)
    return visit_id


def alert_labels(page: VisitPage) -> list[QLabel]:
    return [label for label in page.summary.findChildren(QLabel)
            if label.objectName().startswith("alert_")]  # fmt: skip


def test_draft_summary_offers_to_edit_the_plan(qtbot, services, patient_id):
    page = open_page(qtbot, services, visit_with_alerts(services, patient_id))
    page.show_page("summary")
    assert page.summary.plan_hint.isVisible()
    assert page.summary.add_line_button.isVisible()
    assert page.summary.add_line_button.isEnabled()


def test_final_summary_hides_editing_and_names_priorities(qtbot, services, patient_id):
    visit_id = visit_with_alerts(services, patient_id)
    services.visits.finalize(visit_id, [])
    page = open_page(qtbot, services, visit_id)
    assert page.read_only and page.current_page() == "summary"
    assert not page.summary.plan_hint.isVisible()
    assert not page.summary.add_line_button.isVisible()
    labels = alert_labels(page)
    assert labels, "this Step 1 raises alerts"
    for label in labels:
        text = label.text()
        assert "Priorité : " in text and "[" not in text, text
    levels = {label.text().split("Priorité : ")[1].split("&")[0] for label in labels}
    assert levels <= {"faible", "normale", "élevée", "urgente"}, levels


def test_visit_finalized_anyway_says_what_it_lacks(qtbot, services, patient_id):
    """Usability audit 2: a visit finalized with answers missing once read « Toutes les
    questions nécessaires sont renseignées. »"""
    visit_id = services.visits.start_visit(patient_id)
    services.visits.save_answer(visit_id, "step1", "C2", "correct")
    expected = sum(len(m.errors) for m in services.visits.missing({"step1": {"C2": "correct"}}))
    services.visits.finalize(visit_id, [])
    page = open_page(qtbot, services, visit_id)
    assert page.read_only
    text = page.summary.missing_label.text()
    assert "Toutes les questions" not in text
    assert f"Finalisée avec {expected} question(s) sans réponse" in text
    assert not page.summary.missing_button.isVisible()  # nothing to complete in a final visit
