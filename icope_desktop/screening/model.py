"""What an instrument is: items, answer kinds, options, not-assessable reasons.

One `Instrument` value drives the form the UI draws, validation, scoring, the letter's
table and the FHIR resources (DESIGN.md "one instrument definition drives everything").
Definitions are data; the only code they carry is the scorer, the conditional-visibility
predicates and the cross-field checks, all pure functions of the answers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from icope_desktop.i18n import Text
from icope_desktop.screening.codes import Coding

if TYPE_CHECKING:
    from icope_desktop.screening.config import ScoringContext, Thresholds
    from icope_desktop.screening.errors import FieldError
    from icope_desktop.screening.responses import Responses
    from icope_desktop.screening.results import Result


class Domain(StrEnum):
    """The six intrinsic capacities (clinical spec §0: vision and hearing count apart)."""

    COGNITION = "cognition"
    LOCOMOTION = "locomotion"
    VITALITY = "vitality"
    VISION = "vision"
    HEARING = "hearing"
    PSYCHOLOGICAL = "psychological"

    @property
    def label(self) -> Text:
        return DOMAIN_LABELS[self]


DOMAIN_LABELS: Mapping[Domain, Text] = MappingProxyType(
    {
        Domain.COGNITION: Text(fr="Cognition", en="Cognition"),
        Domain.LOCOMOTION: Text(fr="Locomotion", en="Locomotion"),
        Domain.VITALITY: Text(fr="Vitalité (nutrition)", en="Vitality (nutrition)"),
        Domain.VISION: Text(fr="Vision", en="Vision"),
        Domain.HEARING: Text(fr="Audition", en="Hearing"),
        Domain.PSYCHOLOGICAL: Text(fr="Humeur (psychologique)", en="Mood (psychological)"),
    }
)


class DomainStatus(StrEnum):
    """Clinical spec §0 "Result states per domain"."""

    NORMAL = "normal"
    ALTERED = "altered"
    NOT_EVALUATED = "not_evaluated"

    @property
    def label(self) -> Text:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    DomainStatus.NORMAL: Text(fr="normale", en="normal"),
    DomainStatus.ALTERED: Text(fr="altérée", en="altered"),
    DomainStatus.NOT_EVALUATED: Text(fr="non évaluée", en="not evaluated"),
}


class Severity(Enum):
    """Alert severity, ordered: urgent > high > normal > low (clinical spec §4).

    Members are declared from lowest to highest; comparisons use that order, not the
    string values, so `sorted(alerts, key=lambda a: a.severity, reverse=True)` puts
    urgent alerts first.
    """

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        return _SEVERITY_ORDER.index(self)

    @property
    def label(self) -> Text:
        return _SEVERITY_LABELS[self]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank >= other.rank


_SEVERITY_ORDER = (Severity.LOW, Severity.NORMAL, Severity.HIGH, Severity.URGENT)
_SEVERITY_LABELS = {
    Severity.LOW: Text(fr="faible", en="low"),
    Severity.NORMAL: Text(fr="normale", en="normal"),
    Severity.HIGH: Text(fr="élevée", en="high"),
    Severity.URGENT: Text(fr="URGENTE", en="URGENT"),
}


class ItemKind(StrEnum):
    """How an answer is entered; the UI has one widget per kind.

    `duration` is in seconds (a stopwatch; rounded half-up to 0.01 s before scoring,
    spec §0). `acuity` is a distance visual-acuity notation string ("6/12", "20/40",
    "3/10", "0.5" or a logMAR value), read with the instrument's notation item (§3.4).
    """

    CHOICE = "choice"
    BOOLEAN = "boolean"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DURATION = "duration"
    ACUITY = "acuity"
    TEXT = "text"


NUMERIC_KINDS = frozenset({ItemKind.INTEGER, ItemKind.DECIMAL, ItemKind.DURATION})

ChoiceValue = str | int
"""Option values are JSON scalars: strings, or integers where the instrument numbers its
answers (PHQ-9 0–3). Booleans are never option values (True == 1 in Python)."""


@dataclass(frozen=True, slots=True)
class Option:
    """One answer of a choice item; `points` is None for unscored choices."""

    value: ChoiceValue
    label: Text
    points: int | float | None = None
    code: Coding | None = None


@dataclass(frozen=True, slots=True)
class Reason:
    """Why an item was not assessable (clinical spec §0 and §2 "Step 1 missing data").

    `capacity_related` reasons lie in the person (unable, unsafe because of the tested
    capacity): at Step 1 they make the domain *altered*. Other reasons are external
    (refusal, noise, no time): the domain is *not evaluated*. `needs_note` asks for a
    free-text precision before a form is finalized (SPPB code 6 "other (specify)").
    """

    code: str
    label: Text
    capacity_related: bool = False
    needs_note: bool = False


Predicate = Callable[[Mapping[str, Any]], bool]


@dataclass(frozen=True, slots=True)
class Item:
    """One question or measurement.

    `min`/`max` are hard bounds (a value outside is impossible: `out_of_range`);
    `plausible_min`/`plausible_max` are the spec §0 plausibility ranges (a value outside
    needs the item id in the answers' `_confirmed` list, else `implausible`).
    `required` means "needed for the total or the domain status": the UI never forces
    it, `validate(..., complete=True)` reports it. `visible_if` receives the raw answers
    and must never raise; a hidden item's answer is kept but ignored by the scorer.
    `over_token` is a string accepted instead of a duration when the test was stopped
    at its time limit (spec §0: a stopped chair test is recorded as ">60").
    """

    id: str
    label: Text
    kind: ItemKind
    options: tuple[Option, ...] = ()
    min: int | float | None = None
    max: int | float | None = None
    plausible_min: int | float | None = None
    plausible_max: int | float | None = None
    unit: str | None = None
    decimals: int | None = None
    section: Text | None = None
    domain: Domain | None = None
    required: bool = True
    not_assessable: bool = False
    reasons: tuple[Reason, ...] = ()
    visible_if: Predicate | None = None
    help: Text | None = None
    scored: bool = True
    over_token: str | None = None
    max_length: int | None = None
    code: Coding | None = None

    def option(self, value: object) -> Option | None:
        """The option whose value equals `value`, type included (True is not 1)."""
        for option in self.options:
            if type(option.value) is type(value) and option.value == value:
                return option
        return None

    def reason(self, code: object) -> Reason | None:
        for reason in self.reasons:
            if reason.code == code:
                return reason
        return None

    def is_visible(self, answers: Mapping[str, Any]) -> bool:
        return self.visible_if is None or bool(self.visible_if(answers))

    @property
    def max_points(self) -> int | float:
        """Highest points this item can give (choice items and integer sub-scores)."""
        if self.kind is ItemKind.CHOICE:
            points = [o.points for o in self.options if o.points is not None]
            return max(points) if points else 0
        if self.kind is ItemKind.INTEGER and self.max is not None:
            return self.max
        return 0


Scorer = Callable[["Responses", "ScoringContext", "Thresholds"], "Result"]
CrossCheck = Callable[[Mapping[str, Any], frozenset[str], frozenset[str]], Iterable["FieldError"]]
"""A check over several items: (answers, confirmed ids, ids that already failed) -> errors."""


@dataclass(frozen=True)
class Instrument:
    """A Step 1 or Step 2 instrument.

    `codes` maps roles ("panel", "total", derived values such as "bmi") to codings for the
    sync; LOINC only where spec §8 lists the code, the project code system otherwise.
    `licence_notice` is what spec §7 asks the app to show.
    """

    id: str
    title: Text
    step: Literal[1, 2]
    domain: Domain | None
    items: tuple[Item, ...]
    max_total: int | None
    scorer: Scorer = field(repr=False)
    licence_notice: Text | None = None
    instructions: Text | None = None
    codes: Mapping[str, Coding] = field(default_factory=dict)
    checks: tuple[CrossCheck, ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "codes", MappingProxyType(dict(self.codes)))
        ids = [item.id for item in self.items]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"instrument {self.id}: duplicate item ids {duplicates}")

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(f"instrument {self.id!r} has no item {item_id!r}")

    def has_item(self, item_id: object) -> bool:
        return isinstance(item_id, str) and any(item.id == item_id for item in self.items)

    @property
    def loinc(self) -> dict[str, str]:
        """Role -> LOINC code, for the instrument-level codes that are LOINC (spec §8)."""
        return {role: c.code for role, c in self.codes.items() if c.is_loinc}
