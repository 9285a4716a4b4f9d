"""A read-only view of validated answers, as the scorers see them.

Every item is in exactly one state (clinical spec §0 and §6 `ItemResponse.status`):
answered, not assessable (with a reason), missing, or hidden (its `visible_if` is false:
the answer, if any, is kept in the store but ignored, e.g. MNA-SF F2 when BMI exists).
Scorers ask this view instead of reading the dict, so no scorer can mistake a missing
answer for 0.
"""

from __future__ import annotations

from enum import StrEnum
from fractions import Fraction
from typing import Any

from icope_desktop.screening.answers import (
    CONFIRMED_KEY,
    Answers,
    NotAssessable,
    exact,
    round_time,
)
from icope_desktop.screening.model import Instrument, Item, ItemKind, Reason


class ItemStatus(StrEnum):
    ANSWERED = "answered"
    NOT_ASSESSABLE = "not_assessable"
    MISSING = "missing"
    HIDDEN = "hidden"


class Responses:
    """Validated answers of one instrument, with each item's status."""

    def __init__(self, instrument: Instrument, answers: Answers) -> None:
        self.instrument = instrument
        self.raw = answers
        self._status: dict[str, ItemStatus] = {}
        for item in instrument.items:
            if not item.is_visible(answers):
                self._status[item.id] = ItemStatus.HIDDEN
            elif item.id not in answers:
                self._status[item.id] = ItemStatus.MISSING
            elif isinstance(answers[item.id], NotAssessable):
                self._status[item.id] = ItemStatus.NOT_ASSESSABLE
            else:
                self._status[item.id] = ItemStatus.ANSWERED

    def status(self, item_id: str) -> ItemStatus:
        return self._status[item_id]

    def answered(self, item_id: str) -> bool:
        return self._status[item_id] is ItemStatus.ANSWERED

    def value(self, item_id: str) -> Any:
        """The answer of a visible answered item, else None."""
        if self._status[item_id] is not ItemStatus.ANSWERED:
            return None
        return self.raw[item_id]

    def number(self, item_id: str) -> Fraction | None:
        """Exact value of a numeric item; durations rounded half-up to 0.01 s (spec §0).

        None for a stopped test (`over_token`), which `is_over` reports.
        """
        value = self.value(item_id)
        item = self.instrument.item(item_id)
        if value is None or isinstance(value, str):
            return None
        if item.kind is ItemKind.DURATION:
            return round_time(value)
        return exact(value)

    def is_over(self, item_id: str) -> bool:
        item = self.instrument.item(item_id)
        return item.over_token is not None and self.value(item_id) == item.over_token

    def points(self, item_id: str) -> Fraction | None:
        """Points of an answered choice item (exact: the MNA has halves)."""
        value = self.value(item_id)
        if value is None:
            return None
        option = self.instrument.item(item_id).option(value)
        if option is None or option.points is None:
            return None
        return exact(option.points)

    def not_assessable_entry(self, item_id: str) -> NotAssessable | None:
        if self._status[item_id] is not ItemStatus.NOT_ASSESSABLE:
            return None
        entry = self.raw[item_id]
        return entry if isinstance(entry, NotAssessable) else None

    def reason(self, item_id: str) -> Reason | None:
        """The declared reason of a not-assessable item (None for "unspecified")."""
        entry = self.not_assessable_entry(item_id)
        if entry is None:
            return None
        return self.instrument.item(item_id).reason(entry.reason)

    def is_capacity_related(self, item_id: str) -> bool:
        reason = self.reason(item_id)
        return reason is not None and reason.capacity_related

    def item(self, item_id: str) -> Item:
        return self.instrument.item(item_id)

    @property
    def missing(self) -> tuple[str, ...]:
        """Visible required items with no answer (what the result reports as missing)."""
        return tuple(
            item.id
            for item in self.instrument.items
            if item.required and self._status[item.id] is ItemStatus.MISSING
        )

    @property
    def not_assessable(self) -> tuple[str, ...]:
        return tuple(
            item.id
            for item in self.instrument.items
            if self._status[item.id] is ItemStatus.NOT_ASSESSABLE
        )

    @property
    def ignored(self) -> tuple[str, ...]:
        """Hidden items that nevertheless hold an answer (kept, not scored)."""
        return tuple(
            item.id
            for item in self.instrument.items
            if self._status[item.id] is ItemStatus.HIDDEN and item.id in self.raw
        )

    @property
    def confirmed(self) -> frozenset[str]:
        value = self.raw.get(CONFIRMED_KEY, ())
        return frozenset(v for v in value if isinstance(v, str))
