"""MMSE GRECO rules of the clinical spec §3.1, one case per side of each boundary."""

from __future__ import annotations

import pytest

from icope_desktop.screening import NotAssessable, ScoringContext, ValidationError, score

from .helpers import thresholds_with

FULL = {
    "MMSE_OT": 5, "MMSE_OP": 5, "MMSE_REG": 3, "MMSE_ATT": 5, "MMSE_REC": 3, "MMSE_NAM": 2,
    "MMSE_REP": 1, "MMSE_CMD": 3, "MMSE_READ": 1, "MMSE_WRITE": 1, "MMSE_COPY": 1,
}  # fmt: skip
ORDER = ["MMSE_OT", "MMSE_OP", "MMSE_ATT", "MMSE_REG", "MMSE_REC", "MMSE_CMD", "MMSE_NAM",
         "MMSE_REP", "MMSE_READ", "MMSE_WRITE", "MMSE_COPY"]  # fmt: skip


def with_total(total: int, nsc: str = "NSC1") -> dict:
    """Sub-scores lowered from the maximum until the sum is `total`."""
    answers = dict(FULL)
    excess = 30 - total
    for item_id in ORDER:
        cut = min(excess, answers[item_id])
        answers[item_id] -= cut
        excess -= cut
    assert sum(answers.values()) == total
    return answers | {"MMSE_NSC": nsc}


def at(age):
    return ScoringContext(age_years=age)


def test_mmse_total_is_the_sum_of_11_subscores_spec_3_1():
    result = score("mmse", with_total(30), at(70))
    assert result.total == 30 and result.max_total == 30 and result.max_administrable == 30
    assert score("mmse", with_total(0), at(70)).total == 0


@pytest.mark.parametrize(("total", "altered"), [(21, True), (22, True), (23, False), (30, False)])
def test_mmse_greco_nsc1_50_79_threshold_22_spec_3_1(total, altered):
    """The one verified GRECO cell ⚠️ [S23]; PROJECT RULE comparator ≤ (sensitivity first)."""
    result = score("mmse", with_total(total), at(72))
    assert result.altered is altered
    assert result.valid is True
    assert result.derived["threshold_source"] == "greco"
    assert "≤ 22" in result.threshold.fr and "NSC1" in result.threshold.en


@pytest.mark.parametrize(("total", "altered"), [(21, True), (22, False)])
def test_mmse_greco_comparator_lt_is_a_setting_spec_3_1(total, altered):
    context = ScoringContext(age_years=72, thresholds=thresholds_with("mmse", comparator="lt"))
    assert score("mmse", with_total(total), context).altered is altered


@pytest.mark.parametrize(
    ("age", "state", "altered"),
    [
        (49, "hors_normes", None),
        (50, "interpretable", True),
        (79, "interpretable", True),
        (80, "non_interpretable_sans_norme", None),  # ❌ cell
        (89, "non_interpretable_sans_norme", None),
        (90, "hors_normes", None),
    ],
)
def test_mmse_age_band_boundaries_spec_3_1(age, state, altered):
    result = score("mmse", with_total(20), at(age))
    assert result.derived["state"] == state
    assert result.altered is altered
    assert result.total == 20, "the raw score is always shown"


def test_mmse_90_and_over_is_out_of_norms_spec_3_1():
    result = score("mmse", with_total(12), at(93))
    assert result.interpretation.fr == "hors normes (≥90 ans)"
    assert result.threshold is None and result.valid is False


@pytest.mark.parametrize("nsc", ["NSC2", "NSC3", "NSC4"])
def test_mmse_unknown_greco_cells_give_no_interpretation_spec_3_1(nsc):
    result = score("mmse", with_total(10, nsc), at(70))
    assert result.altered is None
    assert "interprétation non disponible" in result.interpretation.fr
    assert result.derived["state"] == "non_interpretable_sans_norme"
    assert result.threshold is None


