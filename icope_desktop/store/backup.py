"""Encrypted backups: one file that restores on another machine, or is refused whole.

File layout (all integers big-endian):

    b"ICOPEBAK"  u32 header length  header (JSON)  SHA-256 of the header (32 bytes)
    then `chunks` times:  u32 length  AES-256-GCM(chunk of the database snapshot)

* The snapshot is taken with SQLite's online backup API (never a file copy of a live
  database) into a SQLCipher file keyed with the data key: even the temporary snapshot
  is encrypted on disk.
* The header carries the vault (its slots are already wrapped by Argon2id-derived keys),
  so the file opens anywhere with the passphrase in force when it was made, or with the
  recovery key; nothing else is needed. The backup key is HKDF-SHA256(data key, fresh
  random salt): a new key per backup, so counter nonces never repeat under one key.
* Every chunk is authenticated with the header's hash, its index and a "last chunk" flag
  as associated data: a flipped bit, a reordered, missing or extra chunk, or a truncated
  file fails before anything is written where the user's data lives.
* Restore decrypts into a temporary directory beside the target, checks the database
  (`PRAGMA integrity_check`, known schema revision), and only then swaps it in; the
  files it replaces are moved aside into `replaced-<time>/`, never deleted.

Both directions take `progress(done, total, label)` and a `threading.Event` to cancel,
and open their own connections, so they run on a worker thread (STYLE.md §3).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from icope_desktop import __version__
from icope_desktop.i18n import _
from icope_desktop.store.engine import raw_connect
from icope_desktop.store.errors import (
    BackupCancelled,
    BackupDamaged,
    DatabaseDamaged,
    SchemaTooNew,
    VaultDamaged,
    VaultUnsupported,
)
from icope_desktop.store.migrations import known_revisions
from icope_desktop.store.recovery_key import RecoveryKey, looks_like_recovery_key
from icope_desktop.store.vault import Vault, fsync_directory

MAGIC = b"ICOPEBAK"
FORMAT = "icope-backup"
VERSION = 1
CHUNK_SIZE = 1024 * 1024
MAX_HEADER = 1024 * 1024
BACKUP_PAGES_PER_STEP = 512

ProgressFn = Callable[[int, int, str], None]


@dataclass(frozen=True, slots=True)
class BackupInfo:
    path: Path
    created_at: str
    schema_revision: str | None
    app_version: str
    size_bytes: int


@dataclass(frozen=True, slots=True)
class RestoreReport:
    info: BackupInfo
    replaced_dir: Path | None


def _no_progress(done: int, total: int, label: str) -> None:
    return None


def _backup_key(data_key: bytes, salt: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=salt, info=b"icope-backup-v1"
    ).derive(data_key)


def _associated_data(header_hash: bytes, index: int, last: bool) -> bytes:
    return header_hash + index.to_bytes(8, "big") + (b"\x01" if last else b"\x00")


def _nonce(index: int) -> bytes:
    return index.to_bytes(12, "big")


def _check_cancel(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise BackupCancelled()


def _schema_revision(connection: Any) -> str | None:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except Exception:  # the driver's OperationalError: no such table
        return None
    return row[0] if row else None


# --- writing --------------------------------------------------------------------------


def write_backup(
    db_path: Path,
    key_hex: str,
    data_key: bytes,
    vault: Vault,
    destination: Path,
    *,
    created_at: datetime,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
) -> BackupInfo:
    """Snapshot the live database and write the encrypted backup file atomically."""
    report = progress or _no_progress
    destination = destination.resolve()
    destination.parent.mkdir(parents=True, exist_ok=True)
    snapshot = destination.parent / f".icope-snapshot-{secrets.token_hex(6)}.db"
    partial = destination.parent / f".{destination.name}.{secrets.token_hex(4)}.partial"
    try:
        revision = _snapshot(db_path, key_hex, snapshot, report, cancel)
        salt = secrets.token_bytes(32)
        plaintext_size = snapshot.stat().st_size
        chunks = max(1, -(-plaintext_size // CHUNK_SIZE))
        header = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": created_at.isoformat(),
            "app_version": __version__,
            "schema_revision": revision,
            "vault": json.loads(vault.to_bytes()),
            "hkdf_salt": salt.hex(),
            "chunk_size": CHUNK_SIZE,
            "chunks": chunks,
            "plaintext_size": plaintext_size,
        }
        header_bytes = json.dumps(header, sort_keys=True).encode("utf-8")
        header_hash = hashlib.sha256(header_bytes).digest()
        aes = AESGCM(_backup_key(data_key, salt))
        label = _("Chiffrement de la sauvegarde")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with open(snapshot, "rb") as source, os.fdopen(descriptor, "wb") as out:
            out.write(MAGIC + struct.pack(">I", len(header_bytes)) + header_bytes + header_hash)
            for index in range(chunks):
                _check_cancel(cancel)
                chunk = source.read(CHUNK_SIZE)
                sealed = aes.encrypt(
                    _nonce(index), chunk, _associated_data(header_hash, index, index == chunks - 1)
                )
                out.write(struct.pack(">I", len(sealed)) + sealed)
                report(index + 1, chunks, label)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, destination)
        fsync_directory(destination.parent)
        return BackupInfo(
            path=destination,
            created_at=header["created_at"],
            schema_revision=revision,
            app_version=__version__,
            size_bytes=destination.stat().st_size,
        )
    finally:
        for leftover in (snapshot, partial):
            if leftover.exists():
                leftover.unlink()


class _CopyRestartedError(Exception):
    """Raised from the progress callback to stop a stepped copy that restarted."""


def _snapshot(
    db_path: Path,
    key_hex: str,
    snapshot: Path,
    report: ProgressFn,
    cancel: threading.Event | None,
) -> str | None:
    """Online backup API, a few hundred pages per step, into an encrypted file."""
    label = _("Copie de la base")
    source = raw_connect(db_path, key_hex)
    target = raw_connect(snapshot, key_hex)
    try:

        lowest = [float("inf")]

        def step(status: int, remaining: int, total: int) -> None:
            _check_cancel(cancel)
            if remaining > lowest[0]:
                raise _CopyRestartedError()
            lowest[0] = remaining
            report(total - remaining, total, label)

        try:
            source.backup(target, pages=BACKUP_PAGES_PER_STEP, progress=step)
        except _CopyRestartedError:
            # Another connection wrote meanwhile (the autosave goes on during a backup),
            # which restarts a stepped copy. One step holds a single WAL read snapshot,
            # never blocks writers, and cannot restart.
            source.backup(target, pages=-1)
        check = target.execute("PRAGMA quick_check").fetchone()
        if not check or check[0] != "ok":
            raise DatabaseDamaged(db_path)
        return _schema_revision(target)
    finally:
        target.close()
        source.close()


# --- reading --------------------------------------------------------------------------


def _read_exact(handle: IO[bytes], size: int, path: Path) -> bytes:
    data = handle.read(size)
    if len(data) != size:
        raise BackupDamaged(path)
    return data


def read_header(path: Path) -> tuple[dict[str, Any], bytes, int]:
    """The checked header, its hash and the offset of the first chunk."""
    try:
        with open(path, "rb") as handle:
            if handle.read(len(MAGIC)) != MAGIC:
                raise BackupDamaged(path)
            (length,) = struct.unpack(">I", _read_exact(handle, 4, path))
            if not 0 < length <= MAX_HEADER:
                raise BackupDamaged(path)
            header_bytes = _read_exact(handle, length, path)
            header_hash = _read_exact(handle, 32, path)
    except OSError:
        raise BackupDamaged(path) from None
    if hashlib.sha256(header_bytes).digest() != header_hash:
        raise BackupDamaged(path)
    try:
        header = json.loads(header_bytes)
        if header["format"] != FORMAT or header["version"] != VERSION:
            raise ValueError("format")
        int(header["chunks"]), int(header["chunk_size"]), bytes.fromhex(header["hkdf_salt"])
    except (ValueError, KeyError, TypeError):
        raise BackupDamaged(path) from None
    return header, header_hash, len(MAGIC) + 4 + length + 32


def describe_backup(path: Path) -> BackupInfo:
    """What the restore dialog shows before asking for the passphrase."""
    header, _hash, _offset = read_header(path)
    return BackupInfo(
        path=path,
        created_at=str(header["created_at"]),
        schema_revision=header.get("schema_revision"),
        app_version=str(header.get("app_version", "")),
        size_bytes=path.stat().st_size,
    )


def unwrap_backup_key(path: Path, header: dict[str, Any], secret: str) -> bytearray:
    """The data key from the backup's own vault: passphrase or recovery key."""
    try:
        vault = Vault.from_bytes(json.dumps(header["vault"]).encode("utf-8"), path)
    except (VaultDamaged, VaultUnsupported):
        raise BackupDamaged(path) from None
    if looks_like_recovery_key(secret):
        return vault.unwrap_with_recovery_key(RecoveryKey.parse(secret))
    return vault.unwrap_with_passphrase(secret)


