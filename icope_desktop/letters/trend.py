"""The trend across visits: a grid of visit dates × six capacities, then Step 2 totals.

Drawn with reportlab graphics (vector, embedded font), not a screenshot: it prints
sharply and regenerates identically. Each status has its own shape as well as its colour
(filled square = altered, filled disc = normal, open circle = not evaluated), so a black
and white print still reads. Only the most recent visits fit; older ones are dropped
from the left and the letter says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from reportlab.graphics.shapes import Circle, Drawing, Line, Rect, String
from reportlab.lib.colors import Color, white
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from icope_desktop.i18n import Lang, tr
from icope_desktop.letters.context import LetterContext, Number
from icope_desktop.letters.fonts import BOLD, REGULAR
from icope_desktop.letters.formats import number, short_date
from icope_desktop.letters.styles import (
    ALTERED,
    HEADER_FILL,
    INK,
    INK_MUTED,
    NORMAL,
    NOT_EVALUATED,
    RULE,
    ZEBRA_FILL,
)
from icope_desktop.screening import Domain, DomainStatus
from icope_desktop.screening.pathways import SHORT_NAMES
from icope_desktop.screening.registry import INSTRUMENTS

MAX_COLUMNS = 7
SCORE_ORDER = ("mmse", "sppb", "mna_sf", "mna", "snellen", "hearing", "phq9")
LABEL_WIDTH = 44 * mm
COLUMN_WIDTH = 19 * mm
ROW_HEIGHT = 4.6 * mm
HEADER_HEIGHT = 5.5 * mm
LEGEND_HEIGHT = 6 * mm
FONT_SIZE = 7.5
MARK = 1.5 * mm


@dataclass(frozen=True, slots=True)
class TrendColumn:
    visit_date: date
    statuses: Mapping[Domain, DomainStatus]
    scores: Mapping[str, Number | None]
    current: bool


def trend_columns(ctx: LetterContext) -> tuple[list[TrendColumn], int]:
    """The visits shown, oldest first, ending with this visit; and how many were left
    out for lack of room.

    One column per day: a patient may have two finalized visits the same day (a visit
    redone, Step 2 finished in the afternoon), and two columns headed with the same
    date would read as a mistake. The day's column is the latest visit of that day
    (`ctx.history` keeps the order it was given in, finalization order for the same
    day), and the day of this letter's visit is this visit."""
    current_scores = {a.instrument_id: a.result.total for a in ctx.step2}
    by_day = {v.visit_date: v for v in ctx.history if v.visit_date != ctx.visit_date}
    columns = [
        TrendColumn(v.visit_date, v.domain_statuses, v.scores, current=False)
        for v in sorted(by_day.values(), key=lambda v: v.visit_date)
    ]
    columns.append(TrendColumn(ctx.visit_date, ctx.domain_statuses, current_scores, current=True))
    dropped = max(0, len(columns) - MAX_COLUMNS)
    return columns[dropped:], dropped


def _score_rows(columns: Sequence[TrendColumn]) -> list[str]:
    seen = {i for c in columns for i, v in c.scores.items() if v is not None}
    ordered = [i for i in SCORE_ORDER if i in seen]
    return ordered + sorted(seen.difference(SCORE_ORDER))


def _score_label(instrument_id: str, lang: Lang) -> str:
    name = SHORT_NAMES[instrument_id].get(lang) if instrument_id in SHORT_NAMES else instrument_id
    instrument = INSTRUMENTS.get(instrument_id)
    if instrument is not None and instrument.max_total is not None:
        return f"{name} (/{instrument.max_total})"
    return name


def _mark(drawing: Drawing, x: float, y: float, status: DomainStatus | None) -> None:
    if status is DomainStatus.ALTERED:
        drawing.add(Rect(x - MARK, y - MARK, 2 * MARK, 2 * MARK, fillColor=ALTERED,
                         strokeColor=ALTERED, strokeWidth=0.5))  # fmt: skip
    elif status is DomainStatus.NORMAL:
        drawing.add(Circle(x, y, MARK, fillColor=NORMAL, strokeColor=NORMAL, strokeWidth=0.5))
    elif status is DomainStatus.NOT_EVALUATED:
        drawing.add(Circle(x, y, MARK * 0.9, fillColor=white, strokeColor=NOT_EVALUATED,
                           strokeWidth=1))  # fmt: skip
    else:
        drawing.add(Line(x - MARK, y, x + MARK, y, strokeColor=NOT_EVALUATED, strokeWidth=0.8))


