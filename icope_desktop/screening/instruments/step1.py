"""ICOPE Step 1 screening of the six capacities (clinical spec §2; WHO ICOPE 2019 [S1]).

No summed score: each domain is normal, altered or not evaluated. Compound answers of
the spec are flattened into sub-items whose ids start with the spec id:

| spec | items |
|---|---|
| C1–C4 | `C1` (registration done, unscored), `C2`, `C3`, `C4` |
| L1 | `L1_completed`, `L1_used_arms` (if completed), `L1_time_s` (if no arms used) |
| N1 | `N1` (oui / non / ne_sait_pas), `N1_kg_lost` (optional) |
| N2, V1, P1, P2 | one item each |
| H1 | `H1_method`; per method `H1_whisper_R`/`_L`, `H1_audio_R_db`/`_L_db` or |
|    | `H1_app_result`; `H1_red_flags` (ENT red flags, unscored) |

Rules of this ruleset (spec §2):
- cognition altered if C2 or C3 is wrong or "doesn't know", or C4 < 3;
- locomotion altered if the five rises were not completed, arms were used, or the time is
  ≥ 14.00 s (French « en moins de 14 s »; the WHO "within 14 s" would pass 14.00 s: the
  boundary is an open question, §9.5);
- vitality altered if N1 = oui or ne_sait_pas (PROJECT RULE, sensitivity first), or
  kg lost > 3.0 ("more than 3 kg"), or N2 = oui. PROJECT RULE: a typed loss ≤ 3 kg
  answers N1 negatively when N1 itself is unanswered; N1 = oui wins over a typed
  loss ≤ 3 kg (the safer reading of a contradiction);
- vision altered if V1 = oui;
- hearing altered if the whisper test fails in either ear (PROJECT RULE reading of
  "hears whispers"), or screening audiometry fails in either ear (threshold ❌ null by
  default: the domain is then not evaluated, never guessed), or the app test fails;
- psychological altered if P1 or P2 = oui.
- Missing data (PROJECT RULE, §2): not done because of the capacity itself (reason
  `unable`/`unsafe`) → altered; for an external reason (refused, noise, no time, other)
  or not yet answered → not evaluated, not counted, Step 1 incomplete.
- A domain already altered by one answer stays altered whatever else is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from icope_desktop.i18n import Text
from icope_desktop.screening import alerts
from icope_desktop.screening.answers import Answers, raw_is
from icope_desktop.screening.codes import project
from icope_desktop.screening.config import ScoringContext, Thresholds
from icope_desktop.screening.followup import add_months
from icope_desktop.screening.model import (
    Domain,
    DomainStatus,
    Instrument,
    Item,
    ItemKind,
    Option,
    Reason,
)
from icope_desktop.screening.pathways import SHORT_NAMES, STEP2_BY_DOMAIN
from icope_desktop.screening.responses import ItemStatus, Responses
from icope_desktop.screening.results import Result, build_result
from icope_desktop.screening.wording import both_num

UNABLE = Reason(
    "unable",
    Text(fr="Incapable (du fait de la capacité testée)", en="Unable (capacity tested)"),
    capacity_related=True,
)
UNSAFE = Reason(
    "unsafe",
    Text(fr="Trop risqué à tenter (capacité testée)", en="Unsafe to attempt (capacity tested)"),
    capacity_related=True,
)
REFUSED = Reason("refused", Text(fr="Refus", en="Refused"))
NOISE = Reason("noise", Text(fr="Environnement bruyant", en="Noisy environment"))
NO_TIME = Reason("no_time", Text(fr="Pas le temps", en="No time"))
OTHER = Reason(
    "other",
    Text(fr="Autre motif externe (préciser)", en="Other external reason (specify)"),
    needs_note=True,
)
COGNITION_REASONS = (UNABLE, REFUSED, NOISE, NO_TIME, OTHER)
LOCOMOTION_REASONS = (UNABLE, UNSAFE, REFUSED, NO_TIME, OTHER)
QUESTION_REASONS = (REFUSED, NO_TIME, OTHER)
HEARING_REASONS = (UNABLE, REFUSED, NOISE, NO_TIME, OTHER)

ORIENTATION = (
    Option("correct", Text(fr="Correcte", en="Correct")),
    Option("incorrect", Text(fr="Incorrecte", en="Incorrect")),
    Option("ne_sait_pas", Text(fr="Ne sait pas", en="Doesn't know")),
)
YES_NO_DONT_KNOW = (
    Option("oui", Text(fr="Oui", en="Yes")),
    Option("non", Text(fr="Non", en="No")),
    Option("ne_sait_pas", Text(fr="Ne sait pas", en="Doesn't know")),
)
PASS_FAIL = (
    Option("pass", Text(fr="Réussi", en="Pass")),
    Option("fail", Text(fr="Échoué", en="Fail")),
)
HEARING_METHODS = (
    Option("whisper", Text(fr="Voix chuchotée", en="Whispered voice")),
    Option("audiometry", Text(fr="Audiométrie de dépistage", en="Screening audiometry")),
    Option("app", Text(fr="Application (ex. hearWHO)", en="App (e.g. hearWHO)")),
)

SECTIONS = {domain: domain.label for domain in Domain}


def _method_is(method: str) -> Callable[[Answers], bool]:
    def visible(answers: Answers) -> bool:
        return raw_is(answers, "H1_method", method)

    return visible


def _completed(answers: Answers) -> bool:
    return raw_is(answers, "L1_completed", True)


def _completed_without_arms(answers: Answers) -> bool:
    return _completed(answers) and raw_is(answers, "L1_used_arms", False)


def _item(item_id: str, domain: Domain, fr: str, en: str, kind: ItemKind, **extra: Any) -> Item:
    return Item(item_id, Text(fr=fr, en=en), kind, section=SECTIONS[domain], domain=domain, **extra)


C, L, N, V, H, P = (
    Domain.COGNITION,
    Domain.LOCOMOTION,
    Domain.VITALITY,
    Domain.VISION,
    Domain.HEARING,
    Domain.PSYCHOLOGICAL,
)

ITEMS = (
    _item(
        "C1", C, "Retenir 3 mots (répétés)", "Register 3 words (repeated)", ItemKind.BOOLEAN,
        required=False, scored=False, not_assessable=True, reasons=COGNITION_REASONS,
        help=Text(
            fr="Donner 3 mots (ex. fleur, porte, riz) à répéter ; ils sont redemandés en C4.",
            en="Say 3 words (e.g. flower, door, rice) to repeat; they are asked again in C4.",
        ),
    ),
    _item(
        "C2", C, "Orientation : date complète du jour", "Orientation: full date today",
        ItemKind.CHOICE, options=ORIENTATION, not_assessable=True, reasons=COGNITION_REASONS,
    ),
    _item(
        "C3", C, "Orientation : où sommes-nous ?", "Orientation: where are you now?",
        ItemKind.CHOICE, options=ORIENTATION, not_assessable=True, reasons=COGNITION_REASONS,
    ),
    _item(
        "C4", C, "Rappel des 3 mots (nombre rappelé)", "Recall of the 3 words (number recalled)",
        ItemKind.INTEGER, min=0, max=3, not_assessable=True, reasons=COGNITION_REASONS,
    ),
    _item(
        "L1_completed", L, "Lever de chaise ×5 sans les bras : réalisé en entier",
        "5 chair rises without arms: completed", ItemKind.BOOLEAN,
        not_assessable=True, reasons=LOCOMOTION_REASONS,
    ),
    _item(
        "L1_used_arms", L, "Lever de chaise : bras utilisés", "Chair rises: arms used",
        ItemKind.BOOLEAN, visible_if=_completed, not_assessable=True, reasons=LOCOMOTION_REASONS,
    ),
    _item(
        "L1_time_s", L, "Lever de chaise ×5 : durée", "5 chair rises: time", ItemKind.DURATION,
        min=0, max=600, plausible_min=3.0, plausible_max=60, unit="s", decimals=2,
        over_token=">60", visible_if=_completed_without_arms, not_assessable=True,
        reasons=LOCOMOTION_REASONS,
    ),
    _item(
        "N1", N, "Perte de poids involontaire > 3 kg en 3 mois",
        "Unintentional weight loss > 3 kg over 3 months", ItemKind.CHOICE,
        options=YES_NO_DONT_KNOW, not_assessable=True, reasons=QUESTION_REASONS,
    ),
    _item(
        "N1_kg_lost", N, "Poids perdu en 3 mois", "Weight lost over 3 months", ItemKind.DECIMAL,
        min=0, max=100, plausible_min=0, plausible_max=30, unit="kg", decimals=1,
        required=False, not_assessable=True, reasons=QUESTION_REASONS,
    ),
    _item(
        "N2", N, "Perte d'appétit", "Loss of appetite", ItemKind.BOOLEAN,
        not_assessable=True, reasons=QUESTION_REASONS,
    ),
    _item(
        "V1", V,
        "Problème aux yeux : voir de loin, lire, maladie oculaire ou traitement en cours "
        "(ex. diabète, HTA)",
        "Any eye problem: distance, reading, eye disease, under treatment",
        ItemKind.BOOLEAN, not_assessable=True, reasons=QUESTION_REASONS,
    ),
    _item(
        "H1_method", H, "Test de l'audition : méthode", "Hearing test: method", ItemKind.CHOICE,
        options=HEARING_METHODS, not_assessable=True, reasons=HEARING_REASONS,
    ),
    _item(
        "H1_whisper_R", H, "Voix chuchotée : oreille droite", "Whispered voice: right ear",
        ItemKind.CHOICE, options=PASS_FAIL, visible_if=_method_is("whisper"),
        not_assessable=True, reasons=HEARING_REASONS,
        help=Text(
            fr="À 0,6 m derrière la personne, oreille opposée masquée (protocole §3.5.1).",
            en="At 0.6 m behind the person, other ear masked (protocol §3.5.1).",
        ),
    ),
    _item(
        "H1_whisper_L", H, "Voix chuchotée : oreille gauche", "Whispered voice: left ear",
        ItemKind.CHOICE, options=PASS_FAIL, visible_if=_method_is("whisper"),
        not_assessable=True, reasons=HEARING_REASONS,
    ),
    _item(
        "H1_audio_R_db", H, "Audiométrie de dépistage : oreille droite",
        "Screening audiometry: right ear", ItemKind.DECIMAL, min=-20, max=140,
        plausible_min=-10, plausible_max=120, unit="dB HL", decimals=0,
        visible_if=_method_is("audiometry"), not_assessable=True, reasons=HEARING_REASONS,
    ),
    _item(
        "H1_audio_L_db", H, "Audiométrie de dépistage : oreille gauche",
        "Screening audiometry: left ear", ItemKind.DECIMAL, min=-20, max=140,
        plausible_min=-10, plausible_max=120, unit="dB HL", decimals=0,
        visible_if=_method_is("audiometry"), not_assessable=True, reasons=HEARING_REASONS,
    ),
    _item(
        "H1_app_result", H, "Application : résultat", "App: result", ItemKind.CHOICE,
        options=PASS_FAIL, visible_if=_method_is("app"), not_assessable=True,
        reasons=HEARING_REASONS,
    ),
    _item(
        "H1_red_flags", H, "Douleur d'oreille, écoulement, vertiges, perte brutale ou unilatérale",
        "Ear pain, discharge, dizziness, sudden or unilateral loss", ItemKind.BOOLEAN,
        required=False, scored=False,
    ),
    _item(
        "P1", P, "2 dernières semaines : triste, déprimé(e), sans espoir ?",
        "Past 2 weeks: feeling down, depressed or hopeless?", ItemKind.BOOLEAN,
        not_assessable=True, reasons=QUESTION_REASONS,
    ),
    _item(
        "P2", P, "2 dernières semaines : peu d'intérêt ou de plaisir ?",
        "Past 2 weeks: little interest or pleasure?", ItemKind.BOOLEAN,
        not_assessable=True, reasons=QUESTION_REASONS,
    ),
)  # fmt: skip


class _Domain:
    """Collects, for one domain, what alters it and whether it could be evaluated."""

    def __init__(self, responses: Responses) -> None:
        self.responses = responses
        self.triggers: list[str] = []
        self.unresolved = False
        self.note: Text | None = None

    def positive(self, item_id: str) -> None:
        self.triggers.append(item_id)

    def require(self, *item_ids: str) -> None:
        """Items that must be answered for a *normal* verdict; a capacity-related
        not-assessable reason alters the domain (spec §2 missing data)."""
        for item_id in item_ids:
            status = self.responses.status(item_id)
            if status is ItemStatus.NOT_ASSESSABLE and self.responses.is_capacity_related(item_id):
                self.positive(item_id)
            elif status is not ItemStatus.ANSWERED:
                self.unresolved = True

    @property
    def status(self) -> DomainStatus:
        if self.triggers:
            return DomainStatus.ALTERED
        if self.unresolved:
            return DomainStatus.NOT_EVALUATED
        return DomainStatus.NORMAL


def _cognition(r: Responses, t: Thresholds) -> _Domain:
    d = _Domain(r)
    for item_id in ("C2", "C3"):
        if r.value(item_id) in ("incorrect", "ne_sait_pas"):
            d.positive(item_id)
    recall = r.number("C4")
    if recall is not None and recall < 3:
        d.positive("C4")
    if r.status("C1") is ItemStatus.NOT_ASSESSABLE and r.is_capacity_related("C1"):
        d.positive("C1")
    d.require("C2", "C3", "C4")
    return d


def _locomotion(r: Responses, t: Thresholds) -> _Domain:
    d = _Domain(r)
    limit = t.step1.chair_rise_altered_at_or_above_s
    if r.value("L1_completed") is False:
        d.positive("L1_completed")
    if r.value("L1_used_arms") is True:
        d.positive("L1_used_arms")
    time = r.number("L1_time_s")
    if r.is_over("L1_time_s") or (time is not None and time >= limit):
        d.positive("L1_time_s")
    d.require("L1_completed")
    if r.value("L1_completed") is True:
        d.require("L1_used_arms")
        if r.value("L1_used_arms") is False:
            d.require("L1_time_s")
    return d


def _vitality(r: Responses, t: Thresholds) -> _Domain:
    d = _Domain(r)
    limit = t.step1.weight_loss_altered_above_kg
    n1 = r.value("N1")
    kg = r.number("N1_kg_lost")
    if n1 in ("oui", "ne_sait_pas"):
        d.positive("N1")
    if kg is not None and kg > limit:
        d.positive("N1_kg_lost")
    if r.value("N2") is True:
        d.positive("N2")
    if not (n1 == "non" or (n1 is None and kg is not None and kg <= limit)):
        d.require("N1")
    d.require("N2")
    return d


def _vision(r: Responses, t: Thresholds) -> _Domain:
    d = _Domain(r)
    if r.value("V1") is True:
        d.positive("V1")
    d.require("V1")
    return d


def _hearing(r: Responses, t: Thresholds) -> _Domain:
    d = _Domain(r)
    d.require("H1_method")
    method = r.value("H1_method")
    if method == "whisper":
        for item_id in ("H1_whisper_R", "H1_whisper_L"):
            if r.value(item_id) == "fail":
                d.positive(item_id)
        d.require("H1_whisper_R", "H1_whisper_L")
    elif method == "app":
        if r.value("H1_app_result") == "fail":
            d.positive("H1_app_result")
        d.require("H1_app_result")
    elif method == "audiometry":
        pass_max = t.step1.audiometry_pass_max_db
        ears = ("H1_audio_R_db", "H1_audio_L_db")
        if pass_max is None:
            d.unresolved = True
            d.note = Text(
                fr="Audiométrie de dépistage : seuil de réussite non défini (❌ « ≤ 35 dB » "
                "OMS non vérifié) ; interprétation non disponible, utiliser la voix chuchotée.",
                en="Screening audiometry: pass threshold not set (❌ WHO '≤ 35 dB' not "
                "verified); interpretation not available, use the whispered voice test.",
            )
        else:
            for item_id in ears:
                level = r.number(item_id)
                if level is not None and level > pass_max:
                    d.positive(item_id)
        d.require(*ears)
    return d


def _psychological(r: Responses, t: Thresholds) -> _Domain:
    d = _Domain(r)
    for item_id in ("P1", "P2"):
        if r.value(item_id) is True:
            d.positive(item_id)
    d.require("P1", "P2")
    return d


EVALUATORS: dict[Domain, Callable[[Responses, Thresholds], _Domain]] = {
    Domain.COGNITION: _cognition,
    Domain.LOCOMOTION: _locomotion,
    Domain.VITALITY: _vitality,
    Domain.VISION: _vision,
    Domain.HEARING: _hearing,
    Domain.PSYCHOLOGICAL: _psychological,
}


def score_step1(responses: Responses, context: ScoringContext, thresholds: Thresholds) -> Result:
    evaluated = {domain: evaluate(responses, thresholds) for domain, evaluate in EVALUATORS.items()}
    statuses = {domain: d.status for domain, d in evaluated.items()}
    altered_domains = [d for d, s in statuses.items() if s is DomainStatus.ALTERED]
    missing_domains = [d for d, s in statuses.items() if s is DomainStatus.NOT_EVALUATED]
    count = len(altered_domains)
    limit = thresholds.visit.multidomain_threshold

    alert_list = [
        alerts.step2_required(domain, SHORT_NAMES[STEP2_BY_DOMAIN[domain]])
        for domain in altered_domains
    ]
    if count >= limit:
        alert_list.append(alerts.multidomain(count, limit))
    if responses.value("H1_red_flags") is True:
        alert_list.append(alerts.refer_ent("step1"))
    if missing_domains:
        alert_list.append(alerts.step1_incomplete(missing_domains))

    derived: dict[str, Any] = {
        "altered_count": count,
        "altered_domains": [d.value for d in altered_domains],
        "not_evaluated_domains": [d.value for d in missing_domains],
        "triggers": {d.value: evaluated[d].triggers for d in altered_domains},
        "proposed_step2": [STEP2_BY_DOMAIN[d] for d in altered_domains],
    }
    if context.visit_date is not None:
        due = add_months(context.visit_date, thresholds.visit.followup_months)
        derived["next_step1_due"] = due.isoformat()

    if altered_domains:
        altered: bool | None = True
    elif missing_domains:
        altered = None
    else:
        altered = False
    names_fr = ", ".join(d.label.fr for d in altered_domains)
    names_en = ", ".join(d.label.en for d in altered_domains)
    interpretation = (
        Text(
            fr=f"{count} capacité(s) altérée(s) sur 6 : {names_fr}.",
            en=f"{count} of 6 capacities altered: {names_en}.",
        )
        if count
        else Text(fr="Aucune capacité altérée.", en="No capacity altered.")
    )
    chair_fr, chair_en = both_num(thresholds.step1.chair_rise_altered_at_or_above_s, 2)
    kg_fr, kg_en = both_num(thresholds.step1.weight_loss_altered_above_kg, 1)
    threshold = Text(
        fr=f"Étape 1 OMS ICOPE : un domaine est altéré dès qu'un critère est positif "
        f"(lever de chaise ×5 ≥ {chair_fr} s, bras utilisés ou non réalisé ; perte de poids "
        f"> {kg_fr} kg…) ; alerte multidomaine à partir de {limit} domaines altérés.",
        en=f"WHO ICOPE Step 1: a domain is altered as soon as one criterion is positive "
        f"(5 chair rises ≥ {chair_en} s, arms used or not done; weight loss > {kg_en} kg…); "
        f"multidomain alert from {limit} altered domains.",
    )
    notes = [d.note for d in evaluated.values() if d.note is not None]
    return build_result(
        STEP1,
        responses,
        valid=not missing_domains,
        altered=altered,
        domain_statuses=statuses,
        alerts=tuple(alert_list),
        derived=derived,
        interpretation=interpretation,
        threshold=threshold,
        notes=notes,
    )


STEP1 = Instrument(
    id="step1",
    title=Text(fr="Étape 1 ICOPE : repérage", en="ICOPE Step 1: screening"),
    step=1,
    domain=None,
    items=ITEMS,
    max_total=None,
    scorer=score_step1,
    licence_notice=Text(
        fr="Libellés courts adaptés de l'outil de repérage OMS ICOPE (© OMS 2019, "
        "CC BY-NC-SA 3.0 IGO).",
        en="Short labels adapted from the WHO ICOPE screening tool (© WHO 2019, "
        "CC BY-NC-SA 3.0 IGO).",
    ),
    codes={
        "panel": project("step1", "ICOPE Step 1 screening"),
        "altered_count": project("step1-altered-count", "ICOPE Step 1 altered capacity count"),
    },
)
