"""Buttons sized for a finger on a tablet-PC and styled by role (issue 4: ≥ 40 px)."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton, QSizePolicy, QWidget

from icope_desktop.ui.style import TOUCH_HEIGHT
from icope_desktop.ui.widgets.tags import tag_flag


class BigButton(QPushButton):
    """A push button at least 40 px high; `primary` is the screen's main action."""

    def __init__(
        self,
        text: str,
        parent: QWidget | None = None,
        *,
        primary: bool = False,
        name: str | None = None,
    ) -> None:
        super().__init__(text, parent)
        self.setMinimumHeight(TOUCH_HEIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        self.setAutoDefault(False)
        tag_flag(self, "primary", primary)
        if name:
            self.setObjectName(name)


class LinkButton(QPushButton):
    """A secondary action drawn as a link, still 40 px high and reachable with Tab."""

    def __init__(
        self, text: str, parent: QWidget | None = None, *, name: str | None = None
    ) -> None:
        super().__init__(text, parent)
        self.setMinimumHeight(TOUCH_HEIGHT)
        self.setAutoDefault(False)
        tag_flag(self, "flat", True)
        if name:
            self.setObjectName(name)
