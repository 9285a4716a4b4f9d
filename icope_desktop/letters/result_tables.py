"""The GP letter's two result tables, read from the instrument definitions.

STYLE.md §2: one instrument definition drives the form, the score and the letter. Item
labels, option labels and not-assessable reasons come from the `Instrument`; the score,
band, threshold and interpretation come from the `Result`. Nothing here restates a
clinical rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.lib.colors import Color

from icope_desktop.i18n import Lang, tr
from icope_desktop.letters.context import Assessment, LetterContext
from icope_desktop.letters.formats import colon, number, score_parts, semicolon
from icope_desktop.letters.styles import ALTERED, INK, NORMAL, NOT_EVALUATED
from icope_desktop.screening import Domain, DomainStatus, Item, ItemKind, get_instrument
from icope_desktop.screening.answers import NotAssessable


def status_color(status: DomainStatus | None) -> Color:
    if status is DomainStatus.ALTERED:
        return ALTERED
    if status is DomainStatus.NORMAL:
        return NORMAL
    return NOT_EVALUATED


def lower_first(text: str) -> str:
    """« Déficit visuel » → « déficit visuel » inside a sentence; « ORL » stays."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def answer_text(item: Item, value: Any, lang: Lang) -> str:
    """An answer as the form showed it: option label, Oui/Non, or number and unit."""
    if isinstance(value, NotAssessable):
        return tr("non évaluable", lang)
    if item.kind is ItemKind.CHOICE:
        option = item.option(value)
        return lower_first(option.label.get(lang)) if option is not None else str(value)
    if item.kind is ItemKind.BOOLEAN:
        return tr("oui", lang) if value is True else tr("non", lang)
    if isinstance(value, int | float) and not isinstance(value, bool):
        shown = number(value, lang)
        return f"{shown} {item.unit}" if item.unit else shown
    return str(value)


def item_with_answer(
    assessment: Assessment, item_id: str, lang: Lang, *, say_not_assessable: bool = True
) -> str:
    """« Lever de chaise ×5 : durée : 16,2 s »; for an item not assessable, its reason:
    « Lecture-exécution (non évaluable : déficit visuel) », or « Lecture-exécution
    (déficit visuel) » in a list already titled "not assessable"."""
    instrument = get_instrument(assessment.instrument_id)
    if not instrument.has_item(item_id):
        return item_id
    item = instrument.item(item_id)
    label = item.label.get(lang)
    sep = colon(lang)
    reason = assessment.not_assessable_reason(item_id)
    if reason is not None:
        why = lower_first(reason.get(lang))
        if not say_not_assessable:
            return f"{label} ({why})"
        return f"{label} ({tr('non évaluable', lang)}{sep}{why})"
    if item_id in assessment.answers:
        # a question already ends in "?": « … de plaisir ? oui », not « … ? : oui »
        between = " " if label.endswith("?") else sep
        return f"{label}{between}{answer_text(item, assessment.answers[item_id], lang)}"
    return label


@dataclass(frozen=True, slots=True)
class Step1Row:
    domain: Domain
    status: DomainStatus
    details: tuple[str, ...]


def step1_rows(assessment: Assessment, lang: Lang) -> list[Step1Row]:
    """Six rows in the spec's order, each with why it is altered or not evaluated."""
    result = assessment.result
    instrument = get_instrument("step1")
    triggers: dict[str, list[str]] = result.derived.get("triggers", {})
    rows = []
    for domain in Domain:
        status = result.domain_statuses.get(domain, DomainStatus.NOT_EVALUATED)
        details: list[str] = []
        if status is DomainStatus.ALTERED:
            details = [
                item_with_answer(assessment, i, lang) for i in triggers.get(domain.value, [])
            ]
        elif status is DomainStatus.NOT_EVALUATED:
            in_domain = [i for i in instrument.items if i.domain is domain]
            for item in in_domain:
                if item.id in result.not_assessable:
                    details.append(item_with_answer(assessment, item.id, lang))
                elif item.id in result.missing and item.required:
                    details.append(f"{item.label.get(lang)} ({tr('non renseigné', lang)})")
        rows.append(Step1Row(domain, status, tuple(details)))
    return rows


def step2_status(assessment: Assessment) -> DomainStatus | None:
    """The instrument's own verdict; None when undetermined (items missing)."""
    altered = assessment.result.altered
    if altered is True:
        return DomainStatus.ALTERED
    if altered is False:
        return DomainStatus.NORMAL
    return None


def step2_status_label(assessment: Assessment, lang: Lang) -> str:
    status = step2_status(assessment)
    if status is None:
        return tr("indéterminée", lang)
    return status.label.get(lang)


@dataclass(frozen=True, slots=True)
class Step2Row:
    title: str
    score: str
    score_detail: str | None
    band: str
    threshold: str
    status: str
    color: Color
    details: tuple[str, ...]


def step2_row(assessment: Assessment, lang: Lang) -> Step2Row:
    result = assessment.result
    instrument = get_instrument(assessment.instrument_id)
    band = "—"
    if result.band is not None:
        band = result.band.label.get(lang)
        if result.band.indicative and "indicati" not in band.lower():
            band = f"{band} ({tr('indicatif', lang)})"
    threshold = result.threshold.get(lang) if result.threshold is not None else "—"
    details: list[str] = []
    sep = colon(lang)
    if result.interpretation is not None:
        details.append(f"{tr('Interprétation', lang)}{sep}{result.interpretation.get(lang)}")
    if result.max_administrable is not None and result.max_total is not None and (
        result.max_administrable != result.max_total
    ):
        details.append(
            tr("Maximum administrable : {shown} sur {total} (items non évaluables)", lang).format(
                shown=result.max_administrable, total=result.max_total
            )
        )
    not_assessable = [
        item_with_answer(assessment, i, lang, say_not_assessable=False)
        for i in result.not_assessable
    ]
    if not_assessable:
        listed = semicolon(lang).join(not_assessable)
        details.append(f"{tr('Items non évaluables', lang)}{sep}{listed}")
    missing = [
        instrument.item(i).label.get(lang) if instrument.has_item(i) else i
        for i in result.missing
        if not instrument.has_item(i) or instrument.item(i).required
    ]
    if missing:
        listed = semicolon(lang).join(missing)
        details.append(f"{tr('Items non renseignés', lang)}{sep}{listed}")
    details.extend(note.get(lang) for note in result.notes)
    status = step2_status(assessment)
    score, score_detail = score_parts(result, lang)
    return Step2Row(
        title=result.title.get(lang),
        score=score,
        score_detail=score_detail,
        band=band,
        threshold=threshold,
        status=step2_status_label(assessment, lang),
        color=status_color(status) if status is not None else INK,
        details=tuple(details),
    )


def step2_rows(ctx: LetterContext, lang: Lang) -> list[Step2Row]:
    return [step2_row(assessment, lang) for assessment in ctx.step2]

