"""Clinical thresholds (resources/clinical_thresholds.yaml) and the scoring context.

Clinical spec §6: thresholds live in a versioned config file, and a cell marked ❌ is
`null` so the app shows « interprétation non disponible » instead of guessing. Every
number is read as an exact fraction (`Fraction("4.82")`), because boundaries such as
"4.82 s" or "6/18" must never be compared as rounded binary floats (§3.4).

The loader checks every key and type and refuses a file whose `ruleset_version` differs
from `RULESET_VERSION`: results store that version, so a threshold change that did not
bump it would silently re-label old results.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

import yaml

from icope_desktop.i18n import Text
from icope_desktop.paths import resource
from icope_desktop.screening.errors import ConfigError
from icope_desktop.screening.version import RULESET_VERSION

THRESHOLDS_FILE = "clinical_thresholds.yaml"
PTA_GRADE_CODES = (
    "normal", "mild", "moderate", "moderately_severe", "severe", "profound", "complete",
)  # fmt: skip
PHQ9_BAND_CODES = ("minimal", "mild", "moderate", "moderately_severe", "severe")


@dataclass(frozen=True)
class BandTable:
    """Ordered bands by inclusive lower bound; the first band also takes anything below."""

    floors: tuple[tuple[str, Fraction], ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.floors)

    def band_for(self, value: Fraction) -> str:
        chosen = self.floors[0][0]
        for code, floor in self.floors:
            if value >= floor:
                chosen = code
        return chosen

    def floor(self, code: str) -> Fraction:
        return dict(self.floors)[code]


@dataclass(frozen=True)
class Step1Thresholds:
    chair_rise_altered_at_or_above_s: Fraction
    weight_loss_altered_above_kg: Fraction
    audiometry_pass_max_db: Fraction | None


@dataclass(frozen=True)
class AgeBand:
    code: str
    min_age: int
    max_age: int


@dataclass(frozen=True)
class MmseThresholds:
    comparator: Literal["le", "lt"]
    age_bands: tuple[AgeBand, ...]
    greco: Mapping[str, Mapping[str, int | None]]
    fallback_enabled: bool
    fallback_altered_below: int

    @property
    def norms_min_age(self) -> int:
        return min(band.min_age for band in self.age_bands)

    @property
    def norms_max_age(self) -> int:
        return max(band.max_age for band in self.age_bands)


@dataclass(frozen=True)
class MnaSfThresholds:
    bmi_cutoffs: tuple[Fraction, ...]
    calf_full_points_at_or_above_cm: Fraction
    bands: BandTable
    altered_at_or_below: Fraction
    malnutrition_alert_at_or_below: Fraction


@dataclass(frozen=True)
class MnaThresholds:
    mid_arm_half_point_at_or_above_cm: Fraction
    mid_arm_full_point_above_cm: Fraction
    calf_point_at_or_above_cm: Fraction
    bands: BandTable
    altered_below: Fraction
    malnutrition_alert_below: Fraction


@dataclass(frozen=True)
class GaitCutoffs:
    four_below: Fraction
    three_below: Fraction
    two_at_or_below: Fraction


@dataclass(frozen=True)
class ChairCutoffs:
    four_at_or_below: Fraction
    three_at_or_below: Fraction
    two_at_or_below: Fraction
    one_at_or_below: Fraction


@dataclass(frozen=True)
class SppbThresholds:
    balance_hold_s: Fraction
    tandem_partial_from_s: Fraction
    gait_4m: GaitCutoffs
    gait_3m: GaitCutoffs
    chair: ChairCutoffs
    altered_at_or_below: Fraction
    bands: BandTable


@dataclass(frozen=True)
class SnellenThresholds:
    categories: BandTable
    altered_below_decimal: Fraction
    logmar_tolerance: Fraction
    near: Mapping[str, Fraction | None]


@dataclass(frozen=True)
class HearingThresholds:
    pta_grades: BandTable
    pta_altered_at_or_above_db: Fraction
    whisper_pass_min_correct: int
    hearwho_good_above: Fraction
    hearwho_altered_below: Fraction


@dataclass(frozen=True)
class Phq9Thresholds:
    bands: BandTable
    altered_at_or_above: int
    major_depression_at_or_above: int
    item9_alert_at_or_above: int


@dataclass(frozen=True)
class VisitDefaults:
    multidomain_threshold: int
    followup_months: int
    followup_months_min: int
    followup_months_max: int


@dataclass(frozen=True)
class Thresholds:
    ruleset_version: str
    spec_version: str
    step1: Step1Thresholds
    mmse: MmseThresholds
    mna_sf: MnaSfThresholds
    mna: MnaThresholds
    sppb: SppbThresholds
    snellen: SnellenThresholds
    hearing: HearingThresholds
    phq9: Phq9Thresholds
    visit: VisitDefaults
    source: str = field(default="", compare=False)


@dataclass(frozen=True)
class ScoringContext:
    """What a score needs beyond the answers.

    `age_years` selects the MMSE GRECO age band (§3.1); `visit_date` lets the Step 1
    result state `next_step1_due` (§2 outputs); `thresholds` overrides the shipped file
    (tests, or a region's signed-off table).
    """

    age_years: int | None = None
    visit_date: date | None = None
    thresholds: Thresholds | None = None


@dataclass(frozen=True)
class VisitConfig:
    """Programme settings for `evaluate_visit` (clinical spec §1); None = file default.

    `multidomain_threshold`: ALERT_MULTIDOMAIN when at least this many Step 1 domains are
    altered (default 3). `followup_months`: Step 1 is repeated after this many calendar
    months (4–12, default 6).
    """

    multidomain_threshold: int | None = None
    followup_months: int | None = None


# --- loading -----------------------------------------------------------------------------


class _Reader:
    """Typed access to the parsed YAML with messages that name the faulty key."""

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, Mapping):
            raise _error(where, "un objet (clés: valeurs) est attendu", "a mapping is expected")
        self.data = data
        self.where = where

    def sub(self, key: str) -> _Reader:
        return _Reader(self._get(key), f"{self.where}.{key}")

    def _get(self, key: str) -> Any:
        if key not in self.data:
            raise _error(f"{self.where}.{key}", "clé absente", "missing key")
        return self.data[key]

    def number(self, key: str) -> Fraction:
        value = self.optional_number(key)
        if value is None:
            raise _error(f"{self.where}.{key}", "un nombre est requis", "a number is required")
        return value

    def optional_number(self, key: str) -> Fraction | None:
        return _to_fraction(self._get(key), f"{self.where}.{key}")

    def integer(self, key: str) -> int:
        value = self._get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise _error(f"{self.where}.{key}", "un entier est requis", "an integer is required")
        return value

    def optional_integer(self, key: str) -> int | None:
        if self._get(key) is None:
            return None
        return self.integer(key)

    def text(self, key: str) -> str:
        value = self._get(key)
        if not isinstance(value, str):
            raise _error(f"{self.where}.{key}", "un texte est requis", "a string is required")
        return value

    def flag(self, key: str) -> bool:
        value = self._get(key)
        if not isinstance(value, bool):
            raise _error(f"{self.where}.{key}", "true ou false est requis", "true/false required")
        return value

    def bands(self, key: str, codes: tuple[str, ...]) -> BandTable:
        raw = self.sub(key).data
        where = f"{self.where}.{key}"
        if tuple(raw) != codes:
            raise _error(
                where,
                f"bandes attendues dans cet ordre : {', '.join(codes)}",
                f"expected bands in this order: {', '.join(codes)}",
            )
        floors = []
        for code in codes:
            value = _to_fraction(raw[code], f"{where}.{code}")
            if value is None:
                raise _error(f"{where}.{code}", "un nombre est requis", "a number is required")
            floors.append((code, value))
        if any(a[1] >= b[1] for a, b in pairwise(floors)):
            raise _error(where, "les seuils doivent croître", "floors must increase")
        return BandTable(tuple(floors))


def _to_fraction(value: Any, where: str) -> Fraction | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise _error(where, "un nombre est requis", "a number is required")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float | str):
        try:
            return Fraction(str(value))
        except (ValueError, ZeroDivisionError):
            pass
    raise _error(where, "un nombre ou une fraction est requis", "a number or fraction is required")


def _error(where: str, fr: str, en: str) -> ConfigError:
    return ConfigError(
        Text(
            fr=f"Seuils cliniques, « {where} » : {fr}.",
            en=f"Clinical thresholds, '{where}': {en}.",
        )
    )


def parse_thresholds(data: Any, source: str = "") -> Thresholds:
    """Build `Thresholds` from parsed YAML, checking every key (ConfigError otherwise)."""
    root = _Reader(data, "")
    version = root.text("ruleset_version")
    if version != RULESET_VERSION:
        raise ConfigError(
            Text(
                fr=f"Le fichier de seuils déclare la version {version} mais le moteur applique "
                f"la version {RULESET_VERSION} : mettez les deux à jour ensemble.",
                en=f"The thresholds file declares version {version} but the engine applies "
                f"version {RULESET_VERSION}: update both together.",
            )
        )
    s1 = root.sub("step1")
    mm = root.sub("mmse")
    comparator = mm.text("comparator")
    if comparator not in ("le", "lt"):
        raise _error(".mmse.comparator", "« le » ou « lt » attendu", "'le' or 'lt' expected")
    age_bands = []
    raw_bands = mm._get("age_bands")
    if not isinstance(raw_bands, list) or not raw_bands:
        raise _error(".mmse.age_bands", "une liste est requise", "a list is required")
    for index, raw in enumerate(raw_bands):
        band = _Reader(raw, f".mmse.age_bands[{index}]")
        age_bands.append(
            AgeBand(band.text("code"), band.integer("min_age"), band.integer("max_age"))
        )
    greco_reader = mm.sub("greco")
    greco: dict[str, dict[str, int | None]] = {}
    for nsc in ("NSC1", "NSC2", "NSC3", "NSC4"):
        row = greco_reader.sub(nsc)
        greco[nsc] = {band.code: row.optional_integer(band.code) for band in age_bands}
    fallback = mm.sub("international_fallback")
    mna_sf = root.sub("mna_sf")
    cutoffs_raw = mna_sf._get("bmi_cutoffs")
    if not isinstance(cutoffs_raw, list) or len(cutoffs_raw) != 3:
        raise _error(".mna_sf.bmi_cutoffs", "trois seuils requis", "three cut-offs required")
    bmi_cutoffs: list[Fraction] = []
    for index, raw in enumerate(cutoffs_raw):
        cutoff = _to_fraction(raw, f".mna_sf.bmi_cutoffs[{index}]")
        if cutoff is None:
            raise _error(
                f".mna_sf.bmi_cutoffs[{index}]", "un nombre est requis", "a number is required"
            )
        bmi_cutoffs.append(cutoff)
    mna = root.sub("mna")
    sppb = root.sub("sppb")
    snellen = root.sub("snellen")
    near = snellen.sub("near")
    hearing = root.sub("hearing")
    hearwho = hearing.sub("hearwho")
    phq9 = root.sub("phq9")
    visit = root.sub("visit")

    def gait(reader: _Reader) -> GaitCutoffs:
        return GaitCutoffs(
            reader.number("four_below"),
            reader.number("three_below"),
            reader.number("two_at_or_below"),
        )

    chair = sppb.sub("chair")
    thresholds = Thresholds(
        ruleset_version=version,
        spec_version=str(root._get("spec_version")),
        step1=Step1Thresholds(
            s1.number("chair_rise_altered_at_or_above_s"),
            s1.number("weight_loss_altered_above_kg"),
            s1.optional_number("audiometry_pass_max_db"),
        ),
        mmse=MmseThresholds(
            comparator="le" if comparator == "le" else "lt",
            age_bands=tuple(age_bands),
            greco=greco,
            fallback_enabled=fallback.flag("enabled"),
            fallback_altered_below=fallback.integer("altered_below"),
        ),
        mna_sf=MnaSfThresholds(
            bmi_cutoffs=tuple(bmi_cutoffs),
            calf_full_points_at_or_above_cm=mna_sf.number("calf_full_points_at_or_above_cm"),
            bands=mna_sf.bands("bands", ("malnourished", "at_risk", "normal")),
            altered_at_or_below=mna_sf.number("altered_at_or_below"),
            malnutrition_alert_at_or_below=mna_sf.number("malnutrition_alert_at_or_below"),
        ),
        mna=MnaThresholds(
            mid_arm_half_point_at_or_above_cm=mna.number("mid_arm_half_point_at_or_above_cm"),
            mid_arm_full_point_above_cm=mna.number("mid_arm_full_point_above_cm"),
            calf_point_at_or_above_cm=mna.number("calf_point_at_or_above_cm"),
            bands=mna.bands("bands", ("malnourished", "at_risk", "normal")),
            altered_below=mna.number("altered_below"),
            malnutrition_alert_below=mna.number("malnutrition_alert_below"),
        ),
        sppb=SppbThresholds(
            balance_hold_s=sppb.number("balance_hold_s"),
            tandem_partial_from_s=sppb.number("tandem_partial_from_s"),
            gait_4m=gait(sppb.sub("gait_4m")),
            gait_3m=gait(sppb.sub("gait_3m")),
            chair=ChairCutoffs(
                chair.number("four_at_or_below"),
                chair.number("three_at_or_below"),
                chair.number("two_at_or_below"),
                chair.number("one_at_or_below"),
            ),
            altered_at_or_below=sppb.number("altered_at_or_below"),
            bands=sppb.bands("bands", ("very_low", "low", "moderate", "high")),
        ),
        snellen=SnellenThresholds(
            categories=snellen.bands(
                "categories", ("blindness", "severe", "moderate", "mild", "none")
            ),
            altered_below_decimal=snellen.number("altered_below_decimal"),
            logmar_tolerance=snellen.number("logmar_tolerance"),
            near={key: near.optional_number(key) for key in ("N", "M", "parinaud")},
        ),
        hearing=HearingThresholds(
            pta_grades=hearing.bands(
                "pta_grades",
                PTA_GRADE_CODES,
            ),
            pta_altered_at_or_above_db=hearing.number("pta_altered_at_or_above_db"),
            whisper_pass_min_correct=hearing.integer("whisper_pass_min_correct"),
            hearwho_good_above=hearwho.number("good_above"),
            hearwho_altered_below=hearwho.number("altered_below"),
        ),
        phq9=Phq9Thresholds(
            bands=phq9.bands("bands", PHQ9_BAND_CODES),
            altered_at_or_above=phq9.integer("altered_at_or_above"),
            major_depression_at_or_above=phq9.integer("major_depression_at_or_above"),
            item9_alert_at_or_above=phq9.integer("item9_alert_at_or_above"),
        ),
        visit=VisitDefaults(
            multidomain_threshold=visit.integer("multidomain_threshold"),
            followup_months=visit.integer("followup_months"),
            followup_months_min=visit.integer("followup_months_min"),
            followup_months_max=visit.integer("followup_months_max"),
        ),
        source=source,
    )
    _check_visit_defaults(thresholds.visit)
    return thresholds


def _check_visit_defaults(visit: VisitDefaults) -> None:
    if not 1 <= visit.multidomain_threshold <= 6:
        raise _error(".visit.multidomain_threshold", "entre 1 et 6", "between 1 and 6")
    if not visit.followup_months_min <= visit.followup_months <= visit.followup_months_max:
        raise _error(".visit.followup_months", "hors de l'intervalle min–max", "outside min–max")


def load_thresholds(path: Path | str | None = None) -> Thresholds:
    """Read and check a thresholds file (default: the shipped resources file)."""
    target = Path(path) if path is not None else resource(THRESHOLDS_FILE)
    try:
        data = yaml.safe_load(target.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(
            Text(
                fr=f"Fichier de seuils cliniques illisible ({target.name}) : {exc.strerror}.",
                en=f"Cannot read the clinical thresholds file ({target.name}): {exc.strerror}.",
            )
        ) from exc
    except yaml.YAMLError as exc:
        raise ConfigError(
            Text(
                fr=f"Fichier de seuils cliniques mal formé ({target.name}).",
                en=f"Malformed clinical thresholds file ({target.name}).",
            )
        ) from exc
    return parse_thresholds(data, source=str(target))


@cache
def default_thresholds() -> Thresholds:
    """The shipped thresholds, read once per process."""
    return load_thresholds()


def thresholds_for(context: ScoringContext | None) -> Thresholds:
    if context is not None and context.thresholds is not None:
        return context.thresholds
    return default_thresholds()
