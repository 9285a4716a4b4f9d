"""Hearing assessment rules of the clinical spec §3.5: whispered voice, PTA4 on the better
ear with WHO 2021 grades, hearWHO, and how they combine."""

from __future__ import annotations

import pytest

from icope_desktop.screening import NotAssessable, ValidationError, score, validate


def audiogram(right, left, **extra):
    """`right`/`left`: four thresholds (500, 1000, 2000, 4000 Hz), or None to omit."""
    answers = {"HEAR_method": "audiometry"}
    for ear, values in (("R", right), ("L", left)):
        if values is None:
            continue
        for frequency, value in zip((500, 1000, 2000, 4000), values, strict=True):
            if value is not None:
                answers[f"PTA_{ear}_{frequency}"] = value
    return score("hearing", answers | extra)


def flat(level):
    return (level, level, level, level)


def test_pta4_is_the_mean_of_four_frequencies_and_better_ear_is_lower_spec_3_5_2():
    result = audiogram((10, 15, 20, 35), (30, 30, 40, 50))
    assert result.derived["pta4_R"] == 20
    assert result.derived["pta4_L"] == 37.5
    assert result.derived["better_ear"] == "R"
    assert result.derived["better_ear_pta4"] == 20


@pytest.mark.parametrize(
    ("thresholds", "grade", "altered"),
    [
        ((19, 20, 20, 20), "normal", False),  # 19.75
        (flat(20), "mild", True),
        ((34, 35, 35, 35), "mild", True),  # 34.75
        (flat(35), "moderate", True),
        ((49, 50, 50, 50), "moderate", True),
        (flat(50), "moderately_severe", True),
        ((64, 65, 65, 65), "moderately_severe", True),
        (flat(65), "severe", True),
        ((79, 80, 80, 80), "severe", True),
        (flat(80), "profound", True),
        ((94, 95, 95, 95), "profound", True),
        (flat(95), "complete", True),
        (flat(-10), "normal", False),
    ],
)
def test_who_2021_grades_and_20_db_boundary_on_the_better_ear_spec_3_5_2(
    thresholds, grade, altered
):
    result = audiogram(thresholds, flat(110))
    assert result.derived["grade"] == grade
    assert result.band.code == grade
    assert result.altered is altered


def test_only_the_better_ear_counts_spec_3_5_2():
    result = audiogram(flat(10), flat(70))
    assert result.altered is False and result.derived["grade"] == "normal"


def test_missing_thresholds_give_a_pta_interval():
    decided = audiogram(flat(10), None)  # the better ear is at most 10 dB
    assert decided.altered is False
    assert decided.derived["better_ear_pta4"] is None
    assert decided.derived["better_ear_pta4_bounds"] == [-10, 10]
    assert set(decided.missing) == {f"PTA_L_{f}" for f in (500, 1000, 2000, 4000)}
    undecided = audiogram(flat(30), None)
    assert undecided.altered is None and undecided.band is None
    partial = audiogram((40, 40, 40, None), (50, 50, 50, None))  # ≥ 27.5 either way
    assert partial.altered is True


@pytest.mark.parametrize(
    ("a1", "a2", "outcome"),
    [(3, None, "pass"), (2, 1, "pass"), (0, 3, "pass"), (1, 1, "fail"), (2, 0, "fail"),
     (0, 0, "fail"), (2, None, None)],
)  # fmt: skip
def test_whisper_ear_passes_at_3_of_6_over_two_attempts_spec_3_5_1(a1, a2, outcome):
    answers = {"HEAR_method": "whisper", "WHISPER_R_A1": 3, "WHISPER_L_A1": a1}
    if a2 is not None:
        answers["WHISPER_L_A2"] = a2
    result = score("hearing", answers)
    assert result.derived["whisper_L"] == outcome
    assert result.altered is {"pass": False, "fail": True, None: None}[outcome]


def test_whisper_second_attempt_only_after_a_miss_spec_3_5_1():
    result = score(
        "hearing",
        {"HEAR_method": "whisper", "WHISPER_R_A1": 3, "WHISPER_R_A2": 0, "WHISPER_L_A1": 3},
    )
    assert result.derived["whisper_R"] == "pass"
    ignored = [note.fr for note in result.notes if "non prises en compte" in note.fr]
    assert ignored and "Oreille droite, essai 2" in ignored[0]
    assert "WHISPER_R_A2" not in ignored[0]  # item ids are never shown to nurses
    with pytest.raises(ValidationError) as info:
        validate("hearing", {"HEAR_method": "whisper", "WHISPER_R_A1": 1, "WHISPER_L_A1": 3},
                 complete=True)  # fmt: skip
    assert info.value.codes() == {"WHISPER_R_A2": ["missing_required"]}


def test_whisper_failure_counts_only_without_conclusive_audiometry_spec_3_5():
    whisper = {"HEAR_method_2": "whisper", "WHISPER_R_A1": 0, "WHISPER_R_A2": 0,
               "WHISPER_L_A1": 3}  # fmt: skip
    normal_audio = audiogram(flat(10), flat(10), **whisper)
    assert normal_audio.altered is False
    assert normal_audio.derived["whisper_used"] is False
    partial_audio = audiogram(flat(30), None, **whisper)
    assert partial_audio.altered is True
    assert partial_audio.derived["whisper_used"] is True


@pytest.mark.parametrize(
    ("value", "band", "altered"),
    [(49, "hearing_loss", True), (50, "recheck", False), (75, "recheck", False),
     (76, "good", False)],
)  # fmt: skip
def test_hearwho_below_50_alters_spec_3_5_3(value, band, altered):
    result = score("hearing", {"HEAR_method": "hearwho", "HEARWHO_score": value,
                               "HEARWHO_verdict": "recheck"})  # fmt: skip
    assert result.derived["hearwho_band"] == band
    assert result.derived["hearwho_verdict"] == "recheck", "the app's own verdict is kept"
    assert result.altered is altered


def test_any_method_altered_alters_spec_3_5():
    result = audiogram(flat(10), flat(10), HEAR_method_2="hearwho", HEARWHO_score=40)
    assert result.altered is True


def test_red_flags_raise_refer_ent_spec_3_5():
    result = score("hearing", {"HEAR_method": "hearwho", "HEARWHO_score": 90,
                               "HEAR_red_flags": True})  # fmt: skip
    assert [a.code for a in result.alerts] == ["REFER_ENT"]
    assert result.altered is False


def test_method_not_assessable_leaves_hearing_undetermined():
    result = score("hearing", {"HEAR_method": NotAssessable("noise")})
    assert result.altered is None and result.valid is False


@pytest.mark.parametrize(("value", "code"), [(130, "implausible"), (150, "out_of_range"),
                                             (-15, "implausible"), ("20 dB", "wrong_type")])
def test_audiometric_threshold_range_spec_0(value, code):
    with pytest.raises(ValidationError) as info:
        score("hearing", {"HEAR_method": "audiometry", "PTA_R_500": value})
    assert info.value.codes() == {"PTA_R_500": [code]}
    assert "dB HL" in info.value.messages("fr")[0] or code == "wrong_type"