def restore_backup(
    backup_path: Path,
    data_dir: Path,
    db_name: str,
    vault_name: str,
    secret: str,
    *,
    replace_vault: Callable[[Vault, bytes], Vault] | None = None,
    stamp: str,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
) -> RestoreReport:
    """Decrypt, verify, then swap in; on any failure the data directory is unchanged.

    `replace_vault(vault, data_key)` may return a vault with a new passphrase slot (the
    recovery-key path sets a new passphrase).
    """
    report = progress or _no_progress
    header, header_hash, offset = read_header(backup_path)
    data_key = unwrap_backup_key(backup_path, header, secret)
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    staging = data_dir / f".restore-{secrets.token_hex(6)}"
    staging.mkdir(mode=0o700)
    try:
        staged_db = staging / db_name
        _decrypt_chunks(
            backup_path, header, header_hash, offset, bytes(data_key), staged_db, report, cancel
        )
        report(0, 1, _("Vérification de la sauvegarde"))
        _verify_restored(staged_db, data_key.hex(), backup_path)
        report(1, 1, _("Vérification de la sauvegarde"))
        vault = Vault.from_bytes(json.dumps(header["vault"]).encode("utf-8"), backup_path)
        if replace_vault is not None:
            vault = replace_vault(vault, bytes(data_key))
        vault.moved_to(staging / vault_name).write()
        _check_cancel(cancel)
        replaced = _swap_in(staging, data_dir, db_name, vault_name, stamp)
    finally:
        for i in range(len(data_key)):
            data_key[i] = 0
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    info = BackupInfo(
        path=backup_path,
        created_at=str(header["created_at"]),
        schema_revision=header.get("schema_revision"),
        app_version=str(header.get("app_version", "")),
        size_bytes=backup_path.stat().st_size,
    )
    return RestoreReport(info=info, replaced_dir=replaced)


