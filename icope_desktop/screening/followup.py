"""Step 4 monitoring date: the last Step 1 date plus N calendar months (clinical spec §1).

A calendar month keeps the day of the month, clamped to the month's last day: 31 August
+ 6 months is 28 (or 29) February, never 3 March.
"""

from __future__ import annotations

import calendar
from datetime import date


def add_months(start: date, months: int) -> date:
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last_day))
