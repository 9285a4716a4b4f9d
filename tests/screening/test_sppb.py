"""SPPB rules of the clinical spec §3.3, one case per side of each boundary (times are
rounded half-up to 0.01 s first, spec §0)."""

from __future__ import annotations

import pytest

from icope_desktop.screening import NOT_ASSESSABLE, NotAssessable, ValidationError, score, validate

BEST = {
    "B1": 10.0, "B2": 10.0, "B3": 10.0, "GAIT_course_m": 4, "GAIT_t1_s": 4.0,
    "CHAIR_pretest": "passed", "CHAIR_time_s": 10.0,
}  # fmt: skip


def sppb(**changes):
    answers = dict(BEST)
    for key, value in changes.items():
        if value is ...:
            answers.pop(key, None)
        else:
            answers[key] = value
    return score("sppb", answers)


def test_sppb_maximum_is_12_spec_3_3():
    result = sppb()
    assert result.total == 12 and result.valid is True and result.altered is False
    assert (result.derived["balance_score"], result.derived["gait_score"],
            result.derived["chair_score"]) == (4, 4, 4)  # fmt: skip


@pytest.mark.parametrize(
    ("time", "points"),
    [(4.81, 4), (4.8149, 4), (4.815, 3), (4.82, 3), (6.20, 3), (6.204, 3), (6.205, 2),
     (6.21, 2), (8.70, 2), (8.704, 2), (8.705, 1), (8.71, 1), (30.0, 1)],
)  # fmt: skip
def test_sppb_gait_4m_boundaries_spec_3_3(time, points):
    """4 if t < 4.82; 3 if 4.82 ≤ t < 6.21; 2 if 6.21 ≤ t ≤ 8.70; 1 if t > 8.70."""
    assert sppb(GAIT_t1_s=time).derived["gait_score"] == points


@pytest.mark.parametrize(
    ("time", "points"),
    [(3.61, 4), (3.62, 3), (4.65, 3), (4.66, 2), (6.52, 2), (6.53, 1)],
)
def test_sppb_gait_3m_boundaries_spec_3_3(time, points):
    assert sppb(GAIT_course_m=3, GAIT_t1_s=time).derived["gait_score"] == points


def test_sppb_gait_uses_the_faster_trial_spec_3_3():
    result = sppb(GAIT_t1_s=6.5, GAIT_t2_s=4.5)
    assert result.derived["gait_score"] == 4
    assert result.derived["gait_time_s"] == 4.5
    assert result.derived["gait_trial_used"] == "GAIT_t2_s"


def test_sppb_gait_single_trial_is_scored_project_rule():
    assert sppb(GAIT_t1_s=..., GAIT_t2_s=5.0).derived["gait_score"] == 3
    assert sppb(GAIT_t2_s=...).derived["gait_score"] == 4


def test_sppb_gait_course_unknown_gives_a_range():
    result = sppb(GAIT_course_m=..., GAIT_t1_s=4.0)  # 4 m → 4 points, 3 m → 3 points
    assert result.total is None and result.bounds == (11, 12)
    assert result.missing == ("GAIT_course_m",)


@pytest.mark.parametrize(
    ("time", "points"),
    [(11.19, 4), (11.194, 4), (11.195, 3), (11.20, 3), (13.69, 3), (13.70, 2), (16.69, 2),
     (16.70, 1), (60.00, 1), (">60", 0)],
)  # fmt: skip
def test_sppb_chair_stand_boundaries_spec_3_3(time, points):
    """≤ 11.19 → 4; 11.20–13.69 → 3; 13.70–16.69 → 2; 16.70–60.00 → 1; > 60 → 0."""
    assert sppb(CHAIR_time_s=time).derived["chair_score"] == points


def test_sppb_chair_over_60_typed_as_a_number_needs_confirmation_spec_0():
    with pytest.raises(ValidationError) as info:
        sppb(CHAIR_time_s=60.01)
    assert info.value.codes() == {"CHAIR_time_s": ["implausible"]}
    result = score("sppb", dict(BEST, CHAIR_time_s=60.01, _confirmed=["CHAIR_time_s"]))
    assert result.derived["chair_score"] == 0


def test_sppb_chair_pretest_failed_scores_0_and_skips_the_timed_test_spec_3_3():
    result = sppb(CHAIR_pretest="used_arms")
    assert result.derived["chair_score"] == 0
    assert result.total == 8
    assert any("5 levers : durée" in note.fr for note in result.notes), "kept but ignored"


@pytest.mark.parametrize(
    ("b1", "b2", "b3", "balance"),
    [
        (9.99, ..., ..., 0),
        (9.994, ..., ..., 0),
        (9.995, 0.0, ..., 1),  # rounds to 10.00: held
        (10.0, 9.99, ..., 1),
        (10.0, 10.0, 2.99, 2),
        (10.0, 10.0, 3.00, 3),
        (10.0, 10.0, 9.99, 3),
        (10.0, 10.0, 10.0, 4),
    ],
)
def test_sppb_balance_10s_and_tandem_3s_boundaries_spec_3_3(b1, b2, b3, balance):
    assert sppb(B1=b1, B2=b2, B3=b3).derived["balance_score"] == balance


