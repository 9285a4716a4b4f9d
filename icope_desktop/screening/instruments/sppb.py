"""SPPB, NIA protocol (Guralnik 1994), clinical spec §3.3. Total 0–12 = balance + gait +
chair stands, each 0–4 ✅ [S14]; times are rounded half-up to 0.01 s first (spec §0).

Items (the spec names B1–B3; the other ids are this project's):
- balance: `B1` side-by-side, `B2` semi-tandem (only if B1 held 10 s), `B3` tandem (only
  if B2 held 10 s): seconds held. B1/B2 10 s → 1; B3 10 s → 2, 3.00–9.99 s → 1. A stance
  not held 10 s stops the balance test: the later stances are not done and score 0.
- gait: `GAIT_course_m` (4 or 3 m), `GAIT_t1_s`, `GAIT_t2_s` (optional second trial: the
  faster available trial is used; PROJECT RULE: a single trial is scored when only one
  was done), `GAIT_aid` (recorded, unscored). Half-open intervals of §3.3.
- chair stands: `CHAIR_pretest` (single rise without arms: passed / used arms → 0 and
  the repeated test is not done), `CHAIR_time_s` for 5 rises (">60" for a test stopped
  at 60 s → 0): ≤ 11.19 → 4, ≤ 13.69 → 3, ≤ 16.69 → 2, ≤ 60.00 → 1.

Not attempted or failed (spec §3.3): the sub-test scores 0 only with a reason code of the
LOINC answer list LL1418-4 (codes "1"–"8"); a not-assessable mark without a chosen reason
is a gap, never 0. A zero for a test not attempted (codes 3–7) sets
`score_includes_not_attempted`. A refusal (code 7) keeps the total shown with 0 but marks
it « non représentatif » (PROJECT RULE): `valid` is False and `bounds` give the range
the real score could take.

Decision: locomotion altered if SPPB ≤ 9 ✅/⚠️ [S16]; the descriptive bands (10–12 high,
7–9 moderate, 4–6 low, 0–3 very low) are ⚠️ secondary: shown as indicative only.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from icope_desktop.i18n import Text
from icope_desktop.screening.answers import Answers, raw_is, raw_time
from icope_desktop.screening.codes import loinc, project
from icope_desktop.screening.config import GaitCutoffs, ScoringContext, Thresholds
from icope_desktop.screening.model import Domain, Instrument, Item, ItemKind, Option, Reason
from icope_desktop.screening.responses import ItemStatus, Responses
from icope_desktop.screening.results import Band, Result, build_result
from icope_desktop.screening.tally import Tally, decide
from icope_desktop.screening.wording import num

LL1418_4 = (
    Reason("1", Text(fr="A essayé mais n'a pas pu", en="Tried but unable"), True),
    Reason(
        "2",
        Text(fr="N'a pas pu tenir la position sans aide", en="Could not hold position unassisted"),
        True,
    ),
    Reason(
        "3",
        Text(
            fr="Non tenté : jugé risqué par l'examinateur",
            en="Not attempted, examiner felt unsafe",
        ),
        True,
    ),
    Reason(
        "4",
        Text(
            fr="Non tenté : la personne ne se sentait pas en sécurité",
            en="Not attempted, participant felt unsafe",
        ),
        True,
    ),
    Reason(
        "5",
        Text(fr="N'a pas compris les consignes", en="Unable to understand instructions"),
        True,
    ),
    Reason("6", Text(fr="Autre (préciser)", en="Other (specify)"), needs_note=True),
    Reason("7", Text(fr="Refus", en="Refused")),
    Reason("8", Text(fr="N'a pas persévéré", en="Did not try to persevere")),
)
"""Reasons of LOINC answer list LL1418-4 as in the Castor form ✅ [S15] (code 8 appears in
that form; whether it belongs to LL1418-4 is to be checked, spec §3.3)."""

NOT_ATTEMPTED_CODES = frozenset({"3", "4", "5", "6", "7"})
REFUSED = "7"

BALANCE = Text(fr="Équilibre", en="Balance")
GAIT = Text(fr="Vitesse de marche", en="Gait speed")
CHAIR = Text(fr="Levers de chaise", en="Chair stands")
L = Domain.LOCOMOTION
HOLD = Fraction(10)  # the visibility flow uses the protocol's 10 s hold


def _held(item_id: str) -> Any:
    def visible(answers: Answers) -> bool:
        time = raw_time(answers, item_id)
        return time is not None and time >= HOLD

    return visible


def _b3_visible(answers: Answers) -> bool:
    return _held("B1")(answers) and _held("B2")(answers)


def _pretest_passed(answers: Answers) -> bool:
    return raw_is(answers, "CHAIR_pretest", "passed")


def _stance(item_id: str, fr: str, en: str, visible: Any) -> Item:
    return Item(
        item_id, Text(fr=fr, en=en), ItemKind.DURATION, min=0, max=60, plausible_min=0,
        plausible_max=10, unit="s", decimals=2, section=BALANCE, domain=L, visible_if=visible,
        not_assessable=True, reasons=LL1418_4,
    )  # fmt: skip


def _trial(item_id: str, fr: str, en: str, required: bool) -> Item:
    return Item(
        item_id, Text(fr=fr, en=en), ItemKind.DURATION, min=0, max=300, plausible_min=1.0,
        plausible_max=60, unit="s", decimals=2, section=GAIT, domain=L, required=required,
        not_assessable=True, reasons=LL1418_4,
    )  # fmt: skip


ITEMS = (
    _stance("B1", "Pieds joints (secondes tenues)", "Side-by-side stand (seconds held)", None),
    _stance("B2", "Semi-tandem (secondes tenues)", "Semi-tandem stand (seconds held)", _held("B1")),
    _stance("B3", "Tandem (secondes tenues)", "Tandem stand (seconds held)", _b3_visible),
    Item(
        "GAIT_course_m", Text(fr="Longueur du parcours", en="Course length"), ItemKind.CHOICE,
        options=(Option(4, Text(fr="4 m", en="4 m")), Option(3, Text(fr="3 m", en="3 m"))),
        section=GAIT, domain=L,
    ),
    _trial("GAIT_t1_s", "Marche : essai 1", "Walk: trial 1", True),
    _trial("GAIT_t2_s", "Marche : essai 2", "Walk: trial 2", False),
    Item(
        "GAIT_aid", Text(fr="Aide à la marche", en="Walking aid"), ItemKind.CHOICE,
        options=(
            Option("none", Text(fr="Aucune", en="None")),
            Option("cane", Text(fr="Canne", en="Cane")),
            Option("walker", Text(fr="Déambulateur", en="Walker")),
            Option("other", Text(fr="Autre", en="Other")),
        ),
        section=GAIT, domain=L, required=False, scored=False,
    ),
    Item(
        "CHAIR_pretest", Text(fr="Lever unique sans les bras", en="Single rise without arms"),
        ItemKind.CHOICE,
        options=(
            Option("passed", Text(fr="Réussi sans les bras", en="Stood without using arms")),
            Option("used_arms", Text(fr="A utilisé les bras", en="Used arms to stand")),
        ),
        section=CHAIR, domain=L, not_assessable=True, reasons=LL1418_4,
    ),
    Item(
        "CHAIR_time_s", Text(fr="5 levers : durée", en="5 rises: time"), ItemKind.DURATION,
        min=0, max=600, plausible_min=3.0, plausible_max=60, unit="s", decimals=2,
        over_token=">60", section=CHAIR, domain=L, visible_if=_pretest_passed,
        not_assessable=True, reasons=LL1418_4,
    ),
)  # fmt: skip


class _Part:
    """One sub-test's score (0–4), or the range it may take."""

    def __init__(self) -> None:
        self.points: int | None = None
        self.low, self.high = 0, 4
        self.zero_reasons: dict[str, str] = {}
        self.refused = False

    def set(self, points: int) -> None:
        self.points = points
        self.low = self.high = points

    def zero_for_reason(self, item_id: str, code: str) -> None:
        """Not attempted / failed with a declared reason: 0 points (spec §3.3)."""
        self.set(0)
        self.zero_reasons[item_id] = code
        if code == REFUSED:
            self.refused = True
            self.low, self.high = 0, 4


