"""PHQ-9 rules of the clinical spec §3.6, table-driven, one case per side of each boundary."""

from __future__ import annotations

import pytest

from icope_desktop.screening import NotAssessable, score, validate
from icope_desktop.screening.errors import ValidationError


def answers_with_total(total: int, q9: int = 0) -> dict[str, int]:
    """Q1–Q8 filled greedily to reach `total` with Q9 fixed."""
    remaining = total - q9
    answers = {}
    for n in range(1, 9):
        value = min(3, max(0, remaining))
        answers[f"Q{n}"] = value
        remaining -= value
    assert remaining == 0, "total not reachable"
    answers["Q9"] = q9
    return answers


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_severity_band_boundaries_spec_3_6(total, band):
    """Kroenke 2001 bands at 5/10/15/20 (spec §3.6 ✅ [S27])."""
    q9 = 3 if total == 27 else 0
    result = score("phq9", answers_with_total(total, q9=q9))
    assert result.total == total
    assert result.band.code == band
    assert result.valid is True


@pytest.mark.parametrize(("total", "altered"), [(4, False), (5, True)])
def test_phq9_domain_altered_from_5_spec_3_6(total, altered):
    """PROJECT RULE §3.6: psychological altered if total ≥ 5 (Q9 = 0 here)."""
    result = score("phq9", answers_with_total(total))
    assert result.altered is altered
    assert result.domain_statuses == {result.domain: "altered" if altered else "normal"}


@pytest.mark.parametrize(("total", "major"), [(9, False), (10, True)])
def test_phq9_probable_major_depression_from_10_spec_3_6(total, major):
    assert score("phq9", answers_with_total(total)).derived["probable_major_depression"] is major


@pytest.mark.parametrize("q9", [1, 2, 3])
def test_phq9_item9_above_0_is_urgent_whatever_the_total_spec_3_6(q9):
    """Item 9 ≥ 1 → ALERT_SUICIDE_RISK urgent, even with a minimal total (✅ [S28])."""
    result = score("phq9", answers_with_total(q9, q9=q9))
    assert result.band.code == "minimal"
    assert result.altered is True
    urgent = [a for a in result.alerts if a.code == "ALERT_SUICIDE_RISK"]
    assert len(urgent) == 1
    assert urgent[0].severity.value == "urgent"
    assert urgent[0].requires_documented_action is True
    assert "3114" in urgent[0].action.fr and "3114" in urgent[0].action.en
    assert "15" in urgent[0].action.fr


def test_phq9_item9_zero_raises_no_alert_spec_3_6():
    result = score("phq9", answers_with_total(12, q9=0))
    assert result.alerts == ()


def test_phq9_item9_missing_is_high_alert_spec_4():
    answers = answers_with_total(6)
    del answers["Q9"]
    result = score("phq9", answers)
    assert [a.code for a in result.alerts] == ["ALERT_PHQ9_ITEM9_MISSING"]
    assert result.alerts[0].severity.value == "high"


def test_phq9_item9_not_assessable_counts_as_missing_spec_3_6():
    answers = answers_with_total(2)
    answers["Q9"] = NotAssessable("refused")
    result = score("phq9", answers)
    assert result.total is None
    assert result.not_assessable == ("Q9",)
    assert "ALERT_PHQ9_ITEM9_MISSING" in [a.code for a in result.alerts]


def test_phq9_missing_items_give_bounds_not_proration_spec_3_6():
    """No total, bounds [sum, sum + 3 × missing]; never mean × 9."""
    answers = answers_with_total(8)
    del answers["Q1"], answers["Q2"]  # both were 3
    result = score("phq9", answers)
    assert result.total is None
    assert result.valid is False
    assert result.bounds == (2, 8)
    assert result.missing == ("Q1", "Q2")


