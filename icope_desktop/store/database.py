"""Short sessions and the translation of database failures into typed store errors.

Threading rule (documented in the package docstring and docs/ARCHITECTURE.md): every
repository call opens its own Session from this object's sessionmakers, in the calling
thread, and closes it before returning. Sessions and ORM rows never leave a repository
method; callers get frozen records. So any thread (the UI thread, a sync worker, a
backup worker) may call any repository method, and the engine's pool gives each thread
its own SQLite connection.

Writes use BEGIN IMMEDIATE (take the write lock up front: no deadlock when two threads
both read then write) and commit at the end of the `with` block; keep them short, one
user action per transaction, so the autosave never waits long behind another writer.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from icope_desktop.i18n import Text
from icope_desktop.store.engine import BEGIN_OPTION
from icope_desktop.store.errors import (
    DatabaseDamaged,
    DiskFull,
    DuplicateRecord,
    StoreBusy,
    StoreError,
    StoreLocked,
    VisitFinalized,
)
from icope_desktop.store.records import Clock, system_clock

log = logging.getLogger(__name__)

IMMUTABLE_BILLING = Text(
    fr="Une ligne de facturation enregistrée ne peut pas être modifiée.",
    en="A recorded billing line cannot be changed.",
)
MISSING_LINK = Text(
    fr="Un élément lié (patient, médecin, visite) est introuvable ; rien n'a été enregistré.",
    en="A linked item (patient, doctor, visit) cannot be found; nothing was saved.",
)
DUPLICATE = Text(
    fr="Cet identifiant est déjà utilisé par un autre dossier ; rien n'a été enregistré.",
    en="This identifier is already used by another record; nothing was saved.",
)


def translate_error(err: DBAPIError, db_path: Path | None) -> StoreError:
    """Map a driver error to the typed error the UI can explain (no values inside)."""
    text = str(err.orig) if err.orig is not None else ""
    log.warning("database error: %s: %s", type(err.orig).__name__, text)
    if "icope:immutable:visit" in text:
        return VisitFinalized()
    if "icope:immutable:" in text:
        return StoreError(IMMUTABLE_BILLING)
    if isinstance(err, IntegrityError):
        if "FOREIGN KEY" in text:
            return StoreError(MISSING_LINK)
        if "UNIQUE" in text:
            return DuplicateRecord(DUPLICATE)
        return StoreError()
    if "disk is full" in text:
        return DiskFull()
    if isinstance(err, OperationalError) and "locked" in text:
        return StoreBusy()
    if "not a database" in text or "malformed" in text:
        return DatabaseDamaged(db_path)
    return StoreError()


class Database:
    """The engine plus two sessionmakers (read: BEGIN DEFERRED, write: BEGIN IMMEDIATE)."""

    def __init__(self, engine: Engine, clock: Clock = system_clock) -> None:
        self.engine = engine
        self.clock = clock
        database = engine.url.database
        self.path = Path(database) if database else None
        self._read = sessionmaker(engine, expire_on_commit=False, autoflush=False)
        self._write = sessionmaker(
            engine.execution_options(**{BEGIN_OPTION: "IMMEDIATE"}),
            expire_on_commit=False,
            autoflush=False,
        )
        self._open = True

    @property
    def is_open(self) -> bool:
        return self._open

    @contextmanager
    def reading(self) -> Iterator[Session]:
        if not self._open:
            raise StoreLocked()
        session = self._read()
        try:
            yield session
        except DBAPIError as err:
            raise translate_error(err, self.path) from err
        finally:
            session.close()

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """One short write transaction: commits on success, rolls back on any error."""
        if not self._open:
            raise StoreLocked()
        session = self._write()
        try:
            yield session
            session.commit()
        except DBAPIError as err:
            session.rollback()
            raise translate_error(err, self.path) from err
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def close(self) -> None:
        """Refuse new work and close every pooled connection (the lock)."""
        self._open = False
        self.engine.dispose()
