"""Database engine, transactions and schema upgrades, for SQLite and PostgreSQL.

* SQLite (demo, trials): WAL, `synchronous=FULL`, foreign keys on; write transactions start
  with `BEGIN IMMEDIATE`, so two writers queue on the lock instead of failing with "database
  is locked" when a deferred transaction tries to upgrade its read snapshot.
* PostgreSQL (production): READ COMMITTED; the unique constraints of `models` make
  concurrent identical writes fail fast, and `write()` retries them from the start, where
  they find the winner's rows (issue 6: "catch the integrity error, retry the lookup").
* `hide_parameters=True`: SQLAlchemy errors would otherwise carry bound values (patient
  names) into logs (DESIGN.md "Local store", same reason).
* Schema changes go only through the Alembic revisions in `icope_server/migrations`,
  applied under a PostgreSQL advisory lock so several processes may start at once.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from icope_server.outcome import fail

log = logging.getLogger(__name__)

T = TypeVar("T")
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
MIGRATION_LOCK_ID = 7_264_301  # arbitrary constant: pg_advisory_lock key of upgrades
WRITE_ATTEMPTS = 6

# PostgreSQL SQLSTATEs worth a retry: serialization failure, deadlock, lock not available.
_RETRY_SQLSTATES = {"40001", "40P01", "55P03"}


class SchemaOutOfDateError(Exception):
    """The database is not at the code's schema revision (run `icope-server db upgrade`)."""


def _is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def create_db_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            raise ValueError("the server needs a SQLite file, not an in-memory database")
        engine = create_engine(
            parsed,
            hide_parameters=True,
            connect_args={"timeout": 30, "check_same_thread": False},
            pool_size=8,
            max_overflow=8,
        )
        _prepare_sqlite(engine)
        return engine
    return create_engine(
        parsed,
        hide_parameters=True,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=20,
        pool_timeout=30,
    )


def _prepare_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own transaction
        # handling defers BEGIN and cannot do IMMEDIATE; SQLAlchemy docs, "Serializable
        # isolation / Savepoints / Transactional DDL" for pysqlite).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get("icope_write"):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


def _retryable(error: DBAPIError) -> bool:
    if isinstance(error, IntegrityError):
        return True
    code = getattr(error.orig, "sqlstate", None)
    if code in _RETRY_SQLSTATES:
        return True
    return isinstance(error, OperationalError) and "locked" in str(error.orig).lower()


class Database:
    """Owns the engine; hands out short sessions, one per unit of work."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_db_engine(url)
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(
            self.engine.execution_options(icope_write=True), expire_on_commit=False
        )

    @property
    def is_sqlite(self) -> bool:
        return _is_sqlite(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reader() as session, session.begin():
            yield session

    def write(self, work: Callable[[Session], T], *, attempts: int = WRITE_ATTEMPTS) -> T:
        """Run `work` in one transaction and commit; retry it whole on a uniqueness or
        serialization conflict. `work` must be safe to re-run (it re-reads what it needs)."""
        for attempt in range(1, attempts + 1):
            try:
                with self._writer() as session, session.begin():
                    return work(session)
            except DBAPIError as error:
                if not _retryable(error):
                    raise
                log.info(
                    "write conflict (%s), attempt %d of %d",
                    type(error).__name__,
                    attempt,
                    attempts,
                )
                time.sleep(random.uniform(0.005, 0.03) * attempt)
        raise fail(
            409,
            "transaction-conflict",
            "Conflit avec une écriture simultanée ; réessayez plus tard avec la même clé.",
            "Conflict with a concurrent write; retry later with the same key.",
            fhir_code="conflict",
        )

    # -- schema -------------------------------------------------------------------------

    def upgrade(self) -> None:
        """Bring the schema to the code's head revision (idempotent, concurrent-safe)."""
        with self.engine.connect() as connection:
            if not self.is_sqlite:
                connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK_ID})
                connection.commit()
            try:
                config = _alembic_config()
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                connection.commit()
            finally:
                if not self.is_sqlite:
                    connection.execute(
                        text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK_ID}
                    )
                    connection.commit()

    def check_schema(self) -> None:
        head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
        with self.engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
        if current != head:
            raise SchemaOutOfDateError(f"database at {current}, code expects {head}")


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config
