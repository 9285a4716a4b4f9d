"""Checks of the national identifiers a practitioner types: RPPS and INS (NIR).

Both numbers carry a check key, so a typo is caught at the keyboard rather than months
later when the regional server or the payment platform rejects a record (CONTEXT.md:
files "awaiting processing" for months). Each check returns the sentence shown next to
the field (French and English), or None when the number is acceptable.

* RPPS: 11 digits, the last one a Luhn check digit over the whole number (Agence du
  Numérique en Santé, Annuaire Santé, "identifiant RPPS": 11 chiffres dont une clé de
  Luhn).
* INS-NIR / NIA: 13 characters then a 2-digit key = 97 - (number mod 97); Corsican
  departments 2A and 2B count as 19 and 18 for the key (INSEE rule, also applied by the
  store's own check in `store/checks.py`). The first character is the sex/kind code;
  the accepted set (1, 2, 3, 7, 8) is the store's, so the form never accepts a number
  the store then refuses.
"""

from __future__ import annotations

import re

from icope_desktop.i18n import Text

RPPS_LENGTH = 11
NIR_LENGTH = 15

_SEPARATORS = re.compile(r"[\s.\-]+")
_NIR_SHAPE = re.compile(r"[12378]\d{4}(\d{2}|2A|2B)\d{8}")

NOT_DIGITS_RPPS = Text(
    fr="Le numéro RPPS ne contient que des chiffres.",
    en="An RPPS number contains digits only.",
)
BAD_LENGTH_RPPS = Text(
    fr="Le numéro RPPS comporte 11 chiffres ({count} saisis).",
    en="An RPPS number has 11 digits ({count} typed).",
)
BAD_KEY_RPPS = Text(
    fr="Numéro RPPS invalide : le dernier chiffre (clé de contrôle) ne correspond pas. "
    "Vérifiez la saisie sur la carte CPS ou l'Annuaire Santé.",
    en="Invalid RPPS number: the last digit (check key) does not match. Check it against "
    "the CPS card or the Annuaire Santé.",
)
NOT_DIGITS_NIR = Text(
    fr="L'INS ne contient que des chiffres (et 2A ou 2B pour une naissance en Corse).",
    en="The INS contains digits only (and 2A or 2B for a birth in Corsica).",
)
BAD_LENGTH_NIR = Text(
    fr="L'INS comporte 15 caractères, clé comprise ({count} saisis).",
    en="The INS has 15 characters including its key ({count} typed).",
)
BAD_SHAPE_NIR = Text(
    fr="Cet INS n'a pas la forme attendue : sexe (1 ou 2), année, mois, département, "
    "commune, rang, puis la clé.",
    en="This INS does not have the expected shape: sex (1 or 2), year, month, department, "
    "town, rank, then the key.",
)
BAD_KEY_NIR = Text(
    fr="La clé de l'INS (2 derniers chiffres) ne correspond pas : vérifiez la saisie sur "
    "la carte Vitale ou l'attestation.",
    en="The INS key (last 2 digits) does not match: check it against the Vitale card or "
    "the certificate.",
)


def compact(text: str) -> str:
    """Drop the spaces, dots and dashes people type between groups of digits."""
    return _SEPARATORS.sub("", text).upper()


def luhn_is_valid(digits: str) -> bool:
    """Luhn (mod 10) over a string of digits, the check digit last."""
    if not digits.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def luhn_check_digit(payload: str) -> str:
    """The digit that makes `payload + digit` Luhn-valid (tests and demo data use it)."""
    for candidate in "0123456789":
        if luhn_is_valid(payload + candidate):
            return candidate
    raise ValueError("payload must be digits")


def rpps_problem(text: str | None) -> Text | None:
    """None when empty or valid; otherwise the sentence for the field."""
    if text is None or not compact(text):
        return None
    number = compact(text)
    if not number.isdigit():
        return NOT_DIGITS_RPPS
    if len(number) != RPPS_LENGTH:
        return BAD_LENGTH_RPPS.format(count=str(len(number)))
    if not luhn_is_valid(number):
        return BAD_KEY_RPPS
    return None


def nir_key(body: str) -> int:
    """The 2-digit key of the first 13 characters (2A -> 19, 2B -> 18)."""
    return 97 - int(body.replace("2A", "19").replace("2B", "18")) % 97


def nir_problem(text: str | None) -> Text | None:
    """None when empty or valid; otherwise the sentence for the field."""
    if text is None or not compact(text):
        return None
    number = compact(text)
    without_corsica = number[:5] + number[5:7].replace("2A", "00").replace("2B", "00")
    if not (without_corsica + number[7:]).isdigit():
        return NOT_DIGITS_NIR
    if len(number) != NIR_LENGTH:
        return BAD_LENGTH_NIR.format(count=str(len(number)))
    if not _NIR_SHAPE.fullmatch(number):
        return BAD_SHAPE_NIR
    if nir_key(number[:13]) != int(number[13:]):
        return BAD_KEY_NIR
    return None
