"""The demo seed: realistic, valid identifiers, and every result the engine's own."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime

import pytest

from icope_desktop.screening import (
    Result,
    ScoringContext,
    VisitEvaluation,
    answers_from_json,
    evaluate_visit,
    score,
)
from icope_desktop.services.demo import DemoDataError, load_demo, seed_demo
from icope_desktop.services.identifiers import luhn_is_valid, nir_problem
from icope_desktop.services.visits import ITEM9_SAFETY_CODE, VisitService, age_on
from icope_desktop.store import Store
from icope_desktop.store.records import InsStatus, RecordStatus
from icope_desktop.store.vault import FLOOR_KDF

TODAY = date(2025, 3, 10)
NOW = datetime(2025, 3, 10, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    store, _ = Store.create(
        tmp_path_factory.mktemp("demo") / "data", "Tilleul-Loire-2024!", kdf=FLOOR_KDF,
        clock=lambda: NOW,
    )  # fmt: skip
    report = seed_demo(store, today=TODAY)
    yield store, report
    store.close()


def _patients(store):
    """Every demo patient, found as a practitioner would: by searching the name."""
    found = {}
    for person in load_demo()["patients"]:
        for hit in store.patients.search_patients(person["birth_name"], 20):
            found[hit.id] = store.patients.get_patient(hit.id)
    return list(found.values())


def _all_visits(store):
    for patient in _patients(store):
        for summary in store.visits.list_visits(patient.id):
            yield patient, store.visits.get_visit(summary.id)


def test_counts(seeded):
    store, report = seeded
    assert (report.patients, report.gps, report.finalized_visits, report.draft_visits) == (
        25, 6, 48, 3,
    )  # fmt: skip
    assert store.patients.count_patients() == 25
    assert len(store.visits.list_drafts()) == 3
    assert store.visits.count_visits() == 51
    assert len(store.visits.list_due_followups(TODAY)) >= 3


def test_people_are_plausible_and_identifiers_valid(seeded):
    store, _ = seeded
    profile = store.practitioner.get_profile().data
    assert profile.profession.value == "nurse" and luhn_is_valid(profile.rpps)
    assert profile.rpps.startswith("999")  # clearly fictitious (real RPPS begin with 10)
    assert (profile.postal_code, profile.city) == ("44400", "Rezé")
    patients = _patients(store)
    ages = [age_on(p.identity.birth_date, TODAY) for p in patients]
    assert min(ages) >= 62 and max(ages) <= 94
    assert {p.data.postal_code[:2] for p in patients} == {"44", "85"}
    cities = {p.data.city for p in patients}
    assert {"Nantes", "Saint-Nazaire", "La Roche-sur-Yon", "Challans"} <= cities
    assert "Les Sables-d'Olonne" in cities
    qualified = [p for p in patients if p.identity.ins_status is InsStatus.QUALIFIED]
    assert 5 <= len(qualified) < 25
    for patient in patients:
        if patient.identity.ins:
            assert nir_problem(patient.identity.ins) is None
            born = patient.identity.birth_date
            assert patient.identity.ins[1:5] == f"{born.year % 100:02d}{born.month:02d}"
    gps = {p.data.gp_id for p in patients if p.data.gp_id}
    assert len(gps) == 6 and any(p.data.gp_id is None for p in patients)
    for gp_id in gps:
        gp = store.gps.get_gp(gp_id).data
        assert luhn_is_valid(gp.rpps) and gp.email.endswith("@medecin.mssante.fr")
        assert gp.rpps.startswith("99900000")


def test_every_result_is_the_engines(seeded):
    store, _ = seeded
    service = VisitService(store, lambda: NOW)
    finals = 0
    for patient, view in _all_visits(store):
        if view.status is not RecordStatus.FINAL:
            continue
        finals += 1
        context = ScoringContext(
            age_years=age_on(patient.identity.birth_date, view.performed_on),
            visit_date=view.performed_on,
        )
        results = {}
        for assessment in view.assessments:
            engine = score(assessment.instrument_id, answers_from_json(assessment.answers), context)
            assert Result.from_json(assessment.result) == engine
            results[assessment.instrument_id] = engine
        step1 = results.pop("step1", None)
        expected = evaluate_visit(
            step1, results, visit_date=view.performed_on, config=service.visit_config()
        )
        assert VisitEvaluation.from_json(view.evaluation) == expected
    assert finals == 48


def test_history_spans_18_months_with_altered_domains_and_step2(seeded):
    store, _ = seeded
    finals = [v for _p, v in _all_visits(store) if v.status is RecordStatus.FINAL]
    days = [v.performed_on for v in finals]
    assert min(days) >= date(2023, 9, 1) and max(days) <= TODAY
    assert (TODAY - min(days)).days > 480
    instruments = {a.instrument_id for v in finals for a in v.assessments}
    assert instruments == {"step1", "mmse", "mna_sf", "mna", "sppb", "snellen", "phq9", "hearing"}
    altered = [v for v in finals if v.evaluation["altered_count"] > 0]
    assert len(altered) >= 15
    assert any(v.evaluation["multidomain_alert"] for v in finals)


def test_one_visit_has_the_phq9_urgent_alert_with_its_documented_action(seeded):
    store, _ = seeded
    urgent = [
        v for _p, v in _all_visits(store)
        if v.status is RecordStatus.FINAL
        and any(a["code"] == "ALERT_SUICIDE_RISK" for a in v.evaluation["alerts"])
    ]  # fmt: skip
    assert len(urgent) == 1
    assert urgent[0].evaluation["alerts"][0]["severity"] == "urgent"
    safety = [e for e in urgent[0].care_plan if e.code == ITEM9_SAFETY_CODE]
    assert safety and "3114" in safety[0].note


def test_drafts_reopen_where_they_were_left(seeded):
    store, _ = seeded
    for draft in store.visits.list_drafts():
        view = store.visits.get_visit(draft.visit_id)
        assert isinstance(view.position, Mapping) and view.position["page"]
        assert view.performed_on == TODAY
        assert any(a.answers for a in view.assessments)


def test_seeding_twice_is_refused(seeded):
    store, _ = seeded
    with pytest.raises(DemoDataError):
        seed_demo(store, today=TODAY)


def test_demo_file_has_25_patients_of_44_and_85():
    data = load_demo()
    assert len(data["patients"]) == 25
    assert all(p["postal_code"][:2] in ("44", "85") for p in data["patients"])


def _small_demo(path):
    """The demo file cut to two patients and one visit (a full seed takes seconds)."""
    import yaml

    data = load_demo()
    first, second = data["patients"][:2]
    data["patients"] = [first | {"visits": first["visits"][:1]}, second | {"visits": []}]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_an_existing_profile_is_kept_and_progress_speaks_the_ui_language(tmp_path):
    from icope_desktop.i18n import current_language, set_language
    from icope_desktop.store.records import PractitionerData, Profession

    demo_file = _small_demo(tmp_path / "demo.yaml")
    store, _ = Store.create(tmp_path / "data", "Tilleul-Loire-2024!", kdf=FLOOR_KDF,
                            clock=lambda: NOW)
    mine = PractitionerData("Bourget", "Anne", Profession.PHYSIOTHERAPIST, rpps="10101234567")
    profile_id = store.practitioner.save_profile(mine)
    labels: list[str] = []
    before = current_language()
    set_language("en")
    try:
        seed_demo(store, today=TODAY, path=demo_file,
                  progress=lambda done, total, label: labels.append(label))
    finally:
        set_language(before)
    assert store.practitioner.get_profile().data == mine
    assert labels == ["Demo patients", "Demo patients"]
    [visit] = store.visits.list_visits(store.patients.search_patients("dupont")[0].id)
    assert store.visits.get_visit(visit.id).finalized_by == profile_id
    store.close()


def test_the_demo_app_is_set_up_with_the_demo_files_practitioner():
    from icope_desktop.app import demo_setup
    from icope_desktop.services.settings import check_profile

    profile = check_profile(demo_setup().profile)
    assert (profile.last_name, profile.rpps, profile.city) == ("Durand", "99900000011", "Rezé")
