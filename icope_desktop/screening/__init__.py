"""ICOPE screening core: instrument definitions, validation, scoring (pure Python, no Qt).

See docs/ARCHITECTURE.md "Screening" for the full contract.
"""

from icope_desktop.screening.answers import (
    NOT_ASSESSABLE,
    NotAssessable,
    answers_from_json,
    answers_to_json,
)
from icope_desktop.screening.config import ScoringContext
from icope_desktop.screening.errors import FieldError, UnknownInstrumentError, ValidationError
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
from icope_desktop.screening.registry import ALL_INSTRUMENTS, get_instrument
from icope_desktop.screening.results import Alert, Band, Result
from icope_desktop.screening.scoring import score, validate
from icope_desktop.screening.version import RULESET_VERSION

__all__ = [
    "ALL_INSTRUMENTS",
    "NOT_ASSESSABLE",
    "RULESET_VERSION",
    "Alert",
    "Band",
    "Domain",
    "DomainStatus",
    "FieldError",
    "Instrument",
    "Item",
    "ItemKind",
    "NotAssessable",
    "Option",
    "Reason",
    "Result",
    "ScoringContext",
    "Severity",
    "UnknownInstrumentError",
    "ValidationError",
    "answers_from_json",
    "answers_to_json",
    "get_instrument",
    "score",
    "validate",
]
