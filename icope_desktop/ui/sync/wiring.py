"""Puts the sync part into the main window through the window's public API only.

`install_sync(window, demo=...)` is the one call the composition root makes: on unlock it
adds "Synchroniser maintenant" with its progress and summary to the status bar
(`status.sync_area`), starts automatic sync (never while locked: the window's `locking`
signal stops it and lets a running sync end before the store closes), adds "Alertes" and
"Facturation" to the top bar (`top_actions`) as pages (`register_page`), "Envois refusés"
as a page opened from the status bar while something is refused, and
"Tester la connexion" to the settings page's server card (`server_actions`). A sync that
needs a new token opens the settings; every sync refreshes the status bar and the home,
and on a patient's file its sync badges and the visit history's server column.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from icope_desktop.i18n import _
from icope_desktop.services.sync import ConnectionCheck
from icope_desktop.sync.preferences import INTERVAL_CHOICES
from icope_desktop.ui.sync.alerts_inbox import AlertsInbox
from icope_desktop.ui.sync.auto_sync import AutoSync
from icope_desktop.ui.sync.billing_view import BillingView
from icope_desktop.ui.sync.messages import error_text, text
from icope_desktop.ui.sync.record_status import RecordSyncBadge
from icope_desktop.ui.sync.refused_view import RefusedView
from icope_desktop.ui.sync.sync_panel import SyncPanel
from icope_desktop.ui.tasks import Task
from icope_desktop.ui.visit.history import PatientHistory
from icope_desktop.ui.widgets.buttons import BigButton

ALERTS_PAGE = "alerts"
BILLING_PAGE = "billing"
REFUSED_PAGE = "refused"


class SyncWiring(QObject):
    def __init__(
        self,
        window: Any,
        *,
        interval_s: float | None = None,
        tick_ms: int = 5_000,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.interval_s = interval_s
        self.tick_ms = tick_ms
        self.panel: SyncPanel | None = None
        self.auto: AutoSync | None = None
        self.test_task: Task | None = None
        self.interval_task: Task | None = None
        self.alerts_button = QPushButton(window)
        self.alerts_button.setObjectName("alerts_button")
        self.billing_button = QPushButton(window)
        self.billing_button.setObjectName("billing_button")
        for button in (self.alerts_button, self.billing_button):
            window.top_actions.addWidget(button)
            button.hide()
        self.alerts_button.clicked.connect(lambda: window.open_page(ALERTS_PAGE))
        self.billing_button.clicked.connect(lambda: window.open_page(BILLING_PAGE))
        window.register_page(ALERTS_PAGE, self._build_alerts, lambda: _("Alertes à traiter"))
        window.register_page(BILLING_PAGE, self._build_billing, lambda: _("Facturation"))
        window.register_page(REFUSED_PAGE, self._build_refused, lambda: _("Envois refusés"))
        window.unlocked.connect(self._on_window_unlocked)
        window.locking.connect(self._on_window_locking)
        window.page_changed.connect(self._on_window_page_changed)
        if window.services is not None:
            self._on_window_unlocked(window.services)

    # --- services ----------------------------------------------------------------------

    def _build_alerts(self, services: Any, target: Any) -> QWidget:
        inbox = AlertsInbox(services.alerts)
        if target is not None:
            inbox.show_alert(target)
        inbox.visit_started.connect(self.window.open_visit)
        inbox.alerts_changed.connect(self._on_sync_finished)
        return inbox

    def _build_billing(self, services: Any, _target: Any) -> QWidget:
        return BillingView(services.billing)

    def _build_refused(self, services: Any, _target: Any) -> QWidget:
        view = RefusedView(services.sync)
        view.retried.connect(self._on_sync_finished)
        return view

    # --- lock and unlock ---------------------------------------------------------------

    def _on_window_unlocked(self, services: Any) -> None:
        if getattr(services, "sync", None) is None:
            return  # offline-only services: no sync controls
        self._on_window_locking()
        self.retranslate()
        self.alerts_button.show()
        self.billing_button.show()
        panel = SyncPanel(services.sync, self.window.tasks)
        panel.setObjectName("sync_panel")
        panel.sync_finished.connect(self._on_sync_finished)
        panel.token_needed.connect(self.window.open_settings)
        panel.refused_requested.connect(lambda: self.window.open_page(REFUSED_PAGE))
        self.window.status.sync_layout.addWidget(panel)
        self.window.status.sync_area.show()
        panel.show()
        self.panel = panel
        self.auto = AutoSync(
            panel,
            services.sync,
            self.window.tasks,
            can_sync=lambda: self.window.services is not None,
            interval_s=self.interval_s,
            tick_ms=self.tick_ms,
            parent=self,
        )
        self.auto.start()

    def _on_window_locking(self) -> None:
        if self.auto is not None:
            self.auto.stop()
            self.auto.deleteLater()
            self.auto = None
        services = self.window.services
        if services is not None and getattr(services, "sync", None) is not None:
            services.sync.close()
        if self.panel is not None:
            self.panel.setParent(None)
            self.panel.deleteLater()
            self.panel = None
        self.alerts_button.hide()
        self.billing_button.hide()

    def retranslate(self) -> None:
        self.alerts_button.setText(_("Alertes"))
        self.billing_button.setText(_("Facturation"))

    def _on_sync_finished(self, *_args: object) -> None:
        self.window.refresh_status()
        if self.panel is not None:
            self.panel.refresh_refused()
        page = self.window.current_page()
        refresh = getattr(page, "refresh", None)
        kinds = ("home", ALERTS_PAGE, BILLING_PAGE, REFUSED_PAGE)
        if self.window.page_kind in kinds and callable(refresh):
            refresh()
        if isinstance(page, QWidget):  # a patient's file: its badges and visit history
            for badge in page.findChildren(RecordSyncBadge):
                badge.refresh()
            for history in page.findChildren(PatientHistory):
                history.refresh_sync_status()

    # --- settings: "Tester la connexion" -----------------------------------------------

    def _on_window_page_changed(self, kind: str) -> None:
        if kind != "settings" or self.window.services is None:
            return
        page = self.window.current_page()
        actions = getattr(page, "server_actions", None)
        if actions is None or getattr(self.window.services, "sync", None) is None:
            return
        button = BigButton(_("Tester la connexion"), page, name="test_connection_button")
        actions.insertWidget(actions.count() - 1, button)  # before "Enregistrer"
        button.clicked.connect(lambda: self._on_test_clicked(page, button))
        self._add_interval(page)

    # --- settings: automatic sync interval -----------------------------------------------

    def _add_interval(self, page: Any) -> None:
        """"Toutes les [15 min]" on the line under the auto-sync checkbox (audit item 5),
        saved as soon as it is chosen, greyed while automatic sync is off."""
        checkbox = getattr(page, "auto_sync_checkbox", None)
        card = checkbox.parentWidget() if checkbox is not None else None
        body = getattr(card, "body", None)
        if checkbox is None or body is None or body.indexOf(checkbox) < 0:
            return
        row = QWidget(card)
        row.setObjectName("sync_interval_row")
        line = QHBoxLayout(row)
        line.setContentsMargins(24, 0, 0, 0)
        label = QLabel(_("Intervalle de synchronisation automatique :"), row)
        combo = QComboBox(row)
        combo.setObjectName("sync_interval_combo")
        label.setBuddy(combo)
        for minutes in INTERVAL_CHOICES:
            combo.addItem(_("toutes les {minutes} min").format(minutes=minutes), minutes)
        current = self.window.services.sync.sync_interval_minutes()
        combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.setEnabled(checkbox.isChecked())
        checkbox.toggled.connect(combo.setEnabled)
        line.addWidget(label)
        line.addWidget(combo)
        line.addStretch(1)
        body.insertWidget(body.indexOf(checkbox) + 1, row)
        combo.activated.connect(lambda _index: self._on_interval_chosen(page, combo))

    def _on_interval_chosen(self, page: Any, combo: QComboBox) -> None:
        minutes = int(combo.currentData())
        sync = self.window.services.sync
        task = Task(lambda progress, cancel: sync.set_sync_interval(minutes),
                    name="sync-interval")
        status = page.server_status

        def done(_result: object) -> None:
            self.interval_task = None
            status.setText(
                _("Synchronisation automatique toutes les {minutes} min.").format(
                    minutes=minutes)
            )

        def failed(error: BaseException) -> None:
            self.interval_task = None
            status.setText(error_text(error))

        task.succeeded.connect(done)
        task.failed.connect(failed)
        self.interval_task = task
        self.window.tasks.start(task)

    def _on_test_clicked(self, page: Any, button: QPushButton) -> None:
        if self.test_task is not None:
            return
        sync = self.window.services.sync
        url = page.server_url_edit.text().strip() or None
        token = page.token_edit.text().strip() or None
        task = Task(lambda progress, cancel: sync.test_connection(url, token),
                    name="test-connection")
        status = page.server_status

        def done(check: ConnectionCheck) -> None:
            self.test_task = None
            button.setEnabled(True)
            status.setText(text(check.message))

        def failed(_error: BaseException) -> None:
            self.test_task = None
            button.setEnabled(True)
            status.setText(_("Le test n'a pas pu être fait."))

        task.succeeded.connect(done)
        task.failed.connect(failed)
        self.test_task = task
        button.setEnabled(False)
        status.setText(_("Test de la connexion…"))
        self.window.tasks.start(task)


def install_sync(window: Any, **options: Any) -> SyncWiring:
    """The composition root's single call (see the module docstring)."""
    return SyncWiring(window, **options)
