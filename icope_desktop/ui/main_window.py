"""The main window: one stack of pages, a top bar, a status bar, and the auto-lock.

Navigation is by places (home, a patient, a patient form, a visit, the settings) kept in
a history for Alt+Left. A page is built when it is shown and dropped when left, so a
locked window holds no widget with patient data. The lock (Ctrl+L or the idle delay)
first lets the open page save (`flush()`; visit drafts are autosaved anyway), remembers
where the user was (and what was typed in a patient form), tears every page down, closes
the store and shows the unlock page; unlocking reopens the same place.

Public API for the other parts: `show_home()`, `open_patient(id)`, `open_visit(id)`,
`lock()`, the signals `unlocked(services)`, `locking()`, `locked()`, and
`status.sync_area` for the sync button.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QPaintEvent, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from icope_desktop.i18n import _, current_language, set_language
from icope_desktop.services.session import AppSession, write_language
from icope_desktop.ui.shell.idle import IdleWatcher
from icope_desktop.ui.shell.status_bar import ShellStatusBar
from icope_desktop.ui.tasks import Task, TaskRunner
from icope_desktop.ui.widgets.buttons import BigButton
from icope_desktop.ui.widgets.labels import title_label
from icope_desktop.ui.widgets.page import ScrollColumn
from icope_desktop.ui.widgets.progress import ProgressPanel
from icope_desktop.ui.widgets.tags import tag_role

MINUTE_MS = 60_000
FIRST_PAINT_FALLBACK_MS = 1_000
"""`first_painted` comes this long after show at the latest (a window never painted)."""
STATUS_REFRESH_MS = 60_000
RECENT_PATIENTS = 8


class Place(NamedTuple):
    kind: str  # home, patient, patient_form, visit, settings
    target: Any = None


class BusyPage(QWidget):
    """Shown while the store is being restored or the demo prepared."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        page = ScrollColumn(self, max_width=640)
        layout.addWidget(page)
        page.column.addSpacing(40)
        page.column.addWidget(title_label(title, page))
        self.progress = ProgressPanel(page, name="busy_progress")
        page.column.addWidget(self.progress)
        page.column.addStretch(1)
        self.progress.start(title, delay_ms=0)


