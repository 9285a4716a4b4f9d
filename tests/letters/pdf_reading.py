"""Reading the letters back from their PDF bytes (pdfplumber), as a person would.

`LetterPdf` gives the text of the body (running header and footer cut off, so a
paragraph split across two pages reads whole), the cells of a table located by its
header row, and the shapes drawn on the pages. Test helper, not product code.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import cached_property

import pdfplumber


def normalize(text: str) -> str:
    """One space between words; no-break spaces read as spaces."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    page: int


class LetterPdf:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.doc = pdfplumber.open(io.BytesIO(data))
        self.pages = self.doc.pages

    def close(self) -> None:
        self.doc.close()

    @property
    def page_count(self) -> int:
        return len(self.pages)

    @cached_property
    def page_texts(self) -> list[str]:
        return [normalize(page.extract_text() or "") for page in self.pages]

    @cached_property
    def full_text(self) -> str:
        return " ".join(self.page_texts)

    def footer_top(self, index: int) -> float:
        """The footer rule: the lowest full-width horizontal line of the page."""
        page = self.pages[index]
        rules = [e for e in page.horizontal_edges if e["x1"] - e["x0"] > page.width * 0.6]
        return max(e["top"] for e in rules)

    def header_bottom(self, index: int) -> float:
        """Pages 2+: under the running header's rule; page 1 has none."""
        if index == 0:
            return 0.0
        page = self.pages[index]
        rules = [e for e in page.horizontal_edges if e["x1"] - e["x0"] > page.width * 0.6]
        return min(e["top"] for e in rules)

    def body_page(self, index: int) -> pdfplumber.page.Page:
        page = self.pages[index]
        return page.within_bbox((0, self.header_bottom(index) + 0.5, page.width,
                                 self.footer_top(index) - 0.5))  # fmt: skip

    @cached_property
    def body_text(self) -> str:
        """The letter's own text across pages, without running headers and footers."""
        return " ".join(
            normalize(self.body_page(i).extract_text() or "") for i in range(self.page_count)
        )

    def footer_text(self, index: int) -> str:
        page = self.pages[index]
        return normalize(page.within_bbox((0, self.footer_top(index), page.width,
                                           page.height)).extract_text() or "")  # fmt: skip

    def running_header(self, index: int) -> str:
        page = self.pages[index]
        return normalize(page.within_bbox((0, 0, page.width, self.header_bottom(index)))
                         .extract_text() or "")  # fmt: skip

    def words(self, index: int) -> list[Word]:
        return [
            Word(w["text"].replace("\u00a0", " "), w["x0"], w["x1"], w["top"], w["bottom"], index)
            for w in self.pages[index].extract_words(keep_blank_chars=False)
        ]

    def find_words(self, text: str) -> list[Word]:
        return [w for i in range(self.page_count) for w in self.words(i) if w.text == text]

    def table(self, *headers: str) -> Table:
        """The table whose header row holds these column titles (first word of each)."""
        for index in range(self.page_count):
            words = self.words(index)
            for first in (w for w in words if w.text == headers[0]):
                row = [w for w in words if abs(w.top - first.top) < 1.5]
                columns = []
                for title in headers:
                    match = [w for w in row if w.text == title]
                    if not match:
                        break
                    columns.append((title, match[0].x0))
                else:
                    return Table(self, index, first.top, columns)
        raise AssertionError(f"no table with headers {headers}")


@dataclass
class Table:
    pdf: LetterPdf
    page: int
    top: float
    columns: list[tuple[str, float]]

    def _rules(self, page: int) -> list[float]:
        p = self.pdf.pages[page]
        tops = sorted(e["top"] for e in p.horizontal_edges if e["x1"] - e["x0"] > p.width * 0.5)
        unique: list[float] = []
        for top in tops:
            if not unique or top - unique[-1] > 1:
                unique.append(top)
        return unique

    def row(self, first_word: str) -> dict[str, str]:
        """The cells of the row whose first column starts with `first_word`: each cell is
        the text between the row's rules and the column's edges."""
        for page in range(self.page, self.pdf.page_count):
            start = self.top if page == self.page else self.pdf.header_bottom(page)
            left = self.columns[0][1]
            anchors = [w for w in self.pdf.words(page)
                       if w.text == first_word and w.top > start and abs(w.x0 - left) < 2]
            if anchors:
                anchor = anchors[0]
                rules = self._rules(page)
                above = max(r for r in rules if r <= anchor.top)
                below = min(r for r in rules if r > anchor.top)
                cells = {}
                bounds = [x for _, x in self.columns] + [self.pdf.pages[page].width]
                for (name, x0), x1 in zip(self.columns, bounds[1:], strict=True):
                    box = (x0 - 1, above, x1 - 1, below)
                    cells[name] = normalize(
                        self.pdf.pages[page].within_bbox(box).extract_text() or ""
                    )  # fmt: skip
                return cells
        raise AssertionError(f"no row starting with {first_word!r}")

    def detail_under(self, first_word: str) -> str:
        """The spanning detail row right under a row (Step 2 interpretation, items not
        assessable, notes)."""
        for page in range(self.page, self.pdf.page_count):
            words = self.pdf.words(page)
            left = self.columns[0][1]
            anchors = [w for w in words if w.text == first_word and abs(w.x0 - left) < 2
                       and (page > self.page or w.top > self.top)]  # fmt: skip
            if anchors:
                rules = self._rules(page)
                below = [r for r in rules if r > anchors[0].top]
                box = (0, below[0], self.pdf.pages[page].width, below[1])
                return normalize(self.pdf.pages[page].within_bbox(box).extract_text() or "")
        raise AssertionError(f"no row starting with {first_word!r}")
