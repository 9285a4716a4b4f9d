"""RPPS and INS (NIR) checks: typos are caught at the keyboard, with a useful sentence."""

from __future__ import annotations

import pytest

from icope_desktop.services.identifiers import (
    BAD_KEY_NIR,
    BAD_KEY_RPPS,
    BAD_SHAPE_NIR,
    NOT_DIGITS_NIR,
    NOT_DIGITS_RPPS,
    luhn_check_digit,
    luhn_is_valid,
    nir_key,
    nir_problem,
    rpps_problem,
)
from icope_desktop.store.checks import ins_problem

VALID_RPPS = "1000345678" + luhn_check_digit("1000345678")


def test_luhn_on_known_numbers():
    # ISO/IEC 7812 textbook example and a French SIREN (both Luhn-valid).
    assert luhn_is_valid("79927398713")
    assert luhn_is_valid("732829320")
    assert not luhn_is_valid("79927398710")
    assert not luhn_is_valid("7992739871a")


@pytest.mark.parametrize("typed", ["", "   ", None])
def test_empty_rpps_is_optional(typed):
    assert rpps_problem(typed) is None


def test_valid_rpps_with_spaces_is_accepted():
    spaced = f"{VALID_RPPS[:3]} {VALID_RPPS[3:7]} {VALID_RPPS[7:]}"
    assert rpps_problem(spaced) is None


def test_rpps_with_letters_is_refused():
    assert rpps_problem("1000345678O") == NOT_DIGITS_RPPS


def test_rpps_length_names_the_count():
    problem = rpps_problem("123456789")
    assert problem is not None and "9" in problem.fr and "11" in problem.en


def test_rpps_with_a_wrong_key_is_refused():
    wrong = VALID_RPPS[:-1] + str((int(VALID_RPPS[-1]) + 1) % 10)
    assert rpps_problem(wrong) == BAD_KEY_RPPS


def test_every_single_digit_typo_in_rpps_is_caught():
    for position in range(11):
        for digit in "0123456789":
            if digit == VALID_RPPS[position]:
                continue
            typo = VALID_RPPS[:position] + digit + VALID_RPPS[position + 1 :]
            assert rpps_problem(typo) == BAD_KEY_RPPS, typo


def test_nir_textbook_example():
    # 1 37 04 76 243 484, key 97 - (1370476243484 mod 97) = 15
    assert nir_key("1370476243484") == 15
    assert nir_problem("1 37 04 76 243 484 15") is None
    assert nir_problem("1 37 04 76 243 484 16") == BAD_KEY_NIR


@pytest.mark.parametrize(("department", "stands_for"), [("2A", "19"), ("2B", "18")])
def test_corsica_departments_count_as_19_and_18(department, stands_for):
    body = f"24805{department}123456"
    key = 97 - int(body.replace(department, stands_for)) % 97
    typed = f"{body}{key:02d}"
    assert nir_problem(typed) is None
    assert nir_problem(typed.lower()) is None
    # The store agrees, so a number the form accepts is never refused when saved.
    assert ins_problem(typed) is None
    # The wrong Corsican letter makes the key wrong.
    other = "2B" if department == "2A" else "2A"
    assert nir_problem(typed.replace(department, other)) == BAD_KEY_NIR


def test_nir_with_letters_outside_corsica_is_refused():
    assert nir_problem("1 37 04 76 2A3 484 15") == NOT_DIGITS_NIR
    assert nir_problem("13704762434841O") == NOT_DIGITS_NIR


def test_nir_length_and_shape():
    problem = nir_problem("1370476243484")
    assert problem is not None and "13" in problem.fr
    body = "5370476243484"
    assert nir_problem(f"{body}{nir_key(body):02d}") == BAD_SHAPE_NIR