def _text(drawing: Drawing, x: float, y: float, text: str, *, bold: bool = False,
          anchor: str = "start", color: Color = INK, size: float = FONT_SIZE) -> None:  # fmt: skip
    drawing.add(String(x, y, text, fontName=BOLD if bold else REGULAR, fontSize=size,
                       fillColor=color, textAnchor=anchor))  # fmt: skip


def _legend(drawing: Drawing, y: float, lang: Lang) -> None:
    x = 0.0
    entries = (
        (DomainStatus.NORMAL, tr("normale", lang)),
        (DomainStatus.ALTERED, tr("altérée", lang)),
        (DomainStatus.NOT_EVALUATED, tr("non évaluée", lang)),
        (None, tr("pas de donnée", lang)),
    )
    for status, label in entries:
        _mark(drawing, x + MARK, y + 0.8 * mm, status)
        _text(drawing, x + 2 * MARK + 1.5 * mm, y, label, color=INK_MUTED)
        x += 2 * MARK + 1.5 * mm + stringWidth(label, REGULAR, FONT_SIZE) + 6 * mm


def trend_chart(ctx: LetterContext, lang: Lang, width: float) -> Drawing:
    """The grid for this visit and the earlier ones in `ctx.history` (at least one)."""
    columns, _ = trend_columns(ctx)
    score_ids = _score_rows(columns)
    column_width = min(COLUMN_WIDTH, (width - LABEL_WIDTH) / len(columns))
    rows = len(Domain) + (len(score_ids) + 1 if score_ids else 0)
    height = HEADER_HEIGHT + rows * ROW_HEIGHT + LEGEND_HEIGHT
    drawing = Drawing(width, height)
    grid_width = LABEL_WIDTH + column_width * len(columns)
    top = height - HEADER_HEIGHT

    drawing.add(Rect(0, top, grid_width, HEADER_HEIGHT, fillColor=HEADER_FILL, strokeColor=None))
    for index, column in enumerate(columns):
        x0 = LABEL_WIDTH + index * column_width
        if column.current:
            drawing.add(Rect(x0, LEGEND_HEIGHT, column_width, top - LEGEND_HEIGHT,
                             fillColor=ZEBRA_FILL, strokeColor=None))  # fmt: skip
        label = short_date(column.visit_date, lang)
        _text(drawing, x0 + column_width / 2, top + 1.6 * mm, label, bold=column.current,
              anchor="middle")  # fmt: skip
    _text(drawing, 1 * mm, top + 1.6 * mm, tr("Capacité / visite", lang), bold=True)

    y = top
    for domain in Domain:
        y -= ROW_HEIGHT
        _text(drawing, 1 * mm, y + 1.3 * mm, domain.label.get(lang))
        for index, column in enumerate(columns):
            cx = LABEL_WIDTH + (index + 0.5) * column_width
            _mark(drawing, cx, y + ROW_HEIGHT / 2, column.statuses.get(domain))
        drawing.add(Line(0, y, grid_width, y, strokeColor=RULE, strokeWidth=0.4))
    if score_ids:
        y -= ROW_HEIGHT
        _text(drawing, 1 * mm, y + 1.3 * mm, tr("Scores de l'étape 2", lang), bold=True)
        for instrument_id in score_ids:
            y -= ROW_HEIGHT
            _text(drawing, 1 * mm, y + 1.3 * mm, _score_label(instrument_id, lang))
            for index, column in enumerate(columns):
                value = column.scores.get(instrument_id)
                shown = number(value, lang) if value is not None else "–"
                cx = LABEL_WIDTH + (index + 0.5) * column_width
                _text(drawing, cx, y + 1.3 * mm, shown, bold=column.current, anchor="middle")
            drawing.add(Line(0, y, grid_width, y, strokeColor=RULE, strokeWidth=0.4))
    _legend(drawing, 1 * mm, lang)
    return drawing
