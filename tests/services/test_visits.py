"""VisitService over a real encrypted store: autosave, scoring, finalization, history.

The stored results must be exactly the screening engine's on the stored answers (issue 4),
and the ordered writer must never lose or reorder an answer.
"""

from __future__ import annotations

import shutil
import threading
from datetime import UTC, date, datetime

import pytest

from icope_desktop.i18n import Text
from icope_desktop.screening import (
    NotAssessable,
    Result,
    VisitEvaluation,
    answers_from_json,
    evaluate_visit,
    score,
)
from icope_desktop.services.visits import (
    STEP1,
    DraftWriter,
    VisitService,
    VisitServiceError,
    planned_follow_up,
)
from icope_desktop.store import Store
from icope_desktop.store.records import (
    CarePlanEntry,
    Identity,
    PatientData,
    PractitionerData,
    Profession,
    RecordStatus,
    Sex,
    VisitKind,
)
from icope_desktop.store.vault import FLOOR_KDF

PASSPHRASE = "Tilleul-Loire-2024!"
NOW = datetime(2025, 3, 10, 9, 30, tzinfo=UTC)

STEP1_ALTERED = {
    "C1": True, "C2": "correct", "C3": "correct", "C4": 2,
    "L1_completed": True, "L1_used_arms": False, "L1_time_s": 15.2,
    "N1": "non", "N2": False, "V1": False,
    "H1_method": "whisper", "H1_whisper_R": "pass", "H1_whisper_L": "pass",
    "P1": True, "P2": False,
}  # fmt: skip


@pytest.fixture(scope="module")
def template_dir(tmp_path_factory):
    """One store set up per module (two Argon2id slots); each test unlocks a copy."""
    data_dir = tmp_path_factory.mktemp("visits-template") / "data"
    created, _ = Store.create(data_dir, PASSPHRASE, kdf=FLOOR_KDF, clock=lambda: NOW)
    created.close()
    return data_dir


@pytest.fixture
def store(template_dir, tmp_path):
    shutil.copytree(template_dir, tmp_path / "data")
    opened = Store.unlock(tmp_path / "data", PASSPHRASE, clock=lambda: NOW)
    yield opened
    if opened.is_open:
        opened.close()


@pytest.fixture
def service(store) -> VisitService:
    return VisitService(store, clock=lambda: NOW)


@pytest.fixture
def patient_id(store):
    return store.patients.create_patient(
        PatientData(Identity("Martin", "Jeanne", date(1941, 5, 17), Sex.FEMALE))
    )


def _profile(store) -> None:
    store.practitioner.save_profile(
        PractitionerData("Durand", "Claire", Profession.NURSE, rpps="10003456789")
    )


def test_start_visit_opens_a_step1_draft_dated_today(service, patient_id):
    visit_id = service.start_visit(patient_id)
    opened = service.open(visit_id)
    assert opened.view.status is RecordStatus.DRAFT
    assert opened.view.performed_on == NOW.date()
    assert list(opened.answers) == ["step1"]
    assert opened.context.age_years == 83


def test_answers_round_trip_with_not_assessable_and_confirmation(service, patient_id):
    visit_id = service.start_visit(patient_id)
    service.save_answer(visit_id, "step1", "C2", "correct")
    service.save_answer(visit_id, "step1", "V1", NotAssessable("refused"))
    service.save_answer(visit_id, "mna_sf", "F1_weight_kg", 260.0)
    service.save_answer(visit_id, "mna_sf", "_confirmed", ["F1_weight_kg"])
    service.save_answer(visit_id, "step1", "C2", None)
    opened = service.open(visit_id)
    assert opened.answers["step1"] == {"V1": NotAssessable("refused")}
    assert opened.answers["mna_sf"] == {"F1_weight_kg": 260.0, "_confirmed": ["F1_weight_kg"]}


def test_a_skipped_step2_test_leaves_no_assessment(service, patient_id):
    visit_id = service.start_visit(patient_id)
    assert [a.instrument_id for a in service.open(visit_id).view.assessments] == ["step1"]


def test_finalize_stores_exactly_the_engine_results(service, store, patient_id):
    _profile(store)
    visit_id = service.start_visit(patient_id)
    for item_id, value in STEP1_ALTERED.items():
        service.save_answer(visit_id, "step1", item_id, value)
    phq9 = {f"Q{n}": 1 for n in range(1, 9)} | {"Q9": 0, "Q10": "somewhat"}
    for item_id, value in phq9.items():
        service.save_answer(visit_id, "phq9", item_id, value)
    follow_up = date(2025, 8, 1)
    label = Text(fr="Interventions psychologiques brèves", en="Brief psychological interventions")
    outcome = service.finalize(
        visit_id, [CarePlanEntry("psychological", "PSY_CBT", label)], planned_follow_up=follow_up
    )
    view = store.visits.get_visit(visit_id)
    assert view.status is RecordStatus.FINAL
    context = service.context_for(store.patients.get_patient(patient_id), NOW.date())
    expected = {
        "step1": score("step1", STEP1_ALTERED, context),
        "phq9": score("phq9", phq9, context),
    }
    for assessment in view.assessments:
        assert answers_from_json(assessment.answers) == (
            STEP1_ALTERED if assessment.instrument_id == "step1" else phq9
        )
        assert Result.from_json(assessment.result) == expected[assessment.instrument_id]
    engine = evaluate_visit(
        expected["step1"], {"phq9": expected["phq9"]}, visit_date=NOW.date(),
        config=service.visit_config(),
    )  # fmt: skip
    assert VisitEvaluation.from_json(view.evaluation) == engine == outcome.evaluation
    assert planned_follow_up(view) == view.planned_follow_up_on == follow_up
    assert "planned_follow_up" not in view.evaluation  # a column now, not a JSON extra
    due = store.visits.list_due_followups(follow_up)
    assert [(d.patient_id, d.due_on, d.planned) for d in due] == [(patient_id, follow_up, True)]
    assert [line.act_code for line in outcome.report.billing_lines]
    assert view.care_plan[0].code == "PSY_CBT"


