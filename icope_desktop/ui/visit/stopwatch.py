"""The built-in stopwatch of timed items (SPPB balance, gait and chair stands; Step 1
chair rises).

Clinical spec §0: the stopwatch gives 0.01 s (half-up rounding). §3.3: a balance stance
is held for at most the protocol's 10 s, so the stopwatch stops by itself there; the
chair test stops at 60 s and is then recorded with the item's "over" token (">60").
Both limits are read from the instrument definition and the thresholds file, never
restated here.

The running time shows only while the stopwatch runs: the field beside it holds the
recorded time. An idle "0,00 s" next to a typed 10,00 read as a second, contradicting
value (audit item 8).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from icope_desktop.i18n import _
from icope_desktop.screening import Item, default_thresholds
from icope_desktop.screening.instruments.sppb import BALANCE
from icope_desktop.ui.visit.numbers import format_fixed
from icope_desktop.ui.visit.theme import TARGET


def stopwatch_cap(item: Item) -> tuple[float, str | None] | None:
    """(seconds, token) where the stopwatch stops by itself, or None.

    An item with an `over_token` stops at its plausible maximum and records the token
    (a chair test not finished at 60 s is ">60", spec §0). SPPB balance stances stop at
    the hold time of the thresholds file (10 s, spec §3.3 "seconds held (cap 10)").
    """
    if item.over_token is not None and item.plausible_max is not None:
        return float(item.plausible_max), item.over_token
    if item.section == BALANCE:
        return float(default_thresholds().sppb.balance_hold_s), None
    return None


def round_hundredths(seconds: float) -> float:
    """Half-up to 0.01 s (clinical spec §0)."""
    return float(Decimal(str(seconds)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


class Stopwatch(QWidget):
    """A large start/stop button with the running time; Space toggles it when focused."""

    started = Signal()
    stopped = Signal(object)  # float seconds (0.01 s), or the over token (str) at the cap

    def __init__(
        self,
        cap: tuple[float, str | None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._cap = cap
        self.clock = clock
        self._started_at: float | None = None
        self.toggle_button = QPushButton(self)
        self.toggle_button.setObjectName("toggle_button")
        self.toggle_button.setMinimumHeight(TARGET)
        self.toggle_button.setAutoDefault(True)  # Enter presses it, as Space does
        self.toggle_button.setMinimumWidth(130)
        self.toggle_button.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.toggle_button.clicked.connect(self.toggle)
        self.time_label = QLabel(self)
        self.time_label.setObjectName("time_label")
        self.time_label.setMinimumWidth(80)
        self.time_label.setStyleSheet("font-size: 14pt;")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toggle_button)
        layout.addWidget(self.time_label)
        self._timer = QTimer(self)
        self._timer.setInterval(30)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._update_button()
        tip = _("Espace : démarrer / arrêter le chronomètre")
        if cap is not None:
            tip += " — " + _("arrêt automatique à {seconds} s").format(
                seconds=format_fixed(cap[0], 0)
            )
        self.toggle_button.setToolTip(tip)

    @property
    def is_running(self) -> bool:
        return self._started_at is not None

    def elapsed(self) -> float:
        if self._started_at is None:
            return 0.0
        return max(0.0, self.clock() - self._started_at)

    def toggle(self) -> None:
        if self.is_running:
            self.stop()
        else:
            self.start()

    def start(self) -> None:
        if self.is_running:
            return
        self._started_at = self.clock()
        self._show(0.0)
        self._timer.start()
        self._update_button()
        self.started.emit()

    def stop(self) -> None:
        if not self.is_running:
            return
        seconds = self.elapsed()
        if self._cap is not None and seconds >= self._cap[0]:
            self._finish(self._cap[0], self._cap[1])
            return
        self._finish(round_hundredths(seconds), None)

    def cancel(self) -> None:
        """Stop without recording (the page closes, the item is marked not assessable)."""
        self._started_at = None
        self._timer.stop()
        self.time_label.clear()
        self._update_button()

    def _finish(self, seconds: float, token: str | None) -> None:
        self._started_at = None
        self._timer.stop()
        self.time_label.clear()  # the field now holds the time
        self._update_button()
        self.stopped.emit(token if token is not None else seconds)

    def _on_timer_timeout(self) -> None:
        seconds = self.elapsed()
        if self._cap is not None and seconds >= self._cap[0]:
            self._finish(self._cap[0], self._cap[1])
            return
        self._show(seconds)

    def _show(self, seconds: float) -> None:
        self.time_label.setText(f"{format_fixed(seconds, 2)} s")

    def _update_button(self) -> None:
        if self.is_running:
            self.toggle_button.setText("■ " + _("Arrêter"))
            self.toggle_button.setStyleSheet(
                "background: #b3261e; color: white; font-weight: bold; border-radius: 6px;"
            )
        else:
            self.toggle_button.setText("▶ " + _("Chronomètre"))
            self.toggle_button.setStyleSheet("")
