"""The sync's own settings, in the encrypted store's `setting` table: the automatic sync
interval and the last sync's outcome.

They live beside the store's settings (same table, same encryption) under keys of their
own, read and written only here: the store's `SettingKey` list is the store's, and these
two concern the sync alone.

* Interval (audit item 5): automatic sync every 5, 15, 30 or 60 minutes, 15 by default
  (DESIGN.md "Sync": "every N minutes").
* Last outcome (audit item 7): when the last sync ended and what it did (or why it
  failed), so the status bar can say it again after the app restarts instead of an
  empty summary until the next sync.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from icope_desktop.i18n import Text
from icope_desktop.store.database import Database
from icope_desktop.store.errors import InvalidData
from icope_desktop.store.models import SettingRow

INTERVAL_CHOICES = (5, 15, 30, 60)
DEFAULT_INTERVAL_MINUTES = 15
INTERVAL_KEY = "sync.interval_minutes"
LAST_SYNC_KEY = "sync.last_outcome"

BAD_INTERVAL = Text(
    fr="L'intervalle de synchronisation automatique est de 5, 15, 30 ou 60 minutes.",
    en="The automatic sync interval is 5, 15, 30 or 60 minutes.",
)


@dataclass(frozen=True, slots=True)
class LastSync:
    """What the last sync did, as kept between runs (no patient data: counts and the
    failure's message only)."""

    finished_at: datetime
    sent: int = 0
    rejected: int = 0
    alerts_received: int = 0
    alerts_removed: int = 0
    error: Text | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "finished_at": self.finished_at.isoformat(),
            "sent": self.sent,
            "rejected": self.rejected,
            "alerts_received": self.alerts_received,
            "alerts_removed": self.alerts_removed,
            "error": {"fr": self.error.fr, "en": self.error.en} if self.error else None,
        }

    @classmethod
    def from_json(cls, value: Any) -> LastSync | None:
        """None for anything unreadable: a lost summary is better than a crash."""
        try:
            error = value.get("error")
            return cls(
                finished_at=datetime.fromisoformat(str(value["finished_at"])),
                sent=int(value.get("sent", 0)),
                rejected=int(value.get("rejected", 0)),
                alerts_received=int(value.get("alerts_received", 0)),
                alerts_removed=int(value.get("alerts_removed", 0)),
                error=Text(fr=str(error["fr"]), en=str(error["en"])) if error else None,
            )
        except (AttributeError, KeyError, TypeError, ValueError):
            return None


class SyncPreferences:
    def __init__(self, db: Database) -> None:
        self._db = db

    def _get(self, key: str) -> Any:
        with self._db.reading() as session:
            row = session.get(SettingRow, key)
            return None if row is None else row.value

    def _set(self, key: str, value: Any) -> None:
        now = self._db.clock()
        with self._db.writing() as session:
            row = session.get(SettingRow, key)
            if row is None:
                session.add(SettingRow(key=key, value=value, updated_at=now))
            else:
                row.value = value
                row.updated_at = now

    def interval_minutes(self) -> int:
        value = self._get(INTERVAL_KEY)
        return value if value in INTERVAL_CHOICES else DEFAULT_INTERVAL_MINUTES

    def set_interval_minutes(self, minutes: int) -> None:
        if minutes not in INTERVAL_CHOICES or isinstance(minutes, bool):
            raise InvalidData({INTERVAL_KEY: BAD_INTERVAL})
        self._set(INTERVAL_KEY, minutes)

    def last_sync(self) -> LastSync | None:
        value = self._get(LAST_SYNC_KEY)
        return LastSync.from_json(value) if value is not None else None

    def save_last_sync(self, outcome: LastSync) -> None:
        self._set(LAST_SYNC_KEY, outcome.to_json())