def _declared_reason(responses: Responses, item_id: str) -> str | None:
    reason = responses.reason(item_id)
    return reason.code if reason is not None else None


def _balance(r: Responses, t: Thresholds) -> tuple[_Part, dict[str, Any]]:
    """B1 → B2 → B3; a stance not held stops the test (the later ones score 0)."""
    rules = t.sppb
    part = _Part()
    stance_points: dict[str, int | None] = {"B1": None, "B2": None, "B3": None}
    info: dict[str, Any] = {"stance_points": stance_points}
    earned = 0
    for item_id in ("B1", "B2", "B3"):
        time = r.number(item_id)
        reason = _declared_reason(r, item_id)
        if time is not None and item_id == "B3":
            points = (
                2
                if time >= rules.balance_hold_s
                else 1
                if time >= rules.tandem_partial_from_s
                else 0
            )
        elif time is not None:
            points = 1 if time >= rules.balance_hold_s else 0
        elif reason is not None:
            points = 0
            part.zero_reasons[item_id] = reason
            part.refused = part.refused or reason == REFUSED
        else:
            # missing, or not assessable without a chosen reason: the rest is unknown
            part.low, part.high = earned, 4
            return part, info
        stance_points[item_id] = points
        earned += points
        if item_id != "B3" and points == 0:
            break
    part.set(earned)
    if part.refused:
        part.low, part.high = earned, 4
    return part, info


