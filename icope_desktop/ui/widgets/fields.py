"""A labelled field with its error sentence right under it.

Issue 4: "invalid entries show a message next to the field". The label sits above the
editor so a long French label is never cut, and the error label takes no room until it
has something to say, and goes as soon as the field is edited.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from icope_desktop.ui.style import set_flag
from icope_desktop.ui.widgets.tags import tag_role


class FieldError(QLabel):
    """The sentence that explains what is wrong with one field; hidden when empty."""

    def __init__(self, parent: QWidget | None = None, *, name: str | None = None) -> None:
        super().__init__(parent)
        tag_role(self, "error")
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()
        if name:
            self.setObjectName(name)

    def show_message(self, message: str) -> None:
        self.setText(message)
        self.setVisible(bool(message))

    def clear_message(self) -> None:
        self.setText("")
        self.hide()


class Field(QWidget):
    """Label (with buddy, so Alt+letter works), editor, error: one column."""

    def __init__(
        self,
        label: str,
        editor: QWidget,
        parent: QWidget | None = None,
        *,
        hint: str | None = None,
        required: bool = False,
    ) -> None:
        super().__init__(parent)
        self.editor = editor
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.setSpacing(3)
        self.label = QLabel(label + (" *" if required else ""), self)
        self.label.setWordWrap(True)
        self.label.setBuddy(editor)
        layout.addWidget(self.label)
        layout.addWidget(editor)
        self.hint: QLabel | None = None
        if hint:
            self.hint = QLabel(hint, self)
            self.hint.setWordWrap(True)
            tag_role(self.hint, "hint")
            layout.addWidget(self.hint)
        self.error = FieldError(self)
        layout.addWidget(self.error)
        # Side by side with a field showing an error, this one stays at the top of the
        # row rather than drifting to its middle (seen on the first-launch screenshots).
        layout.addStretch(1)
        # A field being corrected loses its error at once, not at the next save
        # (usability walkthrough: a fixed field still looked wrong).
        for signal_name in ("textEdited", "changed", "activated"):
            signal = getattr(editor, signal_name, None)
            if signal is not None:
                signal.connect(lambda *_args: self.clear_error() if self.has_error else None)
                break

    def show_error(self, message: str) -> None:
        self.error.show_message(message)
        set_flag(self.editor, "invalid", True)

    def clear_error(self) -> None:
        self.error.clear_message()
        set_flag(self.editor, "invalid", False)

    @property
    def has_error(self) -> bool:
        return self.error.isVisible() or bool(self.error.text())
