"""MNA-SF and full MNA rules of the clinical spec §3.2, one case per side of each boundary."""

from __future__ import annotations

import pytest

from icope_desktop.screening import (
    NotAssessable,
    ValidationError,
    get_instrument,
    score,
    validate,
)

SF_MAX = {"A": "none", "B": "none", "C": "goes_out", "D": "no", "E": "none",
          "F1_weight_kg": 92.0, "F1_height_cm": 200}  # 2+3+2+2+2 + BMI 23 → 3 = 14  # fmt: skip
# Options that lower the screening total, point by point, most significant first.
LOWER = [("B", "gt3", 3), ("A", "severe", 2), ("C", "bed_chair", 2), ("D", "yes", 2),
         ("E", "severe", 2)]  # fmt: skip


def sf_with_total(total: int) -> dict:
    answers = dict(SF_MAX)
    excess = 14 - total
    for item_id, option, points in LOWER:
        if excess >= points:
            answers[item_id] = option
            excess -= points
    weights = {0: 92.0, 1: 84.0, 2: 76.0, 3: 60.0}  # BMI 23 / 21 / 19 / 15 at 200 cm
    answers["F1_weight_kg"] = weights[excess]
    assert score("mna_sf", answers).total == total
    return answers


@pytest.mark.parametrize(
    ("weight", "points"),
    [(75.9, 0), (76.0, 1), (83.9, 1), (84.0, 2), (91.9, 2), (92.0, 3)],
)
def test_mna_sf_f1_bmi_boundaries_19_21_23_spec_3_2(weight, points):
    """At 200 cm, BMI = weight / 4: exactly 19, 21 and 23 on the boundary weights."""
    result = score("mna_sf", dict(SF_MAX, F1_weight_kg=weight))
    assert result.derived["item_points"]["F"] == points
    assert result.derived["f_source"] == "F1"


def test_mna_sf_bmi_classified_exactly_not_on_binary_floats_spec_0():
    """48.64 / 1.6² is exactly 19.0; in binary floats it is 18.999999…"""
    assert 48.64 / 1.6**2 < 19
    result = score("mna_sf", dict(SF_MAX, F1_weight_kg=48.64, F1_height_cm=160))
    assert result.derived["item_points"]["F"] == 1
    assert result.derived["bmi_display"] == "19.0"


def test_mna_sf_bmi_display_one_decimal_half_up_spec_0():
    result = score("mna_sf", dict(SF_MAX, F1_weight_kg=70.0, F1_height_cm=170))
    assert result.derived["bmi_display"] == "24.2"  # 24.221…
    assert result.derived["bmi"] == pytest.approx(24.2214533)


@pytest.mark.parametrize(("calf", "points"), [(30.9, 0), (31.0, 3)])
def test_mna_sf_f2_calf_31cm_only_without_bmi_spec_3_2(calf, points):
    answers = dict(SF_MAX, F1_height_cm=NotAssessable("not_measurable"), F2=calf)
    result = score("mna_sf", answers)
    assert result.derived["item_points"]["F"] == points
    assert result.derived["f_source"] == "F2"
    assert result.derived["bmi"] is None


def test_mna_sf_f1_wins_when_both_are_entered_spec_3_2():
    result = score("mna_sf", dict(SF_MAX, F2=25.0))
    assert result.total == 14
    assert result.derived["f_source"] == "F1"
    assert any("F2" in note.fr and "ignorée" in note.fr for note in result.notes)


def test_mna_sf_without_bmi_or_calf_has_bounds_spec_3_2():
    answers = dict(SF_MAX)
    del answers["F1_weight_kg"]
    result = score("mna_sf", answers)
    assert result.total is None and result.bounds == (11, 14)
    assert result.missing == ("F2",), "F2 is asked once BMI is unavailable"
    assert result.altered is None


@pytest.mark.parametrize(
    ("total", "band", "altered", "alert"),
    [
        (0, "malnourished", True, True),
        (7, "malnourished", True, True),
        (8, "at_risk", True, False),
        (11, "at_risk", True, False),
        (12, "normal", False, False),
        (14, "normal", False, False),
    ],
)
def test_mna_sf_bands_12_8_and_alert_at_7_spec_3_2(total, band, altered, alert):
    result = score("mna_sf", sf_with_total(total))
    assert result.band.code == band
    assert result.altered is altered
    assert result.derived["full_mna_advised"] is altered
    assert ("ALERT_MALNUTRITION" in [a.code for a in result.alerts]) is alert


def test_mna_sf_band_from_bounds_when_unambiguous():
    answers = sf_with_total(3)  # B, A, C, D, E all at 0; F = 3
    answers.pop("E")  # E worth 0 to 2
    result = score("mna_sf", answers)
    assert result.bounds == (3, 5)
    assert result.band.code == "malnourished"
    assert result.altered is True


def test_mna_items_have_no_not_assessable_value_spec_3_2():
    with pytest.raises(ValidationError) as info:
        validate("mna_sf", dict(SF_MAX, A=NotAssessable("refused")))
    assert info.value.codes() == {"A": ["not_assessable_not_allowed"]}


