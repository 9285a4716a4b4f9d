"""Visual-acuity notations, conversions and the WHO ICD-11 categories (clinical spec §3.4).

Conversions ✅ [S31][S32]: Snellen (metres or feet) and Monoyer `a/b -> decimal = a/b`;
`logMAR = -log10(decimal)`. Comparisons are exact: a fraction stays a `Fraction` (6/18 is
exactly 1/3, so it is "mild", while Monoyer 3/10 = 0.3 is "moderate"), and a logMAR input
is compared with `-log10(boundary)` within a 1e-6 tolerance; rounded decimals are never
compared ("never compare on rounded decimals").

A plain number is ambiguous (0.3 decimal is 6/20, logMAR 0.3 is 6/12), so it is read
only under an explicit notation; fractions describe themselves.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction

from icope_desktop.i18n import Text


class Notation(StrEnum):
    SNELLEN_M = "snellen_m"
    SNELLEN_FT = "snellen_ft"
    MONOYER = "monoyer"
    DECIMAL = "decimal"
    LOGMAR = "logmar"


FRACTION_NOTATIONS = frozenset({Notation.SNELLEN_M, Notation.SNELLEN_FT, Notation.MONOYER})

DECIMAL_HARD = (Fraction(0), Fraction(4))  # exclusive low: 0 means no acuity measurable
DECIMAL_PLAUSIBLE = (Fraction(1, 100), Fraction(2))  # spec §0
LOGMAR_HARD = (Fraction(-1), Fraction(3))
LOGMAR_PLAUSIBLE = (Fraction(-3, 10), Fraction(17, 10))  # spec §0

_NUMBER = r"[+-]?\d+(?:[.,]\d+)?"
_FRACTION_RE = re.compile(rf"^({_NUMBER})\s*/\s*({_NUMBER})\s*(?:e|è|ème|eme)?$", re.IGNORECASE)
_NUMBER_RE = re.compile(rf"^({_NUMBER})$")
_LOGMAR_RE = re.compile(rf"^log\s*mar\s*:?\s*({_NUMBER})$", re.IGNORECASE)


class AcuityParseError(ValueError):
    """The text is not an acuity notation at all."""


class AcuityNotationError(ValueError):
    """The text is an acuity, but it cannot be read under the chosen notation."""

    def __init__(self, message: Text) -> None:
        self.message = message
        super().__init__(message.en)


@dataclass(frozen=True, slots=True)
class ParsedAcuity:
    """Syntax only: a fraction `a/b`, a plain number, or an explicitly prefixed logMAR."""

    fraction: tuple[Fraction, Fraction] | None = None
    number: Fraction | None = None
    explicit_logmar: bool = False


def _to_fraction(text: str) -> Fraction:
    try:
        return Fraction(Decimal(text.replace(",", ".")))
    except (InvalidOperation, ValueError) as exc:
        raise AcuityParseError(text) from exc


def parse_acuity_syntax(text: str) -> ParsedAcuity:
    cleaned = text.strip()
    if not cleaned or len(cleaned) > 24:
        raise AcuityParseError(text)
    match = _FRACTION_RE.match(cleaned)
    if match:
        numerator, denominator = _to_fraction(match[1]), _to_fraction(match[2])
        if denominator <= 0 or numerator < 0:
            raise AcuityParseError(text)
        return ParsedAcuity(fraction=(numerator, denominator))
    match = _LOGMAR_RE.match(cleaned)
    if match:
        return ParsedAcuity(number=_to_fraction(match[1]), explicit_logmar=True)
    match = _NUMBER_RE.match(cleaned)
    if match:
        return ParsedAcuity(number=_to_fraction(match[1]))
    raise AcuityParseError(text)


@dataclass(frozen=True, slots=True)
class Acuity:
    """One eye's acuity. `decimal` is exact when the input was a fraction or a decimal;
    for a logMAR input it is None and `logmar_exact` holds the typed value."""

    text: str
    decimal: Fraction | None
    logmar_exact: Fraction | None

    @property
    def decimal_value(self) -> float:
        if self.decimal is not None:
            return float(self.decimal)
        assert self.logmar_exact is not None
        return 10 ** (-float(self.logmar_exact))

    @property
    def logmar(self) -> float:
        if self.logmar_exact is not None:
            return float(self.logmar_exact)
        assert self.decimal is not None
        return -math.log10(self.decimal)

    def at_least(self, boundary: Fraction, tolerance: Fraction) -> bool:
        """decimal >= boundary, exactly (fraction) or on logMAR within the tolerance."""
        if boundary <= 0:
            return True
        if self.decimal is not None:
            return self.decimal >= boundary
        return self.logmar <= -math.log10(boundary) + float(tolerance)

    def sort_key(self) -> float:
        """Higher is better; only used to pick the better eye, never a boundary."""
        return -self.logmar

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "input": self.text,
            "decimal": self.decimal_value,
            "logmar": round(self.logmar, 3),
        }
        if self.decimal is not None:
            out["fraction"] = f"{self.decimal.numerator}/{self.decimal.denominator}"
        return out


def _notation_message(fr: str, en: str) -> AcuityNotationError:
    return AcuityNotationError(Text(fr=fr, en=en))


def resolve_acuity(text: str, notation: Notation | None) -> Acuity:
    """Read `text` under `notation` (None when the notation item is unanswered)."""
    parsed = parse_acuity_syntax(text)
    if parsed.fraction is not None:
        if notation is Notation.LOGMAR:
            raise _notation_message(
                "une fraction a été saisie alors que la notation choisie est logMAR ; "
                "saisissez la valeur logMAR (ex. 0,3) ou changez la notation",
                "a fraction was entered but the chosen notation is logMAR; enter the logMAR "
                "value (e.g. 0.3) or change the notation",
            )
        numerator, denominator = parsed.fraction
        return Acuity(text, numerator / denominator, None)
    assert parsed.number is not None
    if parsed.explicit_logmar or notation is Notation.LOGMAR:
        if notation not in (None, Notation.LOGMAR):
            raise _notation_message(
                "valeur logMAR saisie alors que la notation choisie est autre ; changez la "
                "notation",
                "a logMAR value was entered under another notation; change the notation",
            )
        return Acuity(text, None, parsed.number)
    if notation is Notation.DECIMAL:
        return Acuity(text, parsed.number, None)
    if notation in FRACTION_NOTATIONS:
        raise _notation_message(
            "écrivez l'acuité sous forme de fraction pour cette notation (ex. 6/12, 20/40, 5/10)",
            "write the acuity as a fraction for this notation (e.g. 6/12, 20/40, 5/10)",
        )
    raise _notation_message(
        "un nombre seul est ambigu (décimal ou logMAR ?) ; choisissez la notation",
        "a bare number is ambiguous (decimal or logMAR?); choose the notation",
    )


def range_problem(acuity: Acuity) -> tuple[str, tuple[Fraction, Fraction]] | None:
    """("out_of_range" | "implausible", plausible-or-hard range) for this value, or None."""
    if acuity.logmar_exact is not None:
        value = acuity.logmar_exact
        if not LOGMAR_HARD[0] <= value <= LOGMAR_HARD[1]:
            return "out_of_range", LOGMAR_HARD
        if not LOGMAR_PLAUSIBLE[0] <= value <= LOGMAR_PLAUSIBLE[1]:
            return "implausible", LOGMAR_PLAUSIBLE
        return None
    assert acuity.decimal is not None
    value = acuity.decimal
    if not (DECIMAL_HARD[0] < value <= DECIMAL_HARD[1]):
        return "out_of_range", DECIMAL_HARD
    if not DECIMAL_PLAUSIBLE[0] <= value <= DECIMAL_PLAUSIBLE[1]:
        return "implausible", DECIMAL_PLAUSIBLE
    return None
