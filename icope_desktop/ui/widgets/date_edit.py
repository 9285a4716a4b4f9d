"""A date field that takes dd/mm/yyyy as French people type it.

QDateEdit's spin sections are slow to fill and hide an impossible date by clamping it
(31/02 silently becomes 28/02). A plain text field parsed by the services
(`services.patients.parse_date`) accepts 17/05/1948, 1/3/1948, 17.05.1948 or 17051948
and says exactly what is wrong otherwise.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QRegularExpression
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QLineEdit, QWidget

from icope_desktop.i18n import _
from icope_desktop.services.patients import InvalidDateError, format_date, parse_date


class DateLineEdit(QLineEdit):
    def __init__(self, parent: QWidget | None = None, *, name: str | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(_("jj/mm/aaaa"))
        # Digits and separators only: a letter never gets in, whatever is pasted.
        self.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"[0-9/.\- ]{0,12}"), self)
        )
        self.setMaxLength(12)
        if name:
            self.setObjectName(name)

    def date_value(self) -> date | None:
        """The date typed, or None when empty or not a real date."""
        try:
            return parse_date(self.text())
        except InvalidDateError:
            return None

    def problem(self) -> str | None:
        if not self.text().strip():
            return None
        try:
            parse_date(self.text())
        except InvalidDateError as err:
            return err.message.get()
        return None

    def set_date(self, value: date | None) -> None:
        self.setText(format_date(value))
