"""Folding of French names for search and duplicate detection.

Accents, case, hyphens and apostrophes vary with whoever typed a name ("Marie-Thérèse",
"MARIE THERESE", "d'Aubigné"); rapidfuzz compares code points and does not fold, so the
store folds first (DESIGN.md "Local store": "fold accents and case yourself").
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_DATE_SEPARATORS = re.compile(r"[/.\-]")


def fold(text: str) -> str:
    """Lower-case ASCII words separated by single spaces: "Lefèvre-d'Ô" -> "lefevre d o"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_ALNUM.sub(" ", stripped.casefold()).strip()


def tokens(text: str | None) -> list[str]:
    return fold(text).split() if text else []


def birth_date_key(value: date) -> str:
    """ddmmyyyy, the order in which French users type a birth date."""
    return value.strftime("%d%m%Y")


def is_date_query(token: str) -> bool:
    return bool(token) and token[0].isdigit() and all(ch.isdigit() or ch in "/.-" for ch in token)


def birth_date_prefix(token: str) -> str | None:
    """The ddmmyyyy prefix for a typed date or date prefix, or None if it cannot be one.

    "12/03/1945" -> "12031945"; "1/3/19" -> "010319"; "12/0" -> "120"; "1203" -> "1203".
    A part followed by a separator is complete, so a one-digit day or month is padded.
    """
    parts = _DATE_SEPARATORS.split(token)
    if len(parts) > 3 or any(not p.isdigit() for p in parts[:-1]):
        return None
    digits: list[str] = []
    for index, part in enumerate(parts):
        complete = index < len(parts) - 1
        if index < 2 and complete:
            if not 1 <= len(part) <= 2:
                return None
            digits.append(part.zfill(2))
        else:
            digits.append(part)
    key = "".join(digits)
    if len(key) > 8 or (key and not key.isdigit()):
        return None
    return key


def prefix_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with `prefix` (ASCII)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)
