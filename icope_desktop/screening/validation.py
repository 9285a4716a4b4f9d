"""Answer validation: one FR+EN message per bad field, naming the field and the fix.

Two levels (DESIGN.md "No forced choice"):
- always (drafts too): values of the wrong type, impossible values (`out_of_range`),
  values outside the spec §0 plausibility ranges that were not confirmed (`implausible`),
  unknown item ids, not-assessable entries with an unknown reason;
- `complete=True` (the UI's "finalize" check) adds visible required items without an
  answer (`missing_required`) and not-assessable entries whose reason was never chosen
  or whose reason asks for a precision (`invalid_reason`).

A validator never raises on odd input: anything that is not a valid answer becomes a
`FieldError` (property-tested in tests/screening/test_properties.py).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from typing import Any

from icope_desktop.i18n import Text
from icope_desktop.screening.acuity import AcuityParseError, parse_acuity_syntax
from icope_desktop.screening.answers import CONFIRMED_KEY, UNSPECIFIED_REASON, NotAssessable, exact
from icope_desktop.screening.errors import FieldError, FieldErrorCode
from icope_desktop.screening.model import Instrument, Item, ItemKind

MAX_TEXT_LENGTH = 2000


def field_name(item: Item) -> Text:
    """How a message names a question: its label and section as printed on the form,
    never its item id (a code nurses never see on screen; usability audit)."""
    if item.section is None or item.section.fr in item.label.fr:
        return Text(fr=f"« {item.label.fr} »", en=f"'{item.label.en}'")
    return Text(
        fr=f"{item.section.fr} – « {item.label.fr} »",
        en=f"{item.section.en} – '{item.label.en}'",
    )


def field_names(items: list[Item] | tuple[Item, ...]) -> Text:
    """Several questions of one form, by their labels (their sections would repeat)."""
    return Text(
        fr=", ".join(f"« {item.label.fr} »" for item in items),
        en=", ".join(f"'{item.label.en}'" for item in items),
    )


def fmt(value: int | float, lang: str) -> str:
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return text.replace(".", ",") if lang == "fr" else text


def _bound(value: int | float | None, lang: str) -> str:
    return "…" if value is None else fmt(value, lang)


def _unit(item: Item) -> str:
    return f" {item.unit}" if item.unit else ""


def _type_name(value: Any) -> Text:
    if value is None:
        return Text(fr="aucune valeur (null)", en="no value (null)")
    if isinstance(value, bool):
        return Text(fr="oui/non", en="yes/no")
    if isinstance(value, int | float):
        return Text(fr="un nombre", en="a number")
    if isinstance(value, str):
        return Text(fr="un texte", en="a text")
    if isinstance(value, list | tuple | set | frozenset):
        return Text(fr="une liste", en="a list")
    if isinstance(value, Mapping):
        return Text(fr="un objet", en="an object")
    return Text(fr="une valeur d'un autre type", en="a value of another type")


def _error(item: Item, code: str, fr: str, en: str) -> FieldError:
    name = field_name(item)
    return FieldError(item.id, code, Text(fr=f"{name.fr} : {fr}", en=f"{name.en}: {en}"))


def _expected(item: Item) -> Text:
    kind = item.kind
    if kind is ItemKind.CHOICE:
        fr = ", ".join(f"{o.value!r} ({o.label.fr})" for o in item.options)
        en = ", ".join(f"{o.value!r} ({o.label.en})" for o in item.options)
        return Text(fr=f"choisissez une des réponses {fr}", en=f"choose one of {en}")
    if kind is ItemKind.BOOLEAN:
        return Text(fr="répondez oui ou non (true/false)", en="answer yes or no (true/false)")
    if kind is ItemKind.INTEGER:
        return Text(fr="saisissez un nombre entier (ex. 2)", en="enter a whole number (e.g. 2)")
    if kind is ItemKind.DURATION:
        extra_fr = f", ou « {item.over_token} » si le test a été arrêté" if item.over_token else ""
        extra_en = f", or '{item.over_token}' if the test was stopped" if item.over_token else ""
        return Text(
            fr=f"saisissez une durée en secondes (ex. 4,82){extra_fr}",
            en=f"enter a time in seconds (e.g. 4.82){extra_en}",
        )
    if kind is ItemKind.DECIMAL:
        return Text(fr="saisissez un nombre (ex. 72,5)", en="enter a number (e.g. 72.5)")
    if kind is ItemKind.ACUITY:
        return Text(
            fr="saisissez une acuité comme 6/12, 20/40, 3/10, 0,5 ou une valeur logMAR",
            en="enter an acuity such as 6/12, 20/40, 3/10, 0.5 or a logMAR value",
        )
    return Text(fr="saisissez un texte", en="enter a text")


def _wrong_type(item: Item, value: Any) -> FieldError:
    got = _type_name(value)
    expected = _expected(item)
    if value is None:
        return _error(
            item,
            FieldErrorCode.WRONG_TYPE,
            f"aucune valeur ; {expected.fr}, ou laissez la question sans réponse "
            "(retirez-la) ou marquez-la « non évaluable ».",
            f"no value; {expected.en}, or leave the question unanswered (remove it) "
            "or mark it 'not assessable'.",
        )
    return _error(
        item,
        FieldErrorCode.WRONG_TYPE,
        f"reçu {got.fr} ; {expected.fr}.",
        f"got {got.en}; {expected.en}.",
    )


def check_value(item: Item, value: Any, confirmed: frozenset[str]) -> list[FieldError]:
    """Problems with one answer, whatever the other answers are."""
    if isinstance(value, NotAssessable):
        return _check_not_assessable(item, value)
    kind = item.kind
    if kind is ItemKind.CHOICE:
        if isinstance(value, bool) or not isinstance(value, str | int):
            return [_wrong_type(item, value)]
        if item.option(value) is None:
            expected = _expected(item)
            # A typed text may hold patient details: only numbers are echoed back.
            shown = f" {value}" if isinstance(value, int) and abs(value) < 10**6 else ""
            return [
                _error(
                    item,
                    FieldErrorCode.INVALID_CHOICE,
                    f"réponse{shown} inconnue ; {expected.fr}.",
                    f"unknown answer{shown}; {expected.en}.",
                )
            ]
        return []
    if kind is ItemKind.BOOLEAN:
        return [] if isinstance(value, bool) else [_wrong_type(item, value)]
    if kind is ItemKind.INTEGER:
        if isinstance(value, bool) or not isinstance(value, int):
            return [_wrong_type(item, value)]
        return _check_range(item, value, confirmed)
    if kind in (ItemKind.DECIMAL, ItemKind.DURATION):
        if kind is ItemKind.DURATION and item.over_token is not None and value == item.over_token:
            return []
        if isinstance(value, bool) or not isinstance(value, int | float):
            return [_wrong_type(item, value)]
        if isinstance(value, float) and not math.isfinite(value):
            expected = _expected(item)
            return [
                _error(
                    item,
                    FieldErrorCode.WRONG_TYPE,
                    f"valeur non numérique ({value}) ; {expected.fr}.",
                    f"not a usable number ({value}); {expected.en}.",
                )
            ]
        return _check_range(item, value, confirmed)
    if kind is ItemKind.ACUITY:
        if not isinstance(value, str):
            return [_wrong_type(item, value)]
        try:
            parse_acuity_syntax(value)
        except AcuityParseError:
            expected = _expected(item)
            return [
                _error(
                    item,
                    FieldErrorCode.WRONG_TYPE,
                    f"notation d'acuité illisible ; {expected.fr}.",
                    f"unreadable acuity notation; {expected.en}.",
                )
            ]
        return []
    # ItemKind.TEXT
    if not isinstance(value, str):
        return [_wrong_type(item, value)]
    limit = item.max_length or MAX_TEXT_LENGTH
    if len(value) > limit:
        return [
            _error(
                item,
                FieldErrorCode.OUT_OF_RANGE,
                f"texte trop long ({len(value)} caractères, maximum {limit}) ; raccourcissez-le.",
                f"text too long ({len(value)} characters, at most {limit}); shorten it.",
            )
        ]
    return []


def _check_range(item: Item, value: int | float, confirmed: frozenset[str]) -> list[FieldError]:
    number = exact(value)
    unit = _unit(item)
    low, high = item.min, item.max
    if (low is not None and number < exact(low)) or (high is not None and number > exact(high)):
        shown_fr = fmt(value, "fr") if abs(number) < 10**9 else "?"
        shown_en = fmt(value, "en") if abs(number) < 10**9 else "?"
        if low is not None and high is not None:
            limits_fr = f"entre {fmt(low, 'fr')} et {fmt(high, 'fr')}{unit}"
            limits_en = f"between {fmt(low, 'en')} and {fmt(high, 'en')}{unit}"
        elif low is not None:
            limits_fr = f"au moins {fmt(low, 'fr')}{unit}"
            limits_en = f"at least {fmt(low, 'en')}{unit}"
        else:
            assert high is not None
            limits_fr = f"au plus {fmt(high, 'fr')}{unit}"
            limits_en = f"at most {fmt(high, 'en')}{unit}"
        return [
            _error(
                item,
                FieldErrorCode.OUT_OF_RANGE,
                f"{shown_fr}{unit} est impossible ; la valeur doit être {limits_fr}. "
                "Corrigez la saisie.",
                f"{shown_en}{unit} is impossible; the value must be {limits_en}. "
                "Correct the entry.",
            )
        ]
    p_low, p_high = item.plausible_min, item.plausible_max
    outside = (p_low is not None and number < exact(p_low)) or (
        p_high is not None and number > exact(p_high)
    )
    if outside and item.id not in confirmed:
        range_fr = f"{_bound(p_low, 'fr')}–{_bound(p_high, 'fr')}{unit}"
        range_en = f"{_bound(p_low, 'en')}–{_bound(p_high, 'en')}{unit}"
        return [
            _error(
                item,
                FieldErrorCode.IMPLAUSIBLE,
                f"{fmt(value, 'fr')}{unit} est inhabituel (plage plausible {range_fr}). "
                "Corrigez la valeur, ou confirmez-la si elle est exacte.",
                f"{fmt(value, 'en')}{unit} is unusual (plausible range {range_en}). "
                "Correct the value, or confirm it if it is right.",
            )
        ]
    return []


def _reasons_text(item: Item) -> Text:
    return Text(
        fr=", ".join(f"« {r.code} » ({r.label.fr})" for r in item.reasons),
        en=", ".join(f"'{r.code}' ({r.label.en})" for r in item.reasons),
    )


def _check_not_assessable(item: Item, value: NotAssessable) -> list[FieldError]:
    if not item.not_assessable:
        return [
            _error(
                item,
                FieldErrorCode.NOT_ASSESSABLE_NOT_ALLOWED,
                "cette question ne peut pas être marquée « non évaluable » ; répondez-y ou "
                "laissez-la sans réponse.",
                "this question cannot be marked 'not assessable'; answer it or leave it "
                "unanswered.",
            )
        ]
    errors = []
    reason = value.reason
    known = isinstance(reason, str) and (
        reason == UNSPECIFIED_REASON or item.reason(reason) is not None
    )
    if not known:
        allowed = _reasons_text(item)
        errors.append(
            _error(
                item,
                FieldErrorCode.INVALID_REASON,
                f"motif de non-évaluation inconnu ; motifs possibles : {allowed.fr}.",
                f"unknown not-assessable reason; possible reasons: {allowed.en}.",
            )
        )
    if not isinstance(value.note, str):
        errors.append(
            _error(
                item,
                FieldErrorCode.WRONG_TYPE,
                "la précision du motif doit être un texte.",
                "the reason's note must be a text.",
            )
        )
    return errors


def _check_confirmed(instrument: Instrument, value: Any) -> tuple[frozenset[str], list[FieldError]]:
    message_fr = (
        "« _confirmed » doit être la liste des identifiants d'items dont la valeur inhabituelle "
        "a été confirmée"
    )
    message_en = "'_confirmed' must be the list of item ids whose unusual value was confirmed"
    if not isinstance(value, list | tuple | set | frozenset):
        return frozenset(), [
            FieldError(
                CONFIRMED_KEY,
                FieldErrorCode.WRONG_TYPE,
                Text(fr=f"{message_fr}.", en=f"{message_en}."),
            )
        ]
    ids = [v for v in value if isinstance(v, str)]
    unknown = [repr(v)[:40] for v in value if not instrument.has_item(v)]
    errors = []
    if unknown:
        errors.append(
            FieldError(
                CONFIRMED_KEY,
                FieldErrorCode.UNKNOWN_ITEM,
                Text(
                    fr=f"{message_fr} ; inconnus : {', '.join(unknown[:5])}.",
                    en=f"{message_en}; unknown: {', '.join(unknown[:5])}.",
                ),
            )
        )
    return frozenset(ids), errors


def _unknown_item(instrument: Instrument, key: Any) -> FieldError:
    shown = str(key)[:40] if isinstance(key, str) else repr(key)[:40]
    close = (
        difflib.get_close_matches(key, instrument.item_ids, n=3, cutoff=0.6)
        if isinstance(key, str)
        else []
    )
    hint_fr = f" Vouliez-vous dire {', '.join(close)} ?" if close else ""
    hint_en = f" Did you mean {', '.join(close)}?" if close else ""
    return FieldError(
        shown,
        FieldErrorCode.UNKNOWN_ITEM,
        Text(
            fr=f"« {shown} » n'est pas une question de {instrument.title.fr} ; "
            f"retirez-la.{hint_fr}",
            en=f"'{shown}' is not an item of {instrument.title.en}; remove it.{hint_en}",
        ),
    )


def check_answers(
    instrument: Instrument, answers: Any, *, complete: bool = False
) -> list[FieldError]:
    """Every problem in `answers` for `instrument` (empty list = valid)."""
    if not isinstance(answers, Mapping):
        return [
            FieldError(
                "_answers",
                FieldErrorCode.WRONG_TYPE,
                Text(
                    fr="Les réponses doivent être un dictionnaire {identifiant d'item: valeur}.",
                    en="Answers must be a dictionary {item id: value}.",
                ),
            )
        ]
    errors: list[FieldError] = []
    confirmed: frozenset[str] = frozenset()
    if CONFIRMED_KEY in answers:
        confirmed, confirmed_errors = _check_confirmed(instrument, answers[CONFIRMED_KEY])
        errors.extend(confirmed_errors)
    unknown = [key for key in answers if key != CONFIRMED_KEY and not instrument.has_item(key)]
    errors.extend(_unknown_item(instrument, key) for key in unknown)
    failed: set[str] = set()
    for item in instrument.items:
        if item.id in answers:
            item_errors = check_value(item, answers[item.id], confirmed)
            if item_errors:
                failed.add(item.id)
                errors.extend(item_errors)
    frozen_failed = frozenset(failed)
    for check in instrument.checks:
        errors.extend(check(answers, confirmed, frozen_failed))
    if complete:
        errors.extend(_check_complete(instrument, answers, frozen_failed))
    return errors


def _check_complete(
    instrument: Instrument, answers: Mapping[str, Any], failed: frozenset[str]
) -> list[FieldError]:
    errors = []
    for item in instrument.items:
        if item.id in failed or not item.is_visible(answers):
            continue
        value = answers.get(item.id)
        if item.id not in answers:
            if item.required:
                errors.append(
                    _error(
                        item,
                        FieldErrorCode.MISSING_REQUIRED,
                        "réponse nécessaire pour finaliser ; répondez ou marquez la question "
                        "« non évaluable » avec un motif.",
                        "an answer is needed to finalize; answer it or mark it 'not "
                        "assessable' with a reason.",
                    )
                )
        elif isinstance(value, NotAssessable):
            reason = item.reason(value.reason)
            if value.reason == UNSPECIFIED_REASON:
                allowed = _reasons_text(item)
                errors.append(
                    _error(
                        item,
                        FieldErrorCode.INVALID_REASON,
                        f"choisissez le motif de non-évaluation : {allowed.fr}.",
                        f"choose the not-assessable reason: {allowed.en}.",
                    )
                )
            elif reason is not None and reason.needs_note and not str(value.note).strip():
                errors.append(
                    _error(
                        item,
                        FieldErrorCode.INVALID_REASON,
                        f"le motif « {reason.label.fr} » demande une précision ; complétez-la.",
                        f"the reason '{reason.label.en}' needs a precision; fill it in.",
                    )
                )
    return errors
