"""Sample visits for the letter tests, the PNG script and the benchmark.

Every result here comes from the real screening engine (`score`, `evaluate_visit`) on
answer sets a practitioner could type; nothing is a hand-made result. People and
numbers are fictional (the INS has a valid control key, the RPPS numbers have 11 digits).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from icope_desktop.i18n import Text
from icope_desktop.letters import (
    Addressee,
    Assessment,
    CarePlanLine,
    LetterContext,
    PastVisit,
    PatientInfo,
    Sender,
    Sex,
)
from icope_desktop.letters.formats import age_on
from icope_desktop.screening import (
    Domain,
    NotAssessable,
    ScoringContext,
    evaluate_visit,
    score,
)

BIRTH = date(1942, 5, 3)
VISIT = date(2025, 3, 12)


def ins_for(body: str) -> str:
    """A 15-digit INS with the NIR control key (97 − body mod 97)."""
    return f"{body}{97 - int(body) % 97:02d}"


PATIENT_INS = ins_for("2420544109123")

SENDER = Sender(
    last_name="Bourget",
    first_name="Claire",
    profession=Text(fr="Infirmière diplômée d'État", en="Registered nurse"),
    rpps="10101234567",
    phone="02 40 12 34 56",
    email="claire.bourget@exemple-sante.fr",
    address=("Cabinet infirmier des Oiseaux", "4 rue de la Mésange", "44400 Rezé"),
)
GP = Addressee(
    last_name="Le Gall",
    first_name="Hervé",
    rpps="10009876543",
    secure_mail="herve.legall@medecin.mssante.fr",
    address=("Maison de santé Île-de-Nantes", "12 boulevard Léon-Bureau", "44200 Nantes"),
    phone="02 40 98 76 54",
)
PATIENT = PatientInfo(
    birth_name="Dupont",
    used_name="Martin",
    first_names="Jeanne Marie",
    birth_date=BIRTH,
    sex=Sex.FEMALE,
    ins=PATIENT_INS,
    address=("8 allée des Œillets", "44400 Rezé"),
    phone="06 12 34 56 78",
)

STEP1_NORMAL: dict[str, Any] = {
    "C1": True, "C2": "correct", "C3": "correct", "C4": 3,
    "L1_completed": True, "L1_used_arms": False, "L1_time_s": 10.5,
    "N1": "non", "N2": False, "V1": False,
    "H1_method": "whisper", "H1_whisper_R": "pass", "H1_whisper_L": "pass",
    "P1": False, "P2": False,
}  # fmt: skip

MMSE_FULL: dict[str, Any] = {
    "MMSE_NSC": "NSC1", "MMSE_OT": 4, "MMSE_OP": 5, "MMSE_REG": 3, "MMSE_ATT": 3,
    "MMSE_REC": 1, "MMSE_NAM": 2, "MMSE_REP": 1, "MMSE_CMD": 3, "MMSE_READ": 1,
    "MMSE_WRITE": 1, "MMSE_COPY": 0,
}  # fmt: skip

PHQ9_URGENT: dict[str, Any] = {
    "Q1": 2, "Q2": 2, "Q3": 1, "Q4": 2, "Q5": 1, "Q6": 1, "Q7": 1, "Q8": 0, "Q9": 2,
    "Q10": "very",
}  # fmt: skip
PHQ9_MILD: dict[str, Any] = {
    "Q1": 1, "Q2": 1, "Q3": 1, "Q4": 2, "Q5": 1, "Q6": 0, "Q7": 1, "Q8": 0, "Q9": 0,
    "Q10": "somewhat",
}  # fmt: skip
SPPB_MODERATE: dict[str, Any] = {
    "B1": 10.0, "B2": 10.0, "B3": 4.2, "GAIT_course_m": 4, "GAIT_t1_s": 6.9,
    "GAIT_t2_s": 6.4, "GAIT_aid": "none", "CHAIR_pretest": "passed", "CHAIR_time_s": 15.2,
}  # fmt: skip
MNA_SF_AT_RISK: dict[str, Any] = {
    "A": "moderate", "B": "1to3", "C": "goes_out", "D": "yes", "E": "none",
    "F1_weight_kg": 52.0, "F1_height_cm": 158,
}  # fmt: skip


def step1(**changes: Any) -> dict[str, Any]:
    answers = dict(STEP1_NORMAL)
    for key, value in changes.items():
        if value is ...:
            answers.pop(key, None)
        else:
            answers[key] = value
    return answers


def assess(
    instrument_id: str, answers: dict[str, Any], visit_date: date, birth: date = BIRTH
) -> Assessment:
    context = ScoringContext(age_years=age_on(birth, visit_date), visit_date=visit_date)
    return Assessment(score(instrument_id, answers, context), answers)


def past_visit(
    visit_date: date, step1_answers: dict[str, Any], step2: dict[str, dict[str, Any]] | None = None
) -> PastVisit:
    """An earlier visit, evaluated by the engine as it would have been that day."""
    first = assess("step1", step1_answers, visit_date)
    results = {i: assess(i, a, visit_date).result for i, a in (step2 or {}).items()}
    evaluation = evaluate_visit(first.result, results, visit_date=visit_date)
    return PastVisit(
        visit_date=visit_date,
        domain_statuses=evaluation.domains,
        scores={i: r.total for i, r in results.items()},
    )


def make_context(
    step1_answers: dict[str, Any] | None,
    step2: dict[str, dict[str, Any]] | None = None,
    *,
    visit_date: date = VISIT,
    care_plan: tuple[CarePlanLine, ...] | None = None,
    history: tuple[PastVisit, ...] = (),
    **changes: Any,
) -> LetterContext:
    """A finalized visit: scored, evaluated, every recommendation accepted unless a care
    plan is given, next follow-up on the engine's Step 1 due date."""
    first = assess("step1", step1_answers, visit_date) if step1_answers is not None else None
    second = tuple(assess(i, a, visit_date) for i, a in (step2 or {}).items())
    evaluation = evaluate_visit(
        first.result if first else None,
        {a.instrument_id: a.result for a in second},
        visit_date=visit_date,
    )
    if care_plan is None:
        care_plan = tuple(CarePlanLine.from_recommendation(r) for r in evaluation.recommendations)
    ctx = LetterContext(
        sender=SENDER,
        addressee=GP,
        patient=PATIENT,
        visit_date=visit_date,
        visit_place="Domicile de la patiente, Rezé",
        step1=first,
        step2=second,
        evaluation=evaluation,
        care_plan=care_plan,
        next_follow_up=evaluation.next_step1_due,
        history=history,
        letter_date=visit_date,
    )
    return dataclasses.replace(ctx, **changes) if changes else ctx


