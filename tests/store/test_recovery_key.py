"""Recovery key: unambiguous alphabet, per-group checksum, forgiving input."""

from __future__ import annotations

import pytest

from icope_desktop.store.errors import InvalidRecoveryKey
from icope_desktop.store.recovery_key import ALPHABET, RecoveryKey, looks_like_recovery_key


def test_display_is_eight_groups_of_five_from_the_unambiguous_alphabet():
    shown = RecoveryKey.generate().display()
    groups = shown.split("-")
    assert len(groups) == 8 and all(len(g) == 5 for g in groups)
    assert set(shown.replace("-", "")) <= set(ALPHABET)
    assert not set("ILOU") & set(shown)


def test_keys_are_random_and_hidden_from_repr():
    first, second = RecoveryKey.generate(), RecoveryKey.generate()
    assert first != second
    assert first.display() not in repr(first)
    assert len(first.secret()) == 32


def test_typed_back_in_lower_case_with_spaces_or_without_separators():
    key = RecoveryKey.generate()
    shown = key.display()
    for typed in (
        shown,
        shown.lower(),
        shown.replace("-", " "),
        shown.replace("-", ""),
        "  " + shown.lower().replace("-", " - ") + "\n",
    ):
        assert RecoveryKey.parse(typed) == key


def test_look_alike_letters_are_read_as_digits():
    key = RecoveryKey.generate()
    shown = key.display()
    if "0" in shown or "1" in shown:
        typed = shown.replace("0", "O").replace("1", "l")
        assert RecoveryKey.parse(typed) == key
    assert RecoveryKey.parse(RecoveryKey("0" * 32).display().replace("0", "o")) == RecoveryKey(
        "0" * 32
    )


def test_every_single_character_typo_is_caught_and_its_group_named():
    key = RecoveryKey.generate()
    compact = key.display().replace("-", "")
    for position, original in enumerate(compact):
        for wrong in ALPHABET:
            if wrong == original:
                continue
            typed = compact[:position] + wrong + compact[position + 1 :]
            with pytest.raises(InvalidRecoveryKey) as caught:
                RecoveryKey.parse(typed)
            assert caught.value.group == position // 5 + 1
    assert "groupe n° 1" in caught.value.message.fr or caught.value.group != 1


def test_most_swaps_of_neighbours_are_caught():
    caught = total = 0
    for _ in range(50):
        compact = RecoveryKey.generate().display().replace("-", "")
        for position in range(len(compact) - 1):
            if compact[position] == compact[position + 1]:
                continue
            total += 1
            swapped = (
                compact[:position]
                + compact[position + 1]
                + compact[position]
                + compact[position + 2 :]
            )
            try:
                RecoveryKey.parse(swapped)
            except InvalidRecoveryKey:
                caught += 1
    assert caught / total > 0.9


def test_swapped_groups_are_caught():
    groups = RecoveryKey.generate().display().split("-")
    groups[2], groups[3] = groups[3], groups[2]
    with pytest.raises(InvalidRecoveryKey):
        RecoveryKey.parse("-".join(groups))


@pytest.mark.parametrize(
    ("typed", "fr", "en"),
    [
        ("ABCDE-FGHJK", "8 groupes de 5", "8 groups of 5"),
        ("ABCDE-FGHJK-" * 3 + "ABCDE-FGHU!", "caractères", "characters"),
    ],
)
def test_wrong_length_or_characters_explained(typed, fr, en):
    with pytest.raises(InvalidRecoveryKey) as caught:
        RecoveryKey.parse(typed)
    assert fr in caught.value.message.fr and en in caught.value.message.en


def test_recognises_a_recovery_key_in_a_shared_secret_field():
    assert looks_like_recovery_key(RecoveryKey.generate().display().lower())
    assert not looks_like_recovery_key("Tilleul-Loire-2024!")
