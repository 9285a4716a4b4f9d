"""Server settings, from `ICOPE_*` environment variables overridden by command-line options.

Everything that differs between a trial (`--demo`) and production lives here, so several
processes behind a load balancer get the same behaviour from the same environment (issue 6:
stateless processes). docs/SERVER.md lists the variables.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from icope_server.outcome import Message

DEFAULT_PORT = 8765
DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024
DEFAULT_RETENTION_DAYS = 180


class SettingsError(Exception):
    """A setting is missing or malformed; the message says which (FR + EN)."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.en)
        self.message = message


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str
    demo: bool = False
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    idempotency_retention_days: int = DEFAULT_RETENTION_DAYS
    pseudonym_key: bytes | None = None
    """HMAC key of the exports' pseudonyms (>= 32 bytes); never stored in the database, so
    a copy of the database alone cannot re-identify an export."""
    smtp_url: str | None = None
    smtp_from: str = "icope-server@localhost"
    letter_retry_base_seconds: float = 30.0
    letter_retry_max_seconds: float = 3600.0
    letter_max_attempts: int = 48
    dispatch_interval_seconds: float = 10.0
    alert_threshold: int = 3
    """Clinical spec §1 and §4: ALERT_MULTIDOMAIN when altered_count >= 3, configurable."""
    public_base_url: str | None = None
    """Base of the links in searchset Bundles; defaults to the request's own URL."""

    def with_changes(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def parse_key(text: str) -> bytes:
    """Accept a key written in hex or base64 (what `secrets.token_hex(32)` prints)."""
    text = text.strip()
    key: bytes | None = None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        try:
            key = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            key = None
    if key is None or len(key) < 32:
        raise SettingsError(
            Message(
                fr="La clé de pseudonymisation doit faire au moins 32 octets, en hexadécimal "
                "ou en base64.",
                en="The pseudonymisation key must be at least 32 bytes, in hex or base64.",
            )
        )
    return key


def _int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value <= 0:
        raise SettingsError(
            Message(
                fr=f"{name} doit être un entier positif.",
                en=f"{name} must be a positive integer.",
            )
        )
    return value


def _float(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise SettingsError(
            Message(
                fr=f"{name} doit être un nombre positif.",
                en=f"{name} must be a positive number.",
            )
        )
    return value


def settings_from_env(environ: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    key: bytes | None = None
    if env.get("ICOPE_PSEUDONYM_KEY"):
        key = parse_key(env["ICOPE_PSEUDONYM_KEY"])
    elif env.get("ICOPE_PSEUDONYM_KEY_FILE"):
        key = parse_key(Path(env["ICOPE_PSEUDONYM_KEY_FILE"]).read_text(encoding="utf-8"))
    return Settings(
        database_url=env.get("ICOPE_DATABASE_URL", ""),
        demo=env.get("ICOPE_DEMO", "") == "1",
        max_body_bytes=_int(env, "ICOPE_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES),
        idempotency_retention_days=_int(
            env, "ICOPE_IDEMPOTENCY_RETENTION_DAYS", DEFAULT_RETENTION_DAYS
        ),
        pseudonym_key=key,
        smtp_url=env.get("ICOPE_SMTP_URL") or None,
        smtp_from=env.get("ICOPE_SMTP_FROM") or "icope-server@localhost",
        letter_retry_base_seconds=_float(env, "ICOPE_LETTER_RETRY_BASE_SECONDS", 30.0),
        letter_retry_max_seconds=_float(env, "ICOPE_LETTER_RETRY_MAX_SECONDS", 3600.0),
        letter_max_attempts=_int(env, "ICOPE_LETTER_MAX_ATTEMPTS", 48),
        dispatch_interval_seconds=_float(env, "ICOPE_DISPATCH_INTERVAL_SECONDS", 10.0),
        alert_threshold=_int(env, "ICOPE_ALERT_THRESHOLD", 3),
        public_base_url=env.get("ICOPE_PUBLIC_BASE_URL") or None,
    )


def settings_to_env(settings: Settings) -> dict[str, str]:
    """The environment that makes `settings_from_env` rebuild these settings: how `serve
    --workers N` hands its options to uvicorn's worker processes."""
    env = {
        "ICOPE_DATABASE_URL": settings.database_url,
        "ICOPE_DEMO": "1" if settings.demo else "0",
        "ICOPE_MAX_BODY_BYTES": str(settings.max_body_bytes),
        "ICOPE_IDEMPOTENCY_RETENTION_DAYS": str(settings.idempotency_retention_days),
        "ICOPE_SMTP_FROM": settings.smtp_from,
        "ICOPE_LETTER_RETRY_BASE_SECONDS": repr(settings.letter_retry_base_seconds),
        "ICOPE_LETTER_RETRY_MAX_SECONDS": repr(settings.letter_retry_max_seconds),
        "ICOPE_LETTER_MAX_ATTEMPTS": str(settings.letter_max_attempts),
        "ICOPE_DISPATCH_INTERVAL_SECONDS": repr(settings.dispatch_interval_seconds),
        "ICOPE_ALERT_THRESHOLD": str(settings.alert_threshold),
    }
    if settings.pseudonym_key is not None:
        env["ICOPE_PSEUDONYM_KEY"] = settings.pseudonym_key.hex()
    if settings.smtp_url:
        env["ICOPE_SMTP_URL"] = settings.smtp_url
    if settings.public_base_url:
        env["ICOPE_PUBLIC_BASE_URL"] = settings.public_base_url
    return env
