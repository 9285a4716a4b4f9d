"""The visit names the ICOPE steps as the shell does (audit item 9)."""

from __future__ import annotations

from icope_desktop.ui.shell.wording import visit_kind_label

from .test_page import open_page


def test_navigation_names_the_steps_as_the_home_does(qtbot, services, patient_id):
    page = open_page(qtbot, services, services.visits.start_visit(patient_id))
    titles = [page.nav_list.item(row).text() for row in range(page.nav_list.count())]
    assert titles[0] == visit_kind_label("step1") == "Étape 1 (repérage)"
    assert titles[1] == visit_kind_label("step2") == "Étape 2 (évaluation approfondie)"
    page.show_page("step2")
    assert page.chooser.findChildren(type(page.status_label))[0].text().startswith(
        "Étape 2 (évaluation approfondie)"
    )
