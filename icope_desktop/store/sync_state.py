"""Pull state per stream (e.g. "tasks"): the server-issued cursor and last sync time.

DESIGN.md "Sync": the pull uses a server-issued monotonic cursor, never the laptop's
clock; the store only keeps it, opaque, between runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from icope_desktop.store.database import Database
from icope_desktop.store.models import SyncStateRow


@dataclass(frozen=True, slots=True)
class StreamState:
    stream: str
    cursor: str | None
    last_sync_at: datetime | None


class SyncStateRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, stream: str) -> StreamState:
        with self._db.reading() as session:
            row = session.get(SyncStateRow, stream)
            if row is None:
                return StreamState(stream, None, None)
            return StreamState(stream, row.cursor, row.last_sync_at)

    def save(self, stream: str, cursor: str | None, synced_at: datetime | None = None) -> None:
        now = self._db.clock()
        with self._db.writing() as session:
            row = session.get(SyncStateRow, stream)
            if row is None:
                row = SyncStateRow(stream=stream, updated_at=now)
                session.add(row)
            row.cursor = cursor
            row.last_sync_at = synced_at or now
            row.updated_at = now

    def last_sync_at(self) -> datetime | None:
        """The most recent sync over all streams (the status bar's "synced at")."""
        with self._db.reading() as session:
            rows = session.query(SyncStateRow.last_sync_at).all()
            times = [t for (t,) in rows if t is not None]
            return max(times) if times else None
