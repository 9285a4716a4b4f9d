"""The status bar: records waiting to reach the server and the last sync time.

Offline is normal (DESIGN.md "Offline first"), so the bar states facts calmly: how many
records wait to be sent, when the last sync happened. `sync_area` is where the sync
part adds its "Synchronise now" button; the shell never reaches into sync itself.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QHBoxLayout, QLabel, QStatusBar, QWidget

from icope_desktop.i18n import _


class ShellStatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(False)
        self.outbox_label = QLabel(self)
        self.outbox_label.setObjectName("outbox_label")
        self.last_sync_label = QLabel(self)
        self.last_sync_label.setObjectName("last_sync_label")
        self.sync_area = QWidget(self)
        self.sync_area.setObjectName("sync_area")
        self.sync_layout = QHBoxLayout(self.sync_area)
        self.sync_layout.setContentsMargins(0, 0, 0, 0)
        self.addWidget(self.outbox_label)
        self.addWidget(self.last_sync_label)
        self.addPermanentWidget(self.sync_area)
        self.waiting = 0
        self.clear_counts()

    def show_counts(
        self, waiting: int, rejected: int, last_sync: datetime | None, server_set: bool
    ) -> None:
        self.waiting = waiting
        if not server_set:
            # nothing is ever sent without a server: a count "waiting to be sent" beside
            # "no server configured" read as a fault (audit)
            text = _("Tout est enregistré sur cet ordinateur")
        elif waiting == 0:
            text = _("Rien en attente d'envoi")
        elif waiting == 1:
            text = _("1 élément en attente d'envoi au serveur")
        else:
            text = _("{count} éléments en attente d'envoi au serveur").format(count=waiting)
        if rejected:
            text += " · " + _("{count} refusé(s) par le serveur").format(count=rejected)
        self.outbox_label.setText(text)
        if last_sync is not None:
            local = last_sync.astimezone()
            self.last_sync_label.setText(
                _("Dernière synchronisation : {date} à {time}").format(
                    date=local.strftime("%d/%m/%Y"), time=local.strftime("%H:%M")
                )
            )
        elif server_set:
            self.last_sync_label.setText(_("Jamais synchronisé"))
        else:
            self.last_sync_label.setText(
                _("Hors ligne : aucun serveur régional configuré (Paramètres)")
            )

    def clear_counts(self, *, locked: bool = True) -> None:
        """Locked (or not set up yet): say nothing about the records."""
        self.waiting = 0
        self.outbox_label.setText(_("Dossier verrouillé") if locked else "")
        self.last_sync_label.setText("")
