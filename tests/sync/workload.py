"""A practitioner's offline work made through the real store API, for the sync tests.

Every visit is scored by the real screening engine (`score`, `evaluate_visit`) and
finalized by `store.visits.finalize_visit`, so the billing lines and outbox rows are the
store's own; letters are real PDFs from the letters package. Names are fictional.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from icope_desktop.screening import ScoringContext, answers_from_json, evaluate_visit, score
from icope_desktop.store.billing import TariffTable
from icope_desktop.store.local_store import Store
from icope_desktop.store.records import (
    CarePlanEntry,
    GpData,
    GpId,
    Identity,
    InsStatus,
    PatientData,
    PatientId,
    PractitionerData,
    PractitionerId,
    Profession,
    Sex,
    VisitId,
    VisitKind,
)
from icope_desktop.store.vault import FLOOR_KDF

PASSPHRASE = "Tilleul-Loire-2024!"
TARIFFS = """act_code,label_fr,label_en,amount_eur,valid_from,valid_to
ICOPE_STEP1,Repérage ICOPE (étape 1),ICOPE screening (Step 1),25.00,2023-01-01,
ICOPE_STEP2,Évaluation approfondie ICOPE (étape 2),ICOPE Step 2,40.00,2023-01-01,
ICOPE_ALERT,Traitement d'une alerte étape 1,Step 1 alert handling,15.00,2023-01-01,
"""
"""Test amounts (the shipped table has none until the programme confirms them)."""

STEP1_ALTERED = {
    "C1": False,
    "C2": "incorrect",
    "C3": "correct",
    "C4": 1,
    "L1_completed": True,
    "L1_used_arms": False,
    "L1_time_s": 16.2,
    "N1": "oui",
    "N2": False,
    "V1": False,
    "H1_method": "whisper",
    "H1_whisper_R": "pass",
    "H1_whisper_L": "pass",
    "P1": True,
    "P2": False,
}
PHQ9 = {"Q1": 1, "Q2": 2, "Q3": 1, "Q4": 2, "Q5": 0, "Q6": 1, "Q7": 1, "Q8": 0, "Q9": 0}
FIRST_NAMES = ("Jeanne", "Marcel", "Odette", "Lucien", "Yvonne", "René", "Simone", "André")
FAMILY_NAMES = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand")


def tariffs(tmp_dir: Path) -> TariffTable:
    path = tmp_dir / "tariffs.csv"
    path.write_text(TARIFFS, encoding="utf-8")
    return TariffTable.load(path)


def ins_for(body: str) -> str:
    return f"{body}{97 - int(body) % 97:02d}"


def create_store(data_dir: Path, table: TariffTable) -> Store:
    store, _key = Store.create(data_dir, PASSPHRASE, kdf=FLOOR_KDF, tariffs=table)
    return store


def copy_store(template: Path, target: Path, table: TariffTable) -> Store:
    shutil.copytree(template, target)
    return Store.unlock(target, PASSPHRASE, tariffs=table)


@dataclass
class Practice:
    store: Store
    practitioner_id: PractitionerId
    gp_id: GpId


def set_up_practice(store: Store, rpps: str = "10003456789") -> Practice:
    practitioner_id = store.practitioner.save_profile(
        PractitionerData("Moreau", "Claire", Profession.NURSE, rpps=rpps,
                         email="claire.moreau@infirmiere.mssante.fr")
    )
    gp_id = store.gps.create_gp(
        GpData("Le Gall", "Hervé", rpps="10009876543",
               email="herve.legall@medecin.mssante.fr", city="Nantes", postal_code="44200")
    )
    return Practice(store, practitioner_id, gp_id)


def add_patient(practice: Practice, index: int, *, ins: bool = False) -> PatientId:
    birth = date(1930, 1, 1) + timedelta(days=(97 * index) % 10_000)
    identity = Identity(
        birth_name=f"{FAMILY_NAMES[index % 8]}-{index}",
        first_names=FIRST_NAMES[index % 8],
        birth_date=birth,
        sex=Sex.FEMALE if index % 2 == 0 else Sex.MALE,
        ins=ins_for(f"{2 if index % 2 == 0 else 1}40054410{index:04d}") if ins else None,
        ins_status=InsStatus.QUALIFIED if ins else InsStatus.PROVISIONAL,
    )
    return practice.store.patients.create_patient(
        PatientData(identity=identity, address=f"{index} rue des Lilas", postal_code="44300",
                    city="Nantes", phone="0240123456", gp_id=practice.gp_id)
    )


def finalized_visit(
    practice: Practice,
    patient_id: PatientId,
    day: date,
    *,
    step1: dict | None = None,
    with_phq9: bool = True,
    answers: dict[str, dict] | None = None,
) -> VisitId:
    """A Step 1 (+ PHQ-9) visit, or the given instruments' `answers`, typed answer by
    answer (autosave) then finalized."""
    store = practice.store
    if answers is None:
        answers = {"step1": step1 or STEP1_ALTERED}
        if with_phq9:
            answers["phq9"] = PHQ9
    instruments = tuple(answers)
    kind = VisitKind.STEP1 if "step1" in answers else VisitKind.STEP2
    visit_id = store.visits.start_visit(
        patient_id, kind, performed_on=day, instruments=instruments
    )
    for instrument in instruments:
        assessment_id = store.visits.open_assessment(visit_id, instrument)
        for item, value in answers[instrument].items():
            store.visits.save_draft_answer(assessment_id, item, value)
    finalize_with(practice, visit_id, answers, day)
    return visit_id


def amended_visit(
    practice: Practice, visit_id: VisitId, changes: dict[str, dict]
) -> VisitId:
    """Correct a finalized visit (`amend_visit`): type the `changes` (instrument → item →
    value; a new instrument is opened) into the draft copy, then finalize it."""
    store = practice.store
    amended = store.visits.amend_visit(visit_id)
    view = store.visits.get_visit(amended)
    answers = {a.instrument_id: dict(a.answers) for a in view.assessments}
    for instrument, items in changes.items():
        assessment = view.assessment(instrument)
        assessment_id = (
            assessment.id if assessment else store.visits.open_assessment(amended, instrument)
        )
        for item, value in items.items():
            store.visits.save_draft_answer(assessment_id, item, value)
        answers.setdefault(instrument, {}).update(items)
    finalize_with(practice, amended, answers, view.performed_on)
    return amended


def finalize_with(
    practice: Practice, visit_id: VisitId, answers: dict[str, dict], day: date
) -> None:
    """Score the answers with the real engine and finalize the visit with the results."""
    results = {
        instrument: score(
            instrument,
            answers_from_json(values),
            ScoringContext(age_years=80, visit_date=day),
        )
        for instrument, values in answers.items()
    }
    evaluation = evaluate_visit(
        results.get("step1"), {k: v for k, v in results.items() if k != "step1"},
        visit_date=day,
    )
    care_plan = [
        CarePlanEntry(domain=r.domain.value, code=r.code, label=r.label)
        for r in evaluation.recommendations
    ]
    practice.store.visits.finalize_visit(
        visit_id,
        results={k: v.to_json() for k, v in results.items()},
        evaluation=evaluation.to_json(),
        care_plan=care_plan,
        finalized_by=practice.practitioner_id,
    )


PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0"
    b">>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
"""A tiny well-formed PDF: the server relays a letter's bytes without reading them."""