def visit_not_assessable() -> LetterContext:
    """Hearing not screened (noisy room), cognition altered; MMSE with two items not
    assessable for a visual impairment and the PHQ-9 with a refused item."""
    mmse = dict(MMSE_FULL)
    mmse["MMSE_READ"] = NotAssessable("visual_impairment")
    mmse["MMSE_COPY"] = NotAssessable("visual_impairment")
    phq9 = dict(PHQ9_MILD)
    phq9["Q6"] = NotAssessable("refused")
    answers = step1(C4=1, P2=True, H1_method=NotAssessable("noise"))
    for key in ("H1_whisper_R", "H1_whisper_L"):
        answers.pop(key)
    return make_context(answers, {"mmse": mmse, "phq9": phq9})


def visit_urgent_phq9() -> LetterContext:
    """Mood altered at Step 1; PHQ-9 item 9 = 2 → ALERT_SUICIDE_RISK (spec §3.6)."""
    return make_context(step1(P1=True, P2=True, V1=True), {"phq9": PHQ9_URGENT})


def visit_three_altered() -> LetterContext:
    """Locomotion, vitality and mood altered at Step 1 → ALERT_MULTIDOMAIN (spec §1)."""
    return make_context(
        step1(L1_time_s=16.4, N1="oui", N1_kg_lost=4.0, P2=True),
        {"sppb": SPPB_MODERATE, "mna_sf": MNA_SF_AT_RISK, "phq9": PHQ9_MILD},
    )


LONG_PLAN_EXTRA = (
    "Kinésithérapie à domicile deux fois par semaine pendant trois mois, avec travail de "
    "l'équilibre et du relever du sol.",
    "Portage de repas le midi en semaine ; peser la patiente à chaque passage infirmier.",
    "Rendez-vous chez l'ophtalmologiste à prendre par la fille de la patiente.",
    "Revoir le pilulier avec le pharmacien (sept médicaments par jour).",
    "Proposer l'atelier « Équilibre en mouvement » du CCAS de Rezé.",
)


def visit_long_care_plan() -> LetterContext:
    """Five capacities altered, every recommendation kept plus typed lines: the letter
    flows onto a second page."""
    base = make_context(
        step1(L1_time_s=16.4, N1="oui", V1=True, P1=True, C2="incorrect"),
        {"sppb": SPPB_MODERATE, "mna_sf": MNA_SF_AT_RISK, "phq9": PHQ9_MILD,
         "mmse": MMSE_FULL},
    )  # fmt: skip
    typed = tuple(
        CarePlanLine.typed(text, domain)
        for text, domain in zip(
            LONG_PLAN_EXTRA,
            (Domain.LOCOMOTION, Domain.VITALITY, Domain.VISION, None, Domain.LOCOMOTION),
            strict=True,
        )
    )
    return dataclasses.replace(base, care_plan=base.care_plan + typed)


def visit_with_trend() -> LetterContext:
    """A fifth visit: four earlier ones show mobility declining, then mood."""
    history = (
        past_visit(date(2023, 3, 7), step1()),
        past_visit(date(2023, 9, 14), step1(L1_time_s=14.6), {"sppb": SPPB_MODERATE}),
        past_visit(
            date(2024, 3, 19), step1(L1_time_s=15.1, N2=True),
            {"sppb": SPPB_MODERATE, "mna_sf": MNA_SF_AT_RISK},
        ),
        past_visit(date(2024, 9, 24), step1(L1_time_s=15.8, H1_method=NotAssessable("noise"),
                                            H1_whisper_R=..., H1_whisper_L=...)),
    )  # fmt: skip
    return make_context(
        step1(L1_time_s=16.4, P2=True),
        {"sppb": SPPB_MODERATE, "phq9": PHQ9_MILD},
        history=history,
    )


ALL_SAMPLES = {
    "not_assessable": visit_not_assessable,
    "urgent_phq9": visit_urgent_phq9,
    "three_altered": visit_three_altered,
    "long_care_plan": visit_long_care_plan,
    "trend": visit_with_trend,
}
