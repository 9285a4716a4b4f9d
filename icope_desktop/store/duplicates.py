"""Possible duplicates of an identity: INS first, else birth date plus tolerant names.

CONTEXT.md: two tools "created duplicate files"; one patient must have one file. Before
creating a patient the form shows the candidates and the user decides (DESIGN.md).

Matching, as DESIGN.md asks ("match on INS when present, else on birth date + fuzzy
names; fold accents and case yourself"):

* Same INS: certain (score 1). A different INS on both sides: certainly not the same
  person, never proposed.
* Otherwise the birth date anchors the search: the same date, or the same date with day
  and month swapped, or one digit off (the typos seen on forms); then family and first
  names are compared folded (accents, case, hyphens), with rapidfuzz's edit ratio and
  with a small French sound key, so "Lefèvre"/"Lefebvre", "Dupont"/"Dupond",
  "Marie-Thérèse"/"Marie Therese" match; birth and used names are compared crosswise,
  so a used name typed as the birth name (and the reverse) still matches.

jellyfish's phonetic codes are built for English (DESIGN.md), hence the sound key here:
it only merges spellings French readers pronounce alike (ph/f, final silent letters,
eau/au/o, doubled letters, -bvre/-vre, y/i, c/k/qu...).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz

from icope_desktop.i18n import Text
from icope_desktop.store.names import fold
from icope_desktop.store.records import Identity, Sex

SAME_INS = Text(fr="Même INS", en="Same INS")
SAME_BIRTH_DATE = Text(fr="Même date de naissance", en="Same birth date")
BIRTH_DATE_SWAPPED = Text(
    fr="Date de naissance avec jour et mois inversés", en="Birth date with day and month swapped"
)
BIRTH_DATE_TYPO = Text(fr="Date de naissance à un chiffre près", en="Birth date one digit off")
SAME_FAMILY_NAME = Text(fr="Même nom", en="Same family name")
SIMILAR_FAMILY_NAME = Text(
    fr="Nom proche (orthographe ou prononciation)", en="Similar family name (spelling or sound)"
)
NAMES_SWAPPED = Text(
    fr="Nom de naissance et nom d'usage inversés", en="Birth name and used name swapped"
)
SAME_FIRST_NAMES = Text(fr="Mêmes prénoms", en="Same first names")
SIMILAR_FIRST_NAMES = Text(fr="Prénoms proches", en="Similar first names")
DIFFERENT_SEX = Text(fr="Sexe différent", en="Different sex")

MIN_FAMILY = 0.80
MIN_FIRST = 0.70
MIN_SCORE = 0.70

_SOUND_RULES: tuple[tuple[str, str], ...] = (
    (r"ph", "f"),
    (r"qu", "k"),
    (r"ck", "k"),
    (r"c(?=[eiy])", "s"),
    (r"c", "k"),
    (r"gu(?=[ei])", "g"),
    (r"sch", "ch"),
    (r"eau", "o"),
    (r"au", "o"),
    (r"(ai|ei)", "e"),
    (r"y", "i"),
    (r"w", "v"),
    (r"z(?!$)", "s"),
    (r"bv", "v"),
    (r"th", "t"),
    (r"(?<!c)h", ""),
    (r"(.)\1+", r"\1"),
    (r"(e|s|t|d|x)+$", ""),
)


def sound_key(name: str) -> str:
    """A French "sounds like" key of one folded word: dupont, dupond -> dupon."""
    key = name.replace(" ", "")
    for pattern, replacement in _SOUND_RULES:
        key = re.sub(pattern, replacement, key)
    return key


def name_similarity(a: str, b: str) -> float:
    """0..1 similarity of two names, folded first, tolerant of typos and sound."""
    fa, fb = fold(a), fold(b)
    if not fa or not fb:
        return 0.0
    if fa == fb:
        return 1.0
    spelled = fuzz.ratio(fa, fb) / 100
    sounded = 0.95 if sound_key(fa) == sound_key(fb) else 0.0
    partial = 0.9 * fuzz.token_set_ratio(fa, fb) / 100
    return max(spelled, sounded, partial)


def first_names_similarity(a: str, b: str) -> float:
    """First names: the whole list, or the first (usual) given name alone."""
    whole = name_similarity(a, b)
    first_a, first_b = fold(a).split()[:1], fold(b).split()[:1]
    if not first_a or not first_b:
        return whole
    usual = 0.9 * name_similarity(first_a[0], first_b[0])
    return max(whole, usual)


@dataclass(frozen=True, slots=True)
class StoredIdentity:
    """What the matcher needs of a stored patient."""

    patient_id: object
    identity: Identity


def birth_date_variants(value: date) -> dict[date, Text]:
    """The date itself, day/month swapped, and every valid date one digit away."""
    variants: dict[date, Text] = {value: SAME_BIRTH_DATE}
    if value.day <= 12 and value.day != value.month:
        variants.setdefault(date(value.year, value.day, value.month), BIRTH_DATE_SWAPPED)
    digits = value.strftime("%d%m%Y")
    for index in range(len(digits)):
        for digit in "0123456789":
            if digit == digits[index]:
                continue
            typed = digits[:index] + digit + digits[index + 1 :]
            try:
                other = date(int(typed[4:]), int(typed[2:4]), int(typed[:2]))
            except ValueError:
                continue
            if other.year >= 1880:
                variants.setdefault(other, BIRTH_DATE_TYPO)
    return variants


_DATE_WEIGHT = {SAME_BIRTH_DATE: 1.0, BIRTH_DATE_SWAPPED: 0.9, BIRTH_DATE_TYPO: 0.85}


def score_candidate(typed: Identity, stored: Identity) -> tuple[float, tuple[Text, ...]] | None:
    """The score and reasons for one stored identity, or None when it is not a candidate."""
    if typed.ins and stored.ins:
        if typed.ins == stored.ins:
            return 1.0, (SAME_INS,)
        return None
    date_reason = birth_date_variants(typed.birth_date).get(stored.birth_date)
    if date_reason is None:
        return None
    typed_names = [n for n in (typed.birth_name, typed.used_name) if n]
    stored_names = [n for n in (stored.birth_name, stored.used_name) if n]
    best_family = 0.0
    swapped = False
    for i, mine in enumerate(typed_names):
        for j, theirs in enumerate(stored_names):
            similarity = name_similarity(mine, theirs)
            if similarity > best_family or (similarity == best_family and i == j):
                best_family = similarity
                swapped = i != j
    first = first_names_similarity(typed.first_names, stored.first_names)
    if best_family < MIN_FAMILY or first < MIN_FIRST:
        return None
    score = _DATE_WEIGHT[date_reason] * (0.55 * best_family + 0.45 * first)
    reasons: list[Text] = [date_reason]
    if swapped:
        reasons.append(NAMES_SWAPPED)
    reasons.append(SAME_FAMILY_NAME if best_family == 1.0 else SIMILAR_FAMILY_NAME)
    reasons.append(SAME_FIRST_NAMES if first == 1.0 else SIMILAR_FIRST_NAMES)
    if typed.sex != stored.sex and Sex.INDETERMINATE not in (typed.sex, stored.sex):
        score *= 0.9
        reasons.append(DIFFERENT_SEX)
    if score < MIN_SCORE:
        return None
    return round(score, 3), tuple(reasons)


def rank(
    typed: Identity, stored: Iterable[StoredIdentity]
) -> list[tuple[object, float, tuple[Text, ...]]]:
    """Candidates, best first (ties: the exact birth date first)."""
    found = []
    for entry in stored:
        scored = score_candidate(typed, entry.identity)
        if scored is not None:
            found.append((entry.patient_id, scored[0], scored[1]))
    found.sort(key=lambda item: -item[1])
    return found
