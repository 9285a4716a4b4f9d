"""The practitioner's settings and profile, and the one preference read before unlock.

Settings live in the encrypted database (`store.settings`): the server token must never
sit in a plain file (issue 3). The interface language is the exception that proves the
rule: the unlock screen must speak the practitioner's language before any key is
available, so the language alone is mirrored into `preferences.json` beside the vault
(`session.write_language`).
It holds nothing else (no name, no server address, no token), and the database copy
stays the reference.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from icope_desktop.i18n import Lang, Text
from icope_desktop.services.identifiers import compact, rpps_problem
from icope_desktop.services.patients import (
    REQUIRED,
    compact_postal_code,
    email_problem,
    phone_problem,
    postal_code_problem,
)
from icope_desktop.services.session import PROFESSION_LABELS as _LABELS_BY_VALUE
from icope_desktop.services.session import write_language
from icope_desktop.store import Store
from icope_desktop.store.errors import InvalidData
from icope_desktop.store.records import Practitioner, PractitionerData, Profession, SyncStatus
from icope_desktop.store.settings import CHECKS, SettingKey

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

PROFESSION_LABELS: dict[Profession, Text] = {
    Profession(value): label for value, label in _LABELS_BY_VALUE.items()
}
"""The eight professions of the regional programme (CONTEXT.md)."""

PROFESSION_REQUIRED = Text(fr="Choisissez votre profession.", en="Choose your profession.")
AUTO_LOCK_CHOICES = (1, 2, 5, 10, 15, 30, 60)


@dataclass(frozen=True, slots=True)
class ProfileForm:
    last_name: str = ""
    first_name: str = ""
    profession: Profession | None = None
    rpps: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    postal_code: str = ""
    city: str = ""


@dataclass(frozen=True, slots=True)
class ServerForm:
    """Regional server settings; an empty URL means "offline only" (a valid choice)."""

    url: str = ""
    token: str = ""
    auto_sync: bool = True


@dataclass(frozen=True, slots=True)
class SyncOverview:
    """What the status bar says about sending: counts and the last sync time."""

    waiting: int
    rejected: int
    last_sync_at: datetime | None
    server_set: bool


@dataclass(frozen=True, slots=True)
class AppSettings:
    language: Lang
    auto_lock_minutes: int
    server_url: str | None
    has_token: bool
    auto_sync: bool
    follow_up_months: int


def check_profile(form: ProfileForm) -> PractitionerData:
    """The store's profile input, or `InvalidData` per bad field (RPPS key included)."""
    problems: dict[str, Text] = {}
    last_name = " ".join(form.last_name.split())
    first_name = " ".join(form.first_name.split())
    if not last_name:
        problems["last_name"] = REQUIRED
    if not first_name:
        problems["first_name"] = REQUIRED
    if form.profession is None:
        problems["profession"] = PROFESSION_REQUIRED
    for name, message in (
        ("rpps", rpps_problem(form.rpps)),
        ("phone", phone_problem(form.phone)),
        ("email", email_problem(form.email)),
        ("postal_code", postal_code_problem(form.postal_code)),
    ):
        if message:
            problems[name] = message
    if problems:
        raise InvalidData(problems)
    assert form.profession is not None
    return PractitionerData(
        last_name=last_name,
        first_name=first_name,
        profession=form.profession,
        rpps=compact(form.rpps) or None,
        email=form.email.strip() or None,
        phone=" ".join(form.phone.split()) or None,
        address=" ".join(form.address.split()) or None,
        postal_code=compact_postal_code(form.postal_code) or None,
        city=" ".join(form.city.split()) or None,
    )


def check_server(form: ServerForm) -> dict[SettingKey, Any]:
    """The setting values for a server form, checked with the store's own rules."""
    url = form.url.strip() or None
    token = form.token.strip() or None
    values: dict[SettingKey, Any] = {
        SettingKey.SERVER_URL: url,
        SettingKey.AUTO_SYNC: bool(form.auto_sync),
    }
    if token is not None:
        values[SettingKey.API_TOKEN] = token
    problems: dict[str, Text] = {}
    for key, value in values.items():
        check, message = CHECKS[key]
        if not check(value):
            problems[_FIELD[key]] = message
    if problems:
        raise InvalidData(problems)
    return values


_FIELD = {
    SettingKey.SERVER_URL: "server_url",
    SettingKey.API_TOKEN: "token",
    SettingKey.AUTO_SYNC: "auto_sync",
    SettingKey.LANGUAGE: "language",
    SettingKey.AUTO_LOCK_MINUTES: "auto_lock_minutes",
    SettingKey.FOLLOW_UP_MONTHS: "follow_up_months",
}


class SettingsService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def get(self) -> AppSettings:
        values = self._store.settings.all()
        return AppSettings(
            language=values[SettingKey.LANGUAGE],
            auto_lock_minutes=int(values[SettingKey.AUTO_LOCK_MINUTES]),
            server_url=values[SettingKey.SERVER_URL],
            has_token=bool(values[SettingKey.API_TOKEN]),
            auto_sync=bool(values[SettingKey.AUTO_SYNC]),
            follow_up_months=int(values[SettingKey.FOLLOW_UP_MONTHS]),
        )

    def save_general(self, *, language: Lang, auto_lock_minutes: int) -> None:
        """Checked first, then written; the language is mirrored for the unlock screen."""
        self._check(
            {SettingKey.LANGUAGE: language, SettingKey.AUTO_LOCK_MINUTES: auto_lock_minutes}
        )
        self._store.settings.set(SettingKey.LANGUAGE, language)
        self._store.settings.set(SettingKey.AUTO_LOCK_MINUTES, auto_lock_minutes)
        write_language(self._store.data_dir, language)

    def save_server(self, form: ServerForm) -> None:
        """An empty token field keeps the token already stored (it is never shown back)."""
        for key, value in check_server(form).items():
            self._store.settings.set(key, value)

    def sync_overview(self) -> SyncOverview:
        counts = self._store.outbox.counts()
        return SyncOverview(
            waiting=counts[SyncStatus.WAITING],
            rejected=counts[SyncStatus.REJECTED],
            last_sync_at=self._store.sync_state.last_sync_at(),
            server_set=bool(self._store.settings.get(SettingKey.SERVER_URL)),
        )

    def forget_token(self) -> None:
        self._store.settings.set(SettingKey.API_TOKEN, None)

    def recovery_key_confirmed(self) -> bool:
        """False while the recovery key shown last was not confirmed as written down: the
        home then offers a new one (`session.AppSession.new_recovery_key`)."""
        return self._store.recovery_key_confirmed

    def confirm_recovery_key(self) -> None:
        """"I already wrote it down": the practitioner says the key is noted."""
        self._store.confirm_recovery_key()

    def profile(self) -> Practitioner | None:
        return self._store.practitioner.get_profile()

    def save_profile(self, form: ProfileForm) -> None:
        self._store.practitioner.save_profile(check_profile(form))

    def _check(self, values: dict[SettingKey, Any]) -> None:
        problems = {
            _FIELD[key]: CHECKS[key][1]
            for key, value in values.items()
            if not CHECKS[key][0](value)
        }
        if problems:
            raise InvalidData(problems)
