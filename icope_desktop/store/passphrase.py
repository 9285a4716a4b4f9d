"""Passphrase policy: at least 80 bits of entropy, as the CNIL asks.

Source: CNIL, délibération n° 2022-100 du 21 juillet 2022 (recommandation relative aux
mots de passe), whose three examples of an ~80-bit secret are: 12+ characters with upper
case, lower case, digits and special characters; 14+ characters with upper case, lower
case and digits; or a passphrase of 7+ words. The issue's own wording ("12+ characters of
at least 3 classes") is weaker than the CNIL's (12 characters without symbols give about
71 bits), so the CNIL's examples are the rule here: 12+ characters need all four classes,
14+ characters need three.

Repeated characters ("aaaa") and runs ("abcd", "4321") add almost nothing to a guesser's
work, so they do not count towards the length. The CNIL's examples assume characters a
guesser cannot predict; "Motdepasse12!" or "Azertyuiop1!" fit the 12-character form but
are among the first guesses of any cracker. So a passphrase must also resist the pattern
guessing of zxcvbn (Dropbox's estimator, maintained Python port on PyPI; its lists hold
common passwords, French ones included, keyboard rows, repeated blocks, dates and
sequences): at least `MIN_PATTERN_GUESSES` guesses, which any 12 characters with no
known pattern reach and a common word with a few digits and symbols added does not. The
7-word form needs real words: at least `MIN_WORD_LETTERS` letters across the distinct
words ("aa ab ac ad ae af ag" is not a passphrase).

The same estimate drives the live meter (`estimate_strength`) and the refusal
(`require_strong`), so what the meter shows as strong is exactly what set-up accepts.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from icope_desktop.i18n import Text
from icope_desktop.store.errors import WeakPassphrase
from icope_desktop.store.names import fold

MIN_BITS = 80
"""The CNIL's target; the examples above are its accepted equivalents."""

_POOL = {"lower": 26, "upper": 26, "digit": 10, "symbol": 37}
"""Class sizes; 37 is the CNIL's minimum list of special characters."""

_BITS_PER_WORD = MIN_BITS / 7
"""The CNIL equates 7 words with 80 bits: about 11.4 bits, a ~2,800-word vocabulary."""

_WORD_SPLIT = re.compile(r"[\s\-_.,;:/+]+")

MIN_PATTERN_GUESSES = 1e11
"""zxcvbn's guess count floor: 12 characters of no known pattern give 1e12 by its
brute-force model; "Bonjour2024!!" gives about 6e9, "Motdepasse12!" 3e7."""

MIN_WORD_LETTERS = 20
"""Letters across the distinct words of a 7-word passphrase (the CNIL's example phrases
have 30 or more)."""

ZXCVBN_MAX_LENGTH = 100
"""zxcvbn's matching grows quadratically with length; past 100 characters a passphrase is
long enough that the prefix decides."""


def _pattern_guesses(text: str) -> float:
    """zxcvbn's estimate of the guesses a pattern-aware cracker needs (imported on first
    use: ~40 ms of word lists, kept off the app's start-up)."""
    from zxcvbn import zxcvbn

    return float(zxcvbn(text[:ZXCVBN_MAX_LENGTH], max_length=ZXCVBN_MAX_LENGTH)["guesses"])


class Level(StrEnum):
    VERY_WEAK = "very_weak"
    WEAK = "weak"
    FAIR = "fair"
    STRONG = "strong"
    VERY_STRONG = "very_strong"


LEVEL_LABELS = {
    Level.VERY_WEAK: Text(fr="Très faible", en="Very weak"),
    Level.WEAK: Text(fr="Faible", en="Weak"),
    Level.FAIR: Text(fr="Moyenne (insuffisante)", en="Fair (not enough)"),
    Level.STRONG: Text(fr="Solide", en="Strong"),
    Level.VERY_STRONG: Text(fr="Très solide", en="Very strong"),
}


@dataclass(frozen=True, slots=True)
class Strength:
    """What the set-up screen shows while the passphrase is typed."""

    bits: float
    level: Level
    acceptable: bool
    advice: Text

    @property
    def label(self) -> Text:
        return LEVEL_LABELS[self.level]


def normalize(passphrase: str) -> str:
    """NFC, so the same passphrase typed on macOS (NFD input) and Windows gives one key."""
    return unicodedata.normalize("NFC", passphrase)


def _char_class(ch: str) -> str:
    if ch.isdigit() and ch.isascii():
        return "digit"
    if ch.isalpha() and ch.isascii():
        return "lower" if ch.islower() else "upper"
    if ch.isalpha():
        # Accented letters keep their case class (é is lower case, É upper case).
        return "lower" if ch.islower() else "upper" if ch.isupper() else "symbol"
    return "symbol"


def _effective_characters(text: str) -> list[str]:
    """Characters that add guessing work: drop repeats and the third step of any run."""
    kept: list[str] = []
    for index, ch in enumerate(text):
        if index >= 1 and ch == text[index - 1]:
            continue
        if index >= 2:
            step = ord(ch) - ord(text[index - 1])
            if step in (1, -1) and ord(text[index - 1]) - ord(text[index - 2]) == step:
                continue
        kept.append(ch)
    return kept


