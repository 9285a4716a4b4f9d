"""Settings kept inside the encrypted database, never in a plain config file.

The server token authenticates the practitioner to the regional server: in a plain file
it would be readable from a stolen laptop, so it lives here with the patient data
(issue 3). Values are JSON; each known key has a default and a validity check, so a bad
value is refused when set rather than discovered at sync time.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any
from urllib.parse import urlparse

from icope_desktop.i18n import Text
from icope_desktop.store.database import Database
from icope_desktop.store.errors import InvalidData
from icope_desktop.store.models import SettingRow


class SettingKey(StrEnum):
    SERVER_URL = "server_url"
    API_TOKEN = "api_token"
    LANGUAGE = "language"
    AUTO_LOCK_MINUTES = "auto_lock_minutes"
    AUTO_SYNC = "auto_sync"
    FOLLOW_UP_MONTHS = "follow_up_months"
    RECOVERY_KEY_CONFIRMED = "recovery_key_confirmed"


DEFAULTS: dict[SettingKey, Any] = {
    SettingKey.SERVER_URL: None,
    SettingKey.API_TOKEN: None,
    SettingKey.LANGUAGE: "fr",
    SettingKey.AUTO_LOCK_MINUTES: 5,
    SettingKey.AUTO_SYNC: True,
    SettingKey.FOLLOW_UP_MONTHS: 6,
    SettingKey.RECOVERY_KEY_CONFIRMED: False,
}
"""Follow-up every 6 months by default, 4 to 12 allowed (clinical spec §1, Step 4). The
recovery key counts as not written down until the practitioner says so (a store made
before this setting existed cannot tell: its practitioner is asked once)."""


def _https_url(value: Any) -> bool:
    if value is None:
        return True
    if not isinstance(value, str):
        return False
    parsed = urlparse(value)
    local = parsed.hostname in {"localhost", "127.0.0.1", "::1"}
    return bool(parsed.netloc) and (parsed.scheme == "https" or (local and parsed.scheme == "http"))


def _int_between(low: int, high: int) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, int) and not isinstance(v, bool) and low <= v <= high


CHECKS: dict[SettingKey, tuple[Callable[[Any], bool], Text]] = {
    SettingKey.SERVER_URL: (
        _https_url,
        Text(
            fr="L'adresse du serveur doit commencer par https:// (chiffrement obligatoire).",
            en="The server address must start with https:// (encryption is required).",
        ),
    ),
    SettingKey.API_TOKEN: (
        lambda v: v is None or (isinstance(v, str) and 0 < len(v) <= 4096),
        Text(
            fr="Le jeton d'accès est vide ou trop long.",
            en="The access token is empty or too long.",
        ),
    ),
    SettingKey.LANGUAGE: (
        lambda v: v in ("fr", "en"),
        Text(fr="Langue inconnue (fr ou en).", en="Unknown language (fr or en)."),
    ),
    SettingKey.AUTO_LOCK_MINUTES: (
        _int_between(1, 120),
        Text(
            fr="Le verrouillage automatique se règle entre 1 et 120 minutes.",
            en="Auto-lock is set between 1 and 120 minutes.",
        ),
    ),
    SettingKey.AUTO_SYNC: (
        lambda v: isinstance(v, bool),
        Text(fr="Valeur attendue : oui ou non.", en="Expected value: yes or no."),
    ),
    SettingKey.RECOVERY_KEY_CONFIRMED: (
        lambda v: isinstance(v, bool),
        Text(fr="Valeur attendue : oui ou non.", en="Expected value: yes or no."),
    ),
    SettingKey.FOLLOW_UP_MONTHS: (
        _int_between(4, 12),
        Text(
            fr="Le suivi se règle entre 4 et 12 mois (6 par défaut).",
            en="Follow-up is set between 4 and 12 months (6 by default).",
        ),
    ),
}


class SettingsRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, key: SettingKey) -> Any:
        with self._db.reading() as session:
            row = session.get(SettingRow, key.value)
            return DEFAULTS[key] if row is None else row.value

    def set(self, key: SettingKey, value: Any) -> None:
        check, message = CHECKS[key]
        if not check(value):
            raise InvalidData({key.value: message})
        now = self._db.clock()
        with self._db.writing() as session:
            row = session.get(SettingRow, key.value)
            if row is None:
                session.add(SettingRow(key=key.value, value=value, updated_at=now))
            else:
                row.value = value
                row.updated_at = now

    def all(self) -> dict[SettingKey, Any]:
        with self._db.reading() as session:
            stored = {row.key: row.value for row in session.query(SettingRow)}
        return {key: stored.get(key.value, default) for key, default in DEFAULTS.items()}
