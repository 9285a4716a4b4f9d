"""Type sizes and colours of the letters.

The GP letter is dense but readable in thirty seconds: 9 pt body, bold headings, alerts
in coloured boxes. The patient summary is large print (body 14 pt or more, issue 5) for
readers aged 60 and over. Status colours are always paired with a word and a distinct
shape, because letters are often printed in black and white.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from icope_desktop.letters.fonts import BOLD, REGULAR

INK = HexColor("#1A1A1A")
INK_MUTED = HexColor("#5F6368")
FOOTER_RULE = HexColor("#B0B4BA")
RULE = HexColor("#C9CDD2")
FAINT_RULE = HexColor("#E4E7EB")
HEADER_FILL = HexColor("#ECEFF3")
ZEBRA_FILL = HexColor("#F7F8FA")

URGENT = HexColor("#B3001B")
URGENT_FILL = HexColor("#FDECEE")
HIGH = HexColor("#B45309")
HIGH_FILL = HexColor("#FFF4E5")
NOTICE = HexColor("#37474F")
NOTICE_FILL = HexColor("#F1F4F6")

ALTERED = HexColor("#C62828")
NORMAL = HexColor("#2E7D32")
NOT_EVALUATED = HexColor("#8A8F96")


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    tiny: ParagraphStyle
    heading: ParagraphStyle
    title: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_small: ParagraphStyle
    right: ParagraphStyle
    alert_title: ParagraphStyle
    footer: ParagraphStyle


def _style(name: str, size: float, *, bold: bool = False, color: Color = INK,
           leading: float | None = None, **extra: object) -> ParagraphStyle:  # fmt: skip
    return ParagraphStyle(
        name,
        fontName=BOLD if bold else REGULAR,
        fontSize=size,
        leading=leading if leading is not None else round(size * 1.25, 2),
        textColor=color,
        alignment=extra.pop("alignment", TA_LEFT),
        **extra,
    )


def gp_styles() -> Styles:
    return Styles(
        body=_style("gp-body", 9, spaceAfter=2),
        small=_style("gp-small", 8, color=INK_MUTED),
        tiny=_style("gp-tiny", 7, color=INK_MUTED),
        heading=_style("gp-heading", 10.5, bold=True, spaceBefore=7, spaceAfter=3),
        title=_style("gp-title", 12.5, bold=True, spaceAfter=2),
        cell=_style("gp-cell", 8.5),
        cell_bold=_style("gp-cell-bold", 8.5, bold=True),
        cell_small=_style("gp-cell-small", 7.5, color=INK_MUTED),
        right=_style("gp-right", 9, alignment=TA_RIGHT),
        alert_title=_style("gp-alert-title", 9.5, bold=True),
        footer=_style("gp-footer", 6.5, color=INK_MUTED, leading=8),
    )


def patient_styles() -> Styles:
    """Large print: 14 pt body, 18–22 pt headings (issue 5: ≥ 14 pt body)."""
    return Styles(
        body=_style("pt-body", 14, leading=19, spaceAfter=4),
        small=_style("pt-small", 14, color=INK_MUTED, leading=19),
        tiny=_style("pt-tiny", 10, color=INK_MUTED, leading=12.5),
        heading=_style("pt-heading", 18, bold=True, leading=22, spaceBefore=10, spaceAfter=5),
        title=_style("pt-title", 22, bold=True, leading=27, spaceAfter=4),
        cell=_style("pt-cell", 14, leading=18),
        cell_bold=_style("pt-cell-bold", 14, bold=True, leading=18),
        cell_small=_style("pt-cell-small", 14, color=INK_MUTED, leading=18),
        right=_style("pt-right", 14, alignment=TA_RIGHT, leading=18),
        alert_title=_style("pt-alert-title", 16, bold=True, leading=20),
        footer=_style("pt-footer", 9, color=INK_MUTED, leading=11),
    )
