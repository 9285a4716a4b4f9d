"""The page frame shared by both letters: A4, footer, « page 1/2 », fixed metadata.

Byte-identical regeneration (issue 5): reportlab's `invariant=1` fixes the creation date
and the document id, and every metadata field comes from the input, never from the
clock or a random source. The total page count is known only once the story is laid out,
so the canvas keeps each finished page and draws « page n/N » at save time (reportlab's
documented "page x of y" recipe) instead of laying the document out twice.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph

from icope_desktop.letters.fonts import register_fonts
from icope_desktop.letters.styles import FOOTER_RULE, INK_MUTED

PAGE_WIDTH, PAGE_HEIGHT = A4
SIDE_MARGIN = 18 * mm
TOP_MARGIN = 16 * mm
FOOTER_GAP = 4 * mm
PAGE_LABEL_WIDTH = 22 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * SIDE_MARGIN


@dataclass(frozen=True, slots=True)
class PdfMeta:
    """Document properties; all fixed by the input so regeneration is identical."""

    title: str
    subject: str
    author: str
    lang: str
    creator: str = "ICOPE Desktop"
    producer: str = "ICOPE Desktop (reportlab)"


class _NumberedCanvas(Canvas):
    """Keeps each page until `save`, then stamps « page n/N » on every one."""

    def __init__(
        self, *args: Any, page_label: str, font: str, font_size: float, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._page_label = page_label
        self._label_font = (font, font_size)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._stamp_page_number(total)
            super().showPage()
        super().save()

    def _stamp_page_number(self, total: int) -> None:
        self.saveState()
        self.setFont(*self._label_font)
        self.setFillColor(INK_MUTED)
        label = self._page_label.format(page=self._pageNumber, pages=total)
        self.drawRightString(PAGE_WIDTH - SIDE_MARGIN, FOOTER_BASELINE, label)
        self.restoreState()


FOOTER_BASELINE = 10 * mm
"""Baseline of the page label; the footer text grows upwards from the bottom margin."""


def _footer_height(footer: Sequence[Paragraph]) -> float:
    width = CONTENT_WIDTH - PAGE_LABEL_WIDTH
    return sum(p.wrap(width, PAGE_HEIGHT)[1] for p in footer)


def _draw_footer(canvas: Canvas, footer: Sequence[Paragraph], rule_color: Color) -> float:
    """Draw the footer paragraphs from the page bottom up; return the rule's height."""
    width = CONTENT_WIDTH - PAGE_LABEL_WIDTH
    y = FOOTER_BASELINE - 2
    for paragraph in reversed(footer):
        _, height = paragraph.wrap(width, PAGE_HEIGHT)
        paragraph.drawOn(canvas, SIDE_MARGIN, y)
        y += height
    canvas.setStrokeColor(rule_color)
    canvas.setLineWidth(0.5)
    canvas.line(SIDE_MARGIN, y + 2, PAGE_WIDTH - SIDE_MARGIN, y + 2)
    return y + 2


PageDecorator = Callable[[Canvas, int], None]
"""Draws a running header on a page: (canvas, page number)."""


def build_pdf(
    story: list[Flowable],
    *,
    meta: PdfMeta,
    footer: Sequence[Paragraph],
    page_label: str,
    later_pages_header: PageDecorator | None = None,
    label_font_size: float = 7.5,
) -> bytes:
    """Lay out `story` on A4 pages and return the PDF bytes.

    `footer` paragraphs are drawn at the bottom of every page; `page_label` is a format
    string with `{page}` and `{pages}`. `later_pages_header` draws the patient's identity
    in the top margin of pages 2+ (identitovigilance: a loose page must still say whose
    it is).
    """
    regular, _ = register_fonts()
    bottom = FOOTER_BASELINE + _footer_height(footer) + FOOTER_GAP + 2
    frame_height = PAGE_HEIGHT - TOP_MARGIN - bottom
    first = Frame(
        SIDE_MARGIN, bottom, CONTENT_WIDTH, frame_height,
        leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="first",
    )  # fmt: skip
    later = Frame(
        SIDE_MARGIN, bottom, CONTENT_WIDTH, frame_height,
        leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="later",
    )  # fmt: skip

    def on_first(canvas: Canvas, doc: BaseDocTemplate) -> None:
        _draw_footer(canvas, footer, FOOTER_RULE)

    def on_later(canvas: Canvas, doc: BaseDocTemplate) -> None:
        _draw_footer(canvas, footer, FOOTER_RULE)
        if later_pages_header is not None:
            later_pages_header(canvas, doc.page)

    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=SIDE_MARGIN,
        rightMargin=SIDE_MARGIN,
        topMargin=TOP_MARGIN,
        bottomMargin=bottom,
        title=meta.title,
        subject=meta.subject,
        author=meta.author,
        creator=meta.creator,
        producer=meta.producer,
        keywords=[],
        lang=meta.lang,
        displayDocTitle=True,
        invariant=1,
        initialFontName=regular,
        initialFontSize=9,
        pageTemplates=[
            PageTemplate(id="first", frames=[first], onPage=on_first, autoNextPageTemplate="later"),
            PageTemplate(id="later", frames=[later], onPage=on_later),
        ],
    )
    canvasmaker = partial(
        _NumberedCanvas, page_label=page_label, font=regular, font_size=label_font_size
    )
    doc.build(story, canvasmaker=canvasmaker)
    return buffer.getvalue()