def gait_points(time: Fraction, cut: GaitCutoffs) -> int:
    """Half-open intervals of spec §3.3 on the rounded time."""
    if time < cut.four_below:
        return 4
    if time < cut.three_below:
        return 3
    if time <= cut.two_at_or_below:
        return 2
    return 1


def _gait(r: Responses, t: Thresholds) -> tuple[_Part, dict[str, Any]]:
    part = _Part()
    times = {i: r.number(i) for i in ("GAIT_t1_s", "GAIT_t2_s")}
    measured = {i: v for i, v in times.items() if v is not None}
    course = r.value("GAIT_course_m")
    info: dict[str, Any] = {"gait_course_m": course, "gait_time_s": None, "gait_trial_used": None}
    if measured:
        trial, best = min(measured.items(), key=lambda kv: kv[1])
        info.update(gait_time_s=float(best), gait_trial_used=trial)
        if course == 4:
            part.set(gait_points(best, t.sppb.gait_4m))
        elif course == 3:
            part.set(gait_points(best, t.sppb.gait_3m))
        else:
            options = (gait_points(best, t.sppb.gait_4m), gait_points(best, t.sppb.gait_3m))
            part.low, part.high = min(options), max(options)
        return part, info
    reason = _declared_reason(r, "GAIT_t1_s")
    second = r.status("GAIT_t2_s")
    if reason is not None and (
        second is ItemStatus.MISSING or _declared_reason(r, "GAIT_t2_s") is not None
    ):
        part.zero_for_reason("GAIT_t1_s", reason)
    return part, info


def chair_points(time: Fraction, t: Thresholds) -> int:
    cut = t.sppb.chair
    if time <= cut.four_at_or_below:
        return 4
    if time <= cut.three_at_or_below:
        return 3
    if time <= cut.two_at_or_below:
        return 2
    if time <= cut.one_at_or_below:
        return 1
    return 0


def _chair(r: Responses, t: Thresholds) -> tuple[_Part, dict[str, Any]]:
    part = _Part()
    info: dict[str, Any] = {"chair_time_s": None}
    pretest = r.value("CHAIR_pretest")
    pretest_reason = _declared_reason(r, "CHAIR_pretest")
    if pretest == "used_arms":
        part.set(0)  # failed pre-test: 0, the repeated test is not done (spec §3.3)
    elif pretest_reason is not None:
        part.zero_for_reason("CHAIR_pretest", pretest_reason)
    elif pretest == "passed":
        time = r.number("CHAIR_time_s")
        reason = _declared_reason(r, "CHAIR_time_s")
        if r.is_over("CHAIR_time_s"):
            info["chair_time_s"] = ">60"
            part.set(0)
        elif time is not None:
            info["chair_time_s"] = float(time)
            part.set(chair_points(time, t))
        elif reason is not None:
            part.zero_for_reason("CHAIR_time_s", reason)
    return part, info


BAND_LABELS = {
    "very_low": Text(fr="très faible (indicatif)", en="very low (indicative)"),
    "low": Text(fr="faible (indicatif)", en="low (indicative)"),
    "moderate": Text(fr="modérée (indicatif)", en="moderate (indicative)"),
    "high": Text(fr="élevée (indicatif)", en="high (indicative)"),
}


