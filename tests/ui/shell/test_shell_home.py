"""The home before anything is typed: her patients, most recently seen first."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtWidgets import QLabel, QListWidget

from icope_desktop.services.patients import PatientForm
from icope_desktop.store.records import Identity, PatientData, Sex

from .conftest import unlock
from .test_shell_visits import STEP1


def shown_lines(qtbot, window) -> list[str]:
    home = window.current_page()
    with qtbot.waitSignal(home.patients_loaded, timeout=10_000):
        pass
    results = home.findChild(QListWidget, "results_list")
    return [results.item(i).text() for i in range(results.count())]


def test_an_empty_store_says_how_to_start(qtbot, make_window, data_dir):
    window = make_window(data_dir)
    unlock(qtbot, window)
    window.show_home()
    assert shown_lines(qtbot, window) == [
        "Aucun dossier pour l'instant : créez le premier avec « Nouveau patient » (Ctrl+N)."
    ]


def test_patients_show_before_typing_with_last_visit_and_follow_up(qtbot, make_window, data_dir):
    window = make_window(data_dir)
    unlock(qtbot, window)
    services = window.services
    services.store.patients.create_patients([
        PatientData(Identity(f"Patient{n:02d}", "Jeanne", date(1940, 1, 1 + n % 28), Sex.FEMALE))
        for n in range(31)
    ])  # fmt: skip
    seen = services.patients.create(
        services.patients.parse(PatientForm("Praud", "", "Odette", "14/07/1944", Sex.FEMALE))
    )
    today = services.patients.today()
    visit_id = services.visits.start_visit(seen, performed_on=today - timedelta(days=200))
    for item_id, value in STEP1.items():
        services.visits.save_answer(visit_id, "step1", item_id, value)
    services.visits.finalize(visit_id, [])

    window.show_home()
    lines = shown_lines(qtbot, window)
    assert len(lines) == 30  # capped: the search reaches the others
    last = (today - timedelta(days=200)).strftime("%d/%m/%Y")
    assert lines[0].startswith("PRAUD Odette · née le 14/07/1944")
    assert f"dernière visite le {last} · suivi à faire (prévu le " in lines[0]
    assert all(line.endswith("aucune visite") for line in lines[1:])
    hint = window.current_page().findChild(QLabel, "search_hint").text()
    assert "parmi les 32 dossiers" in hint

    results = window.current_page().findChild(QListWidget, "results_list")
    results.itemClicked.emit(results.item(0))
    assert window.page_kind == "patient" and window.place.target == seen


def test_an_alert_not_yet_linked_names_the_person_and_its_source(qtbot, make_window, data_dir):
    """A pulled alert (protocol codes, person in `contained`) reads as words on the home."""
    from icope_desktop.store.records import PulledAlertTask

    window = make_window(data_dir)
    unlock(qtbot, window)
    task = {
        "resourceType": "Task",
        "id": "task-7",
        "contained": [{
            "resourceType": "Patient",
            "id": "p",
            "name": [{"family": "Guérin", "given": ["Marcelle"]}],
            "birthDate": "1941-05-02",
            "gender": "female",
        }],
    }  # fmt: skip
    window.services.store.alerts.upsert_pulled([
        PulledAlertTask("task-7", date(2025, 3, 1), "self-assessment",
                        ("cognition", "mobility", "vision"), payload=task),
        PulledAlertTask("task-8", date(2025, 3, 2), "upstream-actor", ("hearing",)),
    ])  # fmt: skip
    window.show_home()
    lines = window.current_page().alerts_list.texts()
    assert lines[0].startswith("GUÉRIN Marcelle — dossier à rattacher\n")
    assert "Alerte du 01/03/2025 (auto-évaluation) : 3 capacité(s)" in lines[0]
    assert lines[1].startswith("Patient à identifier\n")
    assert "(acteur de l'amont)" in lines[1]
