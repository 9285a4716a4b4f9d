"""`Store`: set up, unlock, lock, rekey, back up and restore the practitioner's records.

The data directory holds `icope.db` (SQLCipher; `-wal`/`-shm` beside it while open),
`vault.json` (the wrapped data key), and `snapshots/` (encrypted copies taken before a
schema migration). Nothing in it is plaintext patient data.

Unlocking: Argon2id unwraps the data key from the vault (a wrong passphrase stops here,
before the database is touched), then the database is opened with it, checked, and
migrated to the head revision. Because the unwrap is authenticated, a database that
does not open with the unwrapped key is reported as damaged, never as a wrong passphrase.
"""

from __future__ import annotations

import hmac
import logging
import os
import threading
from pathlib import Path
from types import TracebackType
from typing import ClassVar

from platformdirs import user_data_dir
from sqlalchemy import Engine

from icope_desktop.store import backup as backups
from icope_desktop.store.audit import record_event
from icope_desktop.store.billing import TariffTable
from icope_desktop.store.engine import CIPHER_PAGE_SIZE, KeyHolder, open_encrypted_engine
from icope_desktop.store.errors import (
    DatabaseDamaged,
    DatabaseMissing,
    DiskFull,
    StoreAlreadyExists,
    StoreBusy,
    StoreError,
    StoreInUse,
    StoreLocked,
    VaultDamaged,
)
from icope_desktop.store.migrations import upgrade_to_head
from icope_desktop.store.passphrase import require_strong
from icope_desktop.store.records import Clock, ProgressFn, system_clock
from icope_desktop.store.recovery_key import RecoveryKey
from icope_desktop.store.repositories import Repositories
from icope_desktop.store.settings import SettingKey
from icope_desktop.store.vault import (
    FLOOR_KDF,
    KdfParams,
    Vault,
    calibrate_kdf,
    new_data_key,
)

log = logging.getLogger(__name__)

DB_FILE = "icope.db"
VAULT_FILE = "vault.json"
SNAPSHOT_DIR = "snapshots"


def _stamp(clock: Clock) -> str:
    return clock().strftime("%Y%m%dT%H%M%SZ")


