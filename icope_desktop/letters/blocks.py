"""Building blocks both letters use: escaped paragraphs, bullets, boxes, running header.

Every string from the input goes through `esc` before it reaches reportlab's paragraph
markup: a name such as « Dupont & Fils » or a note with "<" must print as typed, not
break the layout or inject markup.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.lib.colors import Color
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from icope_desktop.i18n import Lang, tr
from icope_desktop.letters.context import LetterContext
from icope_desktop.letters.document import (
    CONTENT_WIDTH,
    PAGE_HEIGHT,
    SIDE_MARGIN,
    TOP_MARGIN,
    PageDecorator,
)
from icope_desktop.letters.fonts import REGULAR
from icope_desktop.letters.formats import born_on, display_name, short_date
from icope_desktop.letters.styles import INK_MUTED, RULE


def esc(text: str) -> str:
    return escape(text)


NO_BREAK_BEFORE = re.compile(r" ([;:!?»])")
NO_BREAK_AFTER = re.compile(r"« ")


def keep_punctuation(markup: str) -> str:
    """French typography: the space before ; : ! ? » and after « never breaks, so a
    line never starts with « ; » (harmless in English, which has no such spaces)."""
    return NO_BREAK_AFTER.sub("«\u00a0", NO_BREAK_BEFORE.sub("\u00a0\\1", markup))


def rich(markup: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of markup whose input strings are already escaped."""
    return Paragraph(keep_punctuation(markup), style)


def paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text."""
    return rich(esc(text), style)


def bullet(markup: str, style: ParagraphStyle, indent: float) -> Paragraph:
    """A bulleted paragraph of escaped markup, the bullet in the text's own font."""
    bulleted = ParagraphStyle(
        f"{style.name}-bullet",
        parent=style,
        leftIndent=indent,
        bulletIndent=0,
        bulletFontName=style.fontName,
        bulletFontSize=style.fontSize,
    )
    return Paragraph(keep_punctuation(markup), bulleted, bulletText="•")


def table_style(commands: Sequence[tuple]) -> TableStyle:
    """A table style whose default cell font is the embedded face: reportlab's default
    is Helvetica, which would add a non-embedded font to the PDF."""
    return TableStyle([("FONT", (0, 0), (-1, -1), REGULAR, 8), *commands])


def boxed(
    content: Sequence[Flowable],
    *,
    border: Color,
    fill: Color,
    border_width: float,
    padding: float,
    width: float = CONTENT_WIDTH,
) -> Table:
    """A framed box that holds flowables (alerts, key contacts)."""
    box = Table([[list(content)]], colWidths=[width])
    box.setStyle(
        table_style(
            [
                ("BOX", (0, 0), (-1, -1), border_width, border),
                ("BACKGROUND", (0, 0), (-1, -1), fill),
                ("LEFTPADDING", (0, 0), (-1, -1), padding),
                ("RIGHTPADDING", (0, 0), (-1, -1), padding),
                ("TOPPADDING", (0, 0), (-1, -1), padding * 0.7),
                ("BOTTOMPADDING", (0, 0), (-1, -1), padding * 0.8),
            ]
        )
    )
    return box


def running_header(ctx: LetterContext, lang: Lang, font_size: float) -> PageDecorator:
    """Pages 2+ repeat whose letter it is (identitovigilance: a separated page must
    still name the patient): name, birth date and visit date, in the top margin."""
    label = tr("{name}, {born} — ICOPE, visite du {visit}", lang).format(
        name=display_name(ctx.patient, lang),
        born=born_on(ctx.patient, lang),
        visit=short_date(ctx.visit_date, lang),
    )

    def draw(canvas: Canvas, page: int) -> None:
        canvas.saveState()
        canvas.setFont(REGULAR, font_size)
        canvas.setFillColor(INK_MUTED)
        y = PAGE_HEIGHT - TOP_MARGIN + 4 * mm
        canvas.drawString(SIDE_MARGIN, y, label)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(SIDE_MARGIN, y - 1.5 * mm, SIDE_MARGIN + CONTENT_WIDTH, y - 1.5 * mm)
        canvas.restoreState()

    return draw