def test_finalize_without_a_profile_is_explained(service, patient_id):
    visit_id = service.start_visit(patient_id)
    with pytest.raises(VisitServiceError) as err:
        service.finalize(visit_id, [])
    assert "profil" in err.value.message.fr


def test_item9_must_be_asked_before_finalizing(service, store, patient_id):
    _profile(store)
    visit_id = service.start_visit(patient_id)
    service.save_answer(visit_id, "phq9", "Q1", 2)
    with pytest.raises(VisitServiceError) as err:
        service.finalize(visit_id, [])
    assert "question 9" in err.value.message.fr
    service.save_answer(visit_id, "phq9", "Q9", NotAssessable("refused"))
    service.finalize(visit_id, [])
    assert store.visits.get_visit(visit_id).status is RecordStatus.FINAL


def test_positive_item9_needs_a_recorded_action(service, store, patient_id):
    _profile(store)
    visit_id = service.start_visit(patient_id)
    service.save_answer(visit_id, "phq9", "Q9", 2)
    with pytest.raises(VisitServiceError) as err:
        service.finalize(visit_id, [], urgent_action_recorded=False)
    assert "3114" in err.value.message.fr


def test_missing_lists_validate_complete_messages(service, patient_id):
    visit_id = service.start_visit(patient_id)
    service.save_answer(visit_id, "step1", "C2", "correct")
    missing = service.missing(service.open(visit_id).answers)
    assert [m.instrument_id for m in missing] == ["step1"]
    ids = {e.item_id for e in missing[0].errors}
    assert {"C3", "C4", "V1"} <= ids


def test_amend_and_history_show_the_corrected_version(service, store, patient_id):
    _profile(store)
    visit_id = service.start_visit(patient_id)
    for item_id, value in STEP1_ALTERED.items():
        service.save_answer(visit_id, "step1", item_id, value)
    service.finalize(visit_id, [])
    amended = service.amend(visit_id)
    service.save_answer(amended, "step1", "P1", False)
    service.finalize(amended, [])
    history = service.history(patient_id)
    assert [p.version for p in history] == [2]
    assert history[0].domains[next(iter(history[0].domains))] is not None
    assert history[0].results["step1"].domain_statuses == score(
        "step1", STEP1_ALTERED | {"P1": False}, service.open(amended).context
    ).domain_statuses


def test_draft_writer_keeps_order_and_flushes(service, patient_id):
    visit_id = service.start_visit(patient_id)
    writer = DraftWriter()
    for value in range(4):
        writer.submit(
            ("step1", "C4"), lambda v=value: service.save_answer(visit_id, "step1", "C4", v)
        )
        writer.submit(
            ("step1", "C2"),
            lambda v=value: service.save_answer(
                visit_id, "step1", "C2", ("correct", "incorrect")[v % 2]
            ),
        )
    assert writer.close()
    assert service.open(visit_id).answers["step1"] == {"C4": 3, "C2": "incorrect"}


def test_draft_writer_reports_a_refused_write(service, patient_id):
    visit_id = service.start_visit(patient_id)
    errors: list[Exception] = []
    seen = threading.Event()

    def on_error(exc: Exception) -> None:
        errors.append(exc)
        seen.set()

    writer = DraftWriter(on_error)
    writer.submit(("x",), lambda: service.save_answer(visit_id, "step1", "", 1))
    assert seen.wait(5)
    assert writer.flush()
    writer.close()
    assert errors


def test_a_follow_up_visit_also_opens_step1(service, patient_id):
    visit_id = service.start_visit(patient_id, VisitKind.FOLLOW_UP)
    assert list(service.open(visit_id).answers) == ["step1"]


def test_start_visit_gives_back_the_draft_in_progress(service, patient_id):
    """Usability audit 6: a second « Nouvelle visite » for a patient with a draft made a
    second draft; the answers were split between them."""
    first = service.start_visit(patient_id)
    service.save_answer(first, "step1", "C2", "correct")
    assert service.start_visit(patient_id) == first
    again = service.start_visit(patient_id, instruments=(STEP1, "phq9"))
    assert again == first
    assert {a.instrument_id for a in service.store.visits.get_visit(first).assessments} == {
        STEP1, "phq9"
    }  # fmt: skip
    drafts = [v for v in service.store.visits.list_visits(patient_id)
              if v.status is RecordStatus.DRAFT]  # fmt: skip
    assert [v.id for v in drafts] == [first]
    assert service.open(first).answers[STEP1]["C2"] == "correct"


def test_start_visit_makes_a_new_draft_for_another_kind_or_once_finalized(
    service, patient_id
):
    _profile(service.store)
    step1 = service.start_visit(patient_id)
    step2 = service.start_visit(patient_id, VisitKind.STEP2, instruments=("phq9",))
    assert step2 != step1  # another kind of visit
    service.finalize(step1, [])
    amendment = service.amend(step1)
    fresh = service.start_visit(patient_id)
    assert fresh not in (step1, amendment)  # a correction is not a visit in progress
    assert service.start_visit(patient_id, performed_on=date(2024, 1, 5)) != fresh
