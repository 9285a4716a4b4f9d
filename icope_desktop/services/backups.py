"""Backups the practitioner makes from the settings screen.

The store writes and checks the encrypted file (`store/backup.py`); this service picks
a name a nurse recognises in a file dialog and runs on a worker thread with the
`progress(done, total, label)` / `cancel` pair of STYLE.md §3. Restoring replaces the
open store, so it belongs to `session.AppSession.restore`, which closes the store first.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from icope_desktop.store import Store
from icope_desktop.store.backup import BackupInfo, describe_backup

Clock = Callable[[], datetime]
ProgressFn = Callable[[int, int, str], None]

BACKUP_SUFFIX = ".icopebak"
"""Git-ignored, and recognisable in a file dialog's filter."""


class BackupService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def suggested_name(self) -> str:
        """`icope-sauvegarde-2025-03-10-0930.icopebak`: sorts by date in any folder."""
        stamp = self._clock().astimezone().strftime("%Y-%m-%d-%H%M")
        return f"icope-sauvegarde-{stamp}{BACKUP_SUFFIX}"

    def backup(
        self,
        destination: Path,
        progress: ProgressFn | None = None,
        cancel: threading.Event | None = None,
    ) -> BackupInfo:
        if destination.suffix != BACKUP_SUFFIX:
            destination = destination.with_name(destination.name + BACKUP_SUFFIX)
        return self._store.backup(destination, progress=progress, cancel=cancel)

    @staticmethod
    def describe(path: Path) -> BackupInfo:
        """Date and version of a backup before asking for its secret (`BackupDamaged`)."""
        return describe_backup(path)