def test_mna_sf_b_doesnt_know_is_an_answer_worth_1_spec_3_2():
    result = score("mna_sf", dict(SF_MAX, B="dont_know"))
    assert result.total == 12 and result.valid is True


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"F1_weight_kg": 2000.0}, "out_of_range"),
        ({"F1_weight_kg": 300.0}, "implausible"),
        ({"F1_weight_kg": 20.0, "F1_height_cm": 150}, "implausible"),
        ({"F1_height_cm": 100}, "implausible"),
        ({"F1_weight_kg": 200.0, "F1_height_cm": 165}, "implausible"),  # BMI 73.5
        ({"F1_weight_kg": -5.0}, "out_of_range"),
        ({"F1_weight_kg": "72,5"}, "wrong_type"),
        ({"F1_weight_kg": float("nan")}, "wrong_type"),
        ({"F1_weight_kg": float("inf")}, "wrong_type"),
        ({"F1_weight_kg": True}, "wrong_type"),
    ],
)
def test_mna_weight_height_typos_spec_0(changes, code):
    """Plausibility 25–250 kg / 120–210 cm (spec §0); BMI 12–60 (PROJECT RULE)."""
    with pytest.raises(ValidationError) as info:
        score("mna_sf", dict(SF_MAX, **changes))
    [error] = info.value.errors
    assert error.code == code
    assert error.item_id in changes
    assert "F1_" not in error.message.fr and "F1_" not in error.message.en  # ids never shown
    assert "Poids" in error.message.fr or "Taille" in error.message.fr


def test_mna_bmi_outlier_accepted_once_confirmed():
    answers = dict(SF_MAX, F1_weight_kg=200.0, F1_height_cm=165, _confirmed=["F1_weight_kg"])
    assert score("mna_sf", answers).derived["item_points"]["F"] == 3
    assert score("mna_sf", dict(SF_MAX, F1_weight_kg=200.0, F1_height_cm=190)).total == 14


# --- full MNA -------------------------------------------------------------------------

FULL_MAX = dict(SF_MAX) | {
    "G": "yes", "H": "no", "I": "no", "J": 3, "K_dairy": True, "K_legumes_eggs": True,
    "K_meat": True, "L": "yes", "M": "gt5", "N": "no_problem", "O": "no_problem",
    "P": "better", "Q": 25.0, "R": 35.0,
}  # fmt: skip


def test_full_mna_maximum_is_30_spec_3_2():
    result = score("mna", FULL_MAX)
    assert result.total == 30
    assert result.derived["screening_score"] == 14
    assert result.derived["assessment_score"] == 16


@pytest.mark.parametrize(
    ("arm", "points"), [(20.9, 0), (21.0, 0.5), (22.0, 0.5), (22.1, 1)]
)
def test_full_mna_q_mid_arm_21_22_spec_3_2(arm, points):
    result = score("mna", dict(FULL_MAX, Q=arm))
    assert result.derived["item_points"]["Q"] == points
    assert result.total == 29 + points


@pytest.mark.parametrize(("calf", "points"), [(30.9, 0), (31.0, 1)])
def test_full_mna_r_calf_31_spec_3_2(calf, points):
    assert score("mna", dict(FULL_MAX, R=calf)).derived["item_points"]["R"] == points


@pytest.mark.parametrize(("yes", "points"), [(0, 0), (1, 0), (2, 0.5), (3, 1)])
def test_full_mna_k_protein_markers_spec_3_2(yes, points):
    flags = [True] * yes + [False] * (3 - yes)
    answers = dict(FULL_MAX, K_dairy=flags[0], K_legumes_eggs=flags[1], K_meat=flags[2])
    assert score("mna", answers).derived["item_points"]["K"] == points


@pytest.mark.parametrize(
    ("changes", "total", "band", "altered", "alert"),
    [
        ({"P": "dont_know", "R": 30.0, "A": "severe", "E": "mild", "C": "no_outing",
          "D": "yes", "B": "dont_know"}, 19.5, "at_risk", True, False),
        ({"P": "not_as_good", "B": "gt3", "N": "difficulty"}, 24, "normal", False, False),
        ({"P": "dont_know", "B": "gt3", "A": "severe"}, 23.5, "at_risk", True, False),
        ({"P": "not_as_good", "B": "gt3", "A": "severe", "C": "bed_chair", "D": "yes",
          "E": "severe", "M": "3to5"}, 16.5, "malnourished", True, True),
        ({"P": "not_as_good", "B": "gt3", "A": "severe", "C": "bed_chair", "D": "yes",
          "E": "severe"}, 17, "at_risk", True, False),
    ],
)  # fmt: skip
def test_full_mna_bands_24_17_spec_3_2(changes, total, band, altered, alert):
    """Nestlé bands: 23.5 is at risk (not the NINDS "> 23.5" wording)."""
    result = score("mna", dict(FULL_MAX, **changes))
    assert result.total == total
    assert result.band.code == band
    assert result.altered is altered
    assert ("ALERT_MALNUTRITION" in [a.code for a in result.alerts]) is alert


def test_full_mna_without_bmi_is_not_computable_spec_3_2():
    """PROJECT RULE ⚠️: the full form has no calf substitution for F."""
    result = score("mna", dict(FULL_MAX, F1_height_cm=NotAssessable("not_measurable")))
    assert result.total is None
    assert result.bounds == (27, 30)
    assert any("MNA-SF" in note.fr for note in result.notes)
    assert "F2" not in get_instrument("mna").item_ids


def test_full_mna_missing_k_marker_gives_partial_bounds():
    answers = dict(FULL_MAX)
    del answers["K_meat"]  # 2 known yes: K is 0.5 or 1
    result = score("mna", answers)
    assert result.bounds == (29.5, 30)
    assert result.band.code == "normal" and result.altered is False
