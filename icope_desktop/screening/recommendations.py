"""Step 3 care-plan recommendations per altered domain (clinical spec §5).

Sources: WHO ICOPE community-level guidelines 2017 [S3] and the 2019 pathways as
summarised in [S4]. Labels are short and stable codes let the store, the letter and the
FHIR CarePlan refer to them; the clinical content is chosen with the médecin traitant,
so every label of an altered domain is offered and the professional keeps or drops it.
Labels that carry their own condition ("si dénutrition") keep it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from icope_desktop.i18n import Text
from icope_desktop.screening.model import Domain


@dataclass(frozen=True, slots=True)
class Recommendation:
    code: str
    domain: Domain
    label: Text
    sources: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "domain": self.domain.value,
            "label": self.label.to_json(),
            "sources": list(self.sources),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Recommendation:
        return cls(
            code=data["code"],
            domain=Domain(data["domain"]),
            label=Text.from_json(data["label"]),
            sources=tuple(data.get("sources", ())),
        )


def _r(code: str, domain: Domain, fr: str, en: str, *sources: str) -> Recommendation:
    return Recommendation(code, domain, Text(fr=fr, en=en), sources)


L, N, V, H, C, P = (
    Domain.LOCOMOTION,
    Domain.VITALITY,
    Domain.VISION,
    Domain.HEARING,
    Domain.COGNITION,
    Domain.PSYCHOLOGICAL,
)

CATALOGUE: Mapping[Domain, tuple[Recommendation, ...]] = MappingProxyType(
    {
        L: (
            _r("LOCO_EXERCISE", L,
               "Exercice multicomposante (renforcement progressif, équilibre, souplesse, "
               "endurance)",
               "Multicomponent exercise (progressive resistance, balance, flexibility, aerobic)",
               "S3", "S4"),
            _r("LOCO_VIVIFRAIL", L, "Programme type Vivifrail si SPPB normal ou peu altéré",
               "Vivifrail-type programme if SPPB normal or mildly impaired", "S4"),
            _r("LOCO_FALLS_HOME", L,
               "Évaluer le risque de chute, adapter le domicile, aide technique",
               "Fall-risk and home adaptation, assistive device", "S4"),
            _r("LOCO_REVIEW", L, "Revoir polymédication, douleur, arthrose, ostéoporose",
               "Review polypharmacy, pain, osteoarthritis, osteoporosis", "S4"),
        ),
        N: (
            _r("VITA_ONS_DIET", N,
               "Compléments nutritionnels oraux + conseils diététiques si dénutrition",
               "Oral nutritional supplements with dietary advice if malnourished", "S3"),
            _r("VITA_MEALS", N,
               "Lever les obstacles à l'alimentation, repas partagés, aide à la préparation des "
               "repas",
               "Remove barriers to eating, shared meals, help with meal preparation", "S4"),
        ),
        V: (
            _r("VIS_EYE_CARE", V, "Orientation vers soins ophtalmologiques complets",
               "Timely comprehensive eye care", "S3"),
            _r("VIS_RISK_FACTORS", V, "Optimiser HTA, diabète, corticoïdes",
               "Optimise hypertension, diabetes, corticosteroids", "S4"),
            _r("VIS_HOME", V, "Éclairage, contrastes, supprimer obstacles",
               "Lighting, contrast, hazard removal", "S4"),
        ),
        H: (
            _r("HEAR_AIDS", H, "Dépistage puis appareillage auditif",
               "Screening followed by hearing aids", "S3"),
            _r("HEAR_ENT", H, "Avis ORL si sévère ou atypique", "ENT opinion if severe or atypical",
               "S4"),
            _r("HEAR_DEVICES", H, "Aides techniques (téléphone, sonnette), soutien",
               "Assistive devices (telephone, doorbell), support", "S4"),
        ),
        C: (
            _r("COG_STIMULATION", C, "Stimulation cognitive", "Cognitive stimulation", "S3"),
            _r("COG_EXERCISE", C, "Exercice multicomposante", "Multicomponent exercise", "S4"),
            _r("COG_RISK_FACTORS", C, "Contrôle des facteurs de risque (tabac, HTA, diabète)",
               "Risk factor control (smoking, hypertension, diabetes)", "S4"),
            _r("COG_REVIEW", C, "Revoir dénutrition, confusion, polymédication, dépression",
               "Review malnutrition, delirium, polypharmacy, depression", "S4"),
            _r("COG_SOCIAL_CARE", C, "Évaluer besoins d'aide sociale et soutien aux aidants",
               "Assess social care needs and support for carers", "S4"),
            _r("COG_MEMORY_CLINIC", C, "Médecin traitant → consultation mémoire si besoin",
               "GP → memory clinic if needed"),
        ),
        P: (
            _r("PSY_BRIEF_CBT", P, "Interventions psychologiques brèves structurées (TCC)",
               "Brief structured psychological interventions (CBT)", "S3", "S4"),
            _r("PSY_EXERCISE_MINDFULNESS", P, "Exercice, pleine conscience",
               "Exercise, mindfulness", "S4"),
            _r("PSY_SPECIALIST", P, "Soins spécialisés si dépression significative",
               "Specialist care if significant depression", "S4"),
            _r("PSY_REVIEW", P, "Revoir anémie, thyroïde, douleur, polymédication",
               "Review anaemia, thyroid, pain, polypharmacy", "S4"),
            _r("PSY_SOCIAL", P, "Lutter contre l'isolement, soutien social",
               "Tackle isolation, social support", "S4"),
        ),
    }
)  # fmt: skip

ITEM9_SAFETY = _r(
    "PSY_ITEM9_SAFETY", P,
    "PHQ-9 question 9 > 0 : évaluation de sécurité immédiate, médecin traitant le jour même, "
    "3114",
    "PHQ-9 item 9 > 0: immediate safety assessment, GP the same day, 3114", "S28", "S29",
)  # fmt: skip
"""Spec §5 psychological "Item 9 > 0 → §3.6": offered only with ALERT_SUICIDE_RISK."""

ALL_RECOMMENDATIONS = (*(r for recs in CATALOGUE.values() for r in recs), ITEM9_SAFETY)


def recommendations_for(
    altered: Iterable[Domain], *, suicide_risk: bool = False
) -> tuple[Recommendation, ...]:
    """The §5 labels of every altered domain, in the catalogue's domain order."""
    wanted = set(altered)
    found = [r for domain, recs in CATALOGUE.items() if domain in wanted for r in recs]
    if suicide_risk:
        found.insert(0, ITEM9_SAFETY)
    return tuple(found)