def _words(text: str) -> list[str]:
    return [w for w in (fold(part) for part in _WORD_SPLIT.split(text)) if len(w) >= 2]


def estimate_strength(passphrase: str) -> Strength:
    """Live estimate for the UI meter; cheap enough to call on every key press."""
    text = normalize(passphrase)
    effective = _effective_characters(text)
    classes = {_char_class(ch) for ch in effective}
    pool = sum(_POOL[c] for c in classes)
    char_bits = len(effective) * math.log2(pool) if pool else 0.0
    words = set(_words(text))
    distinct_words = len(words)
    word_bits = distinct_words * _BITS_PER_WORD if distinct_words >= 2 else 0.0
    bits = max(char_bits, word_bits)

    by_length_4 = len(effective) >= 12 and len(classes) == 4
    by_length_3 = len(effective) >= 14 and len(classes) >= 3
    by_words = distinct_words >= 7 and sum(len(w) for w in words) >= MIN_WORD_LETTERS
    guessable = False
    if by_length_4 or by_length_3 or by_words:
        guessable = _pattern_guesses(text) < MIN_PATTERN_GUESSES
    acceptable = (by_length_4 or by_length_3 or by_words) and not guessable
    if guessable:
        bits = min(bits, math.log2(MIN_PATTERN_GUESSES) - 1)

    if acceptable:
        level = Level.VERY_STRONG if bits >= 100 else Level.STRONG
    elif bits >= 60:
        level = Level.FAIR
    elif bits >= 40:
        level = Level.WEAK
    else:
        level = Level.VERY_WEAK
    return Strength(bits=bits, level=level, acceptable=acceptable, advice=_advice(
        acceptable, len(effective), len(text), classes, distinct_words, guessable))


def _advice(
    acceptable: bool,
    effective: int,
    typed: int,
    classes: set[str],
    words: int,
    guessable: bool = False,
) -> Text:
    if acceptable:
        return Text(
            fr="Phrase de passe solide. Notez-la en lieu sûr : elle n'est jamais "
            "enregistrée en clair.",
            en="Strong passphrase. Keep a note of it in a safe place: it is never stored "
            "in clear.",
        )
    missing_fr: list[str] = []
    missing_en: list[str] = []
    names = {
        "lower": ("une minuscule", "a lower-case letter"),
        "upper": ("une majuscule", "an upper-case letter"),
        "digit": ("un chiffre", "a digit"),
        "symbol": ("un symbole (!, ?, #, …)", "a symbol (!, ?, #, …)"),
    }
    for cls in ("lower", "upper", "digit", "symbol"):
        if cls not in classes:
            missing_fr.append(names[cls][0])
            missing_en.append(names[cls][1])
    rule = Text(
        fr="Choisissez au moins 12 caractères mêlant majuscules, minuscules, chiffres et "
        "symboles, ou 14 caractères avec majuscules, minuscules et chiffres, ou une phrase "
        "d'au moins 7 mots (par exemple : « le chat de Lucie dort sous la table verte »).",
        en="Choose at least 12 characters mixing upper case, lower case, digits and "
        "symbols, or 14 characters with upper case, lower case and digits, or a phrase of "
        "at least 7 words (for example: “the cat of Lucy sleeps under the green table”).",
    )
    details_fr: list[str] = []
    details_en: list[str] = []
    if guessable:
        details_fr.append(
            "Elle repose sur un mot de passe courant, un mot du dictionnaire, une suite du "
            "clavier (azerty…) ou une répétition, que les attaquants essaient en premier."
        )
        details_en.append(
            "It rests on a common password, a dictionary word, a keyboard row (qwerty…) "
            "or a repetition, which attackers try first."
        )
    if effective < typed:
        details_fr.append("Les répétitions et suites (aaa, 1234, abcd) ne comptent pas.")
        details_en.append("Repeats and runs (aaa, 1234, abcd) do not count.")
    if missing_fr and words < 2:
        details_fr.append("Il manque : " + ", ".join(missing_fr) + ".")
        details_en.append("Missing: " + ", ".join(missing_en) + ".")
    if words >= 2:
        details_fr.append(f"Votre phrase compte {words} mots différents sur 7.")
        details_en.append(f"Your phrase has {words} distinct words out of 7.")
    return Text(
        fr=" ".join([rule.fr, *details_fr]),
        en=" ".join([rule.en, *details_en]),
    )


def require_strong(passphrase: str) -> None:
    """Refuse a passphrase below the policy, with the explanation of what to do."""
    strength = estimate_strength(passphrase)
    if not strength.acceptable:
        message = Text(
            fr="Phrase de passe trop faible (CNIL : 80 bits au moins). " + strength.advice.fr,
            en="Passphrase too weak (CNIL: at least 80 bits). " + strength.advice.en,
        )
        raise WeakPassphrase(message, strength.bits)
