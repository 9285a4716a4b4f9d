"""Dialogs of the visit, opened through classmethod seams a test can replace (STYLE.md §5).

`MissingDialog`: finalizing with unanswered questions lists them, grouped under each
form's title, by their section and label (never an item id: usability audit 1); an
unanswered question is named alone (what to do is said once, above), any other problem
keeps the screening core's `validate(complete=True)` sentence. The practitioner goes back
or finalizes anyway — no forced choice (DESIGN.md non-negotiables); the result then says
incomplete.
`BlockingDialog`: what finalize-anyway cannot override (PHQ-9 item 9, spec §3.6).
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from icope_desktop.i18n import Lang, _, current_language
from icope_desktop.screening import FieldError, FieldErrorCode, Instrument, get_instrument
from icope_desktop.screening.validation import field_name
from icope_desktop.services.visits import Missing
from icope_desktop.ui.shell.dialogs import run_modal
from icope_desktop.ui.visit.theme import TARGET


class MissingChoice(Enum):
    BACK = "back"
    FINALIZE = "finalize"


class MissingDialog(QDialog):
    def __init__(self, missing: list[Missing], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("missing_dialog")
        self.setWindowTitle(_("Visite incomplète"))
        self.setMinimumSize(640, 420)
        self.choice = MissingChoice.BACK
        lang = current_language()
        count = sum(len(m.errors) for m in missing)
        intro = QLabel(
            _(
                "{count} élément(s) manquent. Répondez aux questions ci-dessous ou marquez-les "
                "« non évaluable » avec un motif ; vous pouvez aussi finaliser quand même : "
                "le résultat indiquera qu'il est incomplet."
            ).format(count=count),
            self,
        )
        intro.setWordWrap(True)
        self.list_widget = QListWidget(self)
        self.list_widget.setObjectName("list_widget")
        self.list_widget.setWordWrap(True)
        self.list_widget.setSpacing(2)
        for entry in missing:
            instrument = get_instrument(entry.instrument_id)
            heading = QListWidgetItem(instrument.title.get(lang), self.list_widget)
            font = heading.font()
            font.setBold(True)
            heading.setFont(font)
            heading.setFlags(Qt.ItemFlag.ItemIsEnabled)  # a heading, not a choice
            for error in entry.errors:
                self.list_widget.addItem("   • " + _line(instrument, error, lang))
        self.back_button = QPushButton(_("Revenir compléter"), self)
        self.back_button.setObjectName("back_button")
        self.back_button.setMinimumHeight(TARGET)
        self.back_button.setAutoDefault(True)  # Enter presses it, as Space does
        self.back_button.setDefault(True)
        self.back_button.clicked.connect(lambda: self._close_with(MissingChoice.BACK))
        self.finalize_button = QPushButton(_("Finaliser quand même"), self)
        self.finalize_button.setObjectName("finalize_button")
        self.finalize_button.setMinimumHeight(TARGET)
        self.finalize_button.setAutoDefault(True)  # Enter presses it, as Space does
        self.finalize_button.clicked.connect(lambda: self._close_with(MissingChoice.FINALIZE))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.finalize_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list_widget, 1)
        layout.addLayout(buttons)

    def _close_with(self, choice: MissingChoice) -> None:
        self.choice = choice
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, missing: list[Missing]) -> MissingChoice:
        dialog = cls(missing, parent)
        if run_modal(dialog) != QDialog.DialogCode.Accepted.value:
            return MissingChoice.BACK  # closed, or interrupted by the lock: never finalize
        return dialog.choice


def _line(instrument: Instrument, error: FieldError, lang: Lang) -> str:
    """An unanswered question by its name; any other problem by its own sentence."""
    if error.code == FieldErrorCode.MISSING_REQUIRED and instrument.has_item(error.item_id):
        return field_name(instrument.item(error.item_id)).get(lang)
    return error.message.get(lang)


class BlockingDialog(QDialog):
    def __init__(self, problems: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("blocking_dialog")
        self.setWindowTitle(_("Finalisation impossible pour l'instant"))
        self.setMinimumWidth(560)
        text = QLabel("\n\n".join(problems), self)
        text.setObjectName("text_label")
        text.setWordWrap(True)
        self.go_button = QPushButton(_("Aller à la question"), self)
        self.go_button.setObjectName("go_button")
        self.go_button.setMinimumHeight(TARGET)
        self.go_button.setAutoDefault(True)  # Enter presses it, as Space does
        self.go_button.setDefault(True)
        self.go_button.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.go_button)

    @classmethod
    def show_problems(cls, parent: QWidget | None, problems: list[str]) -> None:
        run_modal(cls(problems, parent))


class MessageDialog(QDialog):
    """A plain message (an error mapped to its user sentence, never a traceback)."""

    def __init__(self, title: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("message_dialog")
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        label = QLabel(text, self)
        label.setWordWrap(True)
        ok = QPushButton(_("OK"), self)
        ok.setMinimumHeight(TARGET)
        ok.setDefault(True)
        ok.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(ok)

    @classmethod
    def inform(cls, parent: QWidget | None, title: str, text: str) -> None:
        run_modal(cls(title, text, parent))
