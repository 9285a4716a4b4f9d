"""Duplicate detection on real French name variants (CONTEXT.md: one patient, one file)."""

from __future__ import annotations

from datetime import date

import pytest

from icope_desktop.store.duplicates import (
    BIRTH_DATE_SWAPPED,
    BIRTH_DATE_TYPO,
    NAMES_SWAPPED,
    SAME_INS,
    name_similarity,
    sound_key,
)
from icope_desktop.store.names import fold
from icope_desktop.store.records import Sex
from store.factories import identity, patient_data, valid_ins

BORN = date(1946, 7, 14)


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("Lefèvre", "Lefebvre"),
        ("Lefebvre", "LEFEVRE"),
        ("Dupont", "Dupond"),
        ("Gauthier", "Gautier"),
        ("Rousseau", "Rousso"),
        ("Faure", "Fort"),
        ("Philippe", "Filipe"),
        ("Le Roy", "Leroy"),
        ("Moreau", "Moreaux"),
        ("Bernard", "Bernart"),
        ("Girard", "Girad"),  # a dropped letter
        ("Mercier", "Mercirr"),  # a typo
    ],
)
def test_french_family_name_variants_are_found(repos, stored, typed):
    patient_id = repos.patients.create_patient(
        patient_data(birth_name=stored, first_names="Jeanne", birth_date=BORN)
    )
    found = repos.patients.find_possible_duplicates(
        identity(birth_name=typed, first_names="Jeanne", birth_date=BORN)
    )
    assert [c.patient_id for c in found] == [patient_id]
    assert found[0].score >= 0.8


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("Marie-Thérèse", "Marie Therese"),
        ("Marie-Thérèse", "MARIE-THERESE"),
        ("Marie-Thérèse Jeanne", "Marie-Thérèse"),
        ("Jean-François", "Jean François"),
        ("Hélène", "Helene"),
        ("Zoë", "Zoe"),
        ("Françoise", "Francoise"),
    ],
)
def test_first_name_variants_are_found(repos, stored, typed):
    patient_id = repos.patients.create_patient(
        patient_data(birth_name="Roux", first_names=stored, birth_date=BORN)
    )
    found = repos.patients.find_possible_duplicates(
        identity(birth_name="Roux", first_names=typed, birth_date=BORN)
    )
    assert [c.patient_id for c in found] == [patient_id]


def test_used_name_typed_as_birth_name_is_found(repos):
    """Madame Dupont née Lefèvre, typed the other way round by an upstream actor."""
    patient_id = repos.patients.create_patient(
        patient_data(birth_name="Lefèvre", used_name="Dupont", first_names="Anne", birth_date=BORN)
    )
    swapped = identity(
        birth_name="Dupont", used_name="Lefevre", first_names="Anne", birth_date=BORN
    )
    only_used = identity(birth_name="Dupont", first_names="Anne", birth_date=BORN)
    for typed in (swapped, only_used):
        found = repos.patients.find_possible_duplicates(typed)
        assert [c.patient_id for c in found] == [patient_id]
        assert NAMES_SWAPPED in found[0].reasons


def test_birth_date_typos_are_tolerated_but_ranked_lower(repos):
    def louis(born: date):
        return patient_data(birth_name="Petit", first_names="Louis", birth_date=born, sex=Sex.MALE)

    exact = repos.patients.create_patient(louis(date(1946, 7, 4)))
    swapped = repos.patients.create_patient(louis(date(1946, 4, 7)))
    typo = repos.patients.create_patient(louis(date(1949, 7, 4)))
    found = repos.patients.find_possible_duplicates(
        identity(birth_name="Petit", first_names="Louis", birth_date=date(1946, 7, 4), sex=Sex.MALE)
    )
    assert [c.patient_id for c in found] == [exact, swapped, typo]
    assert BIRTH_DATE_SWAPPED in found[1].reasons and BIRTH_DATE_TYPO in found[2].reasons
    assert found[0].score > found[1].score > found[2].score


@pytest.mark.parametrize(
    ("typed_name", "typed_first", "typed_born"),
    [
        ("Durand", "Jeanne", BORN),  # another family name
        ("Bernard", "Paul", BORN),  # another first name
        ("Bernard", "Jeanne", date(1952, 2, 3)),  # another birth date
        ("Marchand", "Jeanne", BORN),  # not "Martin"
    ],
)
def test_different_people_are_not_proposed(repos, typed_name, typed_first, typed_born):
    repos.patients.create_patient(
        patient_data(birth_name="Bernard", first_names="Jeanne", birth_date=BORN)
    )
    repos.patients.create_patient(
        patient_data(birth_name="Martin", first_names="Jeanne", birth_date=BORN)
    )
    found = repos.patients.find_possible_duplicates(
        identity(birth_name=typed_name, first_names=typed_first, birth_date=typed_born)
    )
    assert found == []


def test_same_ins_is_certain_and_different_ins_rules_out(repos):
    ins = valid_ins("2460775123456")
    same = repos.patients.create_patient(
        patient_data(birth_name="Blanc", first_names="Rose", birth_date=BORN, ins=ins)
    )
    repos.patients.create_patient(
        patient_data(
            birth_name="Blanc",
            first_names="Rose",
            birth_date=BORN,
            ins=valid_ins("2460775123457"),
        )
    )
    found = repos.patients.find_possible_duplicates(
        identity(birth_name="Leblanc", first_names="Rosalie", birth_date=date(1950, 1, 1), ins=ins)
    )
    assert [(c.patient_id, c.score, c.reasons) for c in found] == [(same, 1.0, (SAME_INS,))]


def test_a_file_without_ins_is_still_proposed_for_an_identity_with_ins(repos):
    legacy = repos.patients.create_patient(
        patient_data(birth_name="Robin", first_names="Lucie", birth_date=BORN)
    )
    typed = identity(
        birth_name="Robin", first_names="Lucie", birth_date=BORN, ins=valid_ins("2460775999999")
    )
    found = repos.patients.find_possible_duplicates(typed)
    assert [c.patient_id for c in found] == [legacy]


def test_candidates_are_ranked_and_exclude_the_patient_being_edited(repos):
    close = repos.patients.create_patient(
        patient_data(birth_name="Lefebvre", first_names="Marie", birth_date=BORN)
    )
    closer = repos.patients.create_patient(
        patient_data(birth_name="Lefèvre", first_names="Marie", birth_date=BORN)
    )
    typed = identity(birth_name="Lefèvre", first_names="Marie", birth_date=BORN)
    found = repos.patients.find_possible_duplicates(typed)
    assert [c.patient_id for c in found] == [closer, close]
    assert found[0].score == 1.0
    editing = repos.patients.find_possible_duplicates(typed, exclude=closer)
    assert [c.patient_id for c in editing] == [close]


def test_reasons_are_bilingual():
    assert SAME_INS.fr == "Même INS" and SAME_INS.en == "Same INS"


def test_folding_and_sound_key():
    assert fold("Lefèvre-d'Ô Œuvre") == "lefevre d o oeuvre"
    assert sound_key("dupont") == sound_key("dupond") == "dupon"
    assert name_similarity("Lefèvre", "LEFEBVRE") >= 0.9
    assert name_similarity("Martin", "Dubois") < 0.5
