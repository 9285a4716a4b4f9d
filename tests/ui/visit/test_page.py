"""The visit page's rules, each driven as a practitioner would (issue 4)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from icope_desktop.screening import ItemKind, NotAssessable, answers_from_json
from icope_desktop.store.records import RecordStatus
from icope_desktop.ui.visit import VisitPage
from icope_desktop.ui.visit.dialogs import BlockingDialog, MissingChoice, MissingDialog
from icope_desktop.ui.visit.fields import FIELD_BY_KIND

from .driving import Click, Type, answer, click, tick, type_text

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def open_page(qtbot, services, visit_id, *, track: bool = True) -> VisitPage:
    page = VisitPage(services, visit_id)
    if track:
        qtbot.addWidget(page)
    page.resize(1366, 768)
    with qtbot.waitActive(page):
        page.show()
        page.activateWindow()
    return page


def stored(services, visit_id, instrument_id):
    view = services.store.visits.get_visit(visit_id)
    assessment = view.assessment(instrument_id)
    return answers_from_json(assessment.answers) if assessment else {}


def test_every_item_kind_has_its_widget():
    assert set(FIELD_BY_KIND) == set(ItemKind)


def test_the_page_fits_1366_without_horizontal_scrolling(qtbot, services, patient_id):
    page = open_page(qtbot, services, services.visits.start_visit(patient_id))
    for instrument_id in ("step1", "mna", "phq9", "sppb", "hearing"):
        page.show_page(instrument_id)
        form = page.forms[instrument_id]
        QApplication.processEvents()
        assert page.minimumSizeHint().width() <= 1366
        content = form.scroll_area.widget()
        assert content.minimumSizeHint().width() <= form.scroll_area.viewport().width()
        assert content.width() <= form.scroll_area.viewport().width()
    page.show_page("summary")
    assert page.minimumSizeHint().width() <= 1366


def test_draft_reopens_at_the_same_place_with_every_answer(
    qtbot, services, open_services, patient_id
):
    visit_id = services.visits.start_visit(patient_id)
    page = open_page(qtbot, services, visit_id, track=False)
    form = page.forms["step1"]
    typed = answer(qtbot, form, [
        ("C2", Click("correct")), ("C4", Click(3)), ("L1_completed", Click(True)),
        ("L1_used_arms", Click(False)), ("L1_time_s", Type("12,75", 12.75)),
    ])  # fmt: skip
    type_text_without_enter = form.row("N1_kg_lost").field.line_edit
    type_text_without_enter.setFocus()
    qtbot.keyClicks(type_text_without_enter, "2,5")  # typed, never validated with Enter
    form.row("V1").focus()
    qtbot.waitUntil(lambda: page.writer.pending == 0)
    assert form.answer("N1_kg_lost") == 2.5  # leaving the field validated it
    # quit: the page is destroyed and the store locked, no Save anywhere
    page.close()
    page.deleteLater()
    QApplication.processEvents()
    qtbot.wait(50)
    services.store.close()

    again = open_services()
    reopened = open_page(qtbot, again, visit_id)
    form = reopened.forms["step1"]
    assert {k: form.answer(k) for k in typed} == typed
    assert form.answer("N1_kg_lost") == 2.5
    assert reopened.current_page() == "step1"
    qtbot.waitUntil(lambda: form.is_built and form.focused_row() is not None)
    assert form.focused_row().item.id == "V1"


def test_reopened_on_another_page_and_section(qtbot, services, open_services, patient_id):
    visit_id = services.visits.start_visit(patient_id)
    page = open_page(qtbot, services, visit_id)
    page.show_page("step2")
    tick(qtbot, page.chooser.boxes["phq9"])
    page.show_page("phq9")
    click(qtbot, page.forms["phq9"], "Q1", 2)
    assert page.flush()
    services.store.close()
    reopened = open_page(qtbot, open_services(), visit_id)
    assert reopened.current_page() == "phq9"
    assert reopened.forms["phq9"].answer("Q1") == 2


def test_letters_in_a_number_are_refused_and_not_saved(qtbot, services, patient_id):
    visit_id = services.visits.start_visit(patient_id)
    page = open_page(qtbot, services, visit_id)
    form = page.forms["step1"]
    answer(qtbot, form, [("L1_completed", Click(True)), ("L1_used_arms", Click(False))])
    type_text(qtbot, form, "L1_time_s", "11,2")
    type_text(qtbot, form, "L1_time_s", "douze")
    row = form.row("L1_time_s")
    assert row.message_label.isVisible()
    assert "nombre" in row.message_label.text()
    assert form.answer("L1_time_s") == 11.2
    type_text(qtbot, form, "L1_time_s", "-3")
    assert "impossible" in row.message_label.text()
    assert page.flush()
    assert stored(services, visit_id, "step1")["L1_time_s"] == 11.2


def test_out_of_range_time_and_score_are_refused(qtbot, services, patient_id):
    visit_id = services.visits.start_visit(patient_id, instruments=())
    page = open_page(qtbot, services, visit_id)
    page.show_page("step2")
    tick(qtbot, page.chooser.boxes["sppb"])
    page.show_page("sppb")
    form = page.forms["sppb"]
    type_text(qtbot, form, "B1", "75")  # a stance is timed to at most 60 s
    assert form.row("B1").message_label.isVisible()
    assert "B1" not in form.answers
    assert page.flush()
    assert "B1" not in stored(services, visit_id, "sppb")


def test_an_implausible_weight_asks_for_confirmation(qtbot, services, patient_id):
    visit_id = services.visits.start_visit(patient_id, instruments=())
    page = open_page(qtbot, services, visit_id)
    page.show_page("step2")
    tick(qtbot, page.chooser.boxes["mna_sf"])
    page.show_page("mna_sf")
    form = page.forms["mna_sf"]
    type_text(qtbot, form, "F1_weight_kg", "200")  # plausible range 25–250 kg: fine
    assert form.answer("F1_weight_kg") == 200.0
    type_text(qtbot, form, "F1_weight_kg", "320")
    row = form.row("F1_weight_kg")
    assert row.confirm_button.isVisible() and "inhabituel" in row.message_label.text()
    assert form.answer("F1_weight_kg") == 200.0  # not saved until confirmed
    assert row.confirm_button.hasFocus()
    qtbot.keyClick(row.confirm_button, Qt.Key.Key_Return)
    assert form.answer("F1_weight_kg") == 320.0
    assert page.flush()
    saved = stored(services, visit_id, "mna_sf")
    assert saved["F1_weight_kg"] == 320.0 and saved["_confirmed"] == ["F1_weight_kg"]


def test_phq9_item9_raises_an_urgent_notice_that_needs_an_action(qtbot, services, patient_id):
    visit_id = services.visits.start_visit(patient_id, instruments=())
    page = open_page(qtbot, services, visit_id)
    page.show_page("step2")
    tick(qtbot, page.chooser.boxes["phq9"])
    page.show_page("phq9")
    form = page.forms["phq9"]
    click(qtbot, form, "Q9", 1)
    dialog = page.urgent_dialog
    assert dialog is not None and dialog.isVisible() and dialog.isModal()
    assert "3114" in dialog.findChild(QLabel, "actions_label").text()
    assert form.urgent_banner.isVisible()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    dialog.close()
    QApplication.processEvents()
    assert dialog.isVisible()  # cannot be dismissed
    assert not dialog.record_button.isEnabled()
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    tick(qtbot, dialog.action_boxes["gp_contacted"])
    tick(qtbot, dialog.action_boxes["line_3114_given"])
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert page.urgent_record.actions == ("gp_contacted", "line_3114_given")
    assert "Action consignée" in form.urgent_banner.text_label.text()
    assert page.flush()
    position = services.store.visits.get_visit(visit_id).position
    assert position["urgent"]["actions"] == ["gp_contacted", "line_3114_given"]


def test_not_assessable_with_a_reason(qtbot, services, patient_id):
    visit_id = services.visits.start_visit(patient_id)
    page = open_page(qtbot, services, visit_id)
    form = page.forms["step1"]
    row = form.row("H1_method")
    qtbot.mouseClick(row.na_button, Qt.MouseButton.LeftButton)
    assert form.answer("H1_method") == NotAssessable()
    row.reason_combo.hidePopup()
    row.choose_reason("noise")
    assert form.answer("H1_method") == NotAssessable("noise")
    assert page.flush()
    assert stored(services, visit_id, "step1")["H1_method"] == NotAssessable("noise")
    row.focus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_N, CTRL_SHIFT)
    assert form.answer("H1_method") is None  # Ctrl+Shift+N again: answerable again


def test_missing_items_are_listed_and_finalize_anyway_works(
    qtbot, services, patient_id, monkeypatch
):
    visit_id = services.visits.start_visit(patient_id)
    page = open_page(qtbot, services, visit_id)
    answer(qtbot, page.forms["step1"], [("C2", Click("correct")), ("V1", Click(False))])
    listed = []

    def ask(parent, missing):
        listed.extend(e.item_id for m in missing for e in m.errors)
        return MissingChoice.BACK

    monkeypatch.setattr(MissingDialog, "ask", classmethod(lambda cls, p, m: ask(p, m)))
    page.show_page("summary")
    qtbot.mouseClick(page.summary.finalize_button, Qt.MouseButton.LeftButton)
    assert {"C3", "C4", "N1", "P1"} <= set(listed)
    assert page.current_page() == "step1"  # back to the first missing question
    assert services.store.visits.get_visit(visit_id).status is RecordStatus.DRAFT

    monkeypatch.setattr(
        MissingDialog, "ask", classmethod(lambda cls, p, m: MissingChoice.FINALIZE)
    )
    page.show_page("summary")
    with qtbot.waitSignal(page.finished, timeout=20_000):
        qtbot.mouseClick(page.summary.finalize_button, Qt.MouseButton.LeftButton)
    view = services.store.visits.get_visit(visit_id)
    assert view.status is RecordStatus.FINAL
    assert view.evaluation["incomplete"] is True


def test_missing_dialog_lists_the_engine_messages(qtbot, services, patient_id):
    visit_id = services.visits.start_visit(patient_id)
    missing = services.visits.missing({"step1": {"C2": "correct"}})
    dialog = MissingDialog(missing)
    qtbot.addWidget(dialog)
    texts = [dialog.list_widget.item(i).text() for i in range(dialog.list_widget.count())]
    assert any("Orientation : où sommes-nous ?" in t for t in texts)
    qtbot.mouseClick(dialog.finalize_button, Qt.MouseButton.LeftButton)
    assert dialog.choice is MissingChoice.FINALIZE
    assert visit_id


def test_item9_unasked_blocks_finalize_anyway(qtbot, services, patient_id, monkeypatch):
    visit_id = services.visits.start_visit(patient_id, instruments=())
    page = open_page(qtbot, services, visit_id)
    page.show_page("step2")
    tick(qtbot, page.chooser.boxes["phq9"])
    page.show_page("phq9")
    click(qtbot, page.forms["phq9"], "Q1", 1)
    shown = []
    record = classmethod(lambda cls, p, problems: shown.extend(problems))
    monkeypatch.setattr(BlockingDialog, "show_problems", record)
    monkeypatch.setattr(
        MissingDialog, "ask", classmethod(lambda cls, p, m: MissingChoice.FINALIZE)
    )
    page.show_page("summary")
    qtbot.mouseClick(page.summary.finalize_button, Qt.MouseButton.LeftButton)
    assert shown and "question 9" in shown[0]
    assert page.current_page() == "phq9"
    assert services.store.visits.get_visit(visit_id).status is RecordStatus.DRAFT


def test_keyboard_digits_answer_and_move_on(qtbot, services, patient_id):
    visit_id = services.visits.start_visit(patient_id)
    page = open_page(qtbot, services, visit_id)
    form = page.forms["step1"]
    qtbot.waitUntil(lambda: form.focused_row() is not None)
    assert form.focused_row().item.id == "C1"
    for key, item_id, value in (
        (Qt.Key.Key_1, "C1", True), (Qt.Key.Key_2, "C2", "incorrect"),
        (Qt.Key.Key_1, "C3", "correct"), (Qt.Key.Key_3, "C4", 3),
    ):  # fmt: skip
        assert form.focused_row().item.id == item_id
        qtbot.keyClick(QApplication.focusWidget(), key)
        assert form.answer(item_id) == value
    assert form.focused_row().item.id == "L1_completed"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_O)  # "Oui"
    assert form.focused_row().item.id == "L1_used_arms"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_N)  # "Non"
    edit = form.row("L1_time_s").field.line_edit
    assert edit.hasFocus()
    qtbot.keyClicks(edit, "9,8")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert form.answer("L1_time_s") == 9.8
    assert form.focused_row().item.id == "N1"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_PageDown)
    assert form.focused_row().item.id == "V1"  # next section: vision
    qtbot.keyClick(
        QApplication.focusWidget(), Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier
    )
    assert form.focused_row().item.id == "N1"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Delete)
    assert form.answer("N1") is None
    qtbot.waitUntil(lambda: form.is_built)
    form.row("V1").focus()
    order = []
    for _ in range(4):  # Tab follows the form, one stop per question
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(form.focused_row().item.id)
    assert order == ["H1_method", "H1_red_flags", "P1", "P2"]


def test_stopwatch_times_with_space_at_a_hundredth(qtbot, services, patient_id):
    visit_id = services.visits.start_visit(patient_id, instruments=())
    page = open_page(qtbot, services, visit_id)
    page.show_page("step2")
    tick(qtbot, page.chooser.boxes["sppb"])
    page.show_page("sppb")
    form = page.forms["sppb"]
    field = form.row("B1").field
    field.line_edit.setFocus()
    qtbot.keyClick(field.line_edit, Qt.Key.Key_Space)
    assert field.stopwatch.is_running
    qtbot.wait(120)
    qtbot.keyClick(field.line_edit, Qt.Key.Key_Space)
    value = form.answer("B1")
    assert 0.1 <= value < 5 and round(value, 2) == value
    assert field.line_edit.text() == f"{value:.2f}".replace(".", ",")


def test_snellen_shows_the_converted_acuity(qtbot, services, patient_id):
    visit_id = services.visits.start_visit(patient_id, instruments=())
    page = open_page(qtbot, services, visit_id)
    page.show_page("step2")
    tick(qtbot, page.chooser.boxes["snellen"])
    page.show_page("snellen")
    form = page.forms["snellen"]
    click(qtbot, form, "VA_notation", "snellen_ft")
    type_text(qtbot, form, "VA_OD", "20/40")
    assert "0,50" in form.row("VA_OD").field.converted_label.text()
    assert "0,30" in form.row("VA_OD").field.converted_label.text()
    type_text(qtbot, form, "VA_OG", "0,1")  # a bare number under Snellen notation
    assert form.row("VA_OG").message_label.isVisible()
    assert "VA_OG" not in form.answers
    click(qtbot, form, "VA_notation", "logmar")  # 20/40 no longer reads under logMAR
    assert form.row("VA_OD").message_label.isVisible()
    assert form.live_score.result is None


def test_finalized_visit_is_read_only_and_corriger_amends(qtbot, services, patient_id):
    visit_id = services.visits.start_visit(patient_id)
    services.visits.save_answer(visit_id, "step1", "C2", "correct")
    services.visits.finalize(visit_id, [])
    page = open_page(qtbot, services, visit_id)
    assert page.read_only and page.current_page() == "summary"
    form = page.form("step1")
    assert form.row("C2").field.button_for("correct").isChecked()
    assert not form.row("C2").field.button_for("incorrect").isEnabled()
    with qtbot.waitSignal(page.visit_changed) as changed:
        qtbot.mouseClick(page.summary.amend_button, Qt.MouseButton.LeftButton)
    amended = changed.args[0]
    assert amended != visit_id and not page.read_only
    view = services.store.visits.get_visit(amended)
    assert view.version == 2 and view.amends_id == visit_id
    page.show_page("step1")
    click(qtbot, page.forms["step1"], "C2", "incorrect")
    assert page.flush()
    assert stored(services, amended, "step1")["C2"] == "incorrect"
    assert stored(services, visit_id, "step1")["C2"] == "correct"


def test_missing_gp_is_explained_with_a_way_to_fix_it(
    qtbot, services, patient_without_gp, monkeypatch
):
    visit_id = services.visits.start_visit(patient_without_gp)
    page = open_page(qtbot, services, visit_id)
    answer(qtbot, page.forms["step1"], [("P1", Click(True))])
    monkeypatch.setattr(
        MissingDialog, "ask", classmethod(lambda cls, p, m: MissingChoice.FINALIZE)
    )
    page.show_page("summary")
    with qtbot.waitSignal(page.finished, timeout=20_000):
        qtbot.mouseClick(page.summary.finalize_button, Qt.MouseButton.LeftButton)
    panel = page.letters_widget
    qtbot.waitUntil(lambda: panel.batch is not None, timeout=20_000)
    assert "gp_letter" in panel.batch.problems
    assert "patient_summary" in panel.batch.pdfs
    problems = panel.findChild(type(panel.state_label), "problems_gp_letter")
    assert "médecin traitant" in problems.text()
    fix = panel.findChild(type(panel.retry_button), "fix_patient")
    with qtbot.waitSignal(page.fix_requested) as requested:
        qtbot.mouseClick(fix, Qt.MouseButton.LeftButton)
    assert requested.args == ["patient"]
    if panel.preview is not None:
        panel.preview.close()


def test_header_keeps_the_save_state_whole_at_1366(qtbot, services, patient_id):
    """A long name and an amended draft's status once cut "Enregistré ✓" to a stray "E"
    next to "Fermer": the status wraps instead, the save state keeps its width."""
    from dataclasses import replace

    patient = services.store.patients.get_patient(patient_id)
    longer = replace(patient.identity, used_name="Martin-Lefebvre", first_names="Jeanne Marie")
    services.store.patients.update_patient(patient_id, replace(patient.data, identity=longer))
    visit_id = services.visits.start_visit(patient_id)
    services.visits.save_answer(visit_id, "step1", "C2", "correct")
    services.visits.finalize(visit_id, [])
    amended = services.visits.amend(visit_id)
    page = open_page(qtbot, services, amended)
    assert "correction (version 2)" in page.status_label.text()
    assert page.minimumSizeHint().width() <= 1366
    qtbot.waitUntil(lambda: page.save_label.text() == "Enregistré ✓", timeout=3000)
    QApplication.processEvents()
    assert page.width() == 1366
    for widget in (page.patient_label, page.save_label, page.close_button):
        assert widget.width() >= widget.sizeHint().width(), widget.objectName()
    saving = page.save_label.fontMetrics().horizontalAdvance("Enregistrement…")
    assert page.save_label.width() >= saving  # no jump while a write is pending


def test_rows_below_the_fold_are_built_after_the_first_paint(qtbot, services, patient_id):
    from icope_desktop.ui.visit.form import BUILD_CHUNK

    page = VisitPage(services, services.visits.start_visit(patient_id))
    qtbot.addWidget(page)
    form = page.forms["step1"]
    assert len(form.rows) == BUILD_CHUNK and not form.is_built  # only what shows first
    page.resize(1366, 768)
    page.show()
    qtbot.waitUntil(lambda: form.is_built, timeout=5000)
    assert len(form.rows) == len(form.instrument.items)


def test_rows_built_after_the_first_paint_are_laid_out_at_once(qtbot, services, patient_id):
    """A chunk of rows is laid out before any later paint: cards are never drawn
    squeezed into the content height of the previous chunk."""
    page = open_page(qtbot, services, services.visits.start_visit(patient_id))
    form = page.forms["step1"]
    while not form.is_built:
        built = len(form.rows)
        qtbot.waitUntil(lambda built=built: len(form.rows) > built, timeout=5000)
        for card in form.sections:
            if card.isVisible():
                assert card.height() >= card.minimumSizeHint().height() - 1, card.title


def _phq9_page(qtbot, services, patient_id):
    visit_id = services.visits.start_visit(patient_id, instruments=())
    page = open_page(qtbot, services, visit_id)
    page.show_page("step2")
    tick(qtbot, page.chooser.boxes["phq9"])
    page.show_page("phq9")
    form = page.forms["phq9"]
    answer(qtbot, form, [(f"Q{n}", Click(1)) for n in range(1, 9)])
    return visit_id, page, form


def test_a_mistyped_item9_is_corrected_without_recording_anything(
    qtbot, services, patient_id
):
    """Usability audit 3: a slip on « 1 » once forced a false action into the record."""
    visit_id, page, form = _phq9_page(qtbot, services, patient_id)
    row = form.row("Q9")
    row.field.setFocus()
    qtbot.keyClick(row.field, Qt.Key.Key_1)
    dialog = page.urgent_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()  # still mandatory for a real answer
    qtbot.mouseClick(dialog.correct_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert "Q9" not in form.answers and page.urgent_record is None
    assert not row.field.button_for(1).isChecked()
    assert not form.urgent_banner.isVisible()
    qtbot.waitUntil(lambda: form.focused_row() is row, timeout=2000)
    assert page.flush()
    assert "Q9" not in stored(services, visit_id, "phq9")
    assert services.store.visits.get_visit(visit_id).position.get("urgent") is None


def test_after_recording_the_action_the_keyboard_goes_to_the_next_question(
    qtbot, services, patient_id
):
    _visit_id, page, form = _phq9_page(qtbot, services, patient_id)
    row = form.row("Q9")
    row.field.setFocus()
    qtbot.keyClick(row.field, Qt.Key.Key_1)
    dialog = page.urgent_dialog
    tick(qtbot, dialog.action_boxes["gp_contacted"])
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and form.answers["Q9"] == 1
    qtbot.waitUntil(lambda: form.focused_row() is form.row("Q10"), timeout=2000)


def test_keyboard_stops_on_the_hearing_red_flags_question(qtbot, services, patient_id):
    """Usability audit 4: after the whispered-voice test, Enter and digits jumped from the
    left ear to P1 over the optional « Douleur d'oreille, écoulement, vertiges… »."""
    page = open_page(qtbot, services, services.visits.start_visit(patient_id))
    form = page.forms["step1"]
    qtbot.waitUntil(lambda: form.is_built, timeout=5000)
    form.row("H1_method").focus()
    for key, item_id, value in (
        (Qt.Key.Key_1, "H1_method", "whisper"),
        (Qt.Key.Key_2, "H1_whisper_R", "fail"),
        (Qt.Key.Key_1, "H1_whisper_L", "pass"),
    ):  # fmt: skip
        assert form.focused_row().item.id == item_id
        qtbot.keyClick(QApplication.focusWidget(), key)
        assert form.answer(item_id) == value
    assert form.focused_row().item.id == "H1_red_flags"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_N)  # "Non"
    assert form.answer("H1_red_flags") is False
    assert form.focused_row().item.id == "P1"


def test_keyboard_asks_the_weight_lost_only_after_a_weight_loss(qtbot, services, patient_id):
    page = open_page(qtbot, services, services.visits.start_visit(patient_id))
    form = page.forms["step1"]
    qtbot.waitUntil(lambda: form.is_built, timeout=5000)
    form.row("N1").focus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_1)  # oui
    assert form.answer("N1") == "oui"
    assert form.focused_row().item.id == "N1_kg_lost"  # optional, still asked
    form.row("N1").focus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_2)  # non: no amount to ask
    assert form.answer("N1") == "non"
    assert form.focused_row().item.id == "N2"
