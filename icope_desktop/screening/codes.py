"""Terminology codes that the FHIR sync attaches to instruments, items and answers.

Only LOINC codes listed in the clinical spec §8 appear in the instrument definitions
("never invent LOINC codes"). Everything else (SPPB total, full MNA total, hearing, visual
acuity, ICOPE Step 1) uses the project code system, whose URL the sync may override.
"""

from __future__ import annotations

from dataclasses import dataclass

from icope_desktop.i18n import Text

LOINC_SYSTEM = "http://loinc.org"
PROJECT_CODE_SYSTEM = "https://icope.example/fhir/CodeSystem/icope"

LOINC_NOTICE = Text(
    fr=(
        "Ce produit inclut des contenus LOINC® (http://loinc.org), © Regenstrief Institute, "
        "Inc. et LOINC Committee, disponibles gratuitement sous licence LOINC."
    ),
    en=(
        "This material contains content from LOINC® (http://loinc.org), © Regenstrief "
        "Institute, Inc. and the LOINC Committee, available at no cost under the LOINC licence."
    ),
)
"""Clinical spec §7: include the LOINC notice whenever codes are exported."""


@dataclass(frozen=True, slots=True)
class Coding:
    """One FHIR-style coding: a code in a code system, with an English display."""

    system: str
    code: str
    display: str

    @property
    def is_loinc(self) -> bool:
        return self.system == LOINC_SYSTEM


def loinc(code: str, display: str) -> Coding:
    return Coding(LOINC_SYSTEM, code, display)


def project(code: str, display: str) -> Coding:
    return Coding(PROJECT_CODE_SYSTEM, code, display)
