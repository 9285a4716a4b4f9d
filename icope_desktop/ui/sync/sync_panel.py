"""The "Synchroniser maintenant" button, its progress bar and the result summary.

The summary is one line in the status bar (what came and went, zero counts left out; a
failure in its own words), cut with "…" when room is short, the details (each refusal's
reason, notices) in its tooltip: at 1366x768 the status bar also holds the waiting count
and the last sync time, and the button must stay whole.

Everything goes through `start_sync`, manual or automatic, so there is one path and one
sync at a time (Vorta: one job per repository; the service also refuses a second run).
The work runs in a `Task` on the thread pool; the button is disabled while it runs.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from icope_desktop.i18n import _
from icope_desktop.services.sync import SyncReport, SyncService
from icope_desktop.sync.errors import SyncError
from icope_desktop.ui.sync.messages import error_text, headline, last_sync_text, summary
from icope_desktop.ui.tasks import Task, TaskRunner


class ElidedLabel(QLabel):
    """One line that gives way: cut with "…" when the status bar is short of room, the
    whole text in the tooltip, so the sync button beside it always keeps its size (the
    status bar also holds the waiting count and the last sync time, longer in French)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.full_text = ""
        # Preferred: the status bar gives the whole text when it can (the sizeHint), and
        # may shrink it down to minimumSizeHint when it cannot.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def setText(self, text: str) -> None:
        self.full_text = text
        self.updateGeometry()
        self._elide()

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        margins = self.contentsMargins()
        width = self.fontMetrics().horizontalAdvance(self.full_text.replace("\n", " "))
        return QSize(width + margins.left() + margins.right() + 2 * self.margin() + 4,
                     hint.height())

    def changeEvent(self, event: QEvent) -> None:
        """The style sheet sets the font when the label is first shown: measure again."""
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.updateGeometry()
            self._elide()

    def minimumSizeHint(self) -> QSize:
        return QSize(80, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(
            self.full_text.replace("\n", " "),
            Qt.TextElideMode.ElideRight,
            self.contentsRect().width(),
        )
        super().setText(shown)


class SyncPanel(QWidget):
    sync_started = Signal()
    sync_finished = Signal(object)  # SyncReport
    token_needed = Signal()
    refused_requested = Signal()

    def __init__(
        self, sync: SyncService, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.sync = sync
        self.runner = runner
        self.task: Task | None = None
        self.last_report: SyncReport | None = None
        self.sync_button = QPushButton(_("Synchroniser maintenant"), self)
        self.sync_button.setObjectName("sync_button")
        self.sync_button.setProperty("primary", True)
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setObjectName("progress_bar")
        self.progress_bar.setMinimumWidth(160)
        self.progress_bar.hide()
        self.summary_label = ElidedLabel(self)
        self.summary_label.setObjectName("summary_label")
        self.refused_button = QPushButton(self)
        self.refused_button.setObjectName("refused_button")
        self.refused_button.setProperty("role", "error")
        self.refused_button.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary_label, 1)
        layout.addWidget(self.refused_button)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.sync_button)
        self.sync_button.clicked.connect(self._on_sync_button_clicked)
        self.refused_button.clicked.connect(self.refused_requested)
        self.refresh_refused()
        self.show_last_sync()

    def show_last_sync(self) -> None:
        """The last sync's outcome as kept in the store, so the status bar says it again
        after a restart (audit item 7) until the next sync replaces it."""
        last = self.sync.last_sync()
        if last is None:
            return
        shown = last_sync_text(last)
        self.summary_label.setText(shown)
        self.summary_label.setToolTip(shown)

    def refresh_refused(self) -> None:
        """"Envois refusés (n)", shown only while something is refused: it opens the list
        of refused records and their reasons (audit item 4)."""
        count = len(self.sync.refused_records())
        self.refused_button.setText(_("Envois refusés ({count})").format(count=count))
        self.refused_button.setVisible(count > 0)

    @property
    def running(self) -> bool:
        return self.task is not None

    def _on_sync_button_clicked(self) -> None:
        self.start_sync()

    def start_sync(self, *, unattended: bool = False) -> bool:
        """Start a sync unless one runs; False when nothing was started."""
        if self.running or self.sync.is_running:
            return False
        task = Task(self.sync.sync_now, name="sync")
        task.progressed.connect(self._on_task_progressed)
        task.succeeded.connect(self._on_task_succeeded)
        task.failed.connect(self._on_task_failed)
        self.task = task
        self.sync_button.setEnabled(False)
        self.progress_bar.setRange(0, 0)  # busy until the first figures arrive
        self.progress_bar.show()
        self.summary_label.setText(
            _("Synchronisation automatique…") if unattended else _("Synchronisation…")
        )
        self.sync_started.emit()
        self.runner.start(task)
        return True

    def _on_task_progressed(self, done: int, total: int, label: str) -> None:
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(min(done, max(total, 1)))
        self.progress_bar.setFormat(f"{label} %v/%m")

    def _finish(self) -> None:
        self.task = None
        self.progress_bar.hide()
        self.sync_button.setEnabled(True)

    def _on_task_succeeded(self, report: SyncReport) -> None:
        self._finish()
        self.last_report = report
        self.summary_label.setText(headline(report))
        self.summary_label.setToolTip(summary(report))
        self.refresh_refused()
        self.sync_finished.emit(report)
        if report.needs_token:
            self.token_needed.emit()

    def _on_task_failed(self, error: BaseException) -> None:
        self._finish()
        report = SyncReport(error=error if isinstance(error, SyncError) else None)
        self.summary_label.setText(error_text(error))
        self.summary_label.setToolTip(error_text(error))
        self.last_report = report
        self.sync_finished.emit(report)
