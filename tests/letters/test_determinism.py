"""Same input, same bytes (issue 5): no clock, no random id, embedded fonts only."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

from icope_desktop.letters import render_gp_letter, render_patient_summary

from .conftest import rendered, sample

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("render", [render_gp_letter, render_patient_summary])
def test_regenerating_gives_the_same_bytes(render):
    ctx = sample("trend")
    first = render(ctx, "fr")
    assert render(ctx, "fr") == first
    assert render(sample("trend"), "en") != first


def test_another_process_produces_the_same_bytes():
    """A fresh interpreter (other hash seed, fonts registered anew, other time) must
    agree byte for byte: what the store keeps can be regenerated later."""
    code = (
        "import hashlib, sys\n"
        "from tests.letters.samples import visit_with_trend\n"
        "from icope_desktop.letters import render_gp_letter\n"
        "sys.stdout.write(hashlib.sha256(render_gp_letter(visit_with_trend())).hexdigest())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
        env={"PYTHONHASHSEED": "12345", "PATH": "/usr/bin:/bin"},
    ).stdout  # fmt: skip
    assert out == hashlib.sha256(rendered("trend", "gp", "fr")).hexdigest()


def test_metadata_is_fixed_and_holds_no_patient_identity():
    reader = pypdf.PdfReader(io.BytesIO(rendered("urgent_phq9", "gp", "fr")))
    meta = reader.metadata
    assert meta["/Title"] == "Programme ICOPE : courrier au médecin traitant"
    assert meta["/Subject"] == "Évaluation ICOPE du 12/03/2025"
    assert meta["/Author"] == "Claire BOURGET"
    assert meta["/CreationDate"] == meta["/ModDate"] == "D:20000101000000+00'00'"
    for field in meta.values():
        assert "MARTIN" not in str(field) and "DUPONT" not in str(field)
    assert reader.trailer["/ID"][0] == reader.trailer["/ID"][1]


@pytest.mark.parametrize("document", ["gp", "patient"])
def test_only_the_embedded_dejavu_faces_are_used(document):
    reader = pypdf.PdfReader(io.BytesIO(rendered("long_care_plan", document, "fr")))
    faces = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            assert descriptor is not None, f"{font['/BaseFont']} is not embedded"
            assert "/FontFile2" in descriptor.get_object(), f"{font['/BaseFont']} not embedded"
            faces.add(str(font["/BaseFont"]).split("+")[-1])
    assert faces == {"DejaVuSans", "DejaVuSans-Bold"}


def test_accents_guillemets_and_ligatures_survive(letter):
    text = letter("long_care_plan", "gp", "fr").body_text
    for fragment in ("« Équilibre en mouvement »", "Évaluer le risque de chute", "Île-de-Nantes",
                     "≤ 9", "→", "diplômée d'État"):
        assert fragment in text, fragment  # fmt: skip
    summary = letter("three_altered", "patient", "fr").body_text
    assert "« Bien vieillir »" in summary
    assert "cœur" in letter("long_care_plan", "patient", "fr").body_text
