"""No developer note reaches the practitioner (audit item 7): the MMSE's NSC help once
read « définitions des niveaux à vérifier ⚠️ ». Every form of a visit is built and every
text a person could read or hover is checked for the spec's review markers."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from icope_desktop.i18n import set_language
from icope_desktop.services.visits import STEP1, STEP2_ORDER

from .test_page import open_page

MARKERS = ("⚠", "❌", "à vérifier", "to be verified", "TODO", "FIXME", "[S")


def readable_texts(widget: QWidget) -> list[str]:
    texts = [w.text() for w in widget.findChildren(QLabel)]
    texts += [w.text() for w in widget.findChildren(QAbstractButton)]
    texts += [w.toolTip() for w in widget.findChildren(QWidget)]
    return [t for t in texts if t]


def test_forms_show_no_review_markers(qtbot, services, patient_id):
    page = open_page(qtbot, services, services.visits.start_visit(patient_id))
    for lang in ("fr", "en"):
        set_language(lang)
        for instrument_id in (STEP1, *STEP2_ORDER):
            form = page.form(instrument_id)
            qtbot.waitUntil(lambda form=form: form.is_built, timeout=5000)
            for text in readable_texts(form):
                assert not any(m in text for m in MARKERS), (instrument_id, text)
        for item in page.forms.values():
            page.stack.removeWidget(item)
            item.deleteLater()
        page.forms.clear()
    nsc = page.form("mmse").row("MMSE_NSC")
    assert "GRECO" in " ".join(readable_texts(nsc))
