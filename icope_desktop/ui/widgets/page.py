"""A scrollable, centred column: forms stay readable on a 1366×768 laptop and on a
wide screen alike (no line of text wider than the eye can follow, no horizontal
scrolling)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QScrollArea, QVBoxLayout, QWidget


class ScrollColumn(QScrollArea):
    """`column` is the layout to fill; it is at most `max_width` px wide, centred."""

    def __init__(self, parent: QWidget | None = None, *, max_width: int = 820) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        outer = QWidget(self)
        outer.setObjectName("page")
        self.inner, self.column = _centred_column(outer, max_width)
        self.setWidget(outer)


class ButtonBar(QWidget):
    """The screen's buttons, kept under a `ScrollColumn` rather than at the end of it:
    at 1366×768 a form showing its errors pushed "Continuer" below the fold (usability
    walkthrough). `row` is the layout to fill; it lines up with the column above."""

    def __init__(self, parent: QWidget | None = None, *, max_width: int = 820) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(24, 6, 24, 10)
        self.inner = QWidget(self)
        self.inner.setMaximumWidth(max_width)
        self.row = QHBoxLayout(self.inner)
        self.row.setContentsMargins(0, 0, 0, 0)
        outer.addStretch(1)
        outer.addWidget(self.inner, 100)
        outer.addStretch(1)


def with_button_bar(column: ScrollColumn, bar: ButtonBar) -> QWidget:
    """One page: the scrolling column, and under it the button bar that never scrolls."""
    page = QWidget(column.parentWidget())
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(column, 1)
    layout.addWidget(bar)
    return page


class CenteredColumn(QWidget):
    """The same centred column without scrolling, for short screens (the unlock screen:
    it is painted at start-up, and QScrollArea's first use costs ~40 ms in PySide)."""

    def __init__(self, parent: QWidget | None = None, *, max_width: int = 640) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.inner, self.column = _centred_column(self, max_width)


def _centred_column(host: QWidget, max_width: int) -> tuple[QWidget, QVBoxLayout]:
    """A column at most `max_width` wide, centred in `host` (ScrollColumn, CenteredColumn)."""
    row = QHBoxLayout(host)
    row.setContentsMargins(24, 16, 24, 16)
    inner = QWidget(host)
    inner.setMaximumWidth(max_width)
    column = QVBoxLayout(inner)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(12)
    row.addStretch(1)
    row.addWidget(inner, 100)
    row.addStretch(1)
    return inner, column
