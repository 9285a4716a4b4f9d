"""Per-record sync status shown beside a record: waiting, sent, or rejected and why.

DESIGN.md "Sync": the state is visible, and a rejected record carries the server's reason
in the user's language (kept beside the record by the sync, French and English).
"""

from __future__ import annotations

from uuid import UUID

from PySide6.QtWidgets import QLabel, QWidget

from icope_desktop.i18n import _
from icope_desktop.services.sync import RecordSyncView, SyncService
from icope_desktop.store.records import EntityKind, SyncStatus
from icope_desktop.ui.sync.messages import text


def status_text(view: RecordSyncView | None) -> str:
    if view is None:
        return _("Jamais envoyé")
    if view.status is SyncStatus.WAITING:
        return _("En attente d'envoi")
    if view.status is SyncStatus.SENT:
        return _("Envoyé au serveur")
    return _("Refusé par le serveur : {reason}").format(reason=text(view.reason))


def short_status_text(view: RecordSyncView | None) -> str:
    """The status in a few words, for a table cell (the rejection reason goes in the
    cell's tooltip)."""
    if view is not None and view.status is SyncStatus.REJECTED:
        return _("Refusé par le serveur")
    return status_text(view)


def is_rejected(view: RecordSyncView | None) -> bool:
    return view is not None and view.status is SyncStatus.REJECTED


class RecordSyncBadge(QLabel):
    def __init__(self, sync: SyncService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("record_sync_badge")
        self.setWordWrap(True)
        self.sync = sync
        self.record: tuple[EntityKind, UUID] | None = None
        self.view: RecordSyncView | None = None

    def show_record(self, entity: EntityKind, entity_id: UUID) -> None:
        self.record = (entity, entity_id)
        self.refresh()

    def refresh(self) -> None:
        if self.record is None:
            self.setText("")
            return
        self.view = self.sync.record_status(*self.record)
        self.setText(status_text(self.view))
        rejected = self.view is not None and self.view.status is SyncStatus.REJECTED
        self.setProperty("role", "error" if rejected else "muted")
        self.setToolTip(text(self.view.reason) if rejected and self.view else "")
