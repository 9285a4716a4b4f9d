"""Spec §0 input plausibility ranges: a value just outside needs explicit confirmation
(`implausible` until its id is in `_confirmed`); the bounds themselves are accepted."""

from __future__ import annotations

import pytest

from icope_desktop.screening import ValidationError, score

# (instrument, item, low, high, step just outside, other answers that keep the rest valid)
RANGES = [
    ("mna_sf", "F1_weight_kg", 25, 250, 0.1, None),
    ("mna_sf", "F1_height_cm", 120, 210, 0.1, None),
    ("mna_sf", "F2", 15, 60, 0.1, {"F1_weight_kg": 70.0}),  # no height: F2 is asked
    ("mna", "Q", 10, 50, 0.1, None),
    ("mna", "R", 15, 60, 0.1, None),
    ("sppb", "B1", 0, 10, 0.01, None),
    ("sppb", "GAIT_t1_s", 1.0, 60, 0.01, None),
    ("sppb", "CHAIR_time_s", 3.0, 60, 0.01, {"CHAIR_pretest": "passed"}),
    ("step1", "L1_time_s", 3.0, 60, 0.01, {"L1_completed": True, "L1_used_arms": False}),
    ("hearing", "PTA_R_500", -10, 120, 1, {"HEAR_method": "audiometry"}),
    ("step1", "H1_audio_R_db", -10, 120, 1, {"H1_method": "audiometry"}),
]


def _context(item_id, value, extra):
    """Weight and height boundaries need a partner that keeps BMI within 12–60."""
    if extra is not None:
        return dict(extra, **{item_id: value})
    partner = {
        "F1_weight_kg": ("F1_height_cm", 205 if value >= 100 else 140),
        "F1_height_cm": ("F1_weight_kg", 70.0),
    }.get(item_id)
    answers = {item_id: value}
    if partner:
        answers[partner[0]] = partner[1]
    return answers


@pytest.mark.parametrize(("instrument", "item_id", "low", "high", "step", "extra"), RANGES)
def test_plausibility_bounds_accepted_spec_0(instrument, item_id, low, high, step, extra):
    for value in (low, high):
        score(instrument, _context(item_id, value, extra))


@pytest.mark.parametrize(("instrument", "item_id", "low", "high", "step", "extra"), RANGES)
def test_plausibility_just_outside_needs_confirmation_spec_0(
    instrument, item_id, low, high, step, extra
):
    outside = [round(high + step, 2)]
    if low > 0:
        outside.append(round(low - step, 2))
    elif low < 0:
        outside.append(low - step)
    for value in outside:
        answers = _context(item_id, value, extra)
        with pytest.raises(ValidationError) as info:
            score(instrument, answers)
        assert info.value.codes() == {item_id: ["implausible"]}, value
        score(instrument, dict(answers, _confirmed=[item_id]))


@pytest.mark.parametrize(
    ("text", "notation", "ok"),
    [("0.01", "decimal", True), ("0.009", "decimal", False), ("2.0", "decimal", True),
     ("2.01", "decimal", False), ("-0.3", "logmar", True), ("-0.31", "logmar", False),
     ("1.7", "logmar", True), ("1.71", "logmar", False)],
)  # fmt: skip
def test_acuity_plausibility_decimal_and_logmar_spec_0(text, notation, ok):
    answers = {"VA_notation": notation, "VA_OD": text, "VA_OG": text}
    if ok:
        score("snellen", answers)
        return
    with pytest.raises(ValidationError) as info:
        score("snellen", answers)
    assert info.value.codes() == {"VA_OD": ["implausible"], "VA_OG": ["implausible"]}
    score("snellen", dict(answers, _confirmed=["VA_OD", "VA_OG"]))


@pytest.mark.parametrize(("item_id", "maximum"), [("MMSE_OT", 5), ("MMSE_REP", 1)])
def test_mmse_subscores_0_to_max_spec_0(item_id, maximum):
    score("mmse", {item_id: 0})
    score("mmse", {item_id: maximum})
    with pytest.raises(ValidationError):
        score("mmse", {item_id: maximum + 1})


def test_phq9_items_0_to_3_spec_0():
    score("phq9", {"Q1": 0, "Q2": 3})
    with pytest.raises(ValidationError):
        score("phq9", {"Q1": 4})


def test_public_contract_names_are_importable():
    """The names other parts code against (issue 2 contract)."""
    from icope_desktop.screening import (  # noqa: F401
        ALL_INSTRUMENTS,
        NOT_ASSESSABLE,
        RULESET_VERSION,
        Alert,
        Band,
        Domain,
        DomainStatus,
        FieldError,
        Instrument,
        Item,
        ItemKind,
        NotAssessable,
        Option,
        Reason,
        Recommendation,
        Result,
        ScoringContext,
        Severity,
        ValidationError,
        VisitEvaluation,
        answers_from_json,
        answers_to_json,
        evaluate_visit,
        get_instrument,
        score,
        validate,
    )

    assert [d.value for d in Domain] == [
        "cognition", "locomotion", "vitality", "vision", "hearing", "psychological",
    ]  # fmt: skip
    assert [s.value for s in DomainStatus] == ["normal", "altered", "not_evaluated"]
    assert Severity.URGENT > Severity.HIGH > Severity.NORMAL > Severity.LOW
    assert {k.value for k in ItemKind} == {
        "choice", "boolean", "integer", "decimal", "duration", "acuity", "text",
    }  # fmt: skip
