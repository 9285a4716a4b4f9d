"""A running total with the range it could still reach once the gaps are filled.

Clinical spec §3.1–§3.6: a missing item never counts as 0; the result shows the bounds
`[sum of answered, sum + max of the missing items]` instead of a total.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

from icope_desktop.screening.answers import exact


@dataclass
class Tally:
    low: Fraction = Fraction(0)
    high: Fraction = Fraction(0)
    gaps: list[str] = field(default_factory=list)

    def add(self, points: Fraction | int | float) -> None:
        self.low += exact(points)
        self.high += exact(points)

    def add_range(
        self, item_id: str, low: Fraction | int | float, high: Fraction | int | float
    ) -> None:
        """An unknown contribution somewhere in [low, high] (kept exact: MNA halves)."""
        self.low += exact(low)
        self.high += exact(high)
        self.gaps.append(item_id)

    @property
    def complete(self) -> bool:
        return not self.gaps

    @property
    def total(self) -> Fraction | None:
        return self.low if not self.gaps else None


def decide(low: Fraction, high: Fraction, is_altered: Callable[[Fraction], bool]) -> bool | None:
    """The verdict when every total in [low, high] gives the same one, else None.

    Valid for a verdict monotone in the total (all instruments here): checking both ends
    is enough. PROJECT RULE generalising spec §3.6 (bounds decide when unambiguous).
    """
    at_low, at_high = bool(is_altered(low)), bool(is_altered(high))
    return at_low if at_low == at_high else None
