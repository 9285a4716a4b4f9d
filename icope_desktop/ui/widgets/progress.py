"""A progress panel for slow work (unlock, set-up, backups) that never freezes the UI.

It shows only after a short delay (Anki waits 600 ms), so a fast unlock does not flash a
bar; the label says what is happening, in the user's words.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from icope_desktop.i18n import _
from icope_desktop.ui.widgets.buttons import BigButton


class ProgressPanel(QWidget):
    cancel_requested = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        cancellable: bool = False,
        name: str | None = None,
    ) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.bar = QProgressBar(self)
        self.bar.setTextVisible(False)
        row = QHBoxLayout()
        row.addWidget(self.bar, 1)
        self.cancel_button: BigButton | None = None
        if cancellable:
            self.cancel_button = BigButton(_("Annuler"), self)
            self.cancel_button.clicked.connect(self.cancel_requested.emit)
            row.addWidget(self.cancel_button)
        layout.addWidget(self.label)
        layout.addLayout(row)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.show)
        self.hide()
        if name:
            self.setObjectName(name)

    def start(self, label: str, delay_ms: int = 300) -> None:
        self.label.setText(label)
        self.bar.setRange(0, 0)  # busy until the first progress report
        if delay_ms <= 0:
            self.show()
        else:
            self._timer.start(delay_ms)

    def update_progress(self, done: int, total: int, label: str) -> None:
        if label:
            self.label.setText(label)
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))

    def stop(self) -> None:
        self._timer.stop()
        self.hide()

    @property
    def running(self) -> bool:
        return self._timer.isActive() or self.isVisible()
