"""Hearing assessment (Step 2), clinical spec §3.5.

Methods (`HEAR_method`, and an optional `HEAR_method_2` when two are used):
- whispered voice ✅ [S34]: per ear `WHISPER_R_A1`/`WHISPER_L_A1` (characters repeated of
  the first number-letter-number combination, 0–3) and, when not all 3 were right,
  `WHISPER_R_A2`/`WHISPER_L_A2`; an ear passes if the first attempt is 3/3 or at least 3 of
  the 6 characters are right over the two attempts;
- pure-tone audiometry: `PTA_{R,L}_{500,1000,2000,4000}` in dB HL; PTA4 = mean of the four
  ✅ [S33]; the better ear has the lower PTA4; WHO 2021 grades on the better ear;
- hearWHO (digits in noise): `HEARWHO_score` (0–100) and the app's own verdict
  `HEARWHO_verdict`; > 75 good, 50–75 re-check, < 50 refer ⚠️ [S35b].

Domain `hearing` altered if ANY of (PROJECT RULE §3.5): better-ear PTA4 ≥ 20 dB; whisper
test failed in either ear when audiometry is unavailable (not done or not conclusive);
hearWHO < 50. Normal only when every method used is conclusive and normal.

Missing: an audiometric threshold not entered is unknown within the plausible range
(−10…120 dB HL); the better-ear PTA4 is then an interval and the verdict and grade are
given only when the whole interval agrees. `HEAR_red_flags` (ear pain, discharge,
dizziness, sudden or unilateral loss) raises REFER_ENT ✅ [S4].
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from icope_desktop.i18n import Text
from icope_desktop.screening import alerts
from icope_desktop.screening.answers import Answers, raw_number
from icope_desktop.screening.codes import project
from icope_desktop.screening.config import ScoringContext, Thresholds
from icope_desktop.screening.model import Domain, Instrument, Item, ItemKind, Option, Reason
from icope_desktop.screening.responses import Responses
from icope_desktop.screening.results import Band, Result, build_result
from icope_desktop.screening.wording import num

H = Domain.HEARING
FREQUENCIES = (500, 1000, 2000, 4000)
EARS = ("R", "L")
EAR_LABELS = {"R": ("droite", "right"), "L": ("gauche", "left")}
PTA_RANGE = (Fraction(-10), Fraction(120))  # spec §0 plausibility: an unknown lies here

METHOD_SECTION = Text(fr="Méthode", en="Method")
WHISPER = Text(fr="Voix chuchotée (à 0,6 m)", en="Whispered voice (at 0.6 m)")
AUDIOMETRY = Text(fr="Audiométrie tonale (dB HL)", en="Pure-tone audiometry (dB HL)")
HEARWHO = Text(fr="hearWHO (chiffres dans le bruit)", en="hearWHO (digits in noise)")

REASONS = (
    Reason("refused", Text(fr="Refus", en="Refused")),
    Reason("noise", Text(fr="Environnement bruyant", en="Noisy environment")),
    Reason("no_equipment", Text(fr="Matériel indisponible", en="No equipment")),
    Reason(
        "unable",
        Text(fr="Ne peut pas réaliser le test", en="Unable to perform the test"),
        capacity_related=True,
    ),
    Reason("other", Text(fr="Autre motif (préciser)", en="Other (specify)"), needs_note=True),
)
METHODS = (
    Option("whisper", Text(fr="Voix chuchotée", en="Whispered voice")),
    Option("audiometry", Text(fr="Audiométrie tonale", en="Pure-tone audiometry")),
    Option("hearwho", Text(fr="hearWHO", en="hearWHO")),
)


def _uses(method: str) -> Callable[[Answers], bool]:
    def visible(answers: Answers) -> bool:
        try:
            return method in (answers.get("HEAR_method"), answers.get("HEAR_method_2"))
        except (AttributeError, TypeError):
            return False

    return visible


def _second_attempt(ear: str) -> Callable[[Answers], bool]:
    def visible(answers: Answers) -> bool:
        first = raw_number(answers, f"WHISPER_{ear}_A1")
        return _uses("whisper")(answers) and first is not None and first < 3

    return visible


def _whisper(ear: str, attempt: int) -> Item:
    side_fr, side_en = EAR_LABELS[ear]
    return Item(
        f"WHISPER_{ear}_A{attempt}",
        Text(
            fr=f"Oreille {side_fr}, essai {attempt} : caractères répétés (sur 3)",
            en=f"{side_en.capitalize()} ear, attempt {attempt}: characters repeated (of 3)",
        ),
        ItemKind.INTEGER, min=0, max=3, section=WHISPER, domain=H,
        visible_if=_uses("whisper") if attempt == 1 else _second_attempt(ear),
        not_assessable=True, reasons=REASONS,
    )  # fmt: skip


def _threshold(ear: str, frequency: int) -> Item:
    side_fr, side_en = EAR_LABELS[ear]
    return Item(
        f"PTA_{ear}_{frequency}",
        Text(
            fr=f"Oreille {side_fr}, {frequency} Hz",
            en=f"{side_en.capitalize()} ear, {frequency} Hz",
        ),
        ItemKind.DECIMAL, min=-20, max=140, plausible_min=-10, plausible_max=120, unit="dB HL",
        decimals=0, section=AUDIOMETRY, domain=H, visible_if=_uses("audiometry"),
        not_assessable=True, reasons=REASONS,
    )  # fmt: skip


ITEMS = (
    Item(
        "HEAR_method", Text(fr="Méthode utilisée", en="Method used"), ItemKind.CHOICE,
        options=METHODS, section=METHOD_SECTION, domain=H, scored=False, not_assessable=True,
        reasons=REASONS,
    ),
    Item(
        "HEAR_method_2", Text(fr="Deuxième méthode (facultatif)", en="Second method (optional)"),
        ItemKind.CHOICE, options=METHODS, section=METHOD_SECTION, domain=H, required=False,
        scored=False,
    ),
    *(_whisper(ear, attempt) for ear in EARS for attempt in (1, 2)),
    *(_threshold(ear, f) for ear in EARS for f in FREQUENCIES),
    Item(
        "HEARWHO_score", Text(fr="Score hearWHO", en="hearWHO score"), ItemKind.INTEGER,
        min=0, max=100, section=HEARWHO, domain=H, visible_if=_uses("hearwho"),
        not_assessable=True, reasons=REASONS,
    ),
    Item(
        "HEARWHO_verdict", Text(fr="Verdict affiché par l'application", en="App's own verdict"),
        ItemKind.CHOICE,
        options=(
            Option("good", Text(fr="Bonne audition", en="Good hearing")),
            Option("recheck", Text(fr="À revérifier régulièrement", en="Re-check regularly")),
            Option("hearing_loss", Text(fr="Perte auditive probable", en="Some hearing loss")),
        ),
        section=HEARWHO, domain=H, visible_if=_uses("hearwho"), required=False, scored=False,
    ),
    Item(
        "HEAR_red_flags",
        Text(
            fr="Douleur d'oreille, écoulement, vertiges, perte brutale ou unilatérale",
            en="Ear pain, discharge, dizziness, sudden or unilateral loss",
        ),
        ItemKind.BOOLEAN, section=METHOD_SECTION, domain=H, required=False, scored=False,
    ),
)  # fmt: skip

GRADE_LABELS = {
    "normal": Text(fr="audition normale", en="normal hearing"),
    "mild": Text(fr="perte auditive légère", en="mild hearing loss"),
    "moderate": Text(fr="perte auditive modérée", en="moderate hearing loss"),
    "moderately_severe": Text(fr="perte modérément sévère", en="moderately severe loss"),
    "severe": Text(fr="perte auditive sévère", en="severe hearing loss"),
    "profound": Text(fr="perte auditive profonde", en="profound hearing loss"),
    "complete": Text(fr="perte auditive complète", en="complete hearing loss"),
}
HEARWHO_LABELS = {
    "good": Text(fr="hearWHO : bonne audition", en="hearWHO: good hearing"),
    "recheck": Text(fr="hearWHO : à revérifier régulièrement", en="hearWHO: re-check regularly"),
    "hearing_loss": Text(fr="hearWHO : perte auditive probable", en="hearWHO: some hearing loss"),
}


def whisper_ear(r: Responses, ear: str, pass_min: int) -> str | None:
    """"pass", "fail" or None (not conclusive yet), §3.5.1 step 3."""
    first = r.number(f"WHISPER_{ear}_A1")
    if first is None:
        return None
    if first == 3:
        return "pass"
    second = r.number(f"WHISPER_{ear}_A2")
    if second is None:
        return None
    return "pass" if first + second >= pass_min else "fail"


def _pta_interval(r: Responses, ear: str) -> tuple[Fraction, Fraction]:
    low = high = Fraction(0)
    for frequency in FREQUENCIES:
        value = r.number(f"PTA_{ear}_{frequency}")
        low += value if value is not None else PTA_RANGE[0]
        high += value if value is not None else PTA_RANGE[1]
    return low / 4, high / 4


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def _plain(value: Fraction) -> float | int:
    return int(value) if value.denominator == 1 else float(value)


def score_hearing(responses: Responses, context: ScoringContext, thresholds: Thresholds) -> Result:
    rules = thresholds.hearing
    methods = [m for m in (responses.value("HEAR_method"), responses.value("HEAR_method_2")) if m]
    derived: dict[str, Any] = {"methods": methods}
    statuses: list[bool | None] = []
    band: Band | None = None
    parts_fr: list[str] = []
    parts_en: list[str] = []

    audiometry_status: bool | None = None
    if "audiometry" in methods:
        intervals = {ear: _pta_interval(responses, ear) for ear in EARS}
        for ear, (low, high) in intervals.items():
            derived[f"pta4_{ear}"] = _plain(low) if low == high else None
        better_low = min(low for low, _ in intervals.values())
        better_high = min(high for _, high in intervals.values())
        (r_low, r_high), (l_low, l_high) = intervals["R"], intervals["L"]
        better_ear = "R" if r_high <= l_low else "L" if l_high < r_low else None
        derived["better_ear"] = better_ear
        derived["better_ear_pta4"] = _plain(better_low) if better_low == better_high else None
        derived["better_ear_pta4_bounds"] = [_plain(better_low), _plain(better_high)]
        limit = rules.pta_altered_at_or_above_db
        audiometry_status = True if better_low >= limit else False if better_high < limit else None
        grade_low = rules.pta_grades.band_for(better_low)
        grade_high = rules.pta_grades.band_for(better_high)
        derived["grade"] = grade_low if grade_low == grade_high else None
        if derived["grade"]:
            band = Band(grade_low, GRADE_LABELS[grade_low])
            parts_fr.append(f"meilleure oreille : {GRADE_LABELS[grade_low].fr}")
            parts_en.append(f"better ear: {GRADE_LABELS[grade_low].en}")
        statuses.append(audiometry_status)

    if "whisper" in methods:
        ears = {ear: whisper_ear(responses, ear, rules.whisper_pass_min_correct) for ear in EARS}
        derived.update(whisper_R=ears["R"], whisper_L=ears["L"])
        whisper_status = (
            True if "fail" in ears.values() else False if set(ears.values()) == {"pass"} else None
        )
        derived["whisper_used"] = audiometry_status is None
        if audiometry_status is None:  # the whisper test counts when audiometry is unavailable
            statuses.append(whisper_status)
        if whisper_status is not None:
            parts_fr.append("voix chuchotée " + ("échouée" if whisper_status else "réussie"))
            parts_en.append("whispered voice " + ("failed" if whisper_status else "passed"))

    if "hearwho" in methods:
        value = responses.number("HEARWHO_score")
        derived["hearwho_score"] = _plain(value) if value is not None else None
        derived["hearwho_verdict"] = responses.value("HEARWHO_verdict")
        if value is None:
            statuses.append(None)
        else:
            code = (
                "good"
                if value > rules.hearwho_good_above
                else "hearing_loss"
                if value < rules.hearwho_altered_below
                else "recheck"
            )
            derived["hearwho_band"] = code
            statuses.append(value < rules.hearwho_altered_below)
            if band is None:
                band = Band(code, HEARWHO_LABELS[code])
            parts_fr.append(HEARWHO_LABELS[code].fr)
            parts_en.append(HEARWHO_LABELS[code].en)

    if True in statuses:
        altered: bool | None = True
    elif statuses and all(s is False for s in statuses):
        altered = False
    else:
        altered = None
    red_flags = responses.value("HEAR_red_flags") is True
    derived["red_flags"] = red_flags
    interpretation = (
        Text(fr=_sentence(" ; ".join(parts_fr)), en=_sentence("; ".join(parts_en)))
        if parts_fr
        else Text(
            fr="Non conclusif : compléter la méthode utilisée.",
            en="Not conclusive: complete the method used.",
        )
    )
    pta_fr = num(rules.pta_altered_at_or_above_db, "fr")
    pta_en = num(rules.pta_altered_at_or_above_db, "en")
    hw_fr, hw_en = num(rules.hearwho_altered_below, "fr"), num(rules.hearwho_altered_below, "en")
    return build_result(
        HEARING,
        responses,
        valid=altered is not None,
        altered=altered,
        band=band,
        alerts=[alerts.refer_ent("hearing")] if red_flags else [],
        derived=derived,
        interpretation=interpretation,
        threshold=Text(
            fr=f"altérée si PTA4 de la meilleure oreille ≥ {pta_fr} dB HL, ou voix chuchotée "
            f"échouée d'un côté (sans audiométrie), ou hearWHO < {hw_fr}",
            en=f"altered if better-ear PTA4 ≥ {pta_en} dB HL, or whispered voice failed in "
            f"either ear (without audiometry), or hearWHO < {hw_en}",
        ),
    )


HEARING = Instrument(
    id="hearing",
    title=Text(fr="Audition (évaluation)", en="Hearing (assessment)"),
    step=2,
    domain=H,
    items=ITEMS,
    max_total=None,
    scorer=score_hearing,
    licence_notice=Text(
        fr="Test de la voix chuchotée (Pirozzo 2003) et grades OMS (World report on hearing "
        "2021) ; hearWHO : résultat saisi manuellement, application non intégrée.",
        en="Whispered voice test (Pirozzo 2003) and WHO grades (World report on hearing "
        "2021); hearWHO: result entered by hand, the app is not embedded.",
    ),
    codes={
        "panel": project("hearing", "Hearing assessment"),
        "better_ear_pta4": project("pta4-better-ear", "Better-ear pure-tone average 0.5-4 kHz"),
        "grade": project("who-hearing-grade", "WHO 2021 hearing loss grade"),
        "whisper": project("whispered-voice-test", "Whispered voice test result"),
        "hearwho_score": project("hearwho-score", "hearWHO score"),
    },
)
