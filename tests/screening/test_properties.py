"""Property-based tests (hypothesis): totals stay within [0, max], scores are monotone in
each item where the instrument is, results round-trip through JSON, and `validate` /
`score` raise nothing but ValidationError on arbitrary input."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icope_desktop.screening import (
    ALL_INSTRUMENTS,
    NOT_ASSESSABLE,
    ItemKind,
    NotAssessable,
    Result,
    ScoringContext,
    ValidationError,
    score,
    validate,
)

PROFILE = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
ABSENT = object()
FRACTIONS = ["6/6", "6/9", "6/12", "6/18", "6/24", "6/60", "3/60", "20/40", "20/200", "10/10",
             "5/10", "3/10", "1/10", "0.5", "0,8", "1.0"]  # fmt: skip


def _number(item, draw):
    low = item.min
    high = item.max
    if item.kind is ItemKind.DURATION and item.over_token and draw(st.booleans()):
        return item.over_token
    value = draw(st.floats(min_value=low, max_value=high, allow_nan=False, allow_infinity=False))
    value = round(value, 2)
    return min(max(value, low), high)


@st.composite
def valid_answers(draw, instrument):
    """Answers that pass validation: each item absent, not assessable or a valid value."""
    answers = {}
    logmar = False
    for item in instrument.items:
        mode = draw(st.sampled_from(("absent", "value", "value", "value", "na")))
        if mode == "absent":
            continue
        if mode == "na":
            if not item.not_assessable:
                continue
            codes = [r.code for r in item.reasons] + ["unspecified"]
            answers[item.id] = NotAssessable(draw(st.sampled_from(codes)), "note")
            continue
        kind = item.kind
        if kind is ItemKind.CHOICE:
            value = draw(st.sampled_from([o.value for o in item.options]))
            logmar = logmar or (item.id == "VA_notation" and value == "logmar")
        elif kind is ItemKind.BOOLEAN:
            value = draw(st.booleans())
        elif kind is ItemKind.INTEGER:
            value = draw(st.integers(min_value=item.min, max_value=item.max))
        elif kind in (ItemKind.DECIMAL, ItemKind.DURATION):
            value = _number(item, draw)
        elif kind is ItemKind.ACUITY:
            value = (
                f"{draw(st.floats(min_value=-0.3, max_value=1.7)):.2f}"
                if logmar
                else draw(st.sampled_from(FRACTIONS))
            )
        else:
            value = draw(st.text(max_size=30))
        answers[item.id] = value
    if instrument.id == "snellen" and answers.get("VA_notation") not in ("decimal", "logmar"):
        for eye in ("VA_OD", "VA_OG", "VA_OU"):  # bare numbers need a decimal notation
            if isinstance(answers.get(eye), str) and "/" not in answers[eye]:
                answers[eye] = "6/12"
    answers["_confirmed"] = [
        i.id for i in instrument.items if i.kind in (ItemKind.DECIMAL, ItemKind.DURATION,
                                                      ItemKind.ACUITY, ItemKind.INTEGER)
    ]  # fmt: skip
    return answers


@pytest.mark.parametrize("instrument", ALL_INSTRUMENTS, ids=lambda i: i.id)
def test_totals_stay_within_0_and_max_and_round_trip(instrument):
    @PROFILE
    @given(answers=valid_answers(instrument), age=st.one_of(st.none(), st.integers(60, 105)))
    def check(answers, age):
        result = score(instrument.id, answers, ScoringContext(age_years=age))
        maximum = instrument.max_total
        if result.total is not None:
            assert maximum is not None and 0 <= result.total <= maximum
        if result.bounds is not None:
            low, high = result.bounds
            assert 0 <= low <= high <= (maximum if maximum is not None else 120)
            if result.total is not None:
                assert low <= result.total <= high
        if result.valid:
            assert result.altered is not None
        assert result.altered in (True, False, None)
        assert Result.from_json(json.loads(json.dumps(result.to_json()))) == result
        assert str(result) and result.summary("en")

    check()


def _junk():
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.integers(min_value=10**300, max_value=10**400),
        st.floats(),
        st.text(max_size=20),
        st.sampled_from(["6/12", ">60", "yes", "NSC1", "passed", "logMAR 0.3", "6/0", "0/0"]),
        st.builds(
            NotAssessable, st.one_of(st.text(max_size=8), st.integers()), st.text(max_size=8)
        ),
        st.just(NOT_ASSESSABLE),
    )
    def nested(inner: st.SearchStrategy) -> st.SearchStrategy:
        return st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)

    return st.recursive(scalars, nested, max_leaves=6)


@pytest.mark.parametrize("instrument", ALL_INSTRUMENTS, ids=lambda i: i.id)
def test_validate_and_score_raise_only_validation_error_on_junk(instrument):
    keys = st.one_of(st.sampled_from([*instrument.item_ids, "_confirmed"]), st.text(max_size=6))

    @PROFILE
    @given(answers=st.one_of(st.dictionaries(keys, _junk(), max_size=8), _junk()),
           complete=st.booleans())  # fmt: skip
    def check(answers, complete):
        for call in (lambda: validate(instrument.id, answers, complete=complete),
                     lambda: score(instrument.id, answers)):  # fmt: skip
            try:
                call()
            except ValidationError as error:
                assert error.errors
                for field_error in error.errors:
                    assert field_error.message.fr and field_error.message.en

    check()


@pytest.mark.parametrize("instrument", ALL_INSTRUMENTS, ids=lambda i: i.id)
def test_valid_answers_with_one_bad_value_name_that_field(instrument):
    @PROFILE
    @given(answers=valid_answers(instrument), data=st.data())
    def check(answers, data):
        item = data.draw(st.sampled_from(instrument.items))
        bad = {
            ItemKind.BOOLEAN: "oui",
            ItemKind.CHOICE: 3.5,
            ItemKind.INTEGER: 1.5,
            ItemKind.DECIMAL: float("nan"),
            ItemKind.DURATION: -1.0,
            ItemKind.ACUITY: "sur 10",
            ItemKind.TEXT: 12,
        }[item.kind]
        with pytest.raises(ValidationError) as info:
            score(instrument.id, dict(answers, **{item.id: bad}))
        assert item.id in info.value.codes()

    check()


# --- monotonicity ---------------------------------------------------------------------

PHQ9_ITEMS = [f"Q{n}" for n in range(1, 10)]


@PROFILE
@given(st.lists(st.integers(0, 3), min_size=9, max_size=9), st.integers(0, 8))
def test_phq9_total_is_monotone_in_each_item(values, index):
    answers = dict(zip(PHQ9_ITEMS, values, strict=True))
    before = score("phq9", answers)
    if values[index] == 3:
        return
    after = score("phq9", dict(answers, **{PHQ9_ITEMS[index]: values[index] + 1}))
    assert after.total == before.total + 1
    assert not (before.altered and after.altered is False)


MMSE_MAX = {"MMSE_OT": 5, "MMSE_OP": 5, "MMSE_REG": 3, "MMSE_ATT": 5, "MMSE_REC": 3,
            "MMSE_NAM": 2, "MMSE_REP": 1, "MMSE_CMD": 3, "MMSE_READ": 1, "MMSE_WRITE": 1,
            "MMSE_COPY": 1}  # fmt: skip


@PROFILE
@given(st.data())
def test_mmse_total_and_verdict_are_monotone_in_each_subscore(data):
    answers = {k: data.draw(st.integers(0, m)) for k, m in MMSE_MAX.items()} | {"MMSE_NSC": "NSC1"}
    item = data.draw(st.sampled_from(sorted(MMSE_MAX)))
    context = ScoringContext(age_years=70)
    before = score("mmse", answers, context)
    if answers[item] == MMSE_MAX[item]:
        return
    after = score("mmse", dict(answers, **{item: answers[item] + 1}), context)
    assert after.total == before.total + 1
    assert not (before.altered is False and after.altered is True)


SPPB_BASE = {"B1": 10.0, "B2": 10.0, "B3": 10.0, "GAIT_course_m": 4, "GAIT_t1_s": 4.0,
             "CHAIR_pretest": "passed", "CHAIR_time_s": 10.0}  # fmt: skip


@PROFILE
@given(
    item=st.sampled_from(["GAIT_t1_s", "CHAIR_time_s"]),
    start=st.floats(3.0, 59.0),
    delta=st.floats(0.0, 20.0),
)
def test_sppb_is_monotone_decreasing_in_times(item, start, delta):
    first = score("sppb", dict(SPPB_BASE, **{item: round(start, 2)}))
    slower = min(round(start + delta, 2), 60.0)
    second = score("sppb", dict(SPPB_BASE, **{item: slower}))
    assert second.total <= first.total


@PROFILE
@given(item=st.sampled_from(["B1", "B2", "B3"]), start=st.floats(0, 10), delta=st.floats(0, 10))
def test_sppb_balance_is_monotone_increasing_in_hold_times(item, start, delta):
    base = dict(SPPB_BASE, **{item: round(start, 2)})
    longer = dict(SPPB_BASE, **{item: min(round(start + delta, 2), 10.0)})
    assert score("sppb", longer).derived["balance_score"] >= score("sppb", base).derived[
        "balance_score"
    ]


MNA_SF_BASE = {"A": "moderate", "B": "1to3", "C": "no_outing", "D": "no", "E": "mild",
               "F1_height_cm": 165}  # fmt: skip


@PROFILE
@given(weight=st.floats(35, 120), delta=st.floats(0, 40))
def test_mna_sf_is_monotone_in_weight(weight, delta):
    low = score("mna_sf", dict(MNA_SF_BASE, F1_weight_kg=round(weight, 1)))
    high = score("mna_sf", dict(MNA_SF_BASE, F1_weight_kg=round(min(weight + delta, 160), 1)))
    assert high.total >= low.total


@pytest.mark.parametrize("instrument_id", ["mna_sf", "mna"])
def test_mna_is_monotone_in_each_choice(instrument_id):
    from icope_desktop.screening import get_instrument

    from .test_mna import FULL_MAX

    instrument = get_instrument(instrument_id)
    base = {k: v for k, v in FULL_MAX.items() if instrument.has_item(k)}

    @PROFILE
    @given(st.data())
    def check(data):
        answers = dict(base)
        for item in instrument.items:
            if item.kind is ItemKind.CHOICE:
                answers[item.id] = data.draw(st.sampled_from([o.value for o in item.options]))
        choices = [i for i in instrument.items if i.kind is ItemKind.CHOICE]
        item = data.draw(st.sampled_from(choices))
        options = sorted(item.options, key=lambda o: o.points)
        current = next(i for i, o in enumerate(options) if o.value == answers[item.id])
        if current == len(options) - 1:
            return
        before = score(instrument_id, answers)
        after = score(instrument_id, dict(answers, **{item.id: options[current + 1].value}))
        assert after.total >= before.total
        assert math.isclose(after.total - before.total,
                            options[current + 1].points - options[current].points)  # fmt: skip

    check()