def test_mmse_international_24_is_never_used_silently_spec_3_1():
    """Disabled by default; when enabled it is labelled international_generic."""
    assert score("mmse", with_total(10, "NSC3"), at(70)).altered is None
    context = ScoringContext(
        age_years=70, thresholds=thresholds_with("mmse", fallback_enabled=True)
    )
    below = score("mmse", with_total(23, "NSC3"), context)
    at_cut = score("mmse", with_total(24, "NSC3"), context)
    assert (below.altered, at_cut.altered) == (True, False)
    assert below.derived["threshold_source"] == "international_generic"
    assert "< 24" in below.threshold.fr and "non validé" in below.threshold.fr
    assert any("générique" in note.fr for note in below.notes)
    greco = score("mmse", with_total(22, "NSC1"), context)
    assert greco.derived["threshold_source"] == "greco", "a known GRECO cell always wins"


def test_mmse_sensory_not_assessable_lowers_max_administrable_spec_3_1():
    answers = with_total(25) | {
        "MMSE_READ": NotAssessable("visual_impairment"),
        "MMSE_COPY": NotAssessable("visual_impairment"),
    }
    result = score("mmse", answers, at(70))
    raw = 25 - with_total(25)["MMSE_READ"] - with_total(25)["MMSE_COPY"]
    assert result.total == raw
    assert result.max_administrable == 28
    assert result.derived["prorated"] == round(raw * 30 / 28 + 1e-9, 1)
    assert result.derived["prorated_validated"] is False
    assert result.altered is None and result.valid is False
    assert result.derived["state"] == "non_interpretable_items_NA"
    assert any("non validé" in note.fr for note in result.notes)
    assert f"{raw}/28" in str(result)


def test_mmse_prorated_rounds_half_up_to_one_decimal():
    """5 × 30 / 24 = 6.25 exactly: half-up gives 6.3 (Python's round() would give 6.2)."""
    answers = {item_id: 0 for item_id in FULL} | {
        "MMSE_NSC": "NSC1",
        "MMSE_OP": 5,
        "MMSE_OT": NotAssessable("hearing_impairment"),
        "MMSE_REP": NotAssessable("hearing_impairment"),
    }
    result = score("mmse", answers, at(70))
    assert result.max_administrable == 24
    assert result.derived["prorated"] == 6.3


def test_mmse_missing_item_gives_bounds_and_no_total_spec_3_1():
    answers = with_total(26)
    del answers["MMSE_OT"]
    result = score("mmse", answers, at(70))
    assert result.total is None
    assert result.bounds == (26 - with_total(26)["MMSE_OT"], 26 - with_total(26)["MMSE_OT"] + 5)
    assert result.missing == ("MMSE_OT",)


def test_mmse_refusal_is_a_gap_not_a_sensory_limit_spec_3_1():
    answers = with_total(20) | {"MMSE_REC": NotAssessable("refused")}
    result = score("mmse", answers, at(70))
    assert result.total is None and result.max_administrable == 30
    assert result.bounds == (20 - with_total(20)["MMSE_REC"], 20 - with_total(20)["MMSE_REC"] + 3)


@pytest.mark.parametrize(
    ("total", "missing", "altered"), [(10, "MMSE_OT", True), (20, "MMSE_OT", None)]
)
def test_mmse_bounds_decide_only_when_unambiguous(total, missing, altered):
    answers = with_total(total)
    answers.pop(missing)
    assert score("mmse", answers, at(70)).altered is altered


def test_mmse_needs_age_and_nsc_to_interpret():
    assert score("mmse", with_total(20)).derived["state"] == "age_inconnu"
    answers = with_total(20)
    del answers["MMSE_NSC"]
    result = score("mmse", answers, at(70))
    assert result.derived["state"] == "nsc_inconnu"
    assert result.missing == ("MMSE_NSC",)
    assert result.total == 20


@pytest.mark.parametrize(
    ("value", "code"),
    [(6, "out_of_range"), (-1, "out_of_range"), (2.5, "wrong_type"), (True, "wrong_type"),
     ("5", "wrong_type")],
)
def test_mmse_subscore_bounds_spec_3_1(value, code):
    with pytest.raises(ValidationError) as info:
        score("mmse", {"MMSE_OT": value})
    assert info.value.codes() == {"MMSE_OT": [code]}
    message = info.value.messages("fr")[0]
    assert "Orientation dans le temps" in message and "MMSE_OT" not in message


def test_mmse_loinc_codes_kept_in_one_place_spec_8():
    from icope_desktop.screening import get_instrument

    assert get_instrument("mmse").loinc == {"panel": "72107-6", "total": "72106-8"}