def test_phq9_band_given_when_both_bounds_in_same_band_spec_3_6():
    answers = {f"Q{n}": 3 for n in range(1, 8)} | {"Q9": 0}  # Q8 missing: 21..24
    result = score("phq9", answers)
    assert result.bounds == (21, 24)
    assert result.band.code == "severe"
    assert result.altered is True


def test_phq9_band_indeterminate_across_bands_spec_3_6():
    answers = answers_with_total(3)
    del answers["Q8"]  # Q8 was 0 → bounds 3..6 straddle 5
    result = score("phq9", answers)
    assert result.bounds == (3, 6)
    assert result.band.code == "indeterminate"
    assert result.altered is None


def test_phq9_missing_items_but_upper_bound_below_5_is_normal_spec_3_6():
    answers = answers_with_total(0)
    del answers["Q8"]
    result = score("phq9", answers)
    assert result.bounds == (0, 3)
    assert result.altered is False


def test_phq9_q9_missing_keeps_altered_undetermined_even_if_low():
    answers = answers_with_total(0)
    del answers["Q9"]
    assert score("phq9", answers).altered is None


def test_phq9_q10_only_when_total_above_0_spec_3_6():
    """Q10 is ignored (kept, with a note) when the total is 0."""
    zero = score("phq9", answers_with_total(0) | {"Q10": "very"})
    assert zero.derived["functional_difficulty"] is None
    assert any("Retentissement fonctionnel" in note.fr for note in zero.notes)
    some = score("phq9", answers_with_total(3) | {"Q10": "very"})
    assert some.derived["functional_difficulty"] == "very"
    assert some.notes == ()


def test_phq9_q10_not_required_to_finalize():
    validate("phq9", answers_with_total(7), complete=True)


def test_phq9_finalize_reports_every_missing_scored_item():
    with pytest.raises(ValidationError) as info:
        validate("phq9", {"Q1": 1}, complete=True)
    assert set(info.value.codes()) == {f"Q{n}" for n in range(2, 10)}
    assert {c for codes in info.value.codes().values() for c in codes} == {"missing_required"}


def test_phq9_bool_is_not_an_answer():
    """True == 1 in Python: a checkbox value must not score as "several days"."""
    with pytest.raises(ValidationError) as info:
        score("phq9", {"Q1": True})
    assert info.value.codes() == {"Q1": ["wrong_type"]}


@pytest.mark.parametrize("value", [4, -1, "2", 2.0, "jamais"])
def test_phq9_answer_outside_options_names_the_choices(value):
    with pytest.raises(ValidationError) as info:
        score("phq9", {"Q1": value})
    [error] = info.value.errors
    assert error.item_id == "Q1"
    assert error.code in {"invalid_choice", "wrong_type"}
    assert "Peu d'intérêt" in error.message.fr and "Anhedonia" in error.message.en
    assert "Presque tous les jours" in error.message.fr
    assert "Nearly every day" in error.message.en


def test_phq9_loinc_codes_are_the_spec_8_list():
    from icope_desktop.screening import get_instrument

    phq9 = get_instrument("phq9")
    assert phq9.loinc == {"panel": "44249-1", "total": "44261-6"}
    assert {i.id: i.code.code for i in phq9.items} == {
        "Q1": "44250-9",
        "Q2": "44255-8",
        "Q3": "44259-0",
        "Q4": "44254-1",
        "Q5": "44251-7",
        "Q6": "44258-2",
        "Q7": "44252-5",
        "Q8": "44253-3",
        "Q9": "44260-8",
        "Q10": "69722-7",
    }
    assert [o.code.code for o in phq9.item("Q1").options] == [
        "LA6568-5",
        "LA6569-3",
        "LA6570-1",
        "LA6571-9",
    ]


def test_phq9_str_is_a_human_summary():
    text = str(score("phq9", answers_with_total(11, q9=1)))
    assert "PHQ-9" in text and "11/27" in text and "modéré" in text
    assert "ALERT_SUICIDE_RISK" in text and "3114" in text
