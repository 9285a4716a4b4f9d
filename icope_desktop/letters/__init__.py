"""Letters: the GP referral letter and the patient summary, as PDF bytes (reportlab).

Pure Python, no Qt, no store: everything comes from a frozen `LetterContext` (see
`letters.context` for how to build one), so the same input gives the same bytes.

    check_letter_context(ctx, document="gp_letter")   # LetterIncomplete: FR/EN messages
    render_gp_letter(ctx, lang="fr") -> bytes
    render_patient_summary(ctx, lang="fr") -> bytes

docs/ARCHITECTURE.md "Letters" has the details.
"""

from icope_desktop.letters.completeness import (
    LetterIncomplete,
    Problem,
    check_letter_context,
    letter_problems,
)
from icope_desktop.letters.context import (
    Addressee,
    Assessment,
    CarePlanLine,
    LetterContext,
    PastVisit,
    PatientInfo,
    Sender,
    Sex,
)
from icope_desktop.letters.gp_letter import render_gp_letter
from icope_desktop.letters.patient_summary import render_patient_summary

__all__ = [
    "Addressee",
    "Assessment",
    "CarePlanLine",
    "LetterContext",
    "LetterIncomplete",
    "PastVisit",
    "PatientInfo",
    "Problem",
    "Sender",
    "Sex",
    "check_letter_context",
    "letter_problems",
    "render_gp_letter",
    "render_patient_summary",
]
