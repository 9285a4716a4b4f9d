"""The alert catalogue of the clinical spec §4: codes, severities, messages, actions.

Scorers and `evaluate_visit` build alerts only through these functions, so a code always
carries the same severity and wording wherever it is raised.
"""

from __future__ import annotations

from icope_desktop.i18n import Text
from icope_desktop.screening.model import Domain, Severity
from icope_desktop.screening.results import Alert


class AlertCode:
    ALERT_SUICIDE_RISK = "ALERT_SUICIDE_RISK"
    ALERT_PHQ9_ITEM9_MISSING = "ALERT_PHQ9_ITEM9_MISSING"
    ALERT_MULTIDOMAIN = "ALERT_MULTIDOMAIN"
    STEP2_REQUIRED = "STEP2_REQUIRED"
    ALERT_MALNUTRITION = "ALERT_MALNUTRITION"
    REFER_ENT = "REFER_ENT"
    STEP1_INCOMPLETE = "STEP1_INCOMPLETE"


ALL_ALERT_CODES = (
    AlertCode.ALERT_SUICIDE_RISK,
    AlertCode.ALERT_PHQ9_ITEM9_MISSING,
    AlertCode.ALERT_MULTIDOMAIN,
    AlertCode.STEP2_REQUIRED,
    AlertCode.ALERT_MALNUTRITION,
    AlertCode.REFER_ENT,
    AlertCode.STEP1_INCOMPLETE,
)


def suicide_risk(item9: int) -> Alert:
    """§3.6 item 9 safety rule: overrides everything, whatever the total ✅ [S28][S29]."""
    return Alert(
        code=AlertCode.ALERT_SUICIDE_RISK,
        severity=Severity.URGENT,
        message=Text(
            fr=f"PHQ-9 question 9 = {item9} : idées de mort ou d'auto-agression signalées.",
            en=f"PHQ-9 item 9 = {item9}: thoughts of death or self-harm reported.",
        ),
        action=Text(
            fr=(
                "1. Évaluer immédiatement la sécurité (projet, moyens, intention). "
                "2. Contacter le médecin traitant le jour même. "
                "3. Danger imminent : appeler le 15 (SAMU) ou le 112. "
                "4. Donner au patient et à ses proches le 3114 (numéro national de "
                "prévention du suicide, gratuit, 24 h/24, 7 j/7)."
            ),
            en=(
                "1. Assess safety now (plan, means, intent). "
                "2. Contact the GP (médecin traitant) the same day. "
                "3. Imminent danger: call 15 (SAMU) or 112. "
                "4. Give the patient and family 3114 (French national suicide prevention "
                "line, free, 24/7)."
            ),
        ),
        domain=Domain.PSYCHOLOGICAL,
        source="phq9",
        requires_documented_action=True,
    )


def item9_missing() -> Alert:
    return Alert(
        code=AlertCode.ALERT_PHQ9_ITEM9_MISSING,
        severity=Severity.HIGH,
        message=Text(
            fr="PHQ-9 : la question 9 (idées de mort ou d'auto-agression) n'a pas de réponse.",
            en="PHQ-9: item 9 (thoughts of death or self-harm) has no answer.",
        ),
        action=Text(
            fr="Poser la question 9 avant de clore le questionnaire.",
            en="Ask item 9 before closing the questionnaire.",
        ),
        domain=Domain.PSYCHOLOGICAL,
        source="phq9",
    )


def multidomain(altered_count: int, threshold: int) -> Alert:
    """§1 and §4: ≥ 3 altered capacities (customer's InterURPS PdL 2024 report)."""
    return Alert(
        code=AlertCode.ALERT_MULTIDOMAIN,
        severity=Severity.HIGH,
        message=Text(
            fr=f"{altered_count} capacités altérées à l'étape 1 (alerte à partir de {threshold}).",
            en=f"{altered_count} capacities altered at Step 1 (alert from {threshold}).",
        ),
        action=Text(
            fr=(
                "À traiter par un professionnel formé : confirmer (→ étape 2), invalider "
                "(→ sortie du programme) ou laisser ouverte avec une note. Proposer une "
                "évaluation gériatrique globale (médecin traitant / HDJ gériatrique)."
            ),
            en=(
                "To be handled by a trained professional: confirm (→ Step 2), invalidate "
                "(→ exit from the programme) or leave open with a note. Offer a global "
                "geriatric assessment (GP / geriatric day hospital)."
            ),
        ),
        source="step1",
    )


def step2_required(domain: Domain, instrument_title: Text) -> Alert:
    return Alert(
        code=AlertCode.STEP2_REQUIRED,
        severity=Severity.NORMAL,
        message=Text(
            fr=f"{domain.label.fr} altérée à l'étape 1 : évaluation approfondie à programmer "
            f"({instrument_title.fr}).",
            en=f"{domain.label.en} altered at Step 1: schedule the in-depth assessment "
            f"({instrument_title.en}).",
        ),
        action=Text(
            fr="Programmer l'étape 2 de ce domaine et informer le médecin traitant.",
            en="Schedule Step 2 for this domain and inform the GP.",
        ),
        domain=domain,
        source="step1",
    )


def malnutrition(instrument_id: str, rule: Text) -> Alert:
    return Alert(
        code=AlertCode.ALERT_MALNUTRITION,
        severity=Severity.HIGH,
        message=Text(fr=f"Dénutrition : {rule.fr}.", en=f"Malnutrition: {rule.en}."),
        action=Text(
            fr="Informer le médecin traitant (plan de soins nutritionnel).",
            en="Inform the GP (nutritional care plan).",
        ),
        domain=Domain.VITALITY,
        source=instrument_id,
    )


def refer_ent(instrument_id: str) -> Alert:
    return Alert(
        code=AlertCode.REFER_ENT,
        severity=Severity.HIGH,
        message=Text(
            fr="Signe d'alerte ORL : douleur, écoulement, vertiges, ou perte auditive brutale "
            "ou unilatérale.",
            en="ENT red flag: ear pain, discharge, dizziness, or sudden or unilateral hearing "
            "loss.",
        ),
        action=Text(fr="Orienter vers un ORL.", en="Refer to an ENT specialist."),
        domain=Domain.HEARING,
        source=instrument_id,
    )


def step1_incomplete(domains: list[Domain]) -> Alert:
    names_fr = ", ".join(d.label.fr for d in domains)
    names_en = ", ".join(d.label.en for d in domains)
    return Alert(
        code=AlertCode.STEP1_INCOMPLETE,
        severity=Severity.LOW,
        message=Text(
            fr=f"Étape 1 incomplète, non évalué : {names_fr}.",
            en=f"Step 1 incomplete, not evaluated: {names_en}.",
        ),
        action=Text(
            fr="Refaire le repérage des domaines manquants.",
            en="Redo the screening of the missing domains.",
        ),
        source="step1",
    )
