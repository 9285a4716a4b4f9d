"""Home: find a patient as you type, and what is waiting for you today.

Issue 4: search as you type (name prefix or birth date, debounced 150 ms, answered by
the store's index in a few ms), follow-ups due (Step 1 every 6 months), unfinished
visits to resume, and alerts to handle with their count. One screen, no menu to learn:
Ctrl+F searches, Enter opens the selected line, Ctrl+N creates a patient.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from icope_desktop.i18n import _
from icope_desktop.services.patients import format_date
from icope_desktop.ui.shell.wording import (
    alert_source_label,
    domain_label,
    patient_line,
    visit_kind_label,
)
from icope_desktop.ui.tasks import Task, TaskRunner
from icope_desktop.ui.widgets.buttons import BigButton
from icope_desktop.ui.widgets.labels import Card, hint_label, section_label, title_label

SEARCH_DELAY_MS = 150
SEARCH_LIMIT = 50
ROLE = Qt.ItemDataRole.UserRole


def due_wording(due: Any, today: date) -> str:
    """When the next Step 1 was due, and whether the practitioner chose that date at the
    last visit (spec §1 Step 4) or it is the last Step 1 + the configured months."""
    late = (today - due.due_on).days
    if due.planned:
        if late <= 0:
            return _("prévu aujourd'hui (date fixée à la dernière visite)")
        if late == 1:
            return _("prévu le {date} (date fixée à la dernière visite), en retard d'un jour"
                     ).format(date=format_date(due.due_on))
        return _("prévu le {date} (date fixée à la dernière visite), en retard de {days} "
                 "jours").format(date=format_date(due.due_on), days=late)
    if late <= 0:
        return _("prévu aujourd'hui")
    if late == 1:
        return _("prévu le {date}, en retard d'un jour").format(date=format_date(due.due_on))
    return _("prévu le {date}, en retard de {days} jours").format(
        date=format_date(due.due_on), days=late
    )


def seen_wording(item: Any, today: date) -> str:
    """`dernière visite le 12/03/2025 · suivi à faire (prévu le 01/03/2025)`."""
    parts = [
        _("dernière visite le {date}").format(date=format_date(item.last_visit_on))
        if item.last_visit_on
        else _("aucune visite")
    ]
    if item.follow_up_due:
        parts.append(_("suivi à faire (prévu le {date})").format(
            date=format_date(item.next_step1_on)))
    elif item.next_step1_on is not None:
        parts.append(_("prochain suivi le {date}").format(date=format_date(item.next_step1_on)))
    return " · ".join(parts)


class _List(QListWidget):
    """A list whose lines open with Enter, a double click or a single tap."""

    opened = Signal(object)

    def __init__(self, parent: QWidget, name: str) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWordWrap(True)
        self.setUniformItemSizes(False)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.itemActivated.connect(self._on_item_activated)
        self.itemClicked.connect(self._on_item_activated)

    def _on_item_activated(self, item: QListWidgetItem) -> None:
        target = item.data(ROLE)
        if target is not None:
            self.opened.emit(target)

    def add_line(self, text: str, target: Any = None) -> QListWidgetItem:
        item = QListWidgetItem(text)
        item.setData(ROLE, target)
        if target is None:
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.addItem(item)
        return item

    def texts(self) -> list[str]:
        return [self.item(row).text() for row in range(self.count())]


class _SearchEdit(QLineEdit):
    """Down arrow moves into the results; the list keeps Enter to open."""

    down_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self.down_pressed.emit()
            return
        super().keyPressEvent(event)


class HomePage(QWidget):
    patient_requested = Signal(object)  # PatientId
    visit_requested = Signal(object)  # VisitId
    alert_requested = Signal(object)  # AlertTaskId: the alerts inbox opens on it
    new_patient_requested = Signal()
    recovery_key_requested = Signal()  # make a new recovery key (the last one not noted)
    search_done = Signal(int)  # number of results shown
    patients_loaded = Signal(int)  # the list shown before anything is typed: lines
    due_loaded = Signal(int)  # follow-ups due, in all

    def __init__(
        self,
        services: Any,
        recent: list[Any] | None = None,
        parent: QWidget | None = None,
        *,
        tasks: TaskRunner | None = None,
    ) -> None:
        """`recent`: ids of the files opened since the app started, newest first."""
        super().__init__(parent)
        self.services = services
        self.tasks = tasks or TaskRunner(parent=self)
        self.recent = list(recent or [])
        self.setObjectName("page")
        outer = QHBoxLayout(self)
        outer.setContentsMargins(20, 16, 20, 12)
        outer.setSpacing(16)

        # left: search ---------------------------------------------------------------------
        left = QVBoxLayout()
        left.setSpacing(10)
        profile = services.settings.profile()
        greeting = (
            _("Bonjour {name}").format(name=f"{profile.data.first_name} {profile.data.last_name}")
            if profile
            else _("Bonjour")
        )
        left.addWidget(title_label(greeting, self, name="greeting_label"))
        self.recovery_banner: Card | None = None
        if not services.settings.recovery_key_confirmed():
            self.recovery_banner = self._recovery_banner()
            left.addWidget(self.recovery_banner)
        row = QHBoxLayout()
        self.search_edit = _SearchEdit(self)
        self.search_edit.setObjectName("search_edit")
        self.search_edit.setPlaceholderText(
            _("Rechercher : nom, prénom ou date de naissance (jj/mm/aaaa)")
        )
        self.search_edit.setClearButtonEnabled(True)
        row.addWidget(self.search_edit, 1)
        self.new_patient_button = BigButton(
            _("Nouveau patient"), self, primary=True, name="new_patient_button"
        )
        self.new_patient_button.setToolTip(_("Ctrl+N"))
        self.new_patient_button.clicked.connect(self.new_patient_requested.emit)
        row.addWidget(self.new_patient_button)
        left.addLayout(row)
        self.search_hint = hint_label("", self, name="search_hint")
        left.addWidget(self.search_hint)
        self.results_list = _List(self, "results_list")
        self.results_list.opened.connect(self.patient_requested.emit)
        left.addWidget(self.results_list, 1)
        outer.addLayout(left, 3)

        # right: today's work --------------------------------------------------------------
        right = QVBoxLayout()
        right.setSpacing(10)
        self.drafts_card, self.drafts_title, self.drafts_list = self._section("drafts")
        self.due_card, self.due_title, self.due_list = self._section("due")
        self.alerts_card, self.alerts_title, self.alerts_list = self._section("alerts")
        for card in (self.drafts_card, self.due_card, self.alerts_card):
            right.addWidget(card, 1)
        outer.addLayout(right, 2)
        self.drafts_list.opened.connect(self.visit_requested.emit)
        self.due_list.opened.connect(self.patient_requested.emit)
        self.alerts_list.opened.connect(self.alert_requested.emit)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run_search)
        self.search_edit.textChanged.connect(lambda _text: self._timer.start())
        self.search_edit.returnPressed.connect(self._on_search_return)
        self.search_edit.down_pressed.connect(self._on_search_down)
        self.patient_count = 0
        self._list_generation = 0
        self._due_generation = 0
        self.refresh()

    def _recovery_banner(self) -> Card:
        """Offered at once after unlock when the key shown last was never confirmed as
        noted (the practitioner may have quit before ticking the box): without it, a
        forgotten passphrase loses every file. Nothing is forced: "already noted" ends it.
        """
        banner = Card(parent=self, role="warning", name="recovery_banner")
        banner.body.addWidget(
            QLabel(
                _(
                    "Votre clé de récupération n'a pas été confirmée comme notée. Sans elle, "
                    "une phrase de passe oubliée rend vos dossiers illisibles."
                ),
                banner,
                wordWrap=True,
            )
        )
        row = QHBoxLayout()
        self.new_key_button = BigButton(
            _("Créer une nouvelle clé de récupération"), banner, primary=True,
            name="new_key_button",
        )  # fmt: skip
        self.new_key_button.clicked.connect(self.recovery_key_requested.emit)
        row.addWidget(self.new_key_button)
        self.key_noted_button = BigButton(
            _("Je l'ai déjà notée"), banner, name="key_noted_button"
        )
        self.key_noted_button.clicked.connect(self._on_key_noted_clicked)
        row.addWidget(self.key_noted_button)
        row.addStretch(1)
        banner.body.addLayout(row)
        return banner

    def _on_key_noted_clicked(self) -> None:
        settings = self.services.settings
        task = Task(lambda progress, cancel: settings.confirm_recovery_key(),
                    name="confirm-recovery-key")
        task.succeeded.connect(self._on_key_noted)
        task.failed.connect(lambda _error: self.key_noted_button.setEnabled(True))
        self.key_noted_button.setEnabled(False)
        self.tasks.start(task)

    def _on_key_noted(self, _result: Any = None) -> None:
        if self.recovery_banner is not None:
            self.recovery_banner.hide()

    def _section(self, name: str) -> tuple[Card, QLabel, _List]:
        card = Card(parent=self, name=f"{name}_card")
        title = section_label("", card, name=f"{name}_title")
        card.body.addWidget(title)
        items = _List(card, f"{name}_list")
        card.body.addWidget(items, 1)
        return card, title, items

    # --- data ----------------------------------------------------------------------------

    def today(self) -> date:
        return self.services.patients.today()

    def refresh(self) -> None:
        """Re-read the three lists (after a visit, a sync, an unlock); the due follow-ups
        and the patients arrive from a worker."""
        overview = self.services.patients.home()
        self.patient_count = overview.patient_count
        self.drafts_title.setText(
            _("Visites en cours ({count})").format(count=len(overview.drafts))
        )
        self.drafts_list.clear()
        for draft in overview.drafts:
            self.drafts_list.add_line(
                _("{name}\n{kind} commencée le {date}").format(
                    name=draft.patient_name,
                    kind=visit_kind_label(draft.kind),
                    date=format_date(draft.performed_on),
                ),
                draft.visit_id,
            )
        if not overview.drafts:
            self.drafts_list.add_line(_("Aucune visite en cours : tout est finalisé."))
        self._load_due()
        self.alerts_title.setText(
            _("Alertes à traiter ({count})").format(count=len(overview.alerts))
        )
        self.alerts_list.clear()
        for alert in overview.alerts:
            who = overview.alert_patients.get(alert.patient_id) if alert.patient_id else None
            if who is None and alert.id in overview.alert_people:
                who = _("{name} — dossier à rattacher").format(
                    name=overview.alert_people[alert.id]
                )
            domains = ", ".join(domain_label(code) for code in alert.altered_domains)
            text = _("Alerte du {date} ({source}) : {count} capacité(s) altérée(s)").format(
                date=format_date(alert.raised_on),
                source=alert_source_label(alert.source),
                count=len(alert.altered_domains),
            )
            if domains:
                text += f" — {domains}"
            # the person first: the line is elided at its end when the domains are many
            text = (who or _("Patient à identifier")) + "\n" + text
            self.alerts_list.add_line(text, alert.id)
        if not overview.alerts:
            self.alerts_list.add_line(_("Aucune alerte à traiter."))
        self._show_idle_hint()

    def _load_due(self) -> None:
        """Thousands may be due on a large store: read on a worker, draw the first ones."""
        self._due_generation += 1
        generation = self._due_generation
        if self.due_list.count() == 0:
            self.due_title.setText(_("Suivis à faire"))
            self.due_list.add_line(_("Chargement…"))
        patients = self.services.patients
        task = Task(lambda progress, cancel: (generation, patients.due_follow_ups()),
                    name="home-due")
        task.succeeded.connect(self._on_due_loaded)
        self.tasks.start(task)

    def _on_due_loaded(self, loaded: tuple[int, Any]) -> None:
        generation, due = loaded
        if generation != self._due_generation:
            return
        today = self.today()
        self.due_title.setText(_("Suivis à faire ({count})").format(count=due.total))
        self.due_list.clear()
        for item in due.items:
            self.due_list.add_line(f"{item.patient_name}\n{due_wording(item, today)}",
                                   item.patient_id)
        if due.total > len(due.items):
            self.due_list.add_line(
                _("… et {count} autres : cherchez le patient par son nom.").format(
                    count=due.total - len(due.items))
            )
        if not due.total:
            self.due_list.add_line(_("Aucun suivi à faire pour l'instant."))
        self.due_loaded.emit(due.total)

    @property
    def alert_count(self) -> int:
        return len(self.services.patients.home().alerts)

    def focus_first(self) -> None:
        self.search_edit.setFocus()

    def focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def _show_idle_hint(self) -> None:
        """Nothing typed: her patients, most recently seen first (the files opened since
        the start on top), loaded off the UI thread; typing searches all of them."""
        if self.search_edit.text().strip():
            return
        self._list_generation += 1
        generation = self._list_generation
        if self.results_list.count() == 0:
            self.search_hint.setText(_("Chargement de vos patients…"))
        patients, recent = self.services.patients, list(self.recent)
        task = Task(lambda progress, cancel: (generation, patients.patient_list(recent)),
                    name="home-patients")
        task.succeeded.connect(self._on_patient_list_loaded)
        self.tasks.start(task)

    def _on_patient_list_loaded(self, loaded: tuple[int, Any]) -> None:
        generation, patient_list = loaded
        if generation != self._list_generation or self.search_edit.text().strip():
            return  # a newer load, or a search, has the list now
        self.patient_count = patient_list.total
        self.results_list.clear()
        today = self.today()
        for item in patient_list.items:
            self.results_list.add_line(
                patient_line(item.summary, today) + "\n" + seen_wording(item, today),
                item.summary.id,
            )
        total = patient_list.total
        if not total:
            self.search_hint.setText("")
            self.results_list.add_line(
                _("Aucun dossier pour l'instant : créez le premier avec « Nouveau patient » "
                  "(Ctrl+N).")
            )
        elif patient_list.capped:
            self.search_hint.setText(
                _("Les {shown} patients vus le plus récemment. Tapez un nom ou une date de "
                  "naissance (jj/mm/aaaa) pour chercher parmi les {total} dossiers.").format(
                    shown=len(patient_list.items), total=total)
            )
        else:
            self.search_hint.setText(
                _("{count} patient(s), vus le plus récemment en premier. Tapez un nom ou une "
                  "date de naissance pour chercher.").format(count=total)
            )
        self.patients_loaded.emit(len(patient_list.items))

    def run_search(self) -> None:
        self._timer.stop()
        typed = self.search_edit.text()
        if not typed.strip():
            self._show_idle_hint()
            self.search_done.emit(0)
            return
        self.results_list.clear()
        results = self.services.patients.search(typed, limit=SEARCH_LIMIT)
        today = self.today()
        for summary in results:
            self.results_list.add_line(patient_line(summary, today), summary.id)
        if results:
            self.results_list.setCurrentRow(0)
            self.search_hint.setText(
                _("{count} patient(s) trouvé(s). Entrée ouvre le premier.").format(
                    count=len(results)
                )
                if len(results) < SEARCH_LIMIT
                else _("Plus de {count} réponses : précisez la recherche.").format(
                    count=SEARCH_LIMIT
                )
            )
        else:
            self.search_hint.setText(
                _("Aucun patient ne correspond. Vérifiez l'orthographe, ou créez le dossier.")
            )
        self.search_done.emit(len(results))

    def _on_search_return(self) -> None:
        if self._timer.isActive():
            self.run_search()
        item = self.results_list.currentItem()
        if item is not None and item.data(ROLE) is not None:
            self.patient_requested.emit(item.data(ROLE))

    def _on_search_down(self) -> None:
        if self.results_list.count():
            self.results_list.setFocus()
            if self.results_list.currentRow() < 0:
                self.results_list.setCurrentRow(0)
