"""Nurses never see item ids (usability audit 1): the "Visite incomplète" list, the
message under a question and the live score's notes name a question by its label and
section, in French and in English."""

from __future__ import annotations

import re

import pytest

from icope_desktop.i18n import set_language
from icope_desktop.screening import get_instrument
from icope_desktop.ui.visit.dialogs import MissingDialog

from .driving import Type, answer, tick, type_text
from .test_page import open_page

IDS = re.compile(r"\b(C[1-4]|N[12]|P[12]|V1|B[123]|GAIT_\w+|CHAIR_\w+|L1_\w+|H1_\w+)\b")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_missing_dialog_names_questions_not_ids(qtbot, services, lang):
    set_language(lang)
    missing = services.visits.missing({"step1": {"C2": "correct"}, "sppb": {"B1": 10.0}})
    dialog = MissingDialog(missing)
    qtbot.addWidget(dialog)
    texts = [dialog.list_widget.item(i).text() for i in range(dialog.list_widget.count())]
    assert texts
    assert not [t for t in texts if IDS.search(t)]
    sppb, step1 = get_instrument("sppb"), get_instrument("step1")
    for instrument, item_id in ((step1, "C3"), (step1, "N2"), (sppb, "GAIT_course_m"),
                                (sppb, "GAIT_t1_s")):  # fmt: skip
        item = instrument.item(item_id)
        assert any(
            item.label.get(lang) in t and item.section.get(lang) in t for t in texts
        ), item_id


def test_messages_on_the_form_name_questions_not_ids(qtbot, services, patient_id):
    page = open_page(qtbot, services, services.visits.start_visit(patient_id, instruments=()))
    page.show_page("step2")
    tick(qtbot, page.chooser.boxes["sppb"])
    page.show_page("sppb")
    form = page.forms["sppb"]
    answer(qtbot, form, [("B1", Type("10", 10.0)), ("B2", Type("10", 10.0)),
                         ("B3", Type("5", 5.0))])  # fmt: skip
    type_text(qtbot, form, "GAIT_t2_s", "500")  # impossible: at most 60 s
    message = form.row("GAIT_t2_s").message_label.text()
    assert "Marche : essai 2" in message and "GAIT" not in message
    type_text(qtbot, form, "B2", "3")  # B3 no longer applies: its answer is kept, unused
    notes = form.live_score.detail_label.text()
    assert "non prises en compte" in notes
    assert "Tandem (secondes tenues)" in notes and not IDS.search(notes)
