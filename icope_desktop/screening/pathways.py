"""Which Step 2 instrument follows an altered Step 1 domain (clinical spec §1, §3).

Vitality starts with the MNA-SF; the full MNA follows when the MNA-SF is ≤ 11 (the
Nestlé form: "continue to G–R if screening ≤ 11", spec §3.2).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from icope_desktop.i18n import Text
from icope_desktop.screening.model import Domain

STEP2_BY_DOMAIN: Mapping[Domain, str] = MappingProxyType(
    {
        Domain.COGNITION: "mmse",
        Domain.LOCOMOTION: "sppb",
        Domain.VITALITY: "mna_sf",
        Domain.VISION: "snellen",
        Domain.HEARING: "hearing",
        Domain.PSYCHOLOGICAL: "phq9",
    }
)

FOLLOW_UP_BY_INSTRUMENT: Mapping[str, str] = MappingProxyType({"mna_sf": "mna"})
"""A Step 2 instrument whose altered result calls for a fuller one of the same domain."""

DOMAIN_PRECEDENCE: Mapping[Domain, tuple[str, ...]] = MappingProxyType(
    {domain: (FOLLOW_UP_BY_INSTRUMENT.get(i, i), i) for domain, i in STEP2_BY_DOMAIN.items()}
)
"""Per domain, the Step 2 instruments from the most to the least complete: the full MNA
decides vitality over the MNA-SF (spec §3.2, the full form is the assessment)."""

SHORT_NAMES: Mapping[str, Text] = MappingProxyType(
    {
        "mmse": Text(fr="MMSE", en="MMSE"),
        "sppb": Text(fr="SPPB", en="SPPB"),
        "mna_sf": Text(fr="MNA-SF", en="MNA-SF"),
        "mna": Text(fr="MNA complet", en="full MNA"),
        "snellen": Text(fr="acuité visuelle", en="visual acuity"),
        "hearing": Text(fr="évaluation de l'audition", en="hearing assessment"),
        "phq9": Text(fr="PHQ-9", en="PHQ-9"),
    }
)
