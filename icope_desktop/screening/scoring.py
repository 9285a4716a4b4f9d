"""The two entry points on answers: `validate` and `score`.

`score` validates first, so a wrong type, an impossible value or an unconfirmed
implausible value raises `ValidationError` and never yields a silent partial score;
missing items are not errors: the result lists them and says whether the total still
stands (clinical spec §0 "Missing vs zero").
"""

from __future__ import annotations

from datetime import date
from typing import Any

from icope_desktop.i18n import Text
from icope_desktop.screening.config import ScoringContext, Thresholds, thresholds_for
from icope_desktop.screening.errors import FieldError, FieldErrorCode, ValidationError
from icope_desktop.screening.registry import get_instrument
from icope_desktop.screening.responses import Responses
from icope_desktop.screening.results import Result
from icope_desktop.screening.validation import check_answers

MAX_AGE_YEARS = 130


def validate(instrument_id: str, answers: Any, *, complete: bool = False) -> None:
    """Raise `ValidationError` listing every bad field; `complete=True` is the UI's
    "finalize" check (missing required answers and unchosen reasons are reported too).
    A draft may always be saved whatever this says."""
    instrument = get_instrument(instrument_id)
    errors = check_answers(instrument, answers, complete=complete)
    if errors:
        raise ValidationError(errors)


def score(instrument_id: str, answers: Any, context: ScoringContext | None = None) -> Result:
    """Score one instrument's answers under the current ruleset."""
    instrument = get_instrument(instrument_id)
    errors = check_answers(instrument, answers) + _check_context(context)
    if errors:
        raise ValidationError(errors)
    context = context or ScoringContext()
    return instrument.scorer(Responses(instrument, answers), context, thresholds_for(context))


def _check_context(context: Any) -> list[FieldError]:
    if context is None:
        return []
    if not isinstance(context, ScoringContext):
        return [
            FieldError(
                "_context",
                FieldErrorCode.WRONG_TYPE,
                Text(
                    fr="Le contexte de cotation doit être un ScoringContext (âge, date de visite).",
                    en="The scoring context must be a ScoringContext (age, visit date).",
                ),
            )
        ]
    errors = []
    age = context.age_years
    if age is not None and (isinstance(age, bool) or not isinstance(age, int)):
        errors.append(
            FieldError(
                "_context.age_years",
                FieldErrorCode.WRONG_TYPE,
                Text(
                    fr="L'âge doit être un nombre entier d'années.",
                    en="Age must be a whole number of years.",
                ),
            )
        )
    elif age is not None and not 0 <= age <= MAX_AGE_YEARS:
        errors.append(
            FieldError(
                "_context.age_years",
                FieldErrorCode.OUT_OF_RANGE,
                Text(
                    fr=f"Âge impossible ({age} ans) ; vérifiez la date de naissance.",
                    en=f"Impossible age ({age} years); check the birth date.",
                ),
            )
        )
    if context.visit_date is not None and not isinstance(context.visit_date, date):
        errors.append(
            FieldError(
                "_context.visit_date",
                FieldErrorCode.WRONG_TYPE,
                Text(
                    fr="La date de visite doit être une date.", en="The visit date must be a date."
                ),
            )
        )
    if context.thresholds is not None and not isinstance(context.thresholds, Thresholds):
        errors.append(
            FieldError(
                "_context.thresholds",
                FieldErrorCode.WRONG_TYPE,
                Text(
                    fr="Les seuils doivent venir de load_thresholds().",
                    en="Thresholds must come from load_thresholds().",
                ),
            )
        )
    return errors
