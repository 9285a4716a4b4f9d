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
        row = QHBoxLayout(outer)
        row.setContentsMargins(24, 16, 24, 16)
        self.inner = QWidget(outer)
        self.inner.setMaximumWidth(max_width)
        self.column = QVBoxLayout(self.inner)
        self.column.setContentsMargins(0, 0, 0, 0)
        self.column.setSpacing(12)
        row.addStretch(1)
        row.addWidget(self.inner, 100)
        row.addStretch(1)
        self.setWidget(outer)


class CenteredColumn(QWidget):
    """The same centred column without scrolling, for short screens (the unlock screen:
    it is painted at start-up, and QScrollArea's first use costs ~40 ms in PySide)."""

    def __init__(self, parent: QWidget | None = None, *, max_width: int = 640) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        row = QHBoxLayout(self)
        row.setContentsMargins(24, 16, 24, 16)
        self.inner = QWidget(self)
        self.inner.setMaximumWidth(max_width)
        self.column = QVBoxLayout(self.inner)
        self.column.setContentsMargins(0, 0, 0, 0)
        self.column.setSpacing(12)
        row.addStretch(1)
        row.addWidget(self.inner, 100)
        row.addStretch(1)