def score_sppb(responses: Responses, context: ScoringContext, thresholds: Thresholds) -> Result:
    rules = thresholds.sppb
    balance, balance_info = _balance(responses, thresholds)
    gait, gait_info = _gait(responses, thresholds)
    chair, chair_info = _chair(responses, thresholds)
    parts = {"balance": balance, "gait": gait, "chair": chair}
    tally = Tally()
    for name, part in parts.items():
        if part.points is None:
            tally.add_range(name, part.low, part.high)
        else:
            tally.add(part.points)
    refused = any(p.refused for p in parts.values())
    # Refused sub-tests count 0 in the shown total; the real score lies in `bounds`.
    low = sum(p.low for p in parts.values())
    high = sum(p.high for p in parts.values())
    total = int(tally.low) if tally.complete else None
    zero_reasons = {k: v for p in parts.values() for k, v in p.zero_reasons.items()}
    not_attempted = any(code in NOT_ATTEMPTED_CODES for code in zero_reasons.values())
    altered = decide(Fraction(low), Fraction(high), lambda s: s <= rules.altered_at_or_below)
    band = None
    if total is not None and not refused:
        code = rules.bands.band_for(Fraction(total))
        band = Band(code, BAND_LABELS[code], indicative=True)
    derived: dict[str, Any] = {
        "balance_score": balance.points,
        "gait_score": gait.points,
        "chair_score": chair.points,
        **balance_info,
        **gait_info,
        **chair_info,
        "walking_aid": responses.value("GAIT_aid"),
        "zero_reasons": zero_reasons,
        "score_includes_not_attempted": not_attempted,
        "non_representatif": refused,
    }
    notes = []
    if refused:
        notes.append(
            Text(
                fr="Score non représentatif : un sous-test refusé compte 0 point.",
                en="Score not representative: a refused sub-test counts 0 points.",
            )
        )
    elif not_attempted:
        notes.append(
            Text(
                fr="Le score inclut un sous-test non tenté compté 0 point.",
                en="The score includes a sub-test not attempted, counted as 0 points.",
            )
        )
    cut_fr, cut_en = num(rules.altered_at_or_below, "fr"), num(rules.altered_at_or_below, "en")
    if altered is None and refused:
        interpretation = Text(
            fr="indéterminé : sous-test refusé, score non représentatif",
            en="undetermined: sub-test refused, score not representative",
        )
    elif altered is None:
        interpretation = Text(
            fr="indéterminé : compléter les sous-tests manquants",
            en="undetermined: complete the missing sub-tests",
        )
    else:
        interpretation = Text(
            fr=f"performance des membres inférieurs {'altérée' if altered else 'préservée'} "
            f"(SPPB {'≤' if altered else '>'} {cut_fr})",
            en=f"lower-limb performance {'impaired' if altered else 'preserved'} "
            f"(SPPB {'≤' if altered else '>'} {cut_en})",
        )
    return build_result(
        SPPB,
        responses,
        total=total,
        valid=total is not None and not refused,
        altered=altered,
        bounds=(low, high) if (total is None or refused) else None,
        band=band,
        derived=derived,
        interpretation=interpretation,
        threshold=Text(fr=f"altérée si SPPB ≤ {cut_fr}", en=f"altered if SPPB ≤ {cut_en}"),
        notes=notes,
    )


SPPB = Instrument(
    id="sppb",
    title=Text(fr="SPPB (performance physique)", en="SPPB (physical performance)"),
    step=2,
    domain=L,
    items=ITEMS,
    max_total=12,
    scorer=score_sppb,
    licence_notice=Text(
        fr="SPPB : protocole NIA, domaine public (PhenX 150501) ; Guralnik et al., J Gerontol "
        "1994.",
        en="SPPB: NIA protocol, publicly available (PhenX 150501); Guralnik et al., J Gerontol "
        "1994.",
    ),
    codes={
        "panel": loinc("62825-5", "PhenX physical functioning - objective protocol 150501"),
        "balance_score": loinc("66253-6", "Total balance tests score"),
        "gait_time_s": loinc("66255-1", "Time for 3 or 4 meters"),
        "total": project("sppb-total", "SPPB total score (0-12)"),
        "gait_score": project("sppb-gait-score", "SPPB gait speed score"),
        "chair_score": project("sppb-chair-score", "SPPB chair stand score"),
    },
)
