"""The vault: the database's random data key, stored only wrapped, once per key slot.

Why this shape (DESIGN.md "Local store", issue 3):

* The database is opened with a random 256-bit data key (SQLCipher raw key, no SQLCipher
  KDF), so changing the passphrase rewraps 32 bytes and never re-encrypts the database.
* Each slot wraps the data key with AES-256-GCM under a key derived by Argon2id from a
  secret: the passphrase slot and the recovery-key slot. The slot's own parameters (kind,
  KDF name and cost, salt) are the associated data, so a slot whose parameters were
  altered does not unwrap.
* The file is small versioned JSON with a SHA-256 of its body, so a damaged file is told
  apart from a wrong passphrase: the checksum fails before any unwrap is tried, whereas
  a wrong passphrase passes the checksum and fails the (authenticated) unwrap.
* Writes are atomic (temp file, fsync, rename, fsync of the directory): a crash while the
  passphrase changes leaves either the old vault or the new one, never half of each.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from icope_desktop.store.errors import (
    StoreAlreadyExists,
    StoreNotFound,
    VaultDamaged,
    VaultUnsupported,
    WrongPassphrase,
    WrongRecoveryKey,
)
from icope_desktop.store.passphrase import normalize
from icope_desktop.store.recovery_key import RecoveryKey

FORMAT = "icope-vault"
VERSION = 1
DATA_KEY_BYTES = 32
PASSPHRASE_SLOT = "passphrase"
RECOVERY_SLOT = "recovery"


@dataclass(frozen=True, slots=True)
class KdfParams:
    """Argon2id cost, stored in each slot so a vault made elsewhere still opens."""

    memory_kib: int
    iterations: int
    lanes: int

    def is_at_least(self, other: KdfParams) -> bool:
        return (
            self.memory_kib >= other.memory_kib
            and self.iterations >= other.iterations
            and self.lanes >= other.lanes
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "name": "argon2id",
            "memory_kib": self.memory_kib,
            "iterations": self.iterations,
            "lanes": self.lanes,
        }


DEFAULT_KDF = KdfParams(memory_kib=256 * 1024, iterations=3, lanes=4)
FLOOR_KDF = KdfParams(memory_kib=64 * 1024, iterations=3, lanes=4)
"""Never below this, whatever the machine (issue 3)."""
CEILING_MEMORY_KIB = 1024 * 1024
UNLOCK_WINDOW_S = (0.5, 1.0)


def derive_key(secret: bytes, salt: bytes, params: KdfParams) -> bytes:
    return Argon2id(
        salt=salt,
        length=32,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    ).derive(secret)


def measure_kdf(params: KdfParams) -> float:
    """Seconds one Argon2id derivation takes with `params` on this machine."""
    began = time.perf_counter()
    derive_key(b"calibration", secrets.token_bytes(16), params)
    return time.perf_counter() - began


def calibrate_kdf(
    window: tuple[float, float] = UNLOCK_WINDOW_S,
    *,
    start: KdfParams = DEFAULT_KDF,
    measure: Callable[[KdfParams], float] = measure_kdf,
) -> KdfParams:
    """Find Argon2id parameters that take `window` seconds on this machine.

    Start from the default (256 MiB, t=3, p=4): halve memory while too slow (never under
    the 64 MiB floor, even if the floor itself is slower than the window), raise memory
    then passes while too fast (OWASP's advice: memory first). Aims at 30 % into the
    window (0.65 s by default), leaving room for opening the database, checking
    migrations and writing the audit event within the 1 s unlock budget (0.1-0.3 s on a
    590 MB store in benchmarks/store_bench.py).
    """
    low, high = window
    middle = low + (high - low) * 0.3
    params = start
    elapsed = measure(params)
    while elapsed > middle and params.memory_kib > FLOOR_KDF.memory_kib:
        params = KdfParams(
            max(FLOOR_KDF.memory_kib, params.memory_kib // 2), params.iterations, params.lanes
        )
        elapsed = measure(params)
    for _ in range(8):
        if elapsed >= low:
            break
        factor = middle / max(elapsed, 1e-3)
        if params.memory_kib < CEILING_MEMORY_KIB:
            memory = min(CEILING_MEMORY_KIB, int(params.memory_kib * min(factor, 2.0)))
            params = KdfParams(memory - memory % 1024, params.iterations, params.lanes)
        else:
            params = KdfParams(
                params.memory_kib, params.iterations + max(1, round(factor)), params.lanes
            )
        elapsed = measure(params)
    return params


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _canonical(data: Mapping[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True, slots=True)
class Slot:
    kind: str
    kdf: KdfParams
    salt: bytes
    nonce: bytes
    wrapped_key: bytes

    def associated_data(self) -> bytes:
        return _canonical(
            {
                "format": FORMAT,
                "version": VERSION,
                "kind": self.kind,
                "kdf": self.kdf.to_json(),
                "salt": _b64(self.salt),
            }
        )

    @classmethod
    def wrap(cls, kind: str, secret: bytes, data_key: bytes, kdf: KdfParams) -> Slot:
        """Every new slot, whatever API made it (create, change passphrase, recovery,
        restore), is at least the floor: a caller cannot weaken the vault by accident."""
        if not kdf.is_at_least(FLOOR_KDF):
            raise ValueError(f"Argon2id parameters below the floor {FLOOR_KDF}: {kdf}")
        salt = secrets.token_bytes(16)
        nonce = secrets.token_bytes(12)
        draft = cls(kind, kdf, salt, nonce, b"")
        kek = derive_key(secret, salt, kdf)
        wrapped = AESGCM(kek).encrypt(nonce, data_key, draft.associated_data())
        return cls(kind, kdf, salt, nonce, wrapped)

    def unwrap(self, secret: bytes) -> bytes | None:
        """The data key, or None when the secret is not the one of this slot."""
        kek = derive_key(secret, self.salt, self.kdf)
        try:
            return AESGCM(kek).decrypt(self.nonce, self.wrapped_key, self.associated_data())
        except InvalidTag:
            return None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "kdf": self.kdf.to_json(),
            "salt": _b64(self.salt),
            "nonce": _b64(self.nonce),
            "wrapped_key": _b64(self.wrapped_key),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Slot:
        kdf = data["kdf"]
        if kdf["name"] != "argon2id":
            raise ValueError("unknown KDF")
        params = KdfParams(int(kdf["memory_kib"]), int(kdf["iterations"]), int(kdf["lanes"]))
        if not params.is_at_least(KdfParams(8, 1, 1)):
            raise ValueError("KDF parameters out of range")
        return cls(
            kind=str(data["kind"]),
            kdf=params,
            salt=_unb64(data["salt"]),
            nonce=_unb64(data["nonce"]),
            wrapped_key=_unb64(data["wrapped_key"]),
        )


@dataclass(frozen=True, slots=True)
class Vault:
    """The parsed vault file. Immutable: every change writes a new file atomically."""

    path: Path
    slots: tuple[Slot, ...]
    created_at: str

    # --- reading -----------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path) -> Vault:
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise StoreNotFound(path.parent) from None
        except OSError:
            raise VaultDamaged(path) from None
        return cls.from_bytes(raw, path)

    @classmethod
    def from_bytes(cls, raw: bytes, path: Path) -> Vault:
        try:
            document = json.loads(raw.decode("utf-8"))
            if not isinstance(document, dict) or document.get("format") != FORMAT:
                raise ValueError("not a vault")
        except (UnicodeDecodeError, ValueError):
            raise VaultDamaged(path) from None
        version = document.get("version")
        if isinstance(version, int) and version > VERSION:
            raise VaultUnsupported(path, version)
        try:
            body = document["body"]
            if hashlib.sha256(_canonical(body)).hexdigest() != document["sha256"]:
                raise ValueError("checksum mismatch")
            if version != VERSION or body["version"] != VERSION:
                raise ValueError("version mismatch")
            slots = tuple(Slot.from_json(s) for s in body["slots"])
            if not {s.kind for s in slots} >= {PASSPHRASE_SLOT}:
                raise ValueError("no passphrase slot")
            return cls(path=path, slots=slots, created_at=str(body["created_at"]))
        except (KeyError, TypeError, ValueError):
            raise VaultDamaged(path) from None

    def to_bytes(self) -> bytes:
        body = {
            "version": VERSION,
            "created_at": self.created_at,
            "slots": [s.to_json() for s in self.slots],
        }
        document = {
            "format": FORMAT,
            "version": VERSION,
            "sha256": hashlib.sha256(_canonical(body)).hexdigest(),
            "body": body,
        }
        return (json.dumps(document, indent=2, sort_keys=True) + "\n").encode("utf-8")

    def slot(self, kind: str) -> Slot | None:
        return next((s for s in self.slots if s.kind == kind), None)

    @property
    def passphrase_kdf(self) -> KdfParams:
        slot = self.slot(PASSPHRASE_SLOT)
        assert slot is not None  # load() refuses a vault without one
        return slot.kdf

    # --- unwrapping --------------------------------------------------------------------

    def unwrap_with_passphrase(self, passphrase: str) -> bytearray:
        slot = self.slot(PASSPHRASE_SLOT)
        key = slot.unwrap(normalize(passphrase).encode("utf-8")) if slot else None
        if key is None:
            raise WrongPassphrase()
        return bytearray(key)

    def unwrap_with_recovery_key(self, recovery_key: RecoveryKey) -> bytearray:
        slot = self.slot(RECOVERY_SLOT)
        key = slot.unwrap(recovery_key.secret()) if slot else None
        if key is None:
            raise WrongRecoveryKey()
        return bytearray(key)

    # --- writing -----------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: Path,
        data_key: bytes,
        passphrase: str,
        recovery_key: RecoveryKey,
        kdf: KdfParams,
        created_at: str,
    ) -> Vault:
        if path.exists():
            raise StoreAlreadyExists(path.parent)
        vault = cls(
            path=path,
            slots=(
                Slot.wrap(PASSPHRASE_SLOT, normalize(passphrase).encode("utf-8"), data_key, kdf),
                Slot.wrap(RECOVERY_SLOT, recovery_key.secret(), data_key, kdf),
            ),
            created_at=created_at,
        )
        vault.write()
        return vault

    def with_passphrase(self, data_key: bytes, passphrase: str, kdf: KdfParams) -> Vault:
        """A copy whose passphrase slot wraps `data_key` under a new passphrase."""
        new_slot = Slot.wrap(PASSPHRASE_SLOT, normalize(passphrase).encode("utf-8"), data_key, kdf)
        others = tuple(s for s in self.slots if s.kind != PASSPHRASE_SLOT)
        return Vault(path=self.path, slots=(new_slot, *others), created_at=self.created_at)

    def with_recovery_key(
        self, data_key: bytes, recovery_key: RecoveryKey, kdf: KdfParams
    ) -> Vault:
        """A copy whose recovery slot wraps `data_key` under a new recovery key: the old
        key stops opening this vault (backups made earlier carry their own slots)."""
        new_slot = Slot.wrap(RECOVERY_SLOT, recovery_key.secret(), data_key, kdf)
        others = tuple(s for s in self.slots if s.kind != RECOVERY_SLOT)
        return Vault(path=self.path, slots=(*others, new_slot), created_at=self.created_at)

    @property
    def recovery_kdf(self) -> KdfParams:
        slot = self.slot(RECOVERY_SLOT)
        return slot.kdf if slot is not None else self.passphrase_kdf

    def moved_to(self, path: Path) -> Vault:
        return Vault(path=path, slots=self.slots, created_at=self.created_at)

    def write(self) -> None:
        atomic_write(self.path, self.to_bytes())


def atomic_write(path: Path, data: bytes) -> None:
    """Temp file in the same directory, fsync, rename over, fsync the directory.

    The file is private to the user (0600): wrapped keys are safe to lose, but nobody
    else on a shared machine needs to read them.
    """
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    finally:
        if temp.exists():
            temp.unlink()
    fsync_directory(path.parent)


def fsync_directory(directory: Path) -> None:
    """Make a rename durable (POSIX); Windows has no directory handles to sync."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def new_data_key() -> bytearray:
    return bytearray(secrets.token_bytes(DATA_KEY_BYTES))