def test_sppb_balance_stops_after_a_failed_stance_spec_3_3():
    result = sppb(B1=4.0, B2=10.0, B3=10.0)
    assert result.derived["balance_score"] == 0
    assert set(result.derived["stance_points"].items()) == {("B1", 0), ("B2", None), ("B3", None)}
    assert result.missing == ()


def test_sppb_balance_over_10s_needs_confirmation_spec_0():
    with pytest.raises(ValidationError) as info:
        sppb(B1=12.0)
    assert info.value.codes() == {"B1": ["implausible"]}


@pytest.mark.parametrize(("total", "altered"), [(9, True), (10, False)])
def test_sppb_locomotion_altered_at_9_or_below_spec_3_3(total, altered):
    chair = {12: 10.0, 11: 12.0, 10: 14.0, 9: 17.0}[total]
    result = sppb(CHAIR_time_s=chair)
    assert result.total == total and result.altered is altered


@pytest.mark.parametrize(
    ("total", "band"),
    [(3, "very_low"), (4, "low"), (6, "low"), (7, "moderate"), (9, "moderate"), (10, "high")],
)
def test_sppb_descriptive_bands_are_indicative_spec_3_3(total, band):
    changes = {
        3: {"B1": 4.0, "GAIT_t1_s": 10.0, "CHAIR_time_s": 15.0, "B2": ..., "B3": ...},  # 0+1+2
        4: {"B1": 4.0, "GAIT_t1_s": 7.0, "CHAIR_time_s": 15.0, "B2": ..., "B3": ...},  # 0+2+2
        6: {"B1": 4.0, "GAIT_t1_s": 5.0, "CHAIR_time_s": 12.0, "B2": ..., "B3": ...},  # 0+3+3
        7: {"B1": 4.0, "GAIT_t1_s": 4.0, "CHAIR_time_s": 12.0, "B2": ..., "B3": ...},  # 0+4+3
        9: {"CHAIR_time_s": 17.0},
        10: {"CHAIR_time_s": 14.0},
    }[total]
    result = sppb(**changes)
    assert result.total == total
    assert result.band.code == band and result.band.indicative is True


@pytest.mark.parametrize("code", ["1", "2", "3", "4", "5", "6", "8"])
def test_sppb_not_attempted_with_reason_scores_0_spec_3_3(code):
    result = sppb(CHAIR_pretest=NotAssessable(code, "précision"))
    assert result.derived["chair_score"] == 0
    assert result.total == 8 and result.valid is True
    assert result.derived["zero_reasons"] == {"CHAIR_pretest": code}
    assert result.derived["score_includes_not_attempted"] is (code in {"3", "4", "5", "6"})
    assert result.derived["non_representatif"] is False


def test_sppb_not_assessable_without_reason_is_never_0_spec_3_3():
    result = sppb(CHAIR_pretest=NOT_ASSESSABLE)
    assert result.total is None
    assert result.bounds == (8, 12)
    with pytest.raises(ValidationError) as info:
        validate("sppb", dict(BEST, CHAIR_pretest=NOT_ASSESSABLE), complete=True)
    assert info.value.codes() == {"CHAIR_pretest": ["invalid_reason"]}


def test_sppb_reason_must_be_an_ll1418_4_code_spec_3_3():
    with pytest.raises(ValidationError) as info:
        sppb(B1=NotAssessable("refused"))
    assert info.value.codes() == {"B1": ["invalid_reason"]}
    assert "Refus" in info.value.messages("fr")[0]


def test_sppb_refusal_shows_total_but_non_representatif_spec_3_3():
    result = sppb(GAIT_t1_s=NotAssessable("7"))
    assert result.total == 8
    assert result.valid is False
    assert result.derived["non_representatif"] is True
    assert result.derived["score_includes_not_attempted"] is True
    assert result.bounds == (8, 12)
    assert result.altered is None, "a refusal must not pass for a poor performance"
    assert result.band is None


def test_sppb_refusal_still_decides_when_the_rest_is_low():
    result = sppb(GAIT_t1_s=NotAssessable("7"), B1=3.0, CHAIR_pretest="used_arms")
    assert result.bounds == (0, 4)
    assert result.altered is True


def test_sppb_gait_unable_on_first_trial_scores_0():
    assert sppb(GAIT_t1_s=NotAssessable("1")).derived["gait_score"] == 0


def test_sppb_missing_subtest_gives_bounds():
    result = sppb(B3=...)
    assert result.total is None and result.bounds == (10, 12)
    assert result.missing == ("B3",)
    assert result.altered is False


@pytest.mark.parametrize("value", [-0.5, "4,82", None, True, float("nan"), float("-inf")])
def test_sppb_bad_times_are_refused_with_a_message(value):
    with pytest.raises(ValidationError) as info:
        sppb(GAIT_t1_s=value)
    [error] = info.value.errors
    assert error.item_id == "GAIT_t1_s"
    assert "Marche : essai 1" in error.message.fr and "Walk: trial 1" in error.message.en


def test_sppb_loinc_codes_spec_8():
    from icope_desktop.screening import get_instrument

    assert get_instrument("sppb").loinc == {
        "panel": "62825-5",
        "balance_score": "66253-6",
        "gait_time_s": "66255-1",
    }
