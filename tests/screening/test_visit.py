"""evaluate_visit: how Step 2 refines Step 1, alerts, Step 2 proposals, follow-up date and
care-plan recommendations (clinical spec §1, §4, §5)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from icope_desktop.screening import (
    ALL_RECOMMENDATIONS,
    ConfigError,
    Domain,
    DomainStatus,
    NotAssessable,
    ScoringContext,
    ValidationError,
    VisitConfig,
    VisitEvaluation,
    evaluate_visit,
    score,
)

from .helpers import STEP1_NORMAL, step1
from .test_mmse import with_total as mmse_total
from .test_mna import FULL_MAX, sf_with_total
from .test_phq9 import answers_with_total as phq9_total

DAY = date(2025, 3, 31)
A, N, NE = DomainStatus.ALTERED, DomainStatus.NORMAL, DomainStatus.NOT_EVALUATED


def visit(step1_answers=None, step2=None, **kwargs):
    s1 = score("step1", step1_answers) if step1_answers is not None else None
    return evaluate_visit(s1, step2, visit_date=kwargs.pop("visit_date", DAY), **kwargs)


def test_all_normal_visit_has_no_alert_and_is_complete():
    ev = visit(STEP1_NORMAL)
    assert set(ev.domains.values()) == {N}
    assert ev.alerts == () and ev.proposed_step2 == () and ev.recommendations == ()
    assert ev.incomplete is False and ev.multidomain_alert is False
    assert ev.next_step1_due == date(2025, 9, 30)


@pytest.mark.parametrize(
    ("changes", "instrument"),
    [
        ({"C4": 2}, "mmse"),
        ({"L1_completed": False}, "sppb"),
        ({"N2": True}, "mna_sf"),
        ({"V1": True}, "snellen"),
        ({"H1_whisper_R": "fail"}, "hearing"),
        ({"P1": True}, "phq9"),
    ],
)
def test_each_altered_step1_domain_proposes_its_step2_spec_1(changes, instrument):
    ev = visit(step1(**changes))
    assert ev.proposed_step2 == (instrument,)
    [alert] = ev.alerts
    assert alert.code == "STEP2_REQUIRED" and alert.severity.value == "normal"


def test_conclusive_step2_replaces_the_step1_status():
    """MMSE above the GRECO threshold invalidates the Step 1 cognition signal."""
    mmse = score("mmse", mmse_total(28), ScoringContext(age_years=70))
    ev = visit(step1(C4=2), {"mmse": mmse})
    assert ev.step1_domains[Domain.COGNITION] is A
    assert ev.domains[Domain.COGNITION] is N
    assert ev.decided_by[Domain.COGNITION] == "mmse"
    assert ev.proposed_step2 == ()
    assert ev.recommendations == ()
    assert ev.altered_count == 1, "the Step 1 count is kept"


def test_inconclusive_step2_keeps_the_step1_status():
    mmse = score("mmse", mmse_total(28, "NSC3"), ScoringContext(age_years=70))  # ❌ norm
    assert mmse.altered is None
    ev = visit(step1(C4=2), {"mmse": mmse})
    assert ev.domains[Domain.COGNITION] is A
    assert ev.decided_by[Domain.COGNITION] == "step1"
    assert ev.proposed_step2 == (), "the test was done"


def test_step2_can_alter_a_domain_step1_found_normal():
    ev = visit(STEP1_NORMAL, {"phq9": score("phq9", phq9_total(12))})
    assert ev.domains[Domain.PSYCHOLOGICAL] is A
    assert ev.step1_domains[Domain.PSYCHOLOGICAL] is N
    assert ev.recommendations[0].code == "PSY_BRIEF_CBT"


def test_full_mna_outranks_mna_sf_and_follows_a_low_mna_sf_spec_3_2():
    low_sf = score("mna_sf", sf_with_total(10))
    ev = visit(step1(N2=True), {"mna_sf": low_sf})
    assert ev.proposed_step2 == ("mna",)
    assert ev.domains[Domain.VITALITY] is A
    full = score("mna", FULL_MAX)
    ev = visit(step1(N2=True), {"mna_sf": low_sf, "mna": full})
    assert ev.domains[Domain.VITALITY] is N and ev.decided_by[Domain.VITALITY] == "mna"
    assert ev.proposed_step2 == ()
    normal_sf = score("mna_sf", sf_with_total(13))
    assert visit(step1(N2=True), {"mna_sf": normal_sf}).proposed_step2 == ()


def test_alerts_are_deduplicated_and_urgent_first_spec_4():
    phq9 = score("phq9", phq9_total(3, q9=1))
    ev = visit(step1(C4=1, V1=True, P1=True, H1_red_flags=True), {"phq9": phq9})
    codes = [a.code for a in ev.alerts]
    assert codes[0] == "ALERT_SUICIDE_RISK"
    assert codes.count("ALERT_SUICIDE_RISK") == 1
    assert codes.count("ALERT_MULTIDOMAIN") == 1
    ranks = [a.severity.rank for a in ev.alerts]
    assert ranks == sorted(ranks, reverse=True)
    assert ev.recommendations[0].code == "PSY_ITEM9_SAFETY"


@pytest.mark.parametrize(("threshold", "alert"), [(None, True), (3, True), (4, False), (2, True)])
def test_multidomain_threshold_is_configurable_default_3_spec_1(threshold, alert):
    ev = visit(step1(C4=1, V1=True, P1=True), config=VisitConfig(multidomain_threshold=threshold))
    assert ev.altered_count == 3
    assert ev.multidomain_alert is alert
    assert ("ALERT_MULTIDOMAIN" in [a.code for a in ev.alerts]) is alert


def test_multidomain_uses_step1_count_even_after_step2():
    mmse = score("mmse", mmse_total(28), ScoringContext(age_years=70))
    ev = visit(step1(C4=1, V1=True, P1=True), {"mmse": mmse})
    assert ev.multidomain_alert is True


@pytest.mark.parametrize(
    ("months", "due"),
    [(None, date(2025, 9, 30)), (4, date(2025, 7, 31)), (12, date(2026, 3, 31)),
     (5, date(2025, 8, 31)), (11, date(2026, 2, 28))],
)  # fmt: skip
def test_next_step1_is_n_calendar_months_later_4_to_12_spec_1(months, due):
    assert visit(STEP1_NORMAL, config=VisitConfig(followup_months=months)).next_step1_due == due


@pytest.mark.parametrize("months", [3, 13, True, 6.0])
def test_follow_up_outside_4_to_12_months_is_refused_spec_1(months):
    with pytest.raises(ConfigError) as info:
        visit(STEP1_NORMAL, config=VisitConfig(followup_months=months))
    assert "4" in info.value.message.fr and "12" in info.value.message.en


@pytest.mark.parametrize("threshold", [0, 7, "3"])
def test_multidomain_threshold_outside_1_to_6_is_refused(threshold):
    with pytest.raises(ConfigError):
        visit(STEP1_NORMAL, config=VisitConfig(multidomain_threshold=threshold))


def test_not_evaluated_domain_makes_the_visit_incomplete_spec_2():
    ev = visit(step1(V1=NotAssessable("refused")))
    assert ev.incomplete is True
    assert ev.domains[Domain.VISION] is NE and ev.decided_by[Domain.VISION] is None
    assert [a.code for a in ev.alerts] == ["STEP1_INCOMPLETE"]


def test_visit_without_step1_has_no_due_date():
    ev = evaluate_visit(None, {"phq9": score("phq9", phq9_total(2))}, visit_date=DAY)
    assert ev.incomplete is True and ev.next_step1_due is None
    assert ev.domains[Domain.PSYCHOLOGICAL] is N


def test_step2_results_must_match_their_keys():
    with pytest.raises(ValidationError) as info:
        evaluate_visit(None, {"mmse": score("phq9", phq9_total(2))}, visit_date=DAY)
    assert info.value.codes() == {"step2.mmse": ["inconsistent"]}
    with pytest.raises(ValidationError):
        evaluate_visit(score("phq9", phq9_total(2)), visit_date=DAY)
    with pytest.raises(ValidationError):
        evaluate_visit(None, {"step1": score("step1", STEP1_NORMAL)}, visit_date=DAY)
    with pytest.raises(ValidationError):
        evaluate_visit(None, visit_date="2025-03-31")


def test_recommendations_follow_the_refined_domains_spec_5():
    ev = visit(step1(L1_completed=False, H1_whisper_R="fail"))
    codes = [r.code for r in ev.recommendations]
    assert codes[:4] == ["LOCO_EXERCISE", "LOCO_VIVIFRAIL", "LOCO_FALLS_HOME", "LOCO_REVIEW"]
    assert {"HEAR_AIDS", "HEAR_ENT", "HEAR_DEVICES"} <= set(codes)
    assert {r.domain for r in ev.recommendations} == {Domain.LOCOMOTION, Domain.HEARING}


def test_recommendation_catalogue_is_complete_spec_5():
    codes = [r.code for r in ALL_RECOMMENDATIONS]
    assert len(codes) == len(set(codes))
    assert {r.domain for r in ALL_RECOMMENDATIONS} == set(Domain)
    for recommendation in ALL_RECOMMENDATIONS:
        assert recommendation.label.fr.strip() and recommendation.label.en.strip()


def test_visit_evaluation_json_round_trip():
    phq9 = score("phq9", phq9_total(14, q9=2))
    ev = visit(step1(C4=1, V1=True, P1=True), {"phq9": phq9})
    assert VisitEvaluation.from_json(json.loads(json.dumps(ev.to_json()))) == ev
    assert "ALERT_SUICIDE_RISK" in str(ev)
