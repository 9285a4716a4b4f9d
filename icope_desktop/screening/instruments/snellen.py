"""Visual acuity (Snellen / Monoyer / decimal / logMAR), clinical spec §3.4.

Presenting distance acuity per eye (`VA_OD`, `VA_OG`, optional binocular `VA_OU`) as
typed on the chart ("6/12", "20/40", "3/10", "0,5", "0.3" in logMAR) under the notation
`VA_notation`; `VA_correction` records whether the usual correction was worn; near vision
is `VA_near_notation` (N, M or Parinaud at 40 cm) + `VA_near_value`.

Classification: WHO ICD-11 categories on the better eye ✅ [S30], compared exactly (see
`acuity.py`). Vision altered if the better eye is worse than 6/12 (PROJECT RULE, ICD-11
boundary; the ICOPE handbook chart cut-off is ❌ not verified) or there is near vision
impairment (worse than N6 or M0.8; no verified Parinaud equivalent, so a Parinaud value
is recorded with « interprétation non disponible »).

Missing (spec §3.4): an eye not testable for a reason of the eye itself (prosthesis, no
light perception, counts fingers or less) is recorded and the other eye is the better
eye. PROJECT RULE: both eyes not testable for such reasons → vision altered (no
category); an eye missing for another reason leaves the better eye unknown, so the
result is decided only when the measured eye already reaches 6/12.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from icope_desktop.i18n import Text
from icope_desktop.screening.acuity import (
    Acuity,
    AcuityNotationError,
    AcuityParseError,
    Notation,
    range_problem,
    resolve_acuity,
)
from icope_desktop.screening.answers import Answers
from icope_desktop.screening.codes import project
from icope_desktop.screening.config import ScoringContext, Thresholds
from icope_desktop.screening.errors import FieldError, FieldErrorCode
from icope_desktop.screening.model import Domain, Instrument, Item, ItemKind, Option, Reason
from icope_desktop.screening.responses import ItemStatus, Responses
from icope_desktop.screening.results import Band, Result, build_result
from icope_desktop.screening.validation import field_name
from icope_desktop.screening.wording import num

V = Domain.VISION
DISTANCE = Text(fr="Vision de loin", en="Distance vision")
NEAR = Text(fr="Vision de près (40 cm)", en="Near vision (40 cm)")
EYES = ("VA_OD", "VA_OG")

EYE_REASONS = (
    Reason("prosthesis", Text(fr="Prothèse oculaire", en="Ocular prosthesis"), True),
    Reason(
        "no_light_perception",
        Text(fr="Pas de perception lumineuse", en="No light perception"),
        True,
    ),
    Reason(
        "counts_fingers_or_less",
        Text(fr="Compte les doigts ou moins (hors échelle)", en="Counts fingers or less"),
        True,
    ),
    Reason("refused", Text(fr="Refus", en="Refused")),
    Reason("other", Text(fr="Autre motif (préciser)", en="Other (specify)"), needs_note=True),
)

NOTATIONS = (
    Option(Notation.SNELLEN_M.value, Text(fr="Snellen, mètres (6/x)", en="Snellen, metres (6/x)")),
    Option(Notation.SNELLEN_FT.value, Text(fr="Snellen, pieds (20/x)", en="Snellen, feet (20/x)")),
    Option(Notation.MONOYER.value, Text(fr="Monoyer (x/10)", en="Monoyer (x/10)")),
    Option(Notation.DECIMAL.value, Text(fr="Décimale (ex. 0,5)", en="Decimal (e.g. 0.5)")),
    Option(Notation.LOGMAR.value, Text(fr="logMAR (ex. 0,3)", en="logMAR (e.g. 0.3)")),
)
NEAR_NOTATIONS = (
    Option("N", Text(fr="Échelle N (ex. N6)", en="N scale (e.g. N6)")),
    Option("M", Text(fr="Échelle M (ex. 0,8 M)", en="M scale (e.g. 0.8 M)")),
    Option("parinaud", Text(fr="Parinaud (ex. P2)", en="Parinaud (e.g. P2)")),
)


def _near_chosen(answers: Answers) -> bool:
    try:
        return answers.get("VA_near_notation") in ("N", "M", "parinaud")
    except (AttributeError, TypeError):
        return False


def _eye(item_id: str, fr: str, en: str, required: bool = True) -> Item:
    return Item(
        item_id, Text(fr=fr, en=en), ItemKind.ACUITY, section=DISTANCE, domain=V,
        required=required, scored=required, not_assessable=True, reasons=EYE_REASONS,
    )  # fmt: skip


ITEMS = (
    Item(
        "VA_notation", Text(fr="Notation de l'échelle", en="Chart notation"), ItemKind.CHOICE,
        options=NOTATIONS, section=DISTANCE, domain=V, scored=False,
    ),
    Item(
        "VA_correction", Text(fr="Correction", en="Correction"), ItemKind.CHOICE,
        options=(
            Option("sans", Text(fr="Sans correction", en="Without correction")),
            Option("avec_correction_habituelle",
                   Text(fr="Avec la correction habituelle", en="With usual correction")),
        ),
        section=DISTANCE, domain=V, required=False, scored=False,
    ),
    Item(
        "VA_distance_m", Text(fr="Distance du test", en="Test distance"), ItemKind.DECIMAL,
        min=0.3, max=20, unit="m", decimals=1, section=DISTANCE, domain=V, required=False,
        scored=False,
    ),
    _eye("VA_OD", "Acuité de loin, œil droit (OD)", "Distance acuity, right eye (OD)"),
    _eye("VA_OG", "Acuité de loin, œil gauche (OG)", "Distance acuity, left eye (OS)"),
    _eye("VA_OU", "Acuité de loin, binoculaire", "Distance acuity, both eyes", required=False),
    Item(
        "VA_near_notation", Text(fr="Vision de près : échelle", en="Near vision: chart"),
        ItemKind.CHOICE, options=NEAR_NOTATIONS, section=NEAR, domain=V, required=False,
        scored=False,
    ),
    Item(
        "VA_near_value", Text(fr="Vision de près : valeur lue", en="Near vision: value read"),
        ItemKind.DECIMAL, min=0, max=100, unit="N/M/P", decimals=1, section=NEAR, domain=V,
        visible_if=_near_chosen, not_assessable=True, reasons=EYE_REASONS,
    ),
)  # fmt: skip


def _notation(answers: Mapping[str, Any]) -> Notation | None:
    value = answers.get("VA_notation")
    known = {n.value for n in Notation}
    return Notation(value) if isinstance(value, str) and value in known else None


def check_acuities(
    answers: Mapping[str, Any], confirmed: frozenset[str], failed: frozenset[str]
) -> list[FieldError]:
    """Each eye's text must read under the chosen notation and stay in range (spec §0:
    decimal 0.01–2.0, logMAR −0.3 to 1.7 need confirmation outside)."""
    errors = []
    notation = _notation(answers) if "VA_notation" not in failed else None
    for item_id in (*EYES, "VA_OU"):
        value = answers.get(item_id)
        if item_id in failed or not isinstance(value, str):
            continue
        name = field_name(SNELLEN_ITEMS[item_id])
        try:
            acuity = resolve_acuity(value, notation)
        except AcuityNotationError as exc:
            errors.append(
                FieldError(
                    item_id,
                    FieldErrorCode.INCONSISTENT,
                    Text(fr=f"{name.fr} : {exc.message.fr}.", en=f"{name.en}: {exc.message.en}."),
                )
            )
            continue
        except AcuityParseError:
            continue  # already reported by the item check
        problem = range_problem(acuity)
        if problem is None:
            continue
        code, (low, high) = problem
        scale = "logMAR" if acuity.logmar_exact is not None else "décimale"
        scale_en = "logMAR" if acuity.logmar_exact is not None else "decimal"
        if code == "out_of_range":
            errors.append(
                FieldError(
                    item_id,
                    FieldErrorCode.OUT_OF_RANGE,
                    Text(
                        fr=f"{name.fr} : acuité impossible en {scale} (limites {num(low, 'fr')} à "
                        f"{num(high, 'fr')}) ; corrigez, ou marquez l'œil non évaluable.",
                        en=f"{name.en}: impossible {scale_en} acuity (limits {num(low, 'en')} to "
                        f"{num(high, 'en')}); correct it, or mark the eye not assessable.",
                    ),
                )
            )
        elif item_id not in confirmed:
            errors.append(
                FieldError(
                    item_id,
                    FieldErrorCode.IMPLAUSIBLE,
                    Text(
                        fr=f"{name.fr} : acuité inhabituelle en {scale} (plage plausible "
                        f"{num(low, 'fr')} à {num(high, 'fr')}) ; corrigez, ou confirmez-la.",
                        en=f"{name.en}: unusual {scale_en} acuity (plausible range "
                        f"{num(low, 'en')} to {num(high, 'en')}); correct it, or confirm it.",
                    ),
                )
            )
    return errors


CATEGORY_LABELS = {
    "none": Text(fr="pas de déficience visuelle", en="no visual impairment"),
    "mild": Text(fr="déficience visuelle légère", en="mild visual impairment"),
    "moderate": Text(fr="déficience visuelle modérée", en="moderate visual impairment"),
    "severe": Text(fr="déficience visuelle sévère", en="severe visual impairment"),
    "blindness": Text(fr="cécité", en="blindness"),
}


def category(acuity: Acuity, thresholds: Thresholds) -> str:
    rules = thresholds.snellen
    for code, floor in reversed(rules.categories.floors):
        if acuity.at_least(floor, rules.logmar_tolerance):
            return code
    return rules.categories.floors[0][0]


def _better(eyes: dict[str, Acuity]) -> tuple[str, Acuity]:
    """The better eye: exact comparison when both are fractions, logMAR otherwise."""
    (id_a, a), (id_b, b) = eyes.items()
    if a.decimal is not None and b.decimal is not None:
        return (id_a, a) if a.decimal >= b.decimal else (id_b, b)
    return (id_a, a) if a.sort_key() >= b.sort_key() else (id_b, b)


def _near(responses: Responses, thresholds: Thresholds) -> tuple[bool | None, Text | None]:
    chart = responses.value("VA_near_notation")
    value = responses.number("VA_near_value")
    if chart is None or value is None:
        return None, None
    limit = thresholds.snellen.near.get(chart)
    if limit is None:
        return None, Text(
            fr="Vision de près en Parinaud : pas d'équivalence vérifiée avec N6, "
            "interprétation non disponible.",
            en="Near vision in Parinaud: no verified N6 equivalent, interpretation not "
            "available.",
        )
    return value > limit, None


def score_snellen(responses: Responses, context: ScoringContext, thresholds: Thresholds) -> Result:
    rules = thresholds.snellen
    notation = _notation(responses.raw) if responses.answered("VA_notation") else None
    measured: dict[str, Acuity] = {}
    derived_eyes: dict[str, Any] = {}
    not_testable: list[str] = []
    for item_id in (*EYES, "VA_OU"):
        value = responses.value(item_id)
        if isinstance(value, str):
            acuity = resolve_acuity(value, notation)
            derived_eyes[item_id] = acuity.to_json() | {"category": category(acuity, thresholds)}
            if item_id != "VA_OU":
                measured[item_id] = acuity
        elif responses.status(item_id) is ItemStatus.NOT_ASSESSABLE:
            reason = responses.reason(item_id)
            derived_eyes[item_id] = {"not_assessable": reason.code if reason else "unspecified"}
            if item_id != "VA_OU" and responses.is_capacity_related(item_id):
                not_testable.append(item_id)
        else:
            derived_eyes[item_id] = None
    unknown = [e for e in EYES if e not in measured and e not in not_testable]

    better_id: str | None = None
    better: Acuity | None = None
    if len(measured) == 2:
        better_id, better = _better(measured)
    elif len(measured) == 1 and not unknown:
        better_id, better = next(iter(measured.items()))
    near_vi, near_note = _near(responses, thresholds)

    distance_altered: bool | None
    code: str | None = None
    if better is not None:
        code = category(better, thresholds)
        distance_altered = not better.at_least(rules.altered_below_decimal, rules.logmar_tolerance)
    elif len(not_testable) == 2:
        distance_altered = True
    elif measured and next(iter(measured.values())).at_least(
        rules.altered_below_decimal, rules.logmar_tolerance
    ):
        distance_altered = False  # the unknown eye can only be better
    else:
        distance_altered = None

    if distance_altered or near_vi:
        altered: bool | None = True
    elif distance_altered is False:
        altered = False
    else:
        altered = None
    derived: dict[str, Any] = {
        "notation": notation.value if notation else None,
        "correction": responses.value("VA_correction"),
        "eyes": derived_eyes,
        "better_eye": better_id,
        "better_eye_decimal": better.decimal_value if better else None,
        "better_eye_logmar": round(better.logmar, 3) if better else None,
        "category": code,
        "near_vi": near_vi,
        "near_notation": responses.value("VA_near_notation"),
        "near_value": _plain(responses.number("VA_near_value")),
    }
    band = Band(code, CATEGORY_LABELS[code]) if code else None
    if band is not None:
        interpretation = Text(
            fr=f"Meilleur œil : {band.label.fr}.", en=f"Better eye: {band.label.en}."
        )
    elif len(not_testable) == 2:
        interpretation = Text(
            fr="Les deux yeux sont non mesurables (prothèse, pas de perception lumineuse ou "
            "hors échelle).",
            en="Both eyes cannot be measured (prosthesis, no light perception or off chart).",
        )
    elif distance_altered is False:
        interpretation = Text(
            fr="Un œil atteint 6/12 : pas de déficience de loin (autre œil non mesuré).",
            en="One eye reaches 6/12: no distance impairment (other eye not measured).",
        )
    else:
        interpretation = Text(
            fr="Non calculable : acuité des deux yeux nécessaire.",
            en="Not computable: both eyes' acuity is needed.",
        )
    near_limits = rules.near
    threshold = Text(
        fr=f"altérée si le meilleur œil est inférieur à 6/12 (décimale < "
        f"{num(rules.altered_below_decimal, 'fr')}) ou vision de près moins bonne que "
        f"N{num(near_limits['N'] or 0, 'fr')} / M{num(near_limits['M'] or 0, 'fr')}",
        en=f"altered if the better eye is worse than 6/12 (decimal < "
        f"{num(rules.altered_below_decimal, 'en')}) or near vision worse than "
        f"N{num(near_limits['N'] or 0, 'en')} / M{num(near_limits['M'] or 0, 'en')}",
    )
    return build_result(
        SNELLEN,
        responses,
        valid=altered is not None and (better is not None or len(not_testable) == 2),
        altered=altered,
        band=band,
        derived=derived,
        interpretation=interpretation,
        threshold=threshold,
        notes=[near_note] if near_note else [],
    )


def _plain(value: Fraction | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value.denominator == 1 else float(value)


SNELLEN_ITEMS = {item.id: item for item in ITEMS}

SNELLEN = Instrument(
    id="snellen",
    title=Text(fr="Acuité visuelle (Snellen / Monoyer)", en="Visual acuity (Snellen / Monoyer)"),
    step=2,
    domain=V,
    items=ITEMS,
    max_total=None,
    scorer=score_snellen,
    licence_notice=Text(
        fr="Échelles de Monoyer et de Snellen : conventions de mesure ; l'application n'affiche "
        "pas d'optotypes (échelle imprimée à la distance standard).",
        en="Monoyer and Snellen charts: measurement conventions; the app shows no optotypes "
        "(printed chart at the standard distance).",
    ),
    codes={
        "panel": project("visual-acuity", "Presenting visual acuity"),
        "better_eye_decimal": project("va-better-eye-decimal", "Better-eye decimal acuity"),
        "category": project("va-icd11-category", "ICD-11 distance vision impairment category"),
    },
    checks=(check_acuities,),
)
