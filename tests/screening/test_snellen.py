"""Visual acuity rules of the clinical spec §3.4: conversions, exact ICD-11 boundaries on
the better eye, near vision, missing eyes."""

from __future__ import annotations

import math

import pytest

from icope_desktop.screening import NotAssessable, ValidationError, score


def va(od, og=None, notation="snellen_m", **extra):
    answers = {"VA_notation": notation, "VA_OD": od, "VA_OG": og if og is not None else od}
    if notation is None:
        del answers["VA_notation"]
    return score("snellen", answers | extra)


@pytest.mark.parametrize(
    ("notation", "text"),
    [("snellen_m", "6/12"), ("snellen_ft", "20/40"), ("monoyer", "5/10"), ("decimal", "0.5"),
     ("decimal", "0,5"), ("monoyer", "5/10e"), ("logmar", "0.30")],
)  # fmt: skip
def test_acuity_conversions_6_12_equals_0_5_equals_logmar_0_3_spec_3_4(notation, text):
    result = va(text, notation=notation)
    eye = result.derived["eyes"]["VA_OD"]
    assert eye["decimal"] == pytest.approx(0.5, abs=2e-3)
    assert eye["logmar"] == pytest.approx(0.30, abs=1e-2)
    assert result.derived["category"] == "none"
    assert result.altered is False


def test_acuity_6_60_is_0_1_and_logmar_1_spec_3_4():
    eye = va("6/60").derived["eyes"]["VA_OD"]
    assert eye["fraction"] == "1/10" and eye["logmar"] == 1.0


@pytest.mark.parametrize(
    ("notation", "text", "category"),
    [
        ("decimal", "0.5", "none"),
        ("decimal", "0.49", "mild"),
        ("snellen_m", "6/18", "mild"),  # exactly 1/3: mild, never compared as 0.33
        ("monoyer", "3/10", "moderate"),  # 0.3 < 1/3
        ("decimal", "0.34", "mild"),
        ("snellen_m", "6/60", "moderate"),
        ("decimal", "0.09", "severe"),
        ("snellen_m", "3/60", "severe"),  # exactly 0.05
        ("decimal", "0.04", "blindness"),
        ("snellen_m", "2/60", "blindness"),
    ],
)
def test_acuity_icd11_category_boundaries_exact_fractions_spec_3_4(notation, text, category):
    result = va(text, notation=notation)
    assert result.derived["category"] == category
    assert result.altered is (category != "none")


@pytest.mark.parametrize(
    ("logmar", "category"),
    [("0.30", "none"), ("0.301", "none"), ("0.302", "mild"), ("0.477", "mild"),
     ("0.478", "moderate"), ("1.0", "moderate"), ("1.01", "severe"), ("1.301", "severe"),
     ("1.302", "blindness")],
)  # fmt: skip
def test_acuity_icd11_category_boundaries_on_logmar_spec_3_4(logmar, category):
    """logMAR boundaries are −log10(1/2)=0.30103, −log10(1/3)=0.47712, 1, 1.30103 (±1e-6)."""
    assert va(logmar, notation="logmar").derived["category"] == category
    assert math.log10(2) == pytest.approx(0.30103, abs=1e-5)


def test_acuity_better_eye_decides_spec_3_4():
    result = va("6/24", "6/9")
    assert result.derived["better_eye"] == "VA_OG"
    assert result.derived["category"] == "none"
    assert result.altered is False
    assert result.derived["eyes"]["VA_OD"]["category"] == "moderate"


def test_acuity_eye_not_testable_uses_the_other_eye_spec_3_4():
    result = va("6/18", NotAssessable("prosthesis"))
    assert result.derived["better_eye"] == "VA_OD"
    assert result.derived["category"] == "mild"
    assert result.altered is True and result.valid is True
    assert result.not_assessable == ("VA_OG",)


def test_acuity_both_eyes_not_testable_is_altered_project_rule():
    result = va(NotAssessable("no_light_perception"), NotAssessable("prosthesis"))
    assert result.altered is True
    assert result.derived["category"] is None


@pytest.mark.parametrize(("other", "altered"), [("6/6", False), ("6/18", None)])
def test_acuity_one_eye_missing_decides_only_when_the_other_reaches_6_12(other, altered):
    result = score("snellen", {"VA_notation": "snellen_m", "VA_OD": other})
    assert result.altered is altered
    assert result.missing == ("VA_OG",)
    assert result.valid is False


def test_acuity_both_eyes_missing_is_not_computable_spec_3_4():
    result = score("snellen", {"VA_notation": "decimal"})
    assert result.altered is None and result.band is None
    assert "Non calculable" in result.interpretation.fr


@pytest.mark.parametrize(
    ("chart", "value", "near_vi"),
    [("N", 6, False), ("N", 8, True), ("M", 0.8, False), ("M", 1.0, True)],
)
def test_near_vision_worse_than_n6_or_m08_alters_spec_3_4(chart, value, near_vi):
    result = va("6/6", VA_near_notation=chart, VA_near_value=value)
    assert result.derived["near_vi"] is near_vi
    assert result.altered is near_vi


def test_near_vision_parinaud_is_not_interpreted():
    result = va("6/6", VA_near_notation="parinaud", VA_near_value=2)
    assert result.derived["near_vi"] is None
    assert result.altered is False
    assert any("Parinaud" in note.fr for note in result.notes)


@pytest.mark.parametrize(
    ("notation", "text", "code"),
    [
        ("logmar", "6/12", "inconsistent"),
        (None, "0.5", "inconsistent"),  # ambiguous: decimal or logMAR?
        ("snellen_m", "0.5", "inconsistent"),
        ("decimal", "abc", "wrong_type"),
        ("decimal", "6/0", "wrong_type"),
        ("monoyer", "0/10", "out_of_range"),
        ("logmar", "2.0", "implausible"),
        ("logmar", "3.5", "out_of_range"),
        ("decimal", "2.5", "implausible"),
        ("decimal", "5", "out_of_range"),
        ("snellen_m", "6/1000", "implausible"),
    ],
)
def test_acuity_input_errors_name_the_eye_and_the_fix(notation, text, code):
    other = "0.0" if notation == "logmar" else "6/6"
    with pytest.raises(ValidationError) as info:
        va(text, other, notation=notation)
    [error] = info.value.errors
    assert (error.item_id, error.code) == ("VA_OD", code)
    assert "œil droit" in error.message.fr and "right eye" in error.message.en


def test_acuity_implausible_value_accepted_once_confirmed():
    result = score(
        "snellen",
        {"VA_notation": "logmar", "VA_OD": "2.0", "VA_OG": "1.9", "_confirmed": ["VA_OD", "VA_OG"]},
    )
    assert result.derived["category"] == "blindness"


def test_acuity_prefixed_logmar_needs_no_notation():
    result = va("logMAR 0,3", "6/6", notation=None)
    assert result.derived["eyes"]["VA_OD"]["logmar"] == 0.3
    assert result.derived["better_eye"] == "VA_OG"


def test_acuity_binocular_is_recorded_not_classified():
    result = va("6/6", VA_OU="6/5")
    assert result.derived["eyes"]["VA_OU"]["fraction"] == "6/5"
    assert result.derived["better_eye"] in ("VA_OD", "VA_OG")
