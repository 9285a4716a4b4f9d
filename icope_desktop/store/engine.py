"""The encrypted SQLAlchemy engine: SQLCipher 4 with a raw key, failing closed.

DESIGN.md "Local store" fixes the recipe; the reasons, so nobody "simplifies" it later:

* `sqlite+pysqlite` with `module=sqlcipher3.dbapi2`, not the `sqlite+pysqlcipher` URL,
  which re-runs PBKDF2 on every connection and puts the secret in the URL.
* `hide_parameters=True`: otherwise SQLAlchemy errors carry bound values (patient names)
  into tracebacks and logs.
* The key is set first on every new connection, as a raw 256-bit key (`x'…'`), so
  SQLCipher runs no KDF of its own: the vault's Argon2id already did that work once.
* Python's stdlib `sqlite3` silently ignores `PRAGMA key` and writes plaintext, so each
  connection checks `PRAGMA cipher_version` and refuses to go on without it.
* Pragmas: WAL (readers never block the autosave), `synchronous=FULL` (a commit survives
  a power cut, WAL's NORMAL would not), foreign keys on, temporary tables in memory (no
  plaintext temp files), `fullfsync` on macOS where plain fsync does not reach the disk.
* Transactions: the driver's implicit transactions are switched off and SQLAlchemy emits
  BEGIN itself (SQLAlchemy's pysqlite docs, "Serializable isolation / Savepoints"); a
  write session asks for BEGIN IMMEDIATE so two threads never deadlock upgrading a read
  lock, and `busy_timeout` makes a writer wait for the other instead of failing.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import sqlcipher3.dbapi2
from sqlalchemy import Engine, create_engine, event

from icope_desktop.store.errors import DatabaseDamaged, NotEncrypted, StoreLocked

log = logging.getLogger(__name__)

BEGIN_OPTION = "icope_begin"
"""Execution option read by the `begin` listener: "DEFERRED" (default) or "IMMEDIATE"."""

BUSY_TIMEOUT_MS = 10_000
CACHE_SIZE_KIB = 32_768
CIPHER_PAGE_SIZE = 4096
"""SQLCipher 4's default, kept: changing it later would need a re-encryption."""

POOL_OPTIONS: dict[str, Any] = {"pool_size": 5, "max_overflow": 10, "pool_use_lifo": True}
"""LIFO: a call reuses the connection used last, whose page cache is still valid. With
FIFO, single-threaded calls rotate over the pooled connections, and each finds its cache
stale after another connection's write, so SQLite re-reads and SQLCipher re-decrypts the
pages (measured by benchmarks/store_bench.py)."""


class KeyHolder:
    """The data key, shared by the connection factory; `clear()` is the lock.

    Python cannot promise that no copy of a secret survives in memory (str/bytes are
    immutable and may be copied); zeroing the one mutable buffer and dropping the engine
    is the best a Python process can do, and it stops any new connection at once.
    """

    __slots__ = ("_key",)

    def __init__(self, key: bytes | bytearray) -> None:
        self._key: bytearray | None = bytearray(key)

    def hex(self) -> str:
        if self._key is None:
            raise StoreLocked()
        return self._key.hex()

    def bytes(self) -> bytes:
        if self._key is None:
            raise StoreLocked()
        return bytes(self._key)

    @property
    def is_cleared(self) -> bool:
        return self._key is None

    def clear(self) -> None:
        if self._key is not None:
            for i in range(len(self._key)):
                self._key[i] = 0
        self._key = None

    def __repr__(self) -> str:
        return "KeyHolder(<hidden>)"


def apply_pragmas(dbapi_connection: Any) -> None:
    """Durability and safety pragmas, shared with the plain-SQLite benchmark baseline."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA temp_store = MEMORY")
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute(f"PRAGMA cache_size = -{CACHE_SIZE_KIB}")
        if sys.platform == "darwin":
            cursor.execute("PRAGMA fullfsync = ON")
            cursor.execute("PRAGMA checkpoint_fullfsync = ON")
    finally:
        cursor.close()


def key_connection(dbapi_connection: Any, key_hex: str, db_path: Path | None) -> None:
    """Set the raw key, refuse a non-encrypting module, and prove the key opens the file.

    The vault already proved the key is the right one (authenticated unwrap), so a file
    that does not open with it is damaged, not "wrong passphrase".
    """
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA key = \"x'{key_hex}'\"")
        row = cursor.execute("PRAGMA cipher_version").fetchone()
        if not row or not row[0]:
            raise NotEncrypted()
        cursor.execute(f"PRAGMA cipher_page_size = {CIPHER_PAGE_SIZE}")
        try:
            cursor.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except Exception as err:  # the driver's DatabaseError: "file is not a database"
            log.warning("database did not open with a verified key: %s", type(err).__name__)
            raise DatabaseDamaged(db_path) from None
    finally:
        cursor.close()


def install_transaction_control(engine: Engine) -> None:
    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        mode = conn.get_execution_options().get(BEGIN_OPTION, "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def open_encrypted_engine(
    db_path: Path,
    key: KeyHolder | bytes | bytearray,
    *,
    dbapi: ModuleType = sqlcipher3.dbapi2,
) -> Engine:
    """An engine whose every connection is keyed, verified and tuned before use.

    `dbapi` exists for one test: passing the stdlib `sqlite3` must be refused.
    """
    holder = key if isinstance(key, KeyHolder) else KeyHolder(key)
    engine = create_engine(
        f"sqlite+pysqlite:///{db_path}",
        module=dbapi,
        hide_parameters=True,
        **POOL_OPTIONS,
    )

    @event.listens_for(engine, "connect", insert=True)
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        key_connection(dbapi_connection, holder.hex(), db_path)
        apply_pragmas(dbapi_connection)

    install_transaction_control(engine)
    return engine


def raw_connect(db_path: Path, key_hex: str, *, dbapi: ModuleType = sqlcipher3.dbapi2) -> Any:
    """A keyed DB-API connection outside any pool (backups, restores, integrity checks)."""
    connection = dbapi.connect(str(db_path), isolation_level=None, check_same_thread=False)
    try:
        key_connection(connection, key_hex, db_path)
        cursor = connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA temp_store = MEMORY")
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.close()
    except BaseException:
        connection.close()
        raise
    return connection
