"""PHQ-9 (Kroenke, Spitzer, Williams 2001), clinical spec §3.6.

Total = Q1 + … + Q9 (0–27); bands at 5/10/15/20 ✅ [S27]. Q10 (functional difficulty)
is not scored and is asked only when the total is above 0.

Rules of this ruleset:
- Item 9 ≥ 1 raises ALERT_SUICIDE_RISK (urgent) whatever the total ✅ [S28]; Q9 without
  an answer (missing or not assessable) raises ALERT_PHQ9_ITEM9_MISSING (high).
- Domain `psychological` altered if total ≥ 5 or Q9 ≥ 1; `probable_major_depression`
  when total ≥ 10. PROJECT RULE (spec §3.6, open question §9.6).
- Missing items: no total, no proration; bounds `[sum, sum + 3 × missing]`; the band is
  given only when both bounds fall in the same band, else « indéterminé » (PROJECT RULE).
  `altered` is still decided when every completion gives the same answer (Q9 ≥ 1, or
  the lower bound ≥ 5; normal only if Q9 = 0 and the upper bound < 5).
- A not-assessable item (refusal…) counts as missing, never as 0.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from icope_desktop.i18n import Text
from icope_desktop.screening import alerts
from icope_desktop.screening.answers import Answers
from icope_desktop.screening.codes import loinc, project
from icope_desktop.screening.config import ScoringContext, Thresholds
from icope_desktop.screening.model import Domain, Instrument, Item, ItemKind, Option, Reason
from icope_desktop.screening.responses import Responses
from icope_desktop.screening.results import Band, Result, build_result

SCORED_IDS = tuple(f"Q{n}" for n in range(1, 10))

FREQUENCY = (
    Option(0, Text(fr="Jamais", en="Not at all"), 0, loinc("LA6568-5", "Not at all")),
    Option(1, Text(fr="Plusieurs jours", en="Several days"), 1, loinc("LA6569-3", "Several days")),
    Option(
        2,
        Text(fr="Plus de la moitié des jours", en="More than half the days"),
        2,
        loinc("LA6570-1", "More than half the days"),
    ),
    Option(
        3,
        Text(fr="Presque tous les jours", en="Nearly every day"),
        3,
        loinc("LA6571-9", "Nearly every day"),
    ),
)

DIFFICULTY = (
    Option("not_difficult", Text(fr="Pas du tout difficile", en="Not difficult at all")),
    Option("somewhat", Text(fr="Assez difficile", en="Somewhat difficult")),
    Option("very", Text(fr="Très difficile", en="Very difficult")),
    Option("extremely", Text(fr="Extrêmement difficile", en="Extremely difficult")),
)

REASONS = (
    Reason("refused", Text(fr="Refus de répondre", en="Declined to answer")),
    Reason(
        "not_understood",
        Text(fr="Question non comprise", en="Question not understood"),
        capacity_related=True,
    ),
    Reason("other", Text(fr="Autre motif (préciser)", en="Other (specify)"), needs_note=True),
)

# (id, FR short label, EN short label, LOINC item code, LOINC display) — spec §3.6 and §8.
_ITEMS = (
    ("Q1", "Peu d'intérêt ou de plaisir", "Anhedonia", "44250-9", "Little interest or pleasure"),
    ("Q2", "Triste, déprimé(e), sans espoir", "Depressed mood", "44255-8", "Feeling down"),
    ("Q3", "Sommeil", "Sleep", "44259-0", "Trouble sleeping"),
    ("Q4", "Fatigue", "Fatigue", "44254-1", "Feeling tired or having little energy"),
    ("Q5", "Appétit", "Appetite", "44251-7", "Poor appetite or overeating"),
    ("Q6", "Mauvaise estime de soi", "Worthlessness", "44258-2", "Feeling bad about yourself"),
    ("Q7", "Concentration", "Concentration", "44252-5", "Trouble concentrating"),
    ("Q8", "Ralentissement ou agitation", "Psychomotor change", "44253-3", "Slow or fidgety"),
    ("Q9", "Idées de mort ou d'auto-agression", "Thoughts of death or self-harm", "44260-8",
     "Thoughts better off dead or of hurting yourself"),
)  # fmt: skip


def answered_sum(answers: Answers) -> int:
    """Sum of the valid Q1–Q9 answers present (never raises on raw answers)."""
    total = 0
    for item_id in SCORED_IDS:
        try:
            value = answers.get(item_id)
        except (AttributeError, TypeError):
            return 0
        if type(value) is int and 0 <= value <= 3:
            total += value
    return total


def q10_visible(answers: Answers) -> bool:
    """Q10 counts only when the total is above 0 (PHQ-9 form: "if you checked off any
    problems")."""
    return answered_sum(answers) > 0


BAND_LABELS = {
    "minimal": Text(fr="minimal", en="none-minimal"),
    "mild": Text(fr="léger", en="mild"),
    "moderate": Text(fr="modéré", en="moderate"),
    "moderately_severe": Text(fr="modérément sévère", en="moderately severe"),
    "severe": Text(fr="sévère", en="severe"),
}
INDETERMINATE = Band("indeterminate", Text(fr="indéterminé", en="indeterminate"))


def score_phq9(responses: Responses, context: ScoringContext, thresholds: Thresholds) -> Result:
    rules = thresholds.phq9
    points: dict[str, Fraction | None] = {q: responses.points(q) for q in SCORED_IDS}
    missing = [q for q, p in points.items() if p is None]
    answered = int(sum(p for p in points.values() if p is not None))
    low, high = answered, answered + 3 * len(missing)
    total = answered if not missing else None

    band_low = rules.bands.band_for(Fraction(low))
    band_high = rules.bands.band_for(Fraction(high))
    band = Band(band_low, BAND_LABELS[band_low]) if band_low == band_high else INDETERMINATE

    q9 = points["Q9"]
    item9 = int(q9) if q9 is not None else None
    alert_list = []
    if item9 is not None and item9 >= rules.item9_alert_at_or_above:
        alert_list.append(alerts.suicide_risk(item9))
    if item9 is None:
        alert_list.append(alerts.item9_missing())

    item9_positive = item9 is not None and item9 >= rules.item9_alert_at_or_above
    if item9_positive or low >= rules.altered_at_or_above:
        altered: bool | None = True
    elif item9 is not None and high < rules.altered_at_or_above:
        altered = False
    else:
        altered = None

    major = rules.major_depression_at_or_above
    probable_major: bool | None = True if low >= major else False if high < major else None
    derived: dict[str, Any] = {
        "answered_sum": answered,
        "item9": item9,
        "probable_major_depression": probable_major,
        "functional_difficulty": responses.value("Q10"),
    }
    interpretation = _interpretation(band, probable_major, major)
    threshold = Text(
        fr=f"altérée si PHQ-9 ≥ {rules.altered_at_or_above} ou question 9 ≥ "
        f"{rules.item9_alert_at_or_above} ; dépression majeure probable si ≥ {major}",
        en=f"altered if PHQ-9 ≥ {rules.altered_at_or_above} or item 9 ≥ "
        f"{rules.item9_alert_at_or_above}; probable major depression if ≥ {major}",
    )
    return build_result(
        PHQ9,
        responses,
        total=total,
        valid=total is not None,
        altered=altered,
        bounds=(low, high) if total is None else None,
        band=band,
        alerts=tuple(alert_list),
        derived=derived,
        interpretation=interpretation,
        threshold=threshold,
    )


def _interpretation(band: Band, probable_major: bool | None, major: int) -> Text:
    text = Text(
        fr=f"Symptômes dépressifs : {band.label.fr}", en=f"Depressive symptoms: {band.label.en}"
    )
    if probable_major:
        return Text(
            fr=f"{text.fr} ; dépression majeure probable (≥ {major}) : orienter vers le "
            "médecin traitant.",
            en=f"{text.en}; probable major depression (≥ {major}): refer to the GP.",
        )
    return Text(fr=f"{text.fr}.", en=f"{text.en}.")


PHQ9 = Instrument(
    id="phq9",
    title=Text(fr="Humeur (PHQ-9)", en="Mood (PHQ-9)"),
    step=2,
    domain=Domain.PSYCHOLOGICAL,
    items=(
        *(
            Item(
                item_id,
                Text(fr=fr, en=en),
                ItemKind.CHOICE,
                options=FREQUENCY,
                domain=Domain.PSYCHOLOGICAL,
                not_assessable=True,
                reasons=REASONS,
                code=loinc(code, display),
            )
            for item_id, fr, en, code, display in _ITEMS
        ),
        Item(
            "Q10",
            Text(fr="Retentissement fonctionnel", en="Functional difficulty"),
            ItemKind.CHOICE,
            options=DIFFICULTY,
            domain=Domain.PSYCHOLOGICAL,
            required=False,
            scored=False,
            not_assessable=True,
            reasons=REASONS,
            visible_if=q10_visible,
            code=loinc("69722-7", "How difficult have these problems made it"),
        ),
    ),
    max_total=27,
    scorer=score_phq9,
    licence_notice=Text(
        fr="PHQ-9 : Drs R. L. Spitzer, J. B. W. Williams, K. Kroenke et collègues (bourse "
        "éducative Pfizer). Domaine public : aucune autorisation requise pour reproduire, "
        "traduire, afficher ou distribuer.",
        en="PHQ-9: Drs R. L. Spitzer, J. B. W. Williams, K. Kroenke and colleagues (Pfizer "
        "educational grant). Public domain: no permission required to reproduce, translate, "
        "display or distribute.",
    ),
    instructions=Text(
        fr="Au cours des 2 dernières semaines, à quelle fréquence avez-vous été gêné(e) par "
        "les problèmes suivants ?",
        en="Over the last 2 weeks, how often have you been bothered by any of the following "
        "problems?",
    ),
    codes={
        "panel": loinc("44249-1", "PHQ-9 quick depression assessment panel"),
        "total": loinc("44261-6", "PHQ-9 total score [Reported]"),
        "severity_band": project("phq9-severity-band", "PHQ-9 severity band"),
    },
)
