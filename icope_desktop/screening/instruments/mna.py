"""MNA® short form (MNA-SF, max 14) and full MNA (max 30), clinical spec §3.2.

Items are identifiers plus short labels (the Nestlé form is not reproduced, §7). BMI is
derived, never typed: `F1_weight_kg` / (`F1_height_cm`/100)², classified on the
unrounded value and shown with 1 decimal (spec §0). K (protein markers) is flattened into
`K_dairy`, `K_legumes_eggs`, `K_meat`.

MNA-SF ✅ [S17]: F1 (BMI) or, only when BMI is not available, F2 (calf circumference);
if both are entered F1 is used and F2 ignored with a note. Bands 12–14 normal, 8–11 at
risk, 0–7 malnourished; vitality altered if ≤ 11; ALERT_MALNUTRITION if ≤ 7.

Full MNA ✅ [S18]: A–F with F = BMI only, plus G–R. Bands 24–30 normal, 17–23.5 at risk,
< 17 malnourished (the Nestlé form bands, not the NINDS "> 23.5" wording); vitality
altered if < 24; ALERT_MALNUTRITION if < 17. Without BMI the full MNA total is not
computable (⚠️ PROJECT RULE, pending the Nestlé user guide): use the MNA-SF with F2.

Missing (PROJECT RULE §3.2): MNA items have no "not attempted" value (B "doesn't know"
is a real answer worth 1); any missing item → no total, bounds shown; the band and
`altered` are still given when both bounds agree. Only measurements (weight, height,
circumferences) may be marked not assessable, with a reason.

Plausibility (spec §0): weight 25–250 kg, height 120–210 cm, calf 15–60 cm, mid-arm
10–50 cm. PROJECT RULE: a BMI outside 12–60 kg/m² also needs confirmation, which catches
typing slips that each field alone lets through (200 kg for 165 cm).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from icope_desktop.i18n import Text
from icope_desktop.screening import alerts
from icope_desktop.screening.answers import Answers, raw_number
from icope_desktop.screening.codes import loinc, project
from icope_desktop.screening.config import ScoringContext, Thresholds
from icope_desktop.screening.errors import FieldError, FieldErrorCode
from icope_desktop.screening.model import Domain, Instrument, Item, ItemKind, Option, Reason
from icope_desktop.screening.responses import Responses
from icope_desktop.screening.results import Band, Result, build_result
from icope_desktop.screening.tally import Tally, decide
from icope_desktop.screening.validation import field_names
from icope_desktop.screening.wording import num

BMI_PLAUSIBLE = (Fraction(12), Fraction(60))

MEASURE_REASONS = (
    Reason(
        "not_measurable",
        Text(
            fr="Mesure impossible (alitement, amputation, plâtre, œdème)",
            en="Cannot be measured (bedridden, amputation, cast, oedema)",
        ),
        capacity_related=True,
    ),
    Reason("no_equipment", Text(fr="Pas de matériel (balance, toise, mètre)", en="No equipment")),
    Reason("refused", Text(fr="Refus", en="Refused")),
    Reason("other", Text(fr="Autre motif (préciser)", en="Other (specify)"), needs_note=True),
)

SCREENING = Text(fr="Dépistage (A–F)", en="Screening (A–F)")
ASSESSMENT = Text(fr="Évaluation globale (G–R)", en="Assessment (G–R)")
V = Domain.VITALITY


def _choice(item_id: str, fr: str, en: str, options: Iterable[Option], section: Text) -> Item:
    return Item(
        item_id, Text(fr=fr, en=en), ItemKind.CHOICE, options=tuple(options), section=section,
        domain=V,
    )  # fmt: skip


def _yes_no(yes: int, no: int) -> tuple[Option, Option]:
    return (
        Option("yes", Text(fr="Oui", en="Yes"), yes),
        Option("no", Text(fr="Non", en="No"), no),
    )


ITEM_A = _choice(
    "A", "Baisse des apports alimentaires sur 3 mois", "Food intake decline over 3 months",
    (Option("severe", Text(fr="Baisse sévère", en="Severe decrease"), 0),
     Option("moderate", Text(fr="Baisse modérée", en="Moderate decrease"), 1),
     Option("none", Text(fr="Pas de baisse", en="No decrease"), 2)),
    SCREENING,
)  # fmt: skip
ITEM_B = _choice(
    "B", "Perte de poids sur 3 mois", "Weight loss over 3 months",
    (Option("gt3", Text(fr="Plus de 3 kg", en="More than 3 kg"), 0),
     Option("dont_know", Text(fr="Ne sait pas", en="Does not know"), 1),
     Option("1to3", Text(fr="Entre 1 et 3 kg", en="Between 1 and 3 kg"), 2),
     Option("none", Text(fr="Pas de perte", en="No weight loss"), 3)),
    SCREENING,
)  # fmt: skip
ITEM_C = _choice(
    "C", "Motricité", "Mobility",
    (Option("bed_chair", Text(fr="Du lit au fauteuil", en="Bed or chair bound"), 0),
     Option("no_outing", Text(fr="Se lève mais ne sort pas", en="Gets up but does not go out"), 1),
     Option("goes_out", Text(fr="Sort du domicile", en="Goes out"), 2)),
    SCREENING,
)  # fmt: skip
ITEM_D = _choice(
    "D", "Stress psychologique ou maladie aiguë sur 3 mois",
    "Psychological stress or acute disease over 3 months", _yes_no(0, 2), SCREENING,
)  # fmt: skip
ITEM_E = _choice(
    "E", "Problèmes neuropsychologiques", "Neuropsychological problems",
    (Option("severe", Text(fr="Démence ou dépression sévère", en="Severe dementia/depression"), 0),
     Option("mild", Text(fr="Démence légère", en="Mild dementia"), 1),
     Option("none", Text(fr="Pas de problème", en="No problem"), 2)),
    SCREENING,
)  # fmt: skip


def _weight(required: bool) -> Item:
    return Item(
        "F1_weight_kg", Text(fr="Poids", en="Weight"), ItemKind.DECIMAL, min=1, max=400,
        plausible_min=25, plausible_max=250, unit="kg", decimals=1, section=SCREENING,
        domain=V, required=required, not_assessable=True, reasons=MEASURE_REASONS,
    )  # fmt: skip


def _height(required: bool) -> Item:
    return Item(
        "F1_height_cm", Text(fr="Taille", en="Height"), ItemKind.DECIMAL, min=50, max=260,
        plausible_min=120, plausible_max=210, unit="cm", decimals=0, section=SCREENING,
        domain=V, required=required, not_assessable=True, reasons=MEASURE_REASONS,
    )  # fmt: skip


def bmi_from(answers: Answers) -> Fraction | None:
    """BMI from the raw answers, exactly, or None when weight or height is not a number."""
    weight = raw_number(answers, "F1_weight_kg")
    height = raw_number(answers, "F1_height_cm")
    if weight is None or height is None or height <= 0:
        return None
    return weight / (height / 100) ** 2


def bmi_unavailable(answers: Answers) -> bool:
    """F2 is asked only "si l'IMC n'est pas disponible" ✅ [S17]."""
    return bmi_from(answers) is None


ITEM_F2 = Item(
    "F2",
    Text(fr="Circonférence du mollet (si IMC indisponible)", en="Calf circumference (if no BMI)"),
    ItemKind.DECIMAL, min=5, max=100, plausible_min=15, plausible_max=60, unit="cm", decimals=1,
    section=SCREENING, domain=V, visible_if=bmi_unavailable, not_assessable=True,
    reasons=MEASURE_REASONS,
)  # fmt: skip


def check_bmi(
    answers: Mapping[str, Any], confirmed: frozenset[str], failed: frozenset[str]
) -> list[FieldError]:
    """PROJECT RULE: a derived BMI outside 12–60 needs the weight or height confirmed."""
    if {"F1_weight_kg", "F1_height_cm"} & (failed | confirmed):
        return []
    bmi = bmi_from(answers)
    if bmi is None or BMI_PLAUSIBLE[0] <= bmi <= BMI_PLAUSIBLE[1]:
        return []
    shown_fr, shown_en = num(bmi, "fr", 1), num(bmi, "en", 1)
    return [
        FieldError(
            "F1_weight_kg",
            FieldErrorCode.IMPLAUSIBLE,
            Text(
                fr=f"« Poids » et « Taille » : l'IMC calculé "
                f"({shown_fr} kg/m²) est inhabituel (plage plausible 12–60). Vérifiez le "
                "poids et la taille, ou confirmez-les s'ils sont exacts.",
                en=f"'Weight' and 'Height': the derived BMI "
                f"({shown_en} kg/m²) is unusual (plausible range 12–60). Check weight and "
                "height, or confirm them if they are right.",
            ),
        )
    ]


def bmi_display(bmi: Fraction) -> str:
    exact = Decimal(bmi.numerator) / Decimal(bmi.denominator)
    return str(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


SF_BANDS = {
    "normal": Text(fr="état nutritionnel normal", en="normal nutritional status"),
    "at_risk": Text(fr="risque de dénutrition", en="at risk of malnutrition"),
    "malnourished": Text(fr="dénutrition", en="malnourished"),
}


def _band(low: Fraction, high: Fraction, band_for: Callable[[Fraction], str]) -> Band | None:
    code_low, code_high = band_for(low), band_for(high)
    return Band(code_low, SF_BANDS[code_low]) if code_low == code_high else None


def _screening_part(
    responses: Responses, thresholds: Thresholds, allow_f2: bool
) -> tuple[Tally, dict[str, Any]]:
    """A–F: points, gaps and the derived BMI."""
    tally = Tally()
    points: dict[str, Any] = {}
    for item_id in ("A", "B", "C", "D", "E"):
        value = responses.points(item_id)
        points[item_id] = _json(value)
        if value is None:
            tally.add_range(item_id, 0, responses.item(item_id).max_points)
        else:
            tally.add(value)
    derived: dict[str, Any] = {"item_points": points, "bmi": None, "bmi_display": None}
    weight, height = responses.number("F1_weight_kg"), responses.number("F1_height_cm")
    rules = thresholds.mna_sf
    if weight is not None and height is not None:
        bmi = weight / (height / 100) ** 2
        f_points = sum(1 for cut in rules.bmi_cutoffs if bmi >= cut)
        derived.update(bmi=float(bmi), bmi_display=bmi_display(bmi), f_source="F1")
        points["F"] = f_points
        tally.add(f_points)
    elif allow_f2 and responses.number("F2") is not None:
        calf = responses.number("F2")
        assert calf is not None
        f_points = 3 if calf >= rules.calf_full_points_at_or_above_cm else 0
        derived["f_source"] = "F2"
        points["F"] = f_points
        tally.add(f_points)
    else:
        derived["f_source"] = None
        points["F"] = None
        tally.add_range("F2" if allow_f2 else "F1", 0, 3)
    return tally, derived


def _json(value: Fraction | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value.denominator == 1 else float(value)


def _bounds(tally: Tally) -> tuple[int | float, int | float] | None:
    if tally.complete:
        return None
    low, high = _json(tally.low), _json(tally.high)
    assert low is not None and high is not None
    return (low, high)


def score_mna_sf(responses: Responses, context: ScoringContext, thresholds: Thresholds) -> Result:
    rules = thresholds.mna_sf
    tally, derived = _screening_part(responses, thresholds, allow_f2=True)
    notes = []
    if derived["f_source"] == "F1" and "F2" in responses.raw:
        notes.append(
            Text(
                fr="F2 (mollet) ignorée : l'IMC est disponible, F1 est utilisé.",
                en="F2 (calf) ignored: BMI is available, F1 is used.",
            )
        )
    altered = decide(tally.low, tally.high, lambda t: t <= rules.altered_at_or_below)
    malnourished = decide(
        tally.low, tally.high, lambda t: t <= rules.malnutrition_alert_at_or_below
    )
    alert_list = []
    if malnourished:
        alert_list.append(
            alerts.malnutrition(
                "mna_sf",
                Text(
                    fr=f"MNA-SF ≤ {num(rules.malnutrition_alert_at_or_below, 'fr')}",
                    en=f"MNA-SF ≤ {num(rules.malnutrition_alert_at_or_below, 'en')}",
                ),
            )
        )
    derived["full_mna_advised"] = altered
    band = _band(tally.low, tally.high, rules.bands.band_for)
    cut = num(rules.altered_at_or_below, "fr")
    return build_result(
        MNA_SF,
        responses,
        total=_json(tally.total),
        valid=tally.complete,
        altered=altered,
        bounds=_bounds(tally),
        band=band,
        alerts=alert_list,
        derived=derived,
        interpretation=_interpretation(band, tally, "MNA-SF", responses),
        threshold=Text(
            fr=f"altérée si MNA-SF ≤ {cut} ; dénutrition si ≤ "
            f"{num(rules.malnutrition_alert_at_or_below, 'fr')}",
            en=f"altered if MNA-SF ≤ {cut}; malnourished if ≤ "
            f"{num(rules.malnutrition_alert_at_or_below, 'en')}",
        ),
        notes=notes,
    )


GAP_ITEMS: dict[str, tuple[str, ...]] = {
    "F1": ("F1_weight_kg", "F1_height_cm"),
    "K": ("K_dairy", "K_legumes_eggs", "K_meat"),
}
"""Tally gaps that stand for several questions (F1 = the BMI's weight and height)."""


def _interpretation(band: Band | None, tally: Tally, name: str, responses: Responses) -> Text:
    if band is not None:
        label = band.label
        return Text(fr=f"{name} : {label.fr}.", en=f"{name}: {label.en}.")
    instrument = responses.instrument
    ids = [i for gap in tally.gaps for i in GAP_ITEMS.get(gap, (gap,))]
    gaps = field_names([instrument.item(i) for i in ids if instrument.has_item(i)])
    return Text(
        fr=f"{name} : indéterminé, compléter les questions manquantes ({gaps.fr}).",
        en=f"{name}: undetermined, complete the missing questions ({gaps.en}).",
    )


SCREENING_ITEMS = (ITEM_A, ITEM_B, ITEM_C, ITEM_D, ITEM_E)

MNA_SF = Instrument(
    id="mna_sf",
    title=Text(fr="MNA®-SF (dépistage nutritionnel)", en="MNA®-SF (nutritional screening)"),
    step=2,
    domain=V,
    items=(*SCREENING_ITEMS, _weight(False), _height(False), ITEM_F2),
    max_total=14,
    scorer=score_mna_sf,
    licence_notice=Text(
        fr="MNA® est une marque de Nestlé (Nestlé Nutrition Institute). Le formulaire n'est "
        "pas reproduit : identifiants d'items et libellés courts seulement.",
        en="MNA® is a Nestlé trademark (Nestlé Nutrition Institute). The form is not "
        "reproduced: item identifiers and short labels only.",
    ),
    codes={
        "panel": loinc("107107-5", "Mini Nutritional Assessment - Short Form panel"),
        "total": loinc("107114-1", "Total score [MNA-SF]"),
        "bmi": loinc("39156-5", "Body mass index (BMI) [Ratio]"),
    },
    checks=(check_bmi,),
)


# --- full MNA: G–R ---------------------------------------------------------------------

ITEM_G = _choice("G", "Vit de façon indépendante à domicile", "Lives independently",
                 _yes_no(1, 0), ASSESSMENT)  # fmt: skip
ITEM_H = _choice("H", "Plus de 3 médicaments par jour", "More than 3 prescription drugs a day",
                 _yes_no(0, 1), ASSESSMENT)  # fmt: skip
ITEM_I = _choice("I", "Escarres ou plaies cutanées", "Pressure sores or skin ulcers",
                 _yes_no(0, 1), ASSESSMENT)  # fmt: skip
ITEM_J = _choice(
    "J", "Nombre de repas complets par jour", "Full meals a day",
    (Option(1, Text(fr="1 repas", en="1 meal"), 0), Option(2, Text(fr="2 repas", en="2 meals"), 1),
     Option(3, Text(fr="3 repas", en="3 meals"), 2)),
    ASSESSMENT,
)  # fmt: skip
K_IDS = ("K_dairy", "K_legumes_eggs", "K_meat")
K_ITEMS = tuple(
    Item(item_id, Text(fr=fr, en=en), ItemKind.BOOLEAN, section=ASSESSMENT, domain=V)
    for item_id, fr, en in (
        ("K_dairy", "Marqueur protéique : produits laitiers chaque jour", "Protein: dairy daily"),
        ("K_legumes_eggs", "Marqueur protéique : légumineuses ou œufs ≥ 2 fois/semaine",
         "Protein: legumes or eggs ≥ 2 a week"),
        ("K_meat", "Marqueur protéique : viande, poisson ou volaille chaque jour",
         "Protein: meat, fish or poultry daily"),
    )
)  # fmt: skip
ITEM_L = _choice("L", "Fruits ou légumes ≥ 2 portions par jour",
                 "≥ 2 servings of fruit/vegetables a day", _yes_no(1, 0), ASSESSMENT)  # fmt: skip
ITEM_M = _choice(
    "M", "Boissons par jour (tasses, verres)", "Fluid a day (cups)",
    (Option("lt3", Text(fr="Moins de 3", en="Fewer than 3"), 0.0),
     Option("3to5", Text(fr="De 3 à 5", en="3 to 5"), 0.5),
     Option("gt5", Text(fr="Plus de 5", en="More than 5"), 1.0)),
    ASSESSMENT,
)  # fmt: skip
ITEM_N = _choice(
    "N", "Mode d'alimentation", "Mode of feeding",
    (Option("needs_help", Text(fr="Nécessite une assistance", en="Unable to eat without help"), 0),
     Option("difficulty", Text(fr="Seul avec difficulté", en="Self-fed with some difficulty"), 1),
     Option("no_problem", Text(fr="Seul sans difficulté", en="Self-fed without problem"), 2)),
    ASSESSMENT,
)  # fmt: skip
ITEM_O = _choice(
    "O", "Auto-évaluation de l'état nutritionnel", "Self-view of nutritional status",
    (Option("malnourished", Text(fr="Se considère dénutri", en="Views self as malnourished"), 0),
     Option("uncertain", Text(fr="N'est pas sûr", en="Uncertain"), 1),
     Option("no_problem", Text(fr="Pas de problème", en="No nutritional problem"), 2)),
    ASSESSMENT,
)  # fmt: skip
ITEM_P = _choice(
    "P", "Santé perçue par rapport aux personnes du même âge",
    "Health compared with people of the same age",
    (Option("not_as_good", Text(fr="Moins bonne", en="Not as good"), 0.0),
     Option("dont_know", Text(fr="Ne sait pas", en="Does not know"), 0.5),
     Option("as_good", Text(fr="Aussi bonne", en="As good"), 1.0),
     Option("better", Text(fr="Meilleure", en="Better"), 2.0)),
    ASSESSMENT,
)  # fmt: skip
ITEM_Q = Item(
    "Q", Text(fr="Circonférence brachiale", en="Mid-arm circumference"), ItemKind.DECIMAL,
    min=5, max=100, plausible_min=10, plausible_max=50, unit="cm", decimals=1,
    section=ASSESSMENT, domain=V, not_assessable=True, reasons=MEASURE_REASONS,
)  # fmt: skip
ITEM_R = Item(
    "R", Text(fr="Circonférence du mollet", en="Calf circumference"), ItemKind.DECIMAL,
    min=5, max=100, plausible_min=15, plausible_max=60, unit="cm", decimals=1,
    section=ASSESSMENT, domain=V, not_assessable=True, reasons=MEASURE_REASONS,
)  # fmt: skip

K_POINTS = {0: Fraction(0), 1: Fraction(0), 2: Fraction(1, 2), 3: Fraction(1)}


def score_mna(responses: Responses, context: ScoringContext, thresholds: Thresholds) -> Result:
    rules = thresholds.mna
    screening, derived = _screening_part(responses, thresholds, allow_f2=False)
    screening_total = screening.total
    tally = Tally(screening.low, screening.high, list(screening.gaps))
    points = derived["item_points"]
    for item_id in ("G", "H", "I", "J", "L", "M", "N", "O", "P"):
        value = responses.points(item_id)
        points[item_id] = _json(value)
        if value is None:
            tally.add_range(item_id, 0, responses.item(item_id).max_points)
        else:
            tally.add(value)
    answers_k = [responses.value(k) for k in K_IDS]
    yes, unknown = answers_k.count(True), answers_k.count(None)
    if unknown:
        tally.add_range("K", K_POINTS[yes], K_POINTS[yes + unknown])
        points["K"] = None
    else:
        tally.add(K_POINTS[yes])
        points["K"] = _json(K_POINTS[yes])
    arm = responses.number("Q")
    if arm is None:
        tally.add_range("Q", 0, 1)
        points["Q"] = None
    else:
        q = (
            Fraction(1)
            if arm > rules.mid_arm_full_point_above_cm
            else Fraction(1, 2)
            if arm >= rules.mid_arm_half_point_at_or_above_cm
            else Fraction(0)
        )
        points["Q"] = _json(q)
        tally.add(q)
    calf = responses.number("R")
    if calf is None:
        tally.add_range("R", 0, 1)
        points["R"] = None
    else:
        r = 1 if calf >= rules.calf_point_at_or_above_cm else 0
        points["R"] = r
        tally.add(r)
    derived["screening_score"] = _json(screening_total)
    assessment = (tally.low - screening.low) if tally.complete else None
    derived["assessment_score"] = _json(assessment)

    notes = []
    if derived["f_source"] is None and (
        responses.not_assessable_entry("F1_weight_kg")
        or responses.not_assessable_entry("F1_height_cm")
    ):
        notes.append(
            Text(
                fr="MNA complet non calculable sans IMC (règle projet) : utiliser le MNA-SF avec "
                "la circonférence du mollet.",
                en="Full MNA not computable without BMI (project rule): use the MNA-SF with the "
                "calf circumference.",
            )
        )
    altered = decide(tally.low, tally.high, lambda t: t < rules.altered_below)
    malnourished = decide(tally.low, tally.high, lambda t: t < rules.malnutrition_alert_below)
    alert_list = []
    if malnourished:
        alert_list.append(
            alerts.malnutrition(
                "mna",
                Text(
                    fr=f"MNA < {num(rules.malnutrition_alert_below, 'fr')}",
                    en=f"MNA < {num(rules.malnutrition_alert_below, 'en')}",
                ),
            )
        )
    band = _band(tally.low, tally.high, rules.bands.band_for)
    return build_result(
        MNA,
        responses,
        total=_json(tally.total),
        valid=tally.complete,
        altered=altered,
        bounds=_bounds(tally),
        band=band,
        alerts=alert_list,
        derived=derived,
        interpretation=_interpretation(band, tally, "MNA", responses),
        threshold=Text(
            fr=f"altérée si MNA < {num(rules.altered_below, 'fr')} ; dénutrition si < "
            f"{num(rules.malnutrition_alert_below, 'fr')}",
            en=f"altered if MNA < {num(rules.altered_below, 'en')}; malnourished if < "
            f"{num(rules.malnutrition_alert_below, 'en')}",
        ),
        notes=notes,
    )


FULL_ITEMS = (
    *SCREENING_ITEMS, _weight(True), _height(True), ITEM_G, ITEM_H, ITEM_I, ITEM_J, *K_ITEMS,
    ITEM_L, ITEM_M, ITEM_N, ITEM_O, ITEM_P, ITEM_Q, ITEM_R,
)  # fmt: skip

MNA = Instrument(
    id="mna",
    title=Text(
        fr="MNA® complet (évaluation nutritionnelle)", en="Full MNA® (nutritional assessment)"
    ),
    step=2,
    domain=V,
    items=FULL_ITEMS,
    max_total=30,
    scorer=score_mna,
    licence_notice=MNA_SF.licence_notice,
    codes={
        "panel": project("mna", "Mini Nutritional Assessment (full form)"),
        "total": project("mna-total", "Mini Nutritional Assessment total score"),
        "bmi": loinc("39156-5", "Body mass index (BMI) [Ratio]"),
    },
    checks=(check_bmi,),
)
