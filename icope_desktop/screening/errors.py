"""Typed errors of the screening core, each carrying its user message in FR and EN.

The UI shows `ValidationError.messages(lang)` next to the fields (STYLE.md §1); nothing
here ever holds patient identity: messages name the item and, for numbers, the value
typed, never free text.
"""

from __future__ import annotations

from dataclasses import dataclass

from icope_desktop.i18n import Lang, Text


class FieldErrorCode:
    """The stable codes of `FieldError.code` (the UI and tests switch on them)."""

    UNKNOWN_ITEM = "unknown_item"
    WRONG_TYPE = "wrong_type"
    OUT_OF_RANGE = "out_of_range"
    IMPLAUSIBLE = "implausible"
    MISSING_REQUIRED = "missing_required"
    INVALID_REASON = "invalid_reason"
    INVALID_CHOICE = "invalid_choice"
    NOT_ASSESSABLE_NOT_ALLOWED = "not_assessable_not_allowed"
    INCONSISTENT = "inconsistent"


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem with one answer; `item_id` is the answers key ("_confirmed" and
    "_context.age_years" name the reserved entries)."""

    item_id: str
    code: str
    message: Text

    def to_json(self) -> dict[str, object]:
        return {"item_id": self.item_id, "code": self.code, "message": self.message.to_json()}


class ValidationError(ValueError):
    """Answers that cannot be scored as they stand: one `FieldError` per bad field."""

    def __init__(self, errors: tuple[FieldError, ...] | list[FieldError]) -> None:
        self.errors: tuple[FieldError, ...] = tuple(errors)
        super().__init__(self.__str__())

    def messages(self, lang: Lang | None = None) -> list[str]:
        return [error.message.get(lang) for error in self.errors]

    def codes(self) -> dict[str, list[str]]:
        """item id -> error codes, for tests and for the UI's field highlighting."""
        found: dict[str, list[str]] = {}
        for error in self.errors:
            found.setdefault(error.item_id, []).append(error.code)
        return found

    def __str__(self) -> str:
        return "\n".join(self.messages())


class UnknownInstrumentError(KeyError):
    """`get_instrument` was asked for an id that no instrument has."""

    def __init__(self, instrument_id: object, known: tuple[str, ...]) -> None:
        self.instrument_id = instrument_id
        listed = ", ".join(known)
        self.message = Text(
            fr=f"Instrument inconnu « {instrument_id!s:.40} ». Instruments disponibles : {listed}.",
            en=f"Unknown instrument '{instrument_id!s:.40}'. Available instruments: {listed}.",
        )
        super().__init__(self.message.en)

    def __str__(self) -> str:
        return self.message.get()


class ConfigError(ValueError):
    """The clinical thresholds file or a visit configuration is not usable."""

    def __init__(self, message: Text) -> None:
        self.message = message
        super().__init__(message.en)

    def __str__(self) -> str:
        return self.message.get()
