""""Envois refusés": the records the server (or the mapping) refused, and why, in words.

Audit item 4: a refused record used to stay refused after the nurse fixed its cause.
Editing the record, or what it depends on (a letter's GP or patient), now queues it
again by itself (store/outbox.py); this page lists what is still refused, naming each
record (patient, letter, GP, visit, act) beside the server's reason in the user's
language, and "Renvoyer les envois refusés" queues them all again for the next sync
(`SyncService.retry_rejected`), for a cause fixed elsewhere (on the server).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from icope_desktop.i18n import _
from icope_desktop.services.sync import RefusedRecord, SyncService
from icope_desktop.ui.sync.messages import text
from icope_desktop.ui.widgets.buttons import BigButton


class RefusedView(QWidget):
    retried = Signal(int)

    def __init__(self, sync: SyncService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.sync = sync
        self.records: list[RefusedRecord] = []
        self.title_label = QLabel(_("Envois refusés"), self)
        font = QFont(self.title_label.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.title_label.setFont(font)
        self.hint_label = QLabel(self)
        self.hint_label.setObjectName("refused_hint")
        self.hint_label.setWordWrap(True)
        self.hint_label.setProperty("role", "hint")
        self.table = QTableWidget(0, 2, self)
        self.table.setObjectName("refused_table")
        self.table.setHorizontalHeaderLabels([_("Dossier"), _("Motif du refus")])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.retry_button = BigButton(
            _("Renvoyer les envois refusés"), self, primary=True, name="retry_refused_button"
        )
        self.result_label = QLabel(self)
        self.result_label.setObjectName("retry_result")
        self.result_label.setWordWrap(True)
        actions = QHBoxLayout()
        actions.addWidget(self.result_label, 1)
        actions.addWidget(self.retry_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.hint_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        self.retry_button.clicked.connect(self._on_retry_clicked)
        self.refresh()

    def refresh(self) -> None:
        self.records = self.sync.refused_records()
        self.table.setRowCount(len(self.records))
        for row, record in enumerate(self.records):
            reason = text(record.reason) or _("Refusé sans motif donné par le serveur.")
            for column, value in enumerate((text(record.what), reason)):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()
        self.retry_button.setEnabled(bool(self.records))
        self.hint_label.setText(
            _("Corrigez la cause indiquée (par exemple l'adresse de messagerie sécurisée du "
              "médecin traitant) : le dossier repart seul à la synchronisation suivante. Si "
              "la cause a été corrigée ailleurs, renvoyez-les.")
            if self.records
            else _("Aucun envoi refusé.")
        )

    def _on_retry_clicked(self) -> None:
        count = self.sync.retry_rejected()
        self.result_label.setText(
            _("{count} envoi(s) remis en attente : ils partiront à la prochaine "
              "synchronisation.").format(count=count)
        )
        self.refresh()
        self.retried.emit(count)
