"""Titles, section headings, hints and cards, tagged for the style sheet."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from icope_desktop.ui.widgets.tags import tag_role


def title_label(text: str, parent: QWidget | None = None, *, name: str | None = None) -> QLabel:
    return _label(text, "title", parent, name)


def section_label(
    text: str, parent: QWidget | None = None, *, name: str | None = None
) -> QLabel:
    return _label(text, "section", parent, name)


def hint_label(text: str, parent: QWidget | None = None, *, name: str | None = None) -> QLabel:
    return _label(text, "hint", parent, name)


def _label(text: str, role: str, parent: QWidget | None, name: str | None) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    tag_role(label, role)
    if name:
        label.setObjectName(name)
    return label


class Card(QFrame):
    """A white panel with a heading; `body` is where the content goes."""

    def __init__(
        self,
        heading: str | None = None,
        parent: QWidget | None = None,
        *,
        role: str = "card",
        name: str | None = None,
    ) -> None:
        super().__init__(parent)
        tag_role(self, role)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(16, 12, 16, 12)
        self.body.setSpacing(8)
        self.heading: QLabel | None = None
        if heading:
            self.heading = section_label(heading, self)
            self.body.addWidget(self.heading)
        if name:
            self.setObjectName(name)
