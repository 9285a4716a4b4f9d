"""Live passphrase strength, from the same estimate that set-up enforces.

The store's `passphrase.estimate_strength` drives both this meter and `require_strong`,
so what the meter shows as strong is exactly what is accepted (CNIL: 80 bits).
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QProgressBar, QVBoxLayout, QWidget

from icope_desktop.i18n import _
from icope_desktop.ui.style import ERROR

BITS_SHOWN = 120


class StrengthMeter(QWidget):
    def __init__(self, parent: QWidget | None = None, *, name: str | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, BITS_SHOWN)
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(14)
        self.level_label = QLabel(self)
        self.level_label.setObjectName("strength_level_label")
        self.advice_label = QLabel(self)
        self.advice_label.setWordWrap(True)
        self.advice_label.setObjectName("strength_advice_label")
        layout.addWidget(self.bar)
        layout.addWidget(self.level_label)
        layout.addWidget(self.advice_label)
        self.acceptable = False
        self.update_for("")
        if name:
            self.setObjectName(name)

    def update_for(self, passphrase: str) -> None:
        if not passphrase:  # nothing typed: nothing to judge (and no store import at start-up)
            self.acceptable = False
            self.bar.setValue(0)
            self.level_label.setText(_("Force : —"))
            self.advice_label.setText("")
            self.advice_label.hide()
            return
        from icope_desktop.store.passphrase import estimate_strength

        strength = estimate_strength(passphrase)
        self.advice_label.show()
        self.acceptable = strength.acceptable
        self.bar.setValue(min(BITS_SHOWN, round(strength.bits)))
        colour = "#2e7d32" if strength.acceptable else ERROR if strength.bits < 60 else "#e08a00"
        self.bar.setStyleSheet(f"QProgressBar::chunk {{ background: {colour}; }}")
        self.level_label.setText(
            _("Force : {level} (environ {bits} bits ; 80 requis)").format(
                level=strength.label.get(), bits=round(strength.bits)
            )
        )
        self.advice_label.setText(strength.advice.get())
