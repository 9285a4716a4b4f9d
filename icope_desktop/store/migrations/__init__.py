"""Alembic migrations shipped inside the package, applied programmatically on unlock.

No `alembic.ini` is needed at runtime: the configuration is built here and the keyed
connection is passed to `env.py` (DESIGN.md "Local store": "Schema changes only through
Alembic migrations shipped in the package and applied on unlock; every release can open
every earlier database").

Three SQLite details the runner takes care of:

* foreign keys are switched off during the upgrade (batch mode copies and drops tables;
  with foreign keys on, the DROP would cascade or fail) and `PRAGMA foreign_key_check`
  must come back empty before they are switched on again;
* before upgrading a database that already holds data, an encrypted snapshot is taken
  with `VACUUM INTO` (same key, never a file copy of a live database);
* a database from a newer release (unknown revision) is refused, never "downgraded".

New revision for developers: `python -m icope_desktop.store.migrations "add x"`
(autogenerates against a throw-away encrypted database at head).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from icope_desktop.store.errors import SchemaTooNew

log = logging.getLogger(__name__)

SCRIPT_LOCATION = Path(__file__).resolve().parent


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    config.set_main_option("path_separator", "os")
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    return {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _database_path(engine: Engine) -> Path | None:
    database = engine.url.database
    return Path(database) if database else None


def upgrade(
    engine: Engine,
    revision: str = "head",
    *,
    snapshot_dir: Path | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> bool:
    """Bring the schema to `revision`; True when something was applied.

    `snapshot_dir`: where to keep an encrypted copy taken before upgrading a database
    that already has a schema (None: no copy; tests and fresh stores).
    """
    current = current_revision(engine)
    if current is not None and current not in known_revisions():
        raise SchemaTooNew(_database_path(engine), current)
    target = head_revision() if revision == "head" else revision
    if current == target:
        return False
    with _foreign_keys_off(engine) as (connection, dbapi_connection):
        if current is not None and snapshot_dir is not None:
            snapshot_dir.mkdir(parents=True, exist_ok=True)
            stamp = clock().strftime("%Y%m%dT%H%M%SZ")
            snapshot = snapshot_dir / f"pre-migration-{current}-{stamp}.db"
            dbapi_connection.execute("VACUUM INTO ?", (str(snapshot),))
            log.info("encrypted snapshot taken before migrating from %s", current)
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    log.info("schema upgraded from %s to %s", current, target)
    return True


def downgrade(engine: Engine, revision: str) -> None:
    """Developers and tests only: the application never downgrades a database."""
    with _foreign_keys_off(engine) as (connection, _dbapi_connection):
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


@contextmanager
def _foreign_keys_off(engine: Engine) -> Iterator[tuple[Connection, Any]]:
    """Batch mode copies and drops tables: foreign keys off, then on again.

    `env.py` runs `PRAGMA foreign_key_check` before committing, so a migration that
    would break a link rolls back whole.

    The pragma is a no-op inside a transaction, so it is set on the raw connection
    before SQLAlchemy begins one (the driver runs in autocommit mode, see engine.py).
    """
    with engine.connect() as connection:
        dbapi_connection = connection.connection.dbapi_connection
        assert dbapi_connection is not None
        dbapi_connection.execute("PRAGMA foreign_keys = OFF")
        try:
            yield connection, dbapi_connection
        finally:
            dbapi_connection.execute("PRAGMA foreign_keys = ON")


def upgrade_to_head(engine: Engine, *, snapshot_dir: Path | None = None) -> bool:
    return upgrade(engine, "head", snapshot_dir=snapshot_dir)
