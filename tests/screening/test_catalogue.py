"""Walks ALL_INSTRUMENTS: every definition is complete enough for the form, the letter,
the sync and the validator (STYLE.md §2)."""

from __future__ import annotations

import re

import pytest

from icope_desktop.i18n import Text
from icope_desktop.screening import (
    ALL_INSTRUMENTS,
    Domain,
    ItemKind,
    UnknownInstrumentError,
    get_instrument,
)
from icope_desktop.screening.codes import LOINC_SYSTEM, PROJECT_CODE_SYSTEM
from icope_desktop.screening.model import NUMERIC_KINDS

EXPECTED_IDS = {"step1", "mmse", "mna_sf", "mna", "sppb", "snellen", "phq9", "hearing"}
SPEC_8_LOINC = {
    "44249-1", "44261-6", "44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2",
    "44252-5", "44253-3", "44260-8", "69722-7", "LA6568-5", "LA6569-3", "LA6570-1",
    "LA6571-9", "72106-8", "72107-6", "107107-5", "107114-1", "39156-5", "62825-5",
    "66249-4", "66253-6", "66255-1",
}  # fmt: skip
ITEMS = [(instrument, item) for instrument in ALL_INSTRUMENTS for item in instrument.items]


def _filled(text: Text | None) -> bool:
    return isinstance(text, Text) and bool(text.fr.strip()) and bool(text.en.strip())


def test_instrument_ids_are_unique_and_known():
    ids = [i.id for i in ALL_INSTRUMENTS]
    assert len(ids) == len(set(ids))
    assert set(ids) <= EXPECTED_IDS


@pytest.mark.parametrize("instrument", ALL_INSTRUMENTS, ids=lambda i: i.id)
def test_instrument_has_title_step_and_codes(instrument):
    assert _filled(instrument.title)
    assert instrument.step in (1, 2)
    assert (instrument.domain is None) == (instrument.step == 1)
    assert instrument.items
    for role, coding in instrument.codes.items():
        assert coding.system in (LOINC_SYSTEM, PROJECT_CODE_SYSTEM), role
        if coding.system == LOINC_SYSTEM:
            assert coding.code in SPEC_8_LOINC, f"{coding.code} is not in spec §8"
    if instrument.licence_notice is not None:
        assert _filled(instrument.licence_notice)


@pytest.mark.parametrize(
    ("instrument", "item"), ITEMS, ids=lambda x: getattr(x, "id", "")
)
def test_item_is_complete(instrument, item):
    assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", item.id)
    assert not item.id.startswith("_")
    assert _filled(item.label), "FR and EN labels"
    assert isinstance(item.kind, ItemKind)
    if item.kind is ItemKind.CHOICE:
        assert item.options, "a choice needs options"
        values = [o.value for o in item.options]
        assert len(values) == len(set(values))
        for option in item.options:
            assert _filled(option.label)
            assert not isinstance(option.value, bool)
            if option.code is not None:
                assert option.code.code in SPEC_8_LOINC
    else:
        assert not item.options
    if item.kind in NUMERIC_KINDS:
        assert item.min is not None and item.max is not None, "hard bounds"
        assert item.min <= item.max
        if item.plausible_min is not None:
            assert item.min <= item.plausible_min
        if item.plausible_max is not None:
            assert item.plausible_max <= item.max
        if item.kind is not ItemKind.INTEGER:
            assert item.unit, "a measurement has a unit"
    if item.not_assessable:
        assert item.reasons, "a not-assessable item lists its reasons"
    codes = [r.code for r in item.reasons]
    assert len(codes) == len(set(codes))
    assert "unspecified" not in codes
    for reason in item.reasons:
        assert _filled(reason.label)
    for text in (item.section, item.help):
        assert text is None or _filled(text)
    if item.code is not None:
        assert item.code.code in SPEC_8_LOINC
    if instrument.domain is not None:
        assert item.domain in (None, instrument.domain)
    else:
        assert isinstance(item.domain, Domain), "Step 1 items name their domain"


@pytest.mark.parametrize("instrument", ALL_INSTRUMENTS, ids=lambda i: i.id)
def test_visible_if_never_raises_on_odd_answers(instrument):
    odd = [{}, {i.id: None for i in instrument.items}, {i.id: "x" for i in instrument.items}]
    odd.append({i.id: float("nan") for i in instrument.items})
    odd.append({i.id: 10**400 for i in instrument.items})
    for answers in odd:
        for item in instrument.items:
            assert item.is_visible(answers) in (True, False)


def test_get_instrument_unknown_id_is_a_clear_key_error():
    with pytest.raises(KeyError) as info:
        get_instrument("phq10")
    assert isinstance(info.value, UnknownInstrumentError)
    assert "phq10" in info.value.message.fr and "phq9" in info.value.message.en
    assert "Instrument inconnu" in str(info.value)