class MainWindow(QMainWindow):
    unlocked = Signal(object)  # Services
    locking = Signal()  # the store is about to close: flush what must be saved
    locked = Signal()
    page_changed = Signal(str)  # the new page's kind
    demo_seeded = Signal()  # the demo data is in (or its seeding stopped)
    first_painted = Signal()  # the window is on screen: background start-up work may begin

    def __init__(
        self,
        session: AppSession,
        *,
        demo_passphrase: str | None = None,
        minute_ms: int = MINUTE_MS,
        tasks: TaskRunner | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.demo_passphrase = demo_passphrase
        self.minute_ms = minute_ms
        self.tasks = tasks or TaskRunner(parent=self)
        self.setObjectName("main_window")
        self.resize(1280, 760)
        self.setMinimumSize(1000, 620)
        self.history: list[Place] = []
        self.recent_patients: list[Any] = []
        """Files opened since start, newest first: ids only, never names."""
        self.extra_pages: dict[str, tuple[Callable[[Any, Any], QWidget], Callable[[], str]]] = {}
        self.place: Place | None = None
        self.page_kind = ""
        self.seed_task: Task | None = None
        self.resume_place: Place | None = None
        self.resume_history: list[Place] = []
        self.resume_snapshot: dict[str, Any] | None = None
        self.painted = False
        self.lock_pending = False
        """A lock waits for a dialog's `exec()` to unwind (see `lock`)."""

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.top_bar = self._build_top_bar(central)
        layout.addWidget(self.top_bar)
        self.stack = QStackedWidget(central)
        self.stack.setObjectName("stack")
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.status = ShellStatusBar(self)
        self.setStatusBar(self.status)

        self.idle = IdleWatcher(self)
        self.idle.timed_out.connect(self.lock)
        self._status_timer = QTimer(self)
        self._status_timer.setInterval(STATUS_REFRESH_MS)
        self._status_timer.timeout.connect(self.refresh_status)
        for keys, slot in (
            ("Ctrl+F", self._on_search_shortcut),
            ("Ctrl+N", self._on_new_patient_shortcut),
            ("Ctrl+L", self.lock),
            ("Alt+Left", self.go_back),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
            shortcut.activated.connect(slot)
        self.retranslate()
        self.show_entry()

    # --- chrome --------------------------------------------------------------------------

    def _build_top_bar(self, parent: QWidget) -> QFrame:
        bar = QFrame(parent)
        bar.setObjectName("top_bar")
        tag_role(bar, "topbar")
        row = QHBoxLayout(bar)
        row.setContentsMargins(12, 6, 12, 6)
        self.back_button = BigButton("", bar, name="back_button")
        self.back_button.clicked.connect(self.go_back)
        row.addWidget(self.back_button)
        self.title_label = QLabel(bar)
        self.title_label.setObjectName("title_label")
        tag_role(self.title_label, "section")
        row.addWidget(self.title_label, 1)
        self.top_actions = QHBoxLayout()
        """Where other parts add their buttons (e.g. the alerts inbox)."""
        row.addLayout(self.top_actions)
        self.home_button = BigButton("", bar, name="home_button")
        self.home_button.clicked.connect(self.show_home)
        self.settings_button = BigButton("", bar, name="settings_button")
        self.settings_button.clicked.connect(self.open_settings)
        self.lock_button = BigButton("", bar, name="lock_button")
        self.lock_button.clicked.connect(self.lock)
        for button in (self.home_button, self.settings_button, self.lock_button):
            row.addWidget(button)
        return bar

    def retranslate(self) -> None:
        self.setWindowTitle(_("ICOPE Desktop"))
        self.back_button.setText(_("← Retour"))
        self.back_button.setToolTip(_("Alt+Flèche gauche"))
        self.home_button.setText(_("Accueil"))
        self.settings_button.setText(_("Paramètres"))
        self.lock_button.setText(_("Verrouiller"))
        self.lock_button.setToolTip(_("Ctrl+L : masque les données patient immédiatement"))
        if self.services is None:
            self.status.clear_counts(locked=self.session.has_store())
        else:
            self.refresh_status()

    @property
    def services(self) -> Any:
        return self.session.services

    def current_page(self) -> QWidget | None:
        return self.stack.currentWidget()

    def _set_page(self, page: QWidget, kind: str, title: str, *, chrome: bool) -> None:
        old = [self.stack.widget(i) for i in range(self.stack.count())]
        self.stack.addWidget(page)
        self.stack.setCurrentWidget(page)
        for widget in old:
            self.stack.removeWidget(widget)
            widget.hide()
            widget.deleteLater()
        self.page_kind = kind
        self.top_bar.setVisible(chrome)
        self.home_button.setVisible(kind != "home")
        self.settings_button.setVisible(kind != "settings")  # no button to where you are
        self.title_label.setText(title)
        self.back_button.setEnabled(bool(self.history))
        self.focus_page()
        self.page_changed.emit(kind)

    def focus_page(self) -> None:
        """Put the cursor where work starts on the current page (keyboard first)."""
        focus = getattr(self.current_page(), "focus_first", None)
        if callable(focus):
            focus()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self.focus_page)
        QTimer.singleShot(FIRST_PAINT_FALLBACK_MS, self, self._on_first_paint)

    def paintEvent(self, event: QPaintEvent) -> None:
        """`first_painted` on the next turn of the event loop after the first paint: a
        worker started earlier (the store's imports) competed for the interpreter with
        the unlock screen's first paint (issue 4 start-up budget)."""
        super().paintEvent(event)
        if not self.painted:
            QTimer.singleShot(0, self, self._on_first_paint)

    def _on_first_paint(self) -> None:
        if not self.painted:  # once, whether the paint or the fallback came first
            self.painted = True
            self.first_painted.emit()

    # --- entry: first launch, unlock, demo, restore ----------------------------------------

    def show_entry(self) -> None:
        if self.session.is_unlocked:
            self.show_home()
        elif self.session.has_store():
            self.show_unlock()
        else:
            self.show_first_launch()

    def show_first_launch(self) -> None:
        from icope_desktop.ui.shell.first_launch import FirstLaunchPage

        page = FirstLaunchPage(self.session, self.tasks)
        page.completed.connect(self._on_unlocked)
        page.restore_requested.connect(self.start_restore)
        page.language_requested.connect(self._on_entry_language_requested)
        self.place = None
        self._set_page(page, "first_launch", "", chrome=False)
        self.status.clear_counts(locked=False)

    def show_unlock(self) -> None:
        from icope_desktop.ui.shell.unlock import UnlockPage

        page = UnlockPage(self.session, self.tasks, demo_passphrase=self.demo_passphrase)
        page.unlocked.connect(self._on_unlocked)
        page.restore_requested.connect(self.start_restore)
        self.place = None
        self._set_page(page, "unlock", "", chrome=False)

    def start_demo(self, setup: Any, seed: Callable[..., Any] | None = None) -> None:
        """Create the demo store, open the home at once, then seed it in the background.

        `seed(services, progress=..., cancel=...)` fills the store (the visit part's
        `services.demo.seed_demo`: 25 patients and 18 months of visits, each answer a
        committed write, so it takes tens of seconds); the home refreshes as patients
        arrive and the status bar counts them. A lock cancels the seeding."""
        session = self.session
        page = BusyPage(_("Préparation de la démonstration…"))
        self._set_page(page, "busy", "", chrome=False)
        task = Task(lambda progress, cancel: session.create(setup, progress, cancel).services,
                    name="demo")
        task.progressed.connect(page.progress.update_progress)
        task.succeeded.connect(self._on_unlocked)
        if seed is not None:
            task.succeeded.connect(lambda services: self._start_demo_seed(services, seed))
        task.failed.connect(self._on_entry_failed)
        self.tasks.start(task)

    def _start_demo_seed(self, services: Any, seed: Callable[..., Any]) -> None:
        task = Task(
            lambda progress, cancel: seed(services, progress=progress, cancel=cancel),
            name="demo-seed",
        )
        task.progressed.connect(self._on_demo_seed_progressed)
        task.succeeded.connect(lambda _report: self._on_demo_seed_ended(None))
        task.failed.connect(self._on_demo_seed_ended)
        self.seed_task = task
        self.status.showMessage(_("Création des patients de démonstration…"))
        self.tasks.start(task)

    def _on_demo_seed_progressed(self, done: int, total: int, _label: str) -> None:
        if self.services is None:
            return
        self.status.showMessage(
            _("Création des patients de démonstration : {done} sur {total}…").format(
                done=done, total=total
            )
        )
        self._refresh_home()

    def _on_demo_seed_ended(self, error: BaseException | None) -> None:
        cancelled = self.seed_task is not None and self.seed_task.cancel_event.is_set()
        self.seed_task = None
        self.status.clearMessage()
        if error is not None and not cancelled:
            self.show_error(error)
        if self.services is not None:
            self._refresh_home()
            self.refresh_status()
        self.demo_seeded.emit()

    def _refresh_home(self) -> None:
        refresh = getattr(self.current_page(), "refresh", None)
        if self.page_kind == "home" and callable(refresh):
            refresh()

    def start_restore(self) -> None:
        """Restore a backup: choose it, give its secret, confirm, then replace and open."""
        from icope_desktop.services.backups import BackupService
        from icope_desktop.ui.shell.dialogs import ConfirmDialog, FileDialogs, RestoreSecretDialog

        path = FileDialogs.open_backup_path(self)
        if path is None:
            return
        try:
            info = BackupService.describe(path)
        except Exception as error:  # BackupDamaged or an unreadable file
            self.show_error(error)
            return
        created = info.created_at[:10]
        answer = RestoreSecretDialog.ask(self, Path(path).name, created)
        if answer is None:
            return
        if self.session.has_store() and not ConfirmDialog.ask(
            self,
            _("Remplacer vos dossiers ?"),
            _(
                "Les dossiers de cet ordinateur vont être remplacés par ceux de la "
                "sauvegarde du {date}. Les fichiers actuels sont mis de côté dans le dossier "
                "de données, jamais effacés."
            ).format(date=created),
            _("Remplacer par la sauvegarde"),
            _("Annuler"),
        ):
            return
        if self.session.is_unlocked:
            self.lock(remember=False)
        session = self.session

        def restore(progress: Any, cancel: Any) -> Any:
            services, _report = session.restore(
                path,
                answer.secret,
                new_passphrase=answer.new_passphrase,
                progress=progress,
                cancel=cancel,
            )
            return services

        page = BusyPage(_("Restauration de la sauvegarde…"))
        self._set_page(page, "busy", "", chrome=False)
        task = Task(restore, name="restore")
        task.progressed.connect(page.progress.update_progress)
        task.succeeded.connect(self._on_unlocked)
        task.failed.connect(self._on_entry_failed)
        self.tasks.start(task)

    def show_error(self, error: BaseException) -> None:
        """The error's sentence in a dialog (dialogs load on first use: start-up budget)."""
        from icope_desktop.ui.shell.dialogs import ErrorDialog
        from icope_desktop.ui.shell.errors import user_message

        ErrorDialog.show_message(self, *user_message(error))

    def _on_entry_failed(self, error: BaseException) -> None:
        self.show_entry()
        self.show_error(error)

    def _on_entry_language_requested(self, language: str) -> None:
        set_language(language)
        write_language(self.session.data_dir, current_language())
        self.retranslate()
        self.show_first_launch()

    def _on_unlocked(self, services: Any) -> None:
        settings = services.settings.get()
        if settings.language != current_language():
            set_language(settings.language)
            self.retranslate()
        write_language(self.session.data_dir, settings.language)
        self.idle.start(settings.auto_lock_minutes * self.minute_ms)
        self._status_timer.start()
        self.history = []
        place, snapshot = self.resume_place, self.resume_snapshot
        history = self.resume_history
        self.resume_place = self.resume_snapshot = None
        self.resume_history = []
        self.refresh_status()
        self.unlocked.emit(services)
        if place is None or place.kind == "home":
            self.show_home()
            return
        try:
            self._navigate(place, push=False)
        except Exception as error:  # the file may be gone after a restore
            self.show_home()
            self.show_error(error)
            return
        page = self.current_page()
        if snapshot is not None and hasattr(page, "restore_snapshot"):
            page.restore_snapshot(snapshot)
        self.history = history or [Place("home")]
        self.back_button.setEnabled(True)

    # --- places --------------------------------------------------------------------------

    def show_home(self) -> None:
        if self.services is None:
            return
        self.history = []
        self._navigate(Place("home"), push=False)

    def open_patient(self, patient_id: Any) -> None:
        self._navigate(Place("patient", patient_id))

    def new_patient(self) -> None:
        self._navigate(Place("patient_form", None))

    def edit_patient(self, patient_id: Any) -> None:
        self._navigate(Place("patient_form", patient_id))

    def open_visit(self, visit_id: Any) -> None:
        self._navigate(Place("visit", visit_id))

    def open_settings(self) -> None:
        if self.place is not None and self.place.kind == "settings":
            return
        self._navigate(Place("settings"))

    def open_new_recovery_key(self) -> None:
        """Replace the recovery key (never confirmed, or lost), then come back here."""
        unconfirmed = not self.services.settings.recovery_key_confirmed()
        self._navigate(Place("recovery_key", "unconfirmed" if unconfirmed else "asked"))

    def register_page(
        self, kind: str, build: Callable[[Any, Any], QWidget], title: Callable[[], str]
    ) -> None:
        """Let another part add a place: `build(services, target)` makes its page,
        `title()` names it in the current language; open it with `open_page`."""
        self.extra_pages[kind] = (build, title)

    def open_page(self, kind: str, target: Any = None) -> None:
        self._navigate(Place(kind, target))

    def go_back(self) -> None:
        if self.services is None or self.page_kind in ("unlock", "first_launch", "busy"):
            return
        if not self.history:
            if self.place is not None and self.place.kind != "home":
                self.show_home()
            return
        self._flush_current()
        self._navigate(self.history.pop(), push=False)

    def _navigate(self, place: Place, *, push: bool = True) -> None:
        if self.services is None or self.lock_pending:
            return
        self._flush_current()
        page, title = self._build(place)
        if push and self.place is not None and self.place != place:
            self.history.append(self.place)
        self.place = place
        self._set_page(page, place.kind, title, chrome=True)
        self.refresh_status()

    def _build(self, place: Place) -> tuple[QWidget, str]:
        services = self.services
        if place.kind == "home":
            from icope_desktop.ui.shell.home import HomePage

            home = HomePage(services, self.recent_patients, tasks=self.tasks)
            home.recovery_key_requested.connect(self.open_new_recovery_key)
            home.patient_requested.connect(self.open_patient)
            home.visit_requested.connect(self.open_visit)
            home.alert_requested.connect(self._on_alert_requested)
            home.new_patient_requested.connect(self.new_patient)
            return home, _("Accueil")
        if place.kind == "patient":
            from icope_desktop.ui.shell.patient_page import PatientPage

            patient = PatientPage(services, self.tasks, place.target)
            self._remember_patient(place.target)
            patient.visit_requested.connect(self.open_visit)
            patient.edit_requested.connect(self.edit_patient)
            return patient, _("Dossier patient")
        if place.kind == "patient_form":
            from icope_desktop.ui.shell.patient_form import PatientFormPage

            form = PatientFormPage(services, self.tasks, place.target)
            form.saved.connect(self._on_patient_saved)
            form.cancelled.connect(self.go_back)
            form.existing_requested.connect(self._on_existing_requested)
            title = _("Modifier le dossier") if place.target else _("Nouveau patient")
            return form, title
        if place.kind == "visit":
            from icope_desktop.ui.visit import VisitPage

            visit = VisitPage(services, place.target)
            visit.finished.connect(self._on_visit_finished)
            visit.closed.connect(self.go_back)
            visit.visit_changed.connect(self._on_visit_changed)
            visit.fix_requested.connect(self._on_fix_requested)
            return visit, _("Visite")
        if place.kind == "settings":
            from icope_desktop.ui.shell.settings_page import SettingsPage

            settings = SettingsPage(services, self.session, self.tasks)
            settings.language_changed.connect(self.change_language)
            settings.auto_lock_changed.connect(self._on_auto_lock_changed)
            settings.restore_requested.connect(self.start_restore)
            settings.recovery_key_requested.connect(self.open_new_recovery_key)
            settings.saved.connect(lambda _card: self.refresh_status())
            return settings, _("Paramètres")
        if place.kind == "recovery_key":
            from icope_desktop.ui.shell.recovery_key import NewRecoveryKeyPage

            keys = NewRecoveryKeyPage(
                self.session, self.tasks, unconfirmed=place.target == "unconfirmed"
            )
            keys.finished.connect(self.go_back)
            keys.cancelled.connect(self.go_back)
            return keys, _("Clé de récupération")
        if place.kind in self.extra_pages:
            build, title = self.extra_pages[place.kind]
            return build(services, place.target), title()
        raise ValueError(f"unknown place {place.kind!r}")

    def _on_alert_requested(self, alert_id: Any) -> None:
        """The alerts inbox (a page of the sync part, once installed) on that alert."""
        if "alerts" in self.extra_pages:
            self.open_page("alerts", alert_id)

    def _remember_patient(self, patient_id: Any) -> None:
        if patient_id in self.recent_patients:
            self.recent_patients.remove(patient_id)
        self.recent_patients.insert(0, patient_id)
        del self.recent_patients[RECENT_PATIENTS:]

    def _on_patient_saved(self, patient_id: Any) -> None:
        """The form is done: going back must not return to it. Opened from a visit
        ("Compléter la fiche du patient": the letter waits for the GP), it returns to
        that visit, whose letters can then be made (audit: the visit was lost)."""
        self.place = None
        if self.history and self.history[-1].kind == "visit":
            self._navigate(self.history.pop(), push=False)
            return
        if self.history and self.history[-1] == Place("patient", patient_id):
            self.history.pop()
        self._navigate(Place("patient", patient_id))

    def _on_existing_requested(self, patient_id: Any) -> None:
        self.place = None
        self._navigate(Place("patient", patient_id))

    def _patient_of_visit(self, visit_id: Any) -> Any:
        return self.services.visits.open(visit_id).patient.id

    def _on_visit_finished(self, visit_id: Any) -> None:
        """The visit page stays (it shows the letters); "back" now leads to the patient."""
        patient = Place("patient", self._patient_of_visit(visit_id))
        self.place = Place("visit", visit_id)
        if not self.history or self.history[-1] != patient:
            self.history = [Place("home"), patient]
        self.back_button.setEnabled(True)
        self.refresh_status()

    def _on_visit_changed(self, visit_id: Any) -> None:
        """An amended version replaced the visit on the same page."""
        self.place = Place("visit", visit_id)

    def _on_fix_requested(self, target: str) -> None:
        """The visit page needs a missing GP (patient file) or RPPS (profile)."""
        if target == "patient" and self.place is not None and self.place.kind == "visit":
            self.edit_patient(self._patient_of_visit(self.place.target))
        elif target == "profile":
            self.open_settings()

    def _flush_current(self) -> None:
        page = self.current_page()
        flush = getattr(page, "flush", None)
        if callable(flush):
            flush()

    # --- lock ----------------------------------------------------------------------------

    def lock(self, *, remember: bool = True) -> None:
        """Hide patient data now; keep drafts; reopen the same place after unlock.

        Every window of this one (the letter preview, a question, a file chooser) closes
        first: nothing with patient data stays over the unlock page (audit: the GP letter
        preview outlived an idle lock). A dialog in a modal `exec()` returns only once its
        event loop unwinds, and its caller then resumes on its page: so when a dialog was
        open, the page is hidden at once but the teardown (flush, snapshot, store closed)
        waits for a later turn of the event loop, when no `exec()` is running."""
        if self.services is None or self.lock_pending:
            return
        if self.page_kind == "first_launch" or getattr(self.current_page(), "showing_key", False):
            return  # the recovery key is on screen: never hide it before it is noted
        from icope_desktop.ui.shell import dialogs

        self.idle.stop()
        self._status_timer.stop()
        if not dialogs.close_windows(self):
            self._finish_lock(remember)
            return
        self.lock_pending = True
        dialogs.set_lock_pending(True)
        self.stack.hide()
        self.top_bar.hide()
        self.status.clear_counts()
        QTimer.singleShot(0, self, lambda: self._finish_lock_when_unwound(remember))

    def _finish_lock_when_unwound(self, remember: bool) -> None:
        from icope_desktop.ui.shell import dialogs

        reopened = dialogs.close_windows(self)  # a caller may have opened another one
        if reopened or dialogs.modal_depth() > 0:
            QTimer.singleShot(0, self, lambda: self._finish_lock_when_unwound(remember))
            return
        dialogs.set_lock_pending(False)
        self.lock_pending = False
        self.stack.show()
        if self.services is not None:
            self._finish_lock(remember)

    def _finish_lock(self, remember: bool) -> None:
        self.locking.emit()
        if self.seed_task is not None:
            self.seed_task.cancel()
        self._flush_current()
        page = self.current_page()
        self.resume_place = self.place if remember else None
        self.resume_history = list(self.history) if remember else []
        snapshot = getattr(page, "snapshot", None)
        self.resume_snapshot = snapshot() if remember and callable(snapshot) else None
        for window in self._child_windows():
            window.deleteLater()  # a closed preview still holds the letter's pages
        self.history = []
        self.place = None
        self.show_unlock()
        self.status.clear_counts()
        self.session.lock()
        self.locked.emit()

    def _child_windows(self) -> list[QDialog]:
        return [dialog for dialog in self.findChildren(QDialog) if dialog.parentWidget() is self]

    def _on_auto_lock_changed(self, minutes: int) -> None:
        if self.services is not None:
            self.idle.start(minutes * self.minute_ms)

    # --- language and status -------------------------------------------------------------

    def change_language(self, language: str) -> None:
        """Rebuild every text at once: chrome, status bar and the current page."""
        set_language(language)
        write_language(self.session.data_dir, current_language())
        self.retranslate()
        if self.place is not None:
            page = self.current_page()
            snapshot = getattr(page, "snapshot", None)
            saved = snapshot() if callable(snapshot) else None
            self._navigate(self.place, push=False)
            restore = getattr(self.current_page(), "restore_snapshot", None)
            if saved is not None and callable(restore):
                restore(saved)

    def refresh_status(self) -> None:
        services = self.services
        if services is None:
            self.status.clear_counts()
            return
        overview = services.settings.sync_overview()
        self.status.show_counts(
            overview.waiting, overview.rejected, overview.last_sync_at, overview.server_set
        )

    # --- shortcuts -----------------------------------------------------------------------

    def _on_search_shortcut(self) -> None:
        if self.services is None:
            return
        if self.page_kind != "home":
            self.show_home()
        focus = getattr(self.current_page(), "focus_search", None)
        if callable(focus):
            focus()

    def _on_new_patient_shortcut(self) -> None:
        if self.services is not None and self.page_kind != "patient_form":
            self.new_patient()

    # --- closing -------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self._flush_current()
        self.idle.stop()
        self._status_timer.stop()
        self.tasks.cancel_all()
        self.tasks.wait_for_done(10_000)
        self.session.lock()
        super().closeEvent(event)
