"""Answers: a plain dict keyed by item id, and the "not assessable" marker.

Answers are what the store keeps (one JSON column) and what every layer passes around:
`{"Q1": 2, "B1": 10.0, "F1_weight_kg": NotAssessable("bedridden")}`. An item that has no
key is *missing*; it is never read as 0 (clinical spec §0 "Missing vs zero"). The reserved
key `_confirmed` lists the item ids whose out-of-plausible-range value the professional
confirmed (spec §0 "Input validation ranges").

The helpers below read raw, unvalidated answers without ever raising: `visible_if`
predicates and cross-field checks use them on whatever the UI holds at the moment.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, TypeGuard

from icope_desktop.i18n import Text
from icope_desktop.screening.errors import FieldError, FieldErrorCode, ValidationError

CONFIRMED_KEY = "_confirmed"
UNSPECIFIED_REASON = "unspecified"
"""The reason of `NOT_ASSESSABLE`: accepted in a draft, refused by `validate(complete=True)`."""

Answers = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class NotAssessable:
    """An item that was not done, with the reason code (one of the item's `reasons`).

    `note` is free text ("other (specify)"); it may hold clinical detail, so it is never
    copied into error messages or logs.
    """

    reason: str = UNSPECIFIED_REASON
    note: str = ""

    def to_json(self) -> dict[str, dict[str, str]]:
        return {"not_assessable": {"reason": self.reason, "note": self.note}}


NOT_ASSESSABLE = NotAssessable()
"""Marks an item not assessable before a reason is chosen (a draft may hold it)."""


def answers_to_json(answers: Answers) -> dict[str, Any]:
    """JSON-ready copy: NotAssessable becomes `{"not_assessable": {"reason", "note"}}`."""
    out: dict[str, Any] = {}
    for key, value in answers.items():
        if isinstance(value, NotAssessable):
            out[key] = value.to_json()
        elif key == CONFIRMED_KEY and isinstance(value, list | tuple | set | frozenset):
            out[key] = sorted(str(v) for v in value)
        else:
            out[key] = value
    return out


def answers_from_json(data: Mapping[str, Any]) -> dict[str, Any]:
    """Inverse of `answers_to_json`; a malformed not-assessable entry is a ValidationError."""
    if not isinstance(data, Mapping):
        raise ValidationError(
            [
                FieldError(
                    "_answers",
                    FieldErrorCode.WRONG_TYPE,
                    Text(
                        fr="Les réponses doivent être un objet JSON (clé = identifiant d'item).",
                        en="Answers must be a JSON object (key = item id).",
                    ),
                )
            ]
        )
    out: dict[str, Any] = {}
    errors: list[FieldError] = []
    for key, value in data.items():
        if isinstance(value, Mapping) and "not_assessable" in value:
            body = value["not_assessable"]
            if (
                len(value) == 1
                and isinstance(body, Mapping)
                and isinstance(body.get("reason", UNSPECIFIED_REASON), str)
                and isinstance(body.get("note", ""), str)
                and set(body) <= {"reason", "note"}
            ):
                out[key] = NotAssessable(
                    reason=body.get("reason", UNSPECIFIED_REASON), note=body.get("note", "")
                )
                continue
            errors.append(
                FieldError(
                    str(key),
                    FieldErrorCode.WRONG_TYPE,
                    Text(
                        fr=f"« {key!s:.60} » : entrée « non évaluable » mal formée "
                        '(attendu {"not_assessable": {"reason": …, "note": …}}).',
                        en=f"'{key!s:.60}': malformed not-assessable entry "
                        '(expected {"not_assessable": {"reason": …, "note": …}}).',
                    ),
                )
            )
            continue
        out[key] = list(value) if key == CONFIRMED_KEY and isinstance(value, list) else value
    if errors:
        raise ValidationError(errors)
    return out


def is_number(value: object) -> TypeGuard[int | float]:
    """An int or a finite float, and not a bool (True is an int in Python)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and math.isfinite(value)


def exact(value: int | float | str | Fraction | Decimal) -> Fraction:
    """The decimal value as typed, exactly: 48.64 -> 4864/100, not the binary float.

    `str(float)` is the shortest repr that reads back to the same float, i.e. what the
    user typed; boundaries (BMI 19, SPPB 4.82 s) then compare exactly (spec §3.4).
    """
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int | Decimal):
        return Fraction(value)
    return Fraction(Decimal(str(value)))


def round_time(value: int | float) -> Fraction:
    """Half-up to 0.01 s before scoring (clinical spec §0, PROJECT RULE)."""
    quantized = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return Fraction(quantized)


def raw_number(answers: Answers, item_id: str) -> Fraction | None:
    """The exact number under `item_id`, or None for anything else (never raises)."""
    try:
        value = answers.get(item_id)
    except (AttributeError, TypeError):
        return None
    if not is_number(value):
        return None
    try:
        return exact(value)
    except (InvalidOperation, ValueError, OverflowError):
        return None


def raw_time(answers: Answers, item_id: str) -> Fraction | None:
    """Like `raw_number`, rounded as a stopwatch time (spec §0)."""
    try:
        value = answers.get(item_id)
    except (AttributeError, TypeError):
        return None
    if not is_number(value):
        return None
    try:
        return round_time(value)
    except (InvalidOperation, ValueError, OverflowError):
        return None


def raw_is(answers: Answers, item_id: str, expected: object) -> bool:
    """True when the answer equals `expected` with the same type (so True is not 1)."""
    try:
        value = answers.get(item_id)
    except (AttributeError, TypeError):
        return False
    return type(value) is type(expected) and value == expected


def raw_has(answers: Answers, item_id: str) -> bool:
    try:
        return item_id in answers
    except TypeError:
        return False


def to_number(value: Fraction) -> int | float:
    """A JSON number: int when whole, else float (the halves of the MNA are exact)."""
    if value.denominator == 1:
        return int(value)
    return float(value)