def _decrypt_chunks(
    path: Path,
    header: dict[str, Any],
    header_hash: bytes,
    offset: int,
    data_key: bytes,
    target: Path,
    report: ProgressFn,
    cancel: threading.Event | None,
) -> None:
    chunks = int(header["chunks"])
    aes = AESGCM(_backup_key(data_key, bytes.fromhex(header["hkdf_salt"])))
    label = _("Déchiffrement de la sauvegarde")
    limit = int(header["chunk_size"]) + 16
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with open(path, "rb") as source, os.fdopen(descriptor, "wb") as out:
            source.seek(offset)
            for index in range(chunks):
                _check_cancel(cancel)
                (length,) = struct.unpack(">I", _read_exact(source, 4, path))
                if not 16 <= length <= limit:
                    raise BackupDamaged(path)
                sealed = _read_exact(source, length, path)
                try:
                    out.write(
                        aes.decrypt(
                            _nonce(index),
                            sealed,
                            _associated_data(header_hash, index, index == chunks - 1),
                        )
                    )
                except InvalidTag:
                    raise BackupDamaged(path) from None
                report(index + 1, chunks, label)
            if source.read(1):
                raise BackupDamaged(path)
            out.flush()
            os.fsync(out.fileno())
    except OSError:
        raise BackupDamaged(path) from None
    if target.stat().st_size != int(header["plaintext_size"]):
        raise BackupDamaged(path)


def _verify_restored(db_path: Path, key_hex: str, backup_path: Path) -> None:
    try:
        connection = raw_connect(db_path, key_hex)
    except DatabaseDamaged:
        raise BackupDamaged(backup_path) from None
    try:
        try:
            check = connection.execute("PRAGMA integrity_check").fetchone()
        except Exception:  # the driver's DatabaseError on a malformed file
            raise BackupDamaged(backup_path) from None
        if not check or check[0] != "ok":
            raise BackupDamaged(backup_path)
        revision = _schema_revision(connection)
        if revision is not None and revision not in known_revisions():
            raise SchemaTooNew(backup_path, revision)
        # Leave a self-contained file: fold any WAL back in before the swap.
        connection.execute("PRAGMA journal_mode = DELETE")
    finally:
        connection.close()


def _swap_in(
    staging: Path, data_dir: Path, db_name: str, vault_name: str, stamp: str
) -> Path | None:
    current = [
        data_dir / name
        for name in (db_name, f"{db_name}-wal", f"{db_name}-shm", vault_name)
        if (data_dir / name).exists()
    ]
    replaced: Path | None = None
    if current:
        replaced = data_dir / f"replaced-{stamp}"
        replaced.mkdir(exist_ok=False)
        for path in current:
            os.replace(path, replaced / path.name)
    os.replace(staging / vault_name, data_dir / vault_name)
    os.replace(staging / db_name, data_dir / db_name)
    fsync_directory(data_dir)
    return replaced

