"""Server settings: address, token (kept encrypted in the store), automatic sync, and
"Tester la connexion" with a clear answer (OK with the server's name, unreachable, bad
token, TLS error), in French and English. The check runs off the UI thread.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from icope_desktop.i18n import _
from icope_desktop.services.sync import ConnectionCheck, SyncService
from icope_desktop.store.errors import InvalidData, StoreError
from icope_desktop.sync.errors import SyncError
from icope_desktop.ui.sync.messages import error_text, text
from icope_desktop.ui.tasks import Task, TaskRunner


class ServerSettingsPanel(QWidget):
    saved = Signal()
    checked = Signal(object)  # ConnectionCheck

    def __init__(
        self, sync: SyncService, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.sync = sync
        self.runner = runner
        self.task: Task | None = None
        self.last_check: ConnectionCheck | None = None
        self.url_edit = QLineEdit(self)
        self.url_edit.setObjectName("url_edit")
        self.url_edit.setPlaceholderText("https://icope.region.fr/")
        self.token_edit = QLineEdit(self)
        self.token_edit.setObjectName("token_edit")
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.auto_sync_check = QCheckBox(_("Synchroniser automatiquement"), self)
        self.auto_sync_check.setObjectName("auto_sync_check")
        self.save_button = QPushButton(_("Enregistrer"), self)
        self.save_button.setObjectName("save_button")
        self.save_button.setProperty("primary", True)
        self.test_button = QPushButton(_("Tester la connexion"), self)
        self.test_button.setObjectName("test_button")
        self.result_label = QLabel(self)
        self.result_label.setObjectName("result_label")
        self.result_label.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("Adresse du serveur régional"), self.url_edit)
        form.addRow(_("Jeton d'accès"), self.token_edit)
        form.addRow("", self.auto_sync_check)
        buttons = QHBoxLayout()
        buttons.addWidget(self.test_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.result_label)
        layout.addStretch(1)
        self.save_button.clicked.connect(self._on_save_clicked)
        self.test_button.clicked.connect(self._on_test_clicked)
        self.load()

    def load(self) -> None:
        settings = self.sync.server_settings()
        self.url_edit.setText(settings.url or "")
        self.token_edit.clear()
        self.token_edit.setPlaceholderText(
            _("Jeton enregistré (laisser vide pour le garder)") if settings.has_token
            else _("Collez le jeton donné par l'administrateur")
        )
        self.auto_sync_check.setChecked(settings.auto_sync)

    def _on_save_clicked(self) -> None:
        try:
            self.sync.save_server_settings(
                self.url_edit.text().strip() or None, self.token_edit.text() or None
            )
            self.sync.set_auto_sync(self.auto_sync_check.isChecked())
        except InvalidData as error:
            self.result_label.setText(" ".join(text(m) for m in error.problems.values()))
            return
        except (SyncError, StoreError) as error:
            self.result_label.setText(error_text(error))
            return
        self.load()
        self.result_label.setText(_("Réglages du serveur enregistrés."))
        self.saved.emit()

    def _on_test_clicked(self) -> None:
        if self.task is not None:
            return
        url = self.url_edit.text().strip() or None
        token = self.token_edit.text().strip() or None
        task = Task(lambda progress, cancel: self.sync.test_connection(url, token),
                    name="test-connection")
        task.succeeded.connect(self._on_check_done)
        task.failed.connect(self._on_check_failed)
        self.task = task
        self.test_button.setEnabled(False)
        self.result_label.setText(_("Test de la connexion…"))
        self.runner.start(task)

    def _on_check_done(self, check: ConnectionCheck) -> None:
        self.task = None
        self.test_button.setEnabled(True)
        self.last_check = check
        self.result_label.setProperty("role", "ok" if check.ok else "error")
        self.result_label.setText(text(check.message))
        self.checked.emit(check)

    def _on_check_failed(self, error: BaseException) -> None:
        self.task = None
        self.test_button.setEnabled(True)
        self.result_label.setText(error_text(error))
