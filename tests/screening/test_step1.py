"""Step 1 screening rules of the clinical spec §2, one case per side of each boundary."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from icope_desktop.screening import (
    Domain,
    DomainStatus,
    NotAssessable,
    ScoringContext,
    ValidationError,
    score,
    validate,
)

from .helpers import STEP1_NORMAL, step1, thresholds_with

ALTERED, NORMAL, NOT_EVALUATED = (
    DomainStatus.ALTERED,
    DomainStatus.NORMAL,
    DomainStatus.NOT_EVALUATED,
)


def status(answers, domain, context=None):
    return score("step1", answers, context).domain_statuses[domain]


def test_step1_all_normal_spec_2():
    result = score("step1", STEP1_NORMAL)
    assert set(result.domain_statuses.values()) == {NORMAL}
    assert len(result.domain_statuses) == 6
    assert result.altered is False and result.valid is True
    assert result.alerts == ()
    assert result.total is None, "Step 1 has no summed score (spec §1)"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"C4": 3}, NORMAL),
        ({"C4": 2}, ALTERED),
        ({"C4": 0}, ALTERED),
        ({"C2": "incorrect"}, ALTERED),
        ({"C2": "ne_sait_pas"}, ALTERED),
        ({"C3": "incorrect"}, ALTERED),
        ({"C3": "ne_sait_pas"}, ALTERED),
        ({"C1": False}, NORMAL),  # C1 is the registration, unscored
    ],
)
def test_step1_cognition_c2_c3_wrong_or_c4_below_3_spec_2(changes, expected):
    assert status(step1(**changes), Domain.COGNITION) is expected


@pytest.mark.parametrize(
    ("time", "expected"),
    [
        (13.99, NORMAL),
        (13.994, NORMAL),  # rounds half-up to 13.99 (spec §0)
        (13.995, ALTERED),  # rounds half-up to 14.00
        (14.0, ALTERED),
        (14.01, ALTERED),
        (3.0, NORMAL),
        (">60", ALTERED),
    ],
)
def test_step1_chair_rise_14s_boundary_spec_2(time, expected):
    """French rule « en moins de 14 secondes »: 14.00 s is altered.

    UNCERTAIN test vector (spec §2 and §9.5): the WHO wording "within 14 seconds" would
    pass exactly 14.00 s. The French reading is used until the clinical lead decides.
    """
    assert status(step1(L1_time_s=time), Domain.LOCOMOTION) is expected


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"L1_completed": False, "L1_used_arms": ..., "L1_time_s": ...}, ALTERED),
        ({"L1_used_arms": True, "L1_time_s": ...}, ALTERED),
        ({"L1_completed": NotAssessable("unable")}, ALTERED),
        ({"L1_completed": NotAssessable("unsafe")}, ALTERED),
        ({"L1_completed": NotAssessable("refused")}, NOT_EVALUATED),
        ({"L1_completed": NotAssessable("no_time")}, NOT_EVALUATED),
        ({"L1_completed": ...}, NOT_EVALUATED),
        ({"L1_time_s": ...}, NOT_EVALUATED),
    ],
)
def test_step1_chair_rise_not_completed_arms_or_reason_spec_2(changes, expected):
    """Not done because of the capacity → altered; external reason → not evaluated."""
    assert status(step1(**changes), Domain.LOCOMOTION) is expected


def test_step1_chair_time_ignored_when_arms_were_used():
    result = score("step1", step1(L1_used_arms=True, L1_time_s=9.0))
    assert result.domain_statuses[Domain.LOCOMOTION] is ALTERED
    assert any("Lever de chaise ×5 : durée" in note.fr for note in result.notes)


def test_step1_chair_time_plausibility_spec_0():
    with pytest.raises(ValidationError) as info:
        score("step1", step1(L1_time_s=75.0))
    assert info.value.codes() == {"L1_time_s": ["implausible"]}
    confirmed = step1(L1_time_s=75.0) | {"_confirmed": ["L1_time_s"]}
    assert status(confirmed, Domain.LOCOMOTION) is ALTERED
    with pytest.raises(ValidationError) as info:
        score("step1", step1(L1_time_s=-1.0))
    assert info.value.codes() == {"L1_time_s": ["out_of_range"]}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"N1": "oui"}, ALTERED),
        ({"N1": "ne_sait_pas"}, ALTERED),  # PROJECT RULE, sensitivity first
        ({"N1": "non"}, NORMAL),
        ({"N2": True}, ALTERED),
        ({"N1": ..., "N1_kg_lost": 3.0}, NORMAL),  # "more than 3 kg": 3.0 is not positive
        ({"N1": ..., "N1_kg_lost": 3.1}, ALTERED),
        ({"N1": "non", "N1_kg_lost": 3.1}, ALTERED),  # the typed loss wins
        ({"N1": "oui", "N1_kg_lost": 2.0}, ALTERED),  # contradiction: safer reading
        ({"N1": ...}, NOT_EVALUATED),
        ({"N1": NotAssessable("refused")}, NOT_EVALUATED),
        ({"N2": ...}, NOT_EVALUATED),
    ],
)
def test_step1_vitality_weight_loss_above_3kg_or_appetite_spec_2(changes, expected):
    assert status(step1(**changes), Domain.VITALITY) is expected


@pytest.mark.parametrize(
    ("changes", "expected"),
    [({"V1": True}, ALTERED), ({"V1": False}, NORMAL), ({"V1": ...}, NOT_EVALUATED)],
)
def test_step1_vision_v1_spec_2(changes, expected):
    assert status(step1(**changes), Domain.VISION) is expected


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"H1_whisper_R": "fail"}, ALTERED),
        ({"H1_whisper_L": "fail"}, ALTERED),  # either ear (PROJECT RULE)
        ({"H1_whisper_L": ...}, NOT_EVALUATED),
        ({"H1_whisper_L": ..., "H1_whisper_R": "fail"}, ALTERED),
        ({"H1_whisper_R": NotAssessable("noise")}, NOT_EVALUATED),
        ({"H1_whisper_R": NotAssessable("unable")}, ALTERED),
        ({"H1_method": "app", "H1_app_result": "fail"}, ALTERED),
        ({"H1_method": "app", "H1_app_result": "pass"}, NORMAL),
        ({"H1_method": NotAssessable("noise")}, NOT_EVALUATED),
        ({"H1_method": ...}, NOT_EVALUATED),
    ],
)
def test_step1_hearing_whisper_either_ear_or_app_spec_2(changes, expected):
    assert status(step1(**changes), Domain.HEARING) is expected


def test_step1_audiometry_without_threshold_is_not_interpreted_spec_2():
    """The WHO "≤ 35 dB" pass criterion is ❌: by default audiometry is not interpreted."""
    answers = step1(H1_method="audiometry", H1_audio_R_db=10, H1_audio_L_db=90)
    result = score("step1", answers)
    assert result.domain_statuses[Domain.HEARING] is NOT_EVALUATED
    assert any("non disponible" in note.fr for note in result.notes)
    assert "STEP1_INCOMPLETE" in [a.code for a in result.alerts]


@pytest.mark.parametrize(("level", "expected"), [(35, NORMAL), (36, ALTERED)])
def test_step1_audiometry_with_configured_threshold_either_ear_spec_2(level, expected):
    thresholds = thresholds_with("step1", audiometry_pass_max_db=Fraction(35))
    context = ScoringContext(thresholds=thresholds)
    answers = step1(H1_method="audiometry", H1_audio_R_db=10, H1_audio_L_db=level)
    assert status(answers, Domain.HEARING, context) is expected


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"P1": True}, ALTERED),
        ({"P2": True}, ALTERED),
        ({"P1": True, "P2": True}, ALTERED),
        ({"P2": ...}, NOT_EVALUATED),
    ],
)
def test_step1_psychological_p1_or_p2_spec_2(changes, expected):
    assert status(step1(**changes), Domain.PSYCHOLOGICAL) is expected


@pytest.mark.parametrize(("altered", "alert"), [(2, False), (3, True), (6, True)])
def test_step1_multidomain_alert_from_3_spec_1(altered, alert):
    changes = [{"C4": 1}, {"V1": True}, {"P1": True}, {"N2": True}, {"L1_time_s": 20.0},
               {"H1_whisper_R": "fail"}][:altered]  # fmt: skip
    answers = step1(**{k: v for change in changes for k, v in change.items()})
    result = score("step1", answers)
    assert result.derived["altered_count"] == altered
    codes = [a.code for a in result.alerts]
    assert ("ALERT_MULTIDOMAIN" in codes) is alert
    assert codes.count("STEP2_REQUIRED") == altered
    assert [a.severity for a in result.alerts] == sorted(
        (a.severity for a in result.alerts), reverse=True
    ), "urgent first"


def test_step1_multidomain_threshold_is_configurable_spec_1():
    context = ScoringContext(thresholds=thresholds_with("visit", multidomain_threshold=2))
    result = score("step1", step1(C4=1, V1=True), context)
    assert "ALERT_MULTIDOMAIN" in [a.code for a in result.alerts]


def test_step1_not_evaluated_is_not_counted_and_flags_incomplete_spec_2():
    result = score("step1", step1(V1=NotAssessable("refused"), P1=True))
    assert result.derived["altered_count"] == 1
    assert result.derived["not_evaluated_domains"] == ["vision"]
    assert result.valid is False
    assert result.altered is True
    [incomplete] = [a for a in result.alerts if a.code == "STEP1_INCOMPLETE"]
    assert incomplete.severity.value == "low"
    assert "Vision" in incomplete.message.fr


def test_step1_undetermined_when_nothing_altered_and_a_domain_missing():
    result = score("step1", step1(V1=...))
    assert result.altered is None
    assert result.missing == ("V1",)


def test_step1_proposes_the_step2_instrument_per_altered_domain_spec_1():
    result = score("step1", step1(C2="incorrect", N2=True, H1_whisper_L="fail"))
    assert result.derived["proposed_step2"] == ["mmse", "mna_sf", "hearing"]
    assert result.derived["triggers"] == {
        "cognition": ["C2"],
        "vitality": ["N2"],
        "hearing": ["H1_whisper_L"],
    }


@pytest.mark.parametrize(
    ("visit", "due"),
    [
        (date(2025, 1, 15), date(2025, 7, 15)),
        (date(2025, 8, 31), date(2026, 2, 28)),  # calendar months, clamped
        (date(2023, 8, 31), date(2024, 2, 29)),
    ],
)
def test_step1_next_due_is_6_calendar_months_later_spec_1(visit, due):
    result = score("step1", STEP1_NORMAL, ScoringContext(visit_date=visit))
    assert result.derived["next_step1_due"] == due.isoformat()


def test_step1_red_flags_raise_refer_ent_spec_3_5():
    result = score("step1", step1(H1_red_flags=True))
    [alert] = result.alerts
    assert alert.code == "REFER_ENT" and alert.severity.value == "high"


def test_step1_finalize_requires_the_visible_items_only():
    validate("step1", STEP1_NORMAL, complete=True)
    with pytest.raises(ValidationError) as info:
        validate("step1", step1(H1_method="app"), complete=True)
    assert info.value.codes() == {"H1_app_result": ["missing_required"]}
    with pytest.raises(ValidationError) as info:
        validate("step1", step1(L1_time_s=...), complete=True)
    assert info.value.codes() == {"L1_time_s": ["missing_required"]}


def test_step1_str_lists_the_six_domains():
    text = score("step1", step1(C4=2)).summary("en")
    for name in ("Cognition", "Locomotion", "Vitality", "Vision", "Hearing", "Mood"):
        assert name in text
    assert "STEP2_REQUIRED" in text


@pytest.mark.parametrize(
    ("changes", "domain", "expected"),
    [
        ({"C1": NotAssessable("unable")}, Domain.COGNITION, ALTERED),
        ({"C1": NotAssessable("noise")}, Domain.COGNITION, NORMAL),  # C1 is unscored
        ({"C4": NotAssessable("unable")}, Domain.COGNITION, ALTERED),
        ({"C4": NotAssessable("no_time")}, Domain.COGNITION, NOT_EVALUATED),
        ({"H1_method": NotAssessable("unable")}, Domain.HEARING, ALTERED),
        ({"P1": NotAssessable("refused")}, Domain.PSYCHOLOGICAL, NOT_EVALUATED),
        ({"P1": NotAssessable("refused"), "P2": True}, Domain.PSYCHOLOGICAL, ALTERED),
    ],
)
def test_step1_capacity_related_reason_alters_external_does_not_spec_2(changes, domain, expected):
    """PROJECT RULE §2: not done because of the capacity → altered; external → not
    evaluated; a domain already altered by another answer stays altered."""
    assert status(step1(**changes), domain) is expected
