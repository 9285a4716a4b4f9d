"""ICOPE screening core: instrument definitions, validation, scoring and the ICOPE rules.

Pure Python (never imports Qt). The clinical rules are those of
`ICOPE_CLINICAL_SPEC.md` v0.1; thresholds live in `resources/clinical_thresholds.yaml`
and every result carries `RULESET_VERSION`. docs/ARCHITECTURE.md "Screening" has the
full contract; in short:

Instruments
    `ALL_INSTRUMENTS`, `get_instrument(id)` for `step1`, `mmse`, `mna_sf`, `mna`,
    `sppb`, `snellen`, `phq9`, `hearing` (unknown id: `UnknownInstrumentError`, a
    KeyError). An `Instrument` holds `items` (`Item`: id, FR/EN `label`, `kind`
    (`ItemKind`), `options`, hard `min`/`max`, `plausible_min`/`plausible_max`, `unit`,
    `section`, `domain`, `required`, `not_assessable` + `reasons`, `visible_if`, `scored`),
    `max_total`, `licence_notice`, `codes` (LOINC only where the spec lists one).

Answers
    A plain dict keyed by item id: str, int, float, bool, or `NotAssessable(reason,
    note)` (`NOT_ASSESSABLE` = no reason chosen yet, fine in a draft). A missing key is
    *missing*, never 0. `"_confirmed"` lists item ids whose unusual value was confirmed.
    `answers_to_json` / `answers_from_json` round-trip them.

Scoring
    `validate(id, answers, complete=False)` raises `ValidationError` (`errors`: one
    `FieldError(item_id, code, message: Text)` per bad field; `messages(lang)`).
    `score(id, answers, context=ScoringContext(age_years, visit_date))` validates, then
    returns a frozen `Result` (`total`, `bounds`, `valid`, `band`, `altered`,
    `domain_statuses`, `alerts`, `missing`, `not_assessable`, `derived`,
    `interpretation`, `threshold`, `notes`, `ruleset_version`; `to_json`/`from_json`;
    `str()` is a human summary).

Visit
    `evaluate_visit(step1_result, {id: step2_result}, visit_date=…, config=VisitConfig())`
    gives a `VisitEvaluation`: refined domain statuses, alerts urgent first, Step 2 tests
    to propose, the multidomain alert (≥ 3 by default), the next Step 1 date and the §5
    care-plan `Recommendation`s.

Example::

    >>> from icope_desktop.screening import score
    >>> print(score("phq9", {"Q1": 1, "Q2": 1, "Q3": 0, "Q4": 2, "Q5": 0, "Q6": 0,
    ...                      "Q7": 1, "Q8": 0, "Q9": 0}).summary("en").splitlines()[0])
    Mood (PHQ-9) — 5/27 — mild — ALTERED
"""

from icope_desktop.screening.alerts import ALL_ALERT_CODES, AlertCode
from icope_desktop.screening.answers import (
    CONFIRMED_KEY,
    NOT_ASSESSABLE,
    NotAssessable,
    answers_from_json,
    answers_to_json,
)
from icope_desktop.screening.codes import LOINC_NOTICE, LOINC_SYSTEM, PROJECT_CODE_SYSTEM, Coding
from icope_desktop.screening.config import (
    ScoringContext,
    Thresholds,
    VisitConfig,
    default_thresholds,
    load_thresholds,
)
from icope_desktop.screening.errors import (
    ConfigError,
    FieldError,
    FieldErrorCode,
    UnknownInstrumentError,
    ValidationError,
)
from icope_desktop.screening.model import (
    Domain,
    DomainStatus,
    Instrument,
    Item,
    ItemKind,
    Option,
    Reason,
    Severity,
)
from icope_desktop.screening.pathways import STEP2_BY_DOMAIN
from icope_desktop.screening.recommendations import ALL_RECOMMENDATIONS, Recommendation
from icope_desktop.screening.registry import ALL_INSTRUMENTS, get_instrument
from icope_desktop.screening.results import Alert, Band, Result
from icope_desktop.screening.scoring import score, validate
from icope_desktop.screening.version import RULESET_VERSION, SPEC_VERSION
from icope_desktop.screening.visit import VisitEvaluation, evaluate_visit

__all__ = [
    "ALL_ALERT_CODES",
    "ALL_INSTRUMENTS",
    "ALL_RECOMMENDATIONS",
    "CONFIRMED_KEY",
    "LOINC_NOTICE",
    "LOINC_SYSTEM",
    "NOT_ASSESSABLE",
    "PROJECT_CODE_SYSTEM",
    "RULESET_VERSION",
    "SPEC_VERSION",
    "STEP2_BY_DOMAIN",
    "Alert",
    "AlertCode",
    "Band",
    "Coding",
    "ConfigError",
    "Domain",
    "DomainStatus",
    "FieldError",
    "FieldErrorCode",
    "Instrument",
    "Item",
    "ItemKind",
    "NotAssessable",
    "Option",
    "Reason",
    "Recommendation",
    "Result",
    "ScoringContext",
    "Severity",
    "Thresholds",
    "UnknownInstrumentError",
    "ValidationError",
    "VisitConfig",
    "VisitEvaluation",
    "answers_from_json",
    "answers_to_json",
    "default_thresholds",
    "evaluate_visit",
    "get_instrument",
    "load_thresholds",
    "score",
    "validate",
]
