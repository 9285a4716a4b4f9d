"""Passphrase policy: CNIL's 80-bit examples, refused with FR+EN advice, live estimate."""

from __future__ import annotations

import pytest

from icope_desktop.store.errors import WeakPassphrase
from icope_desktop.store.passphrase import Level, estimate_strength, require_strong

ACCEPTED = [
    "Tilleul-Loire-2024!",  # 12+ characters, four classes
    "Kq7#mP2$vL9x",  # exactly 12, four classes
    "Vendee2024Nantes",  # 14+ characters, three classes (no symbol)
    "le chat de Lucie dort sous la table verte",  # 7+ words
    "pomme poire cerise prune abricot figue raisin",  # 7 words, no capitals
    "Éléphant-Août-1954!",  # accented letters count as letters
]

REFUSED = [
    ("", "very short"),
    ("motdepasse", "one class"),
    ("Abcdef12345", "11 characters"),
    ("Aaaaaaaaaaa1!", "repeats do not count"),
    ("Abcdefgh1234!", "runs do not count"),
    ("le chat dort sous la table", "6 words"),
    ("chat chat chat chat chat chat chat", "7 times the same word"),
    ("Aa1!Aa1!Aa1!", "a 4-character block repeated"),
    ("aa ab ac ad ae af ag", "7 'words' of two letters"),
    ("Motdepasse12!", "a common password dressed up"),
    ("Bonjour2024!!", "a dictionary word, a year, symbols"),
    ("Azertyuiop1!", "a keyboard row"),
]


@pytest.mark.parametrize("passphrase", ACCEPTED)
def test_cnil_examples_are_accepted(passphrase):
    strength = estimate_strength(passphrase)
    assert strength.acceptable
    assert strength.level in (Level.STRONG, Level.VERY_STRONG)
    require_strong(passphrase)


@pytest.mark.parametrize(("passphrase", "why"), REFUSED)
def test_weak_passphrases_are_refused_with_advice_in_both_languages(passphrase, why):
    with pytest.raises(WeakPassphrase) as caught:
        require_strong(passphrase)
    message = caught.value.message
    assert "80 bits" in message.fr and "80 bits" in message.en
    assert "7 mots" in message.fr and "7 words" in message.en
    assert caught.value.bits < 80 or not estimate_strength(passphrase).acceptable


def test_fourteen_characters_need_three_classes_but_thirteen_do_not_suffice():
    assert estimate_strength("Vendom2024Nant").acceptable  # 14 characters, 3 classes
    assert not estimate_strength("Vendom2024Nan").acceptable  # 13 characters, 3 classes
    assert not estimate_strength("Vendee2024Nant").acceptable  # "ee" counts once: 13
    assert not estimate_strength("Abcdef12345gh").acceptable  # 12+ with 3 classes only


def test_advice_names_what_is_missing():
    advice = estimate_strength("bonjourbonsoir").advice
    assert "une majuscule" in advice.fr and "an upper-case letter" in advice.en
    assert "un chiffre" in advice.fr


def test_repeats_and_runs_are_explained():
    advice = estimate_strength("Aaaaaaaaaaa1!").advice
    assert "1234" in advice.fr and "do not count" in advice.en


def test_estimate_grows_as_the_user_types():
    typed = "Tilleul-Loire-2024!"
    bits = [estimate_strength(typed[:n]).bits for n in range(1, len(typed) + 1)]
    assert bits == sorted(bits)
    assert estimate_strength(typed[:5]).level in (Level.VERY_WEAK, Level.WEAK)


def test_unicode_forms_give_the_same_key_material():
    from icope_desktop.store.passphrase import normalize

    composed = "Pâquerette-2024!"
    decomposed = "Pa\u0302querette-2024!"
    assert composed != decomposed
    assert normalize(composed) == normalize(decomposed)


def test_a_common_password_is_refused_with_the_reason():
    """12+ characters of four classes, but "motdepasse" is among a cracker's first
    guesses (zxcvbn's common-password list)."""
    strength = estimate_strength("Motdepasse12!")
    assert not strength.acceptable
    assert "mot de passe courant" in strength.advice.fr
    assert "common password" in strength.advice.en
    assert strength.bits < 80
