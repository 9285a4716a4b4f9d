"""The embedded Unicode font of the letters: DejaVu Sans and DejaVu Sans Bold.

The PDF base-14 fonts only cover Latin-1 in reportlab (no « œ », no "≥", no "→"), and a
PDF that relies on the reader's fonts prints differently on each machine; a TrueType
font embedded as a subset renders the same everywhere. The files and their licence sit
in `resources/fonts/` (Bitstream Vera licence, see LICENSE-DejaVu.txt).
"""

from __future__ import annotations

from functools import cache

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from icope_desktop.paths import resource

REGULAR = "ICOPE-DejaVuSans"
BOLD = "ICOPE-DejaVuSans-Bold"


@cache
def register_fonts() -> tuple[str, str]:
    """Register the two faces once per process (parsing a TTF costs ~10 ms) and map
    them as one family, so `<b>` in a paragraph picks the bold face."""
    pdfmetrics.registerFont(TTFont(REGULAR, str(resource("fonts", "DejaVuSans.ttf"))))
    pdfmetrics.registerFont(TTFont(BOLD, str(resource("fonts", "DejaVuSans-Bold.ttf"))))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)
    return REGULAR, BOLD
