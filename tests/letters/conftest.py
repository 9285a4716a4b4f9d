"""Letters are rendered once per (sample, document, language) for the whole directory:
rendering is deterministic (tested), so sharing the bytes between tests changes
nothing but the run time."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import pytest

from icope_desktop.letters import LetterContext, render_gp_letter, render_patient_summary

from .pdf_reading import LetterPdf
from .samples import ALL_SAMPLES

RENDERERS = {"gp": render_gp_letter, "patient": render_patient_summary}


@cache
def sample(name: str) -> LetterContext:
    return ALL_SAMPLES[name]()


@cache
def rendered(name: str, document: str, lang: str) -> bytes:
    return RENDERERS[document](sample(name), lang)


@pytest.fixture
def letter() -> Callable[[str, str, str], LetterPdf]:
    """`letter("urgent_phq9", "gp", "fr")` → the parsed PDF of that sample."""
    opened: list[LetterPdf] = []

    def open_letter(name: str, document: str = "gp", lang: str = "fr") -> LetterPdf:
        pdf = LetterPdf(rendered(name, document, lang))
        opened.append(pdf)
        return pdf

    yield open_letter
    for pdf in opened:
        pdf.close()