class Store:
    """An unlocked store. Build it with `create`, `unlock` or `unlock_with_recovery_key`.

    Repositories are attributes (`store.patients`, `store.visits`, ...); see the package
    docstring for the API and the threading rule. `close()` is the lock.
    """

    _open_dirs: ClassVar[set[Path]] = set()
    """Data directories with an open Store in this process (restore refuses them)."""
    _registry_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(
        self,
        data_dir: Path,
        vault: Vault,
        key: KeyHolder,
        engine: Engine,
        repos: Repositories,
        clock: Clock,
    ) -> None:
        self.data_dir = data_dir
        self._vault = vault
        self._key = key
        self._engine = engine
        self._clock = clock
        self.repos = repos
        self.practitioner = repos.practitioner
        self.gps = repos.gps
        self.patients = repos.patients
        self.visits = repos.visits
        self.letters = repos.letters
        self.billing = repos.billing
        self.alerts = repos.alerts
        self.outbox = repos.outbox
        self.sync_state = repos.sync_state
        self.audit = repos.audit
        self.settings = repos.settings
        self._lock = threading.Lock()
        with Store._registry_lock:
            Store._open_dirs.add(data_dir.resolve())

    # --- paths -------------------------------------------------------------------------

    @staticmethod
    def db_path_in(data_dir: Path) -> Path:
        return data_dir / DB_FILE

    @staticmethod
    def vault_path_in(data_dir: Path) -> Path:
        return data_dir / VAULT_FILE

    @classmethod
    def exists(cls, data_dir: Path) -> bool:
        """True when a store was set up here (the UI then asks for the passphrase)."""
        return cls.vault_path_in(data_dir).exists()

    @property
    def db_path(self) -> Path:
        return self.db_path_in(self.data_dir)

    @property
    def is_open(self) -> bool:
        return not self._key.is_cleared

    # --- opening -----------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        data_dir: Path,
        passphrase: str,
        *,
        kdf: KdfParams | None = None,
        clock: Clock = system_clock,
        tariffs: TariffTable | None = None,
    ) -> tuple[Store, RecoveryKey]:
        """First set-up: new data key, vault with both slots, empty database at head.

        Returns the recovery key, to be shown once and never stored. `kdf=None`
        calibrates Argon2id on this machine (0.5-1 s); tests pass `FLOOR_KDF`.
        """
        require_strong(passphrase)
        if kdf is not None and not kdf.is_at_least(FLOOR_KDF):  # before anything is written
            raise ValueError(f"Argon2id parameters below the floor {FLOOR_KDF}: {kdf}")
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        if cls.vault_path_in(data_dir).exists():
            raise StoreAlreadyExists(data_dir)
        cls._move_orphans_aside(data_dir, clock)
        params = kdf or calibrate_kdf()
        data_key = new_data_key()
        recovery_key = RecoveryKey.generate()
        holder = KeyHolder(data_key)
        engine = open_encrypted_engine(cls.db_path_in(data_dir), holder)
        try:
            upgrade_to_head(engine)
            cls.db_path_in(data_dir).chmod(0o600)
            # The vault is written last: it is the commit point of the set-up.
            vault = Vault.create(
                cls.vault_path_in(data_dir),
                bytes(data_key),
                passphrase,
                recovery_key,
                params,
                created_at=clock().isoformat(),
            )
            repos = Repositories(engine, clock=clock, tariffs=tariffs)
        except BaseException:
            engine.dispose()
            holder.clear()
            raise
        finally:
            for i in range(len(data_key)):
                data_key[i] = 0
        store = cls(data_dir, vault, holder, engine, repos, clock)
        store._audit("store.create")
        store.settings.set(SettingKey.RECOVERY_KEY_CONFIRMED, False)
        return store, recovery_key

    @classmethod
    def _move_orphans_aside(cls, data_dir: Path, clock: Clock) -> None:
        """A database without a vault cannot be opened by anyone (its key is gone): it
        is what an interrupted set-up leaves. Keep it aside, never delete it."""
        db = cls.db_path_in(data_dir)
        leftovers = [
            p for p in (db, db.with_name(DB_FILE + "-wal"), db.with_name(DB_FILE + "-shm"))
            if p.exists()
        ]
        if leftovers:
            aside = data_dir / f"orphaned-{_stamp(clock)}"
            aside.mkdir(exist_ok=False)
            for path in leftovers:
                os.replace(path, aside / path.name)
            log.warning("database without a key file moved aside before set-up")

    @classmethod
    def unlock(
        cls,
        data_dir: Path,
        passphrase: str,
        *,
        clock: Clock = system_clock,
        tariffs: TariffTable | None = None,
    ) -> Store:
        vault = Vault.load(cls.vault_path_in(data_dir))
        data_key = vault.unwrap_with_passphrase(passphrase)
        store = cls._open(data_dir, vault, data_key, clock, tariffs)
        store._audit("store.unlock")
        return store

    @classmethod
    def unlock_with_recovery_key(
        cls,
        data_dir: Path,
        recovery_key: str,
        new_passphrase: str,
        *,
        kdf: KdfParams | None = None,
        clock: Clock = system_clock,
        tariffs: TariffTable | None = None,
    ) -> Store:
        """Forgotten passphrase: the recovery key opens the store and sets a new one."""
        key = RecoveryKey.parse(recovery_key)
        require_strong(new_passphrase)
        vault = Vault.load(cls.vault_path_in(data_dir))
        data_key = vault.unwrap_with_recovery_key(key)
        cls._check_database_file(cls.db_path_in(data_dir))
        rewrapped = vault.with_passphrase(
            bytes(data_key), new_passphrase, kdf or vault.passphrase_kdf
        )
        rewrapped.write()
        store = cls._open(data_dir, rewrapped, data_key, clock, tariffs)
        store._audit("store.recover")
        store.confirm_recovery_key()  # typed just now: the practitioner has it
        return store

    @classmethod
    def _open(
        cls,
        data_dir: Path,
        vault: Vault,
        data_key: bytearray,
        clock: Clock,
        tariffs: TariffTable | None,
    ) -> Store:
        """Open an existing database with its unwrapped key, check it, migrate it."""
        db_path = cls.db_path_in(data_dir)
        holder = KeyHolder(data_key)
        for i in range(len(data_key)):
            data_key[i] = 0
        engine: Engine | None = None
        try:
            cls._check_database_file(db_path)
            engine = open_encrypted_engine(db_path, holder)
            cls._check_opened_database(engine, db_path)
            upgrade_to_head(engine, snapshot_dir=data_dir / SNAPSHOT_DIR)
            repos = Repositories(engine, clock=clock, tariffs=tariffs)
        except BaseException:
            if engine is not None:
                engine.dispose()
            holder.clear()
            raise
        return cls(data_dir, vault, holder, engine, repos, clock)

    @staticmethod
    def _check_database_file(db_path: Path) -> None:
        """Before SQLite touches it: present, non-empty, whole pages."""
        if not db_path.exists():
            raise DatabaseMissing(db_path)
        size = db_path.stat().st_size
        if size == 0 or size % CIPHER_PAGE_SIZE:
            raise DatabaseDamaged(db_path)

    @staticmethod
    def _check_opened_database(engine: Engine, db_path: Path) -> None:
        """Truncation is caught by size; after a crash (WAL left behind), a quick_check.

        A clean close checkpoints and removes the WAL, so a non-empty WAL at unlock means
        the last session did not end cleanly: that is when a full page check is worth its
        cost. Otherwise the file must hold every page the header announces.
        """
        wal = db_path.with_name(db_path.name + "-wal")
        crashed = wal.exists() and wal.stat().st_size > 0
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            try:
                if crashed:
                    row = cursor.execute("PRAGMA quick_check").fetchone()
                    if not row or row[0] != "ok":
                        raise DatabaseDamaged(db_path)
                else:
                    pages = cursor.execute("PRAGMA page_count").fetchone()[0]
                    if pages * CIPHER_PAGE_SIZE > db_path.stat().st_size:
                        raise DatabaseDamaged(db_path)
            except StoreError:
                raise
            except Exception:  # the driver's DatabaseError: malformed file
                raise DatabaseDamaged(db_path) from None
            finally:
                cursor.close()
        finally:
            raw.close()

    # --- keys --------------------------------------------------------------------------

    def change_passphrase(
        self, current: str, new: str, *, kdf: KdfParams | None = None
    ) -> None:
        """Rewrap the data key under a new passphrase; the database is not re-encrypted."""
        require_strong(new)
        with self._lock:
            vault = Vault.load(self._vault.path)
            data_key = vault.unwrap_with_passphrase(current)
            try:
                if not hmac.compare_digest(bytes(data_key), self._key.bytes()):
                    raise VaultDamaged(vault.path)
                rewrapped = vault.with_passphrase(
                    bytes(data_key), new, kdf or vault.passphrase_kdf
                )
            finally:
                for i in range(len(data_key)):
                    data_key[i] = 0
            rewrapped.write()
            self._vault = rewrapped
        self._audit("store.change_passphrase")

    def regenerate_recovery_key(
        self, passphrase: str, *, kdf: KdfParams | None = None
    ) -> RecoveryKey:
        """A fresh recovery key for a lost or never-noted one: rewraps the recovery slot
        (the database is not re-encrypted); the old key stops opening this store.

        The passphrase is asked again so that someone at an unlocked, unattended laptop
        cannot take a key that opens the records for good. The new key counts as not
        written down until `confirm_recovery_key`. Returns it, to be shown once.
        """
        with self._lock:
            vault = Vault.load(self._vault.path)
            data_key = vault.unwrap_with_passphrase(passphrase)
            recovery_key = RecoveryKey.generate()
            try:
                if not hmac.compare_digest(bytes(data_key), self._key.bytes()):
                    raise VaultDamaged(vault.path)
                rewrapped = vault.with_recovery_key(
                    bytes(data_key), recovery_key, kdf or vault.recovery_kdf
                )
            finally:
                for i in range(len(data_key)):
                    data_key[i] = 0
            rewrapped.write()
            self._vault = rewrapped
        self.settings.set(SettingKey.RECOVERY_KEY_CONFIRMED, False)
        self._audit("store.regenerate_recovery_key")
        return recovery_key

    @property
    def recovery_key_confirmed(self) -> bool:
        """False until the practitioner said the key shown at set-up (or the latest one
        made by `regenerate_recovery_key`) is written down."""
        return bool(self.settings.get(SettingKey.RECOVERY_KEY_CONFIRMED))

    def confirm_recovery_key(self) -> None:
        self.settings.set(SettingKey.RECOVERY_KEY_CONFIRMED, True)
        self._audit("store.confirm_recovery_key")

    # --- backups -----------------------------------------------------------------------

    def backup(
        self,
        destination: Path,
        *,
        progress: ProgressFn | None = None,
        cancel: threading.Event | None = None,
    ) -> backups.BackupInfo:
        """Write an encrypted backup file; callable from a worker thread."""
        if not self.is_open:
            raise StoreLocked()
        info = backups.write_backup(
            self.db_path,
            self._key.hex(),
            self._key.bytes(),
            self._vault,
            destination,
            created_at=self._clock(),
            progress=progress,
            cancel=cancel,
        )
        self._audit("store.backup")
        return info

    @classmethod
    def restore_backup(
        cls,
        backup_path: Path,
        data_dir: Path,
        secret: str,
        *,
        new_passphrase: str | None = None,
        kdf: KdfParams | None = None,
        clock: Clock = system_clock,
        progress: ProgressFn | None = None,
        cancel: threading.Event | None = None,
    ) -> backups.RestoreReport:
        """Restore into `data_dir` (the store there must be closed); then `unlock` it.

        `secret` is the passphrase in force when the backup was made, or the recovery
        key. With `new_passphrase`, the restored vault gets that passphrase instead.
        """
        with Store._registry_lock:
            if data_dir.resolve() in Store._open_dirs:
                raise StoreInUse()
        if new_passphrase is not None:
            require_strong(new_passphrase)

        def replace_vault(vault: Vault, data_key: bytes) -> Vault:
            assert new_passphrase is not None
            return vault.with_passphrase(data_key, new_passphrase, kdf or vault.passphrase_kdf)

        return backups.restore_backup(
            backup_path,
            data_dir,
            DB_FILE,
            VAULT_FILE,
            secret,
            replace_vault=replace_vault if new_passphrase is not None else None,
            stamp=_stamp(clock),
            progress=progress,
            cancel=cancel,
        )

    # --- checks and lock ---------------------------------------------------------------

    def check_integrity(self) -> None:
        """Full `PRAGMA integrity_check`; raises `DatabaseDamaged` unless "ok"."""
        if not self.is_open:
            raise StoreLocked()
        raw = self._engine.raw_connection()
        try:
            cursor = raw.cursor()
            try:
                rows = cursor.execute("PRAGMA integrity_check").fetchall()
            except Exception:  # the driver's DatabaseError
                raise DatabaseDamaged(self.db_path) from None
            finally:
                cursor.close()
        finally:
            raw.close()
        if [tuple(r) for r in rows] != [("ok",)]:
            raise DatabaseDamaged(self.db_path)

    def close(self) -> None:
        """The lock: dispose the engine (the WAL is checkpointed) and wipe the key."""
        with self._lock:
            if self._key.is_cleared:
                return
            self.repos.close()
            self._key.clear()
            with Store._registry_lock:
                Store._open_dirs.discard(self.data_dir.resolve())
            log.info("store locked")

    lock = close

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _audit(self, action: str) -> None:
        """Record a store-level event; a full disk must not keep the records closed."""
        actor = self.practitioner.profile_id()
        try:
            with self.repos.db.writing() as session:
                record_event(session, at=self._clock(), actor_id=actor, action=action)
        except (DiskFull, StoreBusy):
            log.warning("audit event %s not recorded (disk full or busy)", action)


def default_data_dir() -> Path:
    """The practitioner's store location: the platform's user data directory
    (DESIGN.md "Local store"; the app's `--data-dir` overrides it)."""
    return Path(user_data_dir("ICOPE Desktop", "ICOPE"))
