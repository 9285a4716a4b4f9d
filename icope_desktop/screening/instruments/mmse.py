"""MMSE, French consensual GRECO version (clinical spec §3.1).

The app never shows item wording or the figure (copyright MiniMental LLC / PAR, §7): the
professional uses their own licensed form and enters the 11 sub-scores (ids of §3.1).
`MMSE_NSC` (socio-cultural level) is a context item: it selects the norm, it is not
scored.

Interpretation (France): no single cut-off. The GRECO table `threshold[NSC][age band]`
lives in clinical_thresholds.yaml; only NSC1 / 50–79 = 22 is known ⚠️ [S23], every other
cell is ❌ null and gives « interprétation non disponible ». The comparator (≤ or <) is a
setting; PROJECT RULE default ≤ (sensitivity first, §9.2). The international < 24 is a
labelled fallback (`threshold_source = international_generic`), off by default and
never used silently. Age ≥ 90: « hors normes (≥90 ans) »; below the youngest norm band
(50): « hors normes (<50 ans) » (PROJECT RULE, same logic).

Missing / not assessable (PROJECT RULE, §3.1):
- not assessable for a sensory or motor limitation (capacity-related reason) →
  `max_administrable = 30 − max of those items`, `total` = raw total to show as
  raw/max_administrable, `prorated = raw × 30 / max_administrable` (1 decimal) only as
  information tagged « non validé », and no normative classification;
- missing, or not assessable for another reason (refusal…) → no total, bounds
  `[raw, raw + max of the gaps]`; `altered` is still decided when every completion
  gives the same verdict (PROJECT RULE, as for the PHQ-9 in §3.6).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from icope_desktop.i18n import Text
from icope_desktop.screening.codes import loinc, project
from icope_desktop.screening.config import MmseThresholds, ScoringContext, Thresholds
from icope_desktop.screening.model import Domain, Instrument, Item, ItemKind, Option, Reason
from icope_desktop.screening.responses import ItemStatus, Responses
from icope_desktop.screening.results import Result, build_result

REASONS = (
    Reason("visual_impairment", Text(fr="Déficit visuel", en="Visual impairment"), True),
    Reason(
        "hearing_impairment",
        Text(fr="Déficit auditif sévère", en="Severe hearing impairment"),
        True,
    ),
    Reason(
        "motor_impairment",
        Text(fr="Déficit moteur (ex. hémiplégie)", en="Motor impairment (e.g. hemiplegia)"),
        True,
    ),
    Reason("refused", Text(fr="Refus", en="Refused")),
    Reason("other", Text(fr="Autre motif (préciser)", en="Other (specify)"), needs_note=True),
)

# (id, FR, EN, max points) — clinical spec §3.1, identifiers only (no wording).
SUBSCORES = (
    ("MMSE_OT", "Orientation dans le temps", "Orientation to time", 5),
    ("MMSE_OP", "Orientation dans l'espace", "Orientation to place", 5),
    ("MMSE_REG", "Apprentissage (3 mots)", "Registration (3 words)", 3),
    ("MMSE_ATT", "Attention et calcul", "Attention and calculation", 5),
    ("MMSE_REC", "Rappel (3 mots)", "Delayed recall (3 words)", 3),
    ("MMSE_NAM", "Dénomination", "Naming", 2),
    ("MMSE_REP", "Répétition", "Repetition", 1),
    ("MMSE_CMD", "Ordre en 3 temps", "3-stage command", 3),
    ("MMSE_READ", "Lecture-exécution", "Read and obey", 1),
    ("MMSE_WRITE", "Écriture d'une phrase", "Write a sentence", 1),
    ("MMSE_COPY", "Copie de la figure", "Copy the design", 1),
)
SCORED_IDS = tuple(s[0] for s in SUBSCORES)
MAX_POINTS = {s[0]: s[3] for s in SUBSCORES}
MAX_TOTAL = 30

NSC_OPTIONS = (
    Option("NSC1", Text(fr="NSC 1 : sans diplôme (pas de CEP)", en="NSC 1: no diploma (no CEP)")),
    Option("NSC2", Text(fr="NSC 2 : certificat d'études (CEP)", en="NSC 2: primary certificate")),
    Option(
        "NSC3",
        Text(fr="NSC 3 : niveau BEPC, CAP, BEP", en="NSC 3: lower secondary (BEPC, CAP, BEP)"),
    ),
    Option("NSC4", Text(fr="NSC 4 : baccalauréat ou plus", en="NSC 4: baccalauréat or higher")),
)

CONTEXT = Text(fr="Contexte", en="Context")
SCORES = Text(fr="Sous-scores (formulaire sous licence)", en="Sub-scores (licensed form)")

ITEMS = (
    Item(
        "MMSE_NSC",
        Text(fr="Niveau socio-culturel (NSC)", en="Socio-cultural level (NSC)"),
        ItemKind.CHOICE,
        options=NSC_OPTIONS,
        section=CONTEXT,
        domain=Domain.COGNITION,
        scored=False,
        # The NSC level boundaries above follow the spec's reading of GRECO (Kalafat 2003)
        # and still wait for a check against the source (spec §3.1 ⚠️): a developer
        # caveat, kept here, never shown to the practitioner.
        help=Text(
            fr="Niveau d'études le plus élevé : il choisit la norme GRECO (Kalafat 2003) "
            "qui sert à interpréter le score.",
            en="Highest level of education: it selects the GRECO norm (Kalafat 2003) used "
            "to interpret the score.",
        ),
    ),
    *(
        Item(
            item_id,
            Text(fr=fr, en=en),
            ItemKind.INTEGER,
            min=0,
            max=points,
            section=SCORES,
            domain=Domain.COGNITION,
            not_assessable=True,
            reasons=REASONS,
        )
        for item_id, fr, en, points in SUBSCORES
    ),
)


def _round1(value: Fraction) -> float:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _is_altered(total: Fraction, cut: int, comparator: str) -> bool:
    return total <= cut if comparator == "le" else total < cut


class _Norm:
    """The threshold that applies to this person, or why none does."""

    def __init__(self, rules: MmseThresholds, age: int | None, nsc: str | None) -> None:
        self.cut: int | None = None
        self.comparator = rules.comparator
        self.source: str | None = None
        self.state = "interpretable"
        self.band: str | None = None
        self.reason: Text | None = None
        self.nsc = nsc
        if age is None:
            self.state = "age_inconnu"
            self.reason = Text(
                fr="interprétation non disponible (âge non renseigné)",
                en="interpretation not available (age not given)",
            )
            return
        if age > rules.norms_max_age:
            self.state = "hors_normes"
            self.reason = Text(
                fr=f"hors normes (≥{rules.norms_max_age + 1} ans)",
                en=f"outside the norms (≥{rules.norms_max_age + 1} years)",
            )
            return
        if age < rules.norms_min_age:
            self.state = "hors_normes"
            self.reason = Text(
                fr=f"hors normes (<{rules.norms_min_age} ans)",
                en=f"outside the norms (<{rules.norms_min_age} years)",
            )
            return
        if nsc is None:
            self.state = "nsc_inconnu"
            self.reason = Text(
                fr="interprétation non disponible (niveau socio-culturel non renseigné)",
                en="interpretation not available (socio-cultural level not given)",
            )
            return
        band = next(b for b in rules.age_bands if b.min_age <= age <= b.max_age)
        self.band = band.code
        cell = rules.greco[nsc][band.code]
        if cell is not None:
            self.cut, self.source = cell, "greco"
        elif rules.fallback_enabled:
            self.cut = rules.fallback_altered_below
            self.source = "international_generic"
            self.comparator = "lt"
        else:
            self.state = "non_interpretable_sans_norme"
            self.reason = Text(
                fr=f"interprétation non disponible (pas de norme GRECO pour {nsc}, "
                f"{band.code} ans)",
                en=f"interpretation not available (no GRECO norm for {nsc}, {band.code} years)",
            )

    def rule(self) -> Text | None:
        if self.cut is None:
            return None
        sign = "≤" if self.comparator == "le" else "<"
        if self.source == "greco":
            return Text(
                fr=f"altérée si MMSE {sign} {self.cut} (seuil GRECO, {self.nsc}, {self.band} ans)",
                en=f"altered if MMSE {sign} {self.cut} (GRECO threshold, {self.nsc}, "
                f"{self.band} years)",
            )
        return Text(
            fr=f"altérée si MMSE {sign} {self.cut} (seuil international générique, non validé "
            "en France ; aucune norme GRECO disponible)",
            en=f"altered if MMSE {sign} {self.cut} (international generic threshold, not "
            "validated in France; no GRECO norm available)",
        )


def score_mmse(responses: Responses, context: ScoringContext, thresholds: Thresholds) -> Result:
    rules = thresholds.mmse
    raw = Fraction(0)
    limited: list[str] = []  # not assessable for a sensory/motor limitation
    gaps: list[str] = []  # missing, or not assessable for another reason
    for item_id in SCORED_IDS:
        value = responses.number(item_id)
        if value is not None:
            raw += value
        elif responses.status(item_id) is ItemStatus.NOT_ASSESSABLE and (
            responses.is_capacity_related(item_id)
        ):
            limited.append(item_id)
        else:
            gaps.append(item_id)
    max_administrable = MAX_TOTAL - sum(MAX_POINTS[i] for i in limited)
    high = raw + sum(MAX_POINTS[i] for i in gaps)
    total = int(raw) if not gaps else None

    nsc = responses.value("MMSE_NSC")
    norm = _Norm(rules, context.age_years, nsc if isinstance(nsc, str) else None)
    derived: dict[str, Any] = {
        "raw_total": int(raw),
        "max_administrable": max_administrable,
        "nsc": nsc,
        "age_years": context.age_years,
        "age_band": norm.band,
        "threshold_value": norm.cut,
        "threshold_comparator": norm.comparator if norm.cut is not None else None,
        "threshold_source": norm.source,
        "state": norm.state,
    }
    if limited and not gaps and max_administrable > 0:
        derived["prorated"] = _round1(raw * MAX_TOTAL / max_administrable)
        derived["prorated_validated"] = False

    altered: bool | None = None
    interpretation = norm.reason
    notes: list[Text] = []
    if limited:
        derived["state"] = "non_interpretable_items_NA"
        interpretation = Text(
            fr=f"non interprétable (items non évaluables) : score {int(raw)}/{max_administrable}",
            en=f"not interpretable (items not assessable): score {int(raw)}/{max_administrable}",
        )
        if "prorated" in derived:
            prorated = derived["prorated"]
            notes.append(
                Text(
                    fr=f"Score rapporté à 30 : {str(prorated).replace('.', ',')} (non validé, "
                    "information seulement).",
                    en=f"Score scaled to 30: {prorated} (not validated, information only).",
                )
            )
    elif norm.cut is not None:
        low_altered = _is_altered(raw, norm.cut, norm.comparator)
        high_altered = _is_altered(high, norm.cut, norm.comparator)
        if low_altered == high_altered:
            altered = low_altered
        if altered is None:
            interpretation = Text(
                fr="indéterminé : compléter les items manquants",
                en="undetermined: complete the missing items",
            )
        elif norm.source == "greco":
            interpretation = (
                Text(fr="score au seuil pathologique GRECO ou en dessous",
                     en="score at or below the GRECO pathological threshold")
                if altered and norm.comparator == "le"
                else Text(fr="score sous le seuil pathologique GRECO",
                          en="score below the GRECO pathological threshold")
                if altered
                else Text(fr="score au-dessus du seuil pathologique GRECO",
                          en="score above the GRECO pathological threshold")
            )  # fmt: skip
        else:
            interpretation = (
                Text(
                    fr="sous le seuil international générique (repère non validé en France)",
                    en="below the international generic threshold (not validated in France)",
                )
                if altered
                else Text(
                    fr="au-dessus du seuil international générique (repère non validé en France)",
                    en="above the international generic threshold (not validated in France)",
                )
            )
    if norm.source == "international_generic":
        notes.append(
            Text(
                fr="Seuil international générique utilisé à défaut de norme GRECO (« à "
                "proscrire » en France selon l'ANAES) : à confirmer.",
                en="International generic threshold used for lack of a GRECO norm (discouraged "
                "in France by ANAES): to be confirmed.",
            )
        )
    return build_result(
        MMSE,
        responses,
        total=total,
        valid=total is not None and not limited and altered is not None,
        altered=altered,
        max_administrable=max_administrable,
        bounds=(int(raw), int(high)) if gaps else None,
        derived=derived,
        interpretation=interpretation,
        threshold=None if limited else norm.rule(),
        notes=notes,
    )


MMSE = Instrument(
    id="mmse",
    title=Text(fr="MMSE (version GRECO)", en="MMSE (GRECO version)"),
    step=2,
    domain=Domain.COGNITION,
    items=ITEMS,
    max_total=MAX_TOTAL,
    scorer=score_mmse,
    licence_notice=Text(
        fr="MMSE © MiniMental LLC, licence exclusive PAR. L'application ne reproduit ni les "
        "items ni la figure : utilisez votre formulaire sous licence et saisissez les "
        "sous-scores.",
        en="MMSE © MiniMental LLC, exclusively licensed to PAR. The app reproduces neither "
        "the items nor the figure: use your licensed form and enter the sub-scores.",
    ),
    codes={
        # Spec §8 ⚠️: code lists give 72106-8 = total score and 72107-6 = panel, while an
        # HL7 PACIO example codes the total with 72107-6. Kept here, in one place, so a
        # check against loinc.org can correct them.
        "panel": loinc("72107-6", "Mini-Mental State Examination [MMSE] panel"),
        "total": loinc("72106-8", "Total score [MMSE]"),
        "max_administrable": project("mmse-max-administrable", "MMSE maximum administrable"),
    },
)
