"""The practitioner's session: set up, unlock, lock, recover, restore.

This module is imported at start-up, before the unlock screen is painted, so it imports
nothing heavy at module level: the store (SQLAlchemy, SQLCipher, cryptography) loads
only when a passphrase is actually submitted, or earlier on a worker thread (the UI
warms it up after the first paint). Issue 4 budgets start-up at twice a bare Qt window.

`AppSession` owns the one open `Store` and the `Services` built over it; `lock()` closes
the store (the key is wiped) and drops the services, so nothing can read patient data
until the next unlock. Every method here may take a second (Argon2id), so the UI calls
them through a `Task`, never on the UI thread.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from icope_desktop.i18n import DEFAULT_LANGUAGE, LANGUAGES, Lang, Text

if TYPE_CHECKING:
    from icope_desktop.services.container import Services
    from icope_desktop.services.settings import ProfileForm, ServerForm
    from icope_desktop.store import Store
    from icope_desktop.store.backup import RestoreReport

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
ProgressFn = Callable[[int, int, str], None]
Builder = Callable[["Store", Clock], "Services"]

VAULT_FILE = "vault.json"
"""Same name as `store.local_store.VAULT_FILE` (a test keeps them equal); repeated here
so that telling "first launch" from "unlock" does not load the store."""
PREFERENCES_FILE = "preferences.json"
APP_NAME = "ICOPE Desktop"
APP_AUTHOR = "ICOPE"

PROFESSION_LABELS: dict[str, Text] = {
    "nurse": Text(fr="Infirmier(ère)", en="Nurse"),
    "physiotherapist": Text(fr="Masseur-kinésithérapeute", en="Physiotherapist"),
    "doctor": Text(fr="Médecin", en="Doctor"),
    "pharmacist": Text(fr="Pharmacien(ne)", en="Pharmacist"),
    "speech_therapist": Text(fr="Orthophoniste", en="Speech therapist"),
    "orthoptist": Text(fr="Orthoptiste", en="Orthoptist"),
    "podiatrist": Text(fr="Pédicure-podologue", en="Podiatrist"),
    "dentist": Text(fr="Chirurgien-dentiste", en="Dentist"),
}
"""The eight professions of the regional programme (CONTEXT.md), keyed by the store's
`Profession` values (a test keeps them equal); here so that the first-launch screen can
list them before the store is loaded."""

NEW_PASSPHRASE_NEEDED = Text(
    fr="Avec la clé de récupération, choisissez aussi une nouvelle phrase de passe.",
    en="With the recovery key, also choose a new passphrase.",
)


def system_clock() -> datetime:
    return datetime.now(UTC)


def default_data_dir() -> Path:
    """Same place as `store.local_store.default_data_dir` (tested), without the import."""
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, APP_AUTHOR))


def read_language(data_dir: Path) -> Lang:
    """The language of the screens shown before unlock; French when unknown.

    Only the language is kept outside the encrypted database (`preferences.json`), so
    that the unlock screen speaks the practitioner's language; the database copy stays
    the reference (see `services.settings`).
    """
    try:
        value = json.loads((data_dir / PREFERENCES_FILE).read_text("utf-8")).get("language")
    except (OSError, ValueError, AttributeError):
        return DEFAULT_LANGUAGE
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def write_language(data_dir: Path, language: Lang) -> None:
    """Atomic (temp file then rename): a crash never leaves a half-written file."""
    data_dir.mkdir(parents=True, exist_ok=True)
    target = data_dir / PREFERENCES_FILE
    partial = data_dir / (PREFERENCES_FILE + ".partial")
    partial.write_text(json.dumps({"language": language}), encoding="utf-8")
    os.replace(partial, target)


@dataclass(frozen=True, slots=True)
class Setup:
    """What the first-launch screens collected."""

    profile: ProfileForm
    passphrase: str
    server: ServerForm | None = None
    language: Lang = DEFAULT_LANGUAGE


@dataclass(frozen=True, slots=True)
class SetupResult:
    services: Services
    recovery_key: str
    """Display form (8 groups of 5), shown once and never stored."""


class AppSession:
    """One practitioner's data directory and, while unlocked, its services."""

    def __init__(
        self,
        data_dir: Path,
        *,
        kdf: Any = None,
        clock: Clock = system_clock,
        demo: bool = False,
        builder: Builder | None = None,
    ) -> None:
        """`kdf` (a `store.vault.KdfParams`) is None in production: Argon2id is then
        calibrated on this machine at set-up; tests and the demo pass the floor.
        `demo` is passed to `build_services` (the demo server's token is allowed)."""
        self.data_dir = data_dir
        self.demo = demo
        self._kdf = kdf
        self._clock = clock
        self._builder = builder or self._build_services
        self._services: Services | None = None
        self._lock = threading.Lock()

    # --- state -------------------------------------------------------------------------

    @property
    def services(self) -> Services | None:
        return self._services

    @property
    def is_unlocked(self) -> bool:
        return self._services is not None

    def has_store(self) -> bool:
        """True once set up here: the app then opens on the unlock screen."""
        return (self.data_dir / VAULT_FILE).exists()

    def language(self) -> Lang:
        return read_language(self.data_dir)

    @staticmethod
    def warm_up() -> None:
        """Import the store and the services (about 0.3 s) off the UI thread."""
        import icope_desktop.services.container
        import icope_desktop.store.passphrase  # noqa: F401

    # --- opening -----------------------------------------------------------------------

    def create(
        self,
        setup: Setup,
        progress: ProgressFn | None = None,
        cancel: threading.Event | None = None,
    ) -> SetupResult:
        """First launch: checks everything typed, then creates the store (calibrates
        Argon2id, ~1-3 s), saves the profile and the optional server settings."""
        from icope_desktop.i18n import _
        from icope_desktop.services.settings import check_profile, check_server
        from icope_desktop.store import Store
        from icope_desktop.store.passphrase import require_strong

        report = progress or (lambda done, total, label: None)
        profile = check_profile(setup.profile)
        server = check_server(setup.server) if setup.server is not None else {}
        require_strong(setup.passphrase)
        report(0, 3, _("Réglage du chiffrement pour cet ordinateur…"))
        store, recovery_key = Store.create(
            self.data_dir, setup.passphrase, kdf=self._kdf, clock=self._clock
        )
        try:
            report(1, 3, _("Enregistrement de votre profil…"))
            from icope_desktop.store.settings import SettingKey

            store.practitioner.save_profile(profile)
            for key, value in server.items():
                store.settings.set(key, value)
            store.settings.set(SettingKey.LANGUAGE, setup.language)
            if self.demo:
                store.confirm_recovery_key()  # throw-away data: no key to keep
            write_language(self.data_dir, setup.language)
            report(2, 3, _("Ouverture du dossier…"))
            services = self._adopt(store)
        except BaseException:
            store.close()
            raise
        report(3, 3, _("Dossier prêt"))
        return SetupResult(services=services, recovery_key=recovery_key.display())

    def unlock(self, passphrase: str) -> Services:
        from icope_desktop.store import Store

        return self._adopt(Store.unlock(self.data_dir, passphrase, clock=self._clock))

    def recover(self, recovery_key: str, new_passphrase: str) -> Services:
        """Forgotten passphrase: the recovery key opens the store and sets a new one."""
        from icope_desktop.store import Store

        store = Store.unlock_with_recovery_key(
            self.data_dir, recovery_key, new_passphrase, kdf=self._kdf, clock=self._clock
        )
        return self._adopt(store)

    def restore(
        self,
        backup_path: Path,
        secret: str,
        *,
        new_passphrase: str | None = None,
        progress: ProgressFn | None = None,
        cancel: threading.Event | None = None,
    ) -> tuple[Services, RestoreReport]:
        """Replace the data directory's store with a backup, then open it.

        `secret` is the backup's passphrase or its recovery key; with the recovery key a
        `new_passphrase` is required (the restored store needs one to be unlocked). The
        open store, if any, is closed first; files replaced are kept aside by the store.
        """
        from icope_desktop.store import Store
        from icope_desktop.store.backup import describe_backup
        from icope_desktop.store.errors import InvalidData
        from icope_desktop.store.passphrase import require_strong
        from icope_desktop.store.recovery_key import looks_like_recovery_key

        describe_backup(backup_path)
        if new_passphrase is not None:
            require_strong(new_passphrase)
        elif looks_like_recovery_key(secret):
            raise InvalidData({"new_passphrase": NEW_PASSPHRASE_NEEDED})
        self.lock()
        report = Store.restore_backup(
            backup_path,
            self.data_dir,
            secret,
            new_passphrase=new_passphrase,
            kdf=self._kdf,
            clock=self._clock,
            progress=progress,
            cancel=cancel,
        )
        services = self.unlock(new_passphrase if new_passphrase is not None else secret)
        return services, report

    def change_passphrase(self, current: str, new: str) -> None:
        services = self._require_services()
        services.store.change_passphrase(current, new, kdf=self._kdf)

    def new_recovery_key(self, passphrase: str) -> str:
        """A fresh recovery key (display form, shown once) replacing the current one,
        for a key that was lost or never written down; the passphrase is checked first
        (`WrongPassphrase`). Argon2id runs twice: call it in a Task."""
        services = self._require_services()
        key = services.store.regenerate_recovery_key(passphrase, kdf=self._kdf)
        return key.display()

    def recovery_key_confirmed(self) -> bool:
        services = self._require_services()
        return services.store.recovery_key_confirmed

    def confirm_recovery_key(self) -> None:
        """The practitioner ticked "I have written it down" for the key on screen."""
        self._require_services().store.confirm_recovery_key()

    def lock(self) -> None:
        """Close the store (wipes the key) and drop the services: the auto-lock."""
        with self._lock:
            services, self._services = self._services, None
        if services is not None:
            services.close()
            log.info("session locked")

    # --- helpers -----------------------------------------------------------------------

    def _build_services(self, store: Store, clock: Clock) -> Services:
        from icope_desktop.services.container import build_services

        return build_services(store, clock=clock, demo=self.demo)

    def _adopt(self, store: Store) -> Services:
        try:
            services = self._builder(store, self._clock)
        except BaseException:
            store.close()
            raise
        with self._lock:
            previous, self._services = self._services, services
        if previous is not None:
            previous.close()
        return services

    def _require_services(self) -> Services:
        services = self._services
        if services is None:
            from icope_desktop.store.errors import StoreLocked

            raise StoreLocked()
        return services
