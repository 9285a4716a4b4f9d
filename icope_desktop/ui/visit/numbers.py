"""Reading and writing numbers the way the practitioner types them.

French uses a decimal comma ("12,5 kg"), English a point; both are accepted whatever the
language, because a laptop's keypad types a point. Parsing never guesses: text that is
not a number is refused with a sentence, and nothing is saved (issue 4).
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

from icope_desktop.i18n import _, current_language

_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


class NumberError(ValueError):
    """The text is not a number; `message` is the sentence shown next to the field."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def _not_a_number() -> NumberError:
    return NumberError(_("Saisissez un nombre (chiffres, virgule décimale : ex. 12,5)."))


def parse_decimal(text: str) -> float:
    cleaned = text.strip().replace(" ", "").replace("\u202f", "").replace("\xa0", "")
    if not _NUMBER.match(cleaned):
        raise _not_a_number()
    try:
        value = float(Decimal(cleaned.replace(",", ".")))
    except (InvalidOperation, ValueError):
        raise _not_a_number() from None
    if not math.isfinite(value):
        raise _not_a_number()
    return value


def parse_integer(text: str) -> int:
    cleaned = text.strip()
    if not re.fullmatch(r"[+-]?\d+", cleaned):
        raise NumberError(_("Saisissez un nombre entier (ex. 3)."))
    return int(cleaned)


def format_number(value: float | int, decimals: int | None = None) -> str:
    """`12,5` in French, `12.5` in English; at most `decimals` places, no trailing zeros."""
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    else:
        places = 2 if decimals is None else decimals
        text = f"{value:.{places}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") if current_language() == "fr" else text


def colon() -> str:
    """French typography puts a space before the colon; English does not."""
    return " : " if current_language() == "fr" else ": "


def format_fixed(value: float, places: int) -> str:
    """Always `places` decimals (a stopwatch shows 4,20 s, not 4,2 s)."""
    text = f"{value:.{places}f}"
    return text.replace(".", ",") if current_language() == "fr" else text
