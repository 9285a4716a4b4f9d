"""Typed sync errors, each carrying the sentence the user reads (French and English).

HELPERS.md "Errors": never a raw exception for a user, never patient data in a message.
The server's own messages (docs/SYNC_PROTOCOL.md §8) are already bilingual and free of
patient data: `details.text` is French, `diagnostics` English; they are kept as `Text`.
"""

# Named after what happened, as the UI reads them (same rule as store/errors.py).
# ruff: noqa: N818

from __future__ import annotations

import json

from icope_desktop.i18n import Lang, Text


class SyncError(Exception):
    """Base of every error the sync raises on purpose."""

    default_message = Text(
        fr="La synchronisation a échoué.",
        en="Synchronisation failed.",
    )

    def __init__(self, message: Text | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message.en)

    def user_message(self, lang: Lang | None = None) -> str:
        return self.message.get(lang)

    def __str__(self) -> str:
        return self.message.en


class NotConfigured(SyncError):
    default_message = Text(
        fr="Aucun serveur régional n'est configuré : renseignez son adresse et votre jeton "
        "dans les réglages.",
        en="No regional server is set up: enter its address and your token in the settings.",
    )


class AuthenticationRequired(SyncError):
    """A 401: never retried (protocol §2); the user must enter a new token."""

    default_message = Text(
        fr="Le serveur a refusé votre jeton d'accès (absent, expiré ou révoqué). Demandez un "
        "nouveau jeton à l'administrateur et saisissez-le dans les réglages du serveur.",
        en="The server refused your access token (missing, expired or revoked). Ask the "
        "administrator for a new token and enter it in the server settings.",
    )


class ServerUnreachable(SyncError):
    default_message = Text(
        fr="Le serveur est injoignable (pas de réseau, ou serveur arrêté). Rien n'est perdu : "
        "les dossiers seront envoyés à la prochaine synchronisation.",
        en="The server cannot be reached (no network, or server down). Nothing is lost: "
        "the records will be sent at the next synchronisation.",
    )


class TlsFailure(SyncError):
    default_message = Text(
        fr="La connexion sécurisée (TLS) au serveur a échoué : son certificat n'est pas "
        "reconnu. Vérifiez l'adresse, ou prévenez l'administrateur.",
        en="The secure (TLS) connection to the server failed: its certificate is not "
        "trusted. Check the address, or tell the administrator.",
    )


class BadAddress(SyncError):
    default_message = Text(
        fr="L'adresse du serveur est mal écrite : vérifiez-la (https://…).",
        en="The server address is malformed: check it (https://…).",
    )


class ServerFailure(SyncError):
    """5xx, 409 transaction-conflict, or an unreadable answer, after every retry."""

    default_message = Text(
        fr="Le serveur a rencontré une erreur. Rien n'est perdu : une nouvelle tentative aura "
        "lieu plus tard.",
        en="The server ran into an error. Nothing is lost: it will be tried again later.",
    )


class ProtocolMismatch(SyncError):
    """The server answered something docs/SYNC_PROTOCOL.md does not allow (a client or
    server bug): logged, not retried."""

    default_message = Text(
        fr="Le serveur a répondu d'une façon inattendue ; la synchronisation est arrêtée. "
        "Prévenez l'administrateur.",
        en="The server answered in an unexpected way; synchronisation stopped. Tell the "
        "administrator.",
    )


class SyncAlreadyRunning(SyncError):
    default_message = Text(
        fr="Une synchronisation est déjà en cours.",
        en="A synchronisation is already running.",
    )


class DemoTokenRefused(SyncError):
    default_message = Text(
        fr="Ce jeton de démonstration n'est accepté qu'en mode démo.",
        en="This demo token is accepted in demo mode only.",
    )


class Cancelled(SyncError):
    default_message = Text(fr="Synchronisation annulée.", en="Synchronisation cancelled.")


class CannotMap(SyncError):
    """A local record that cannot become a valid FHIR resource; it is marked rejected
    beside the record, with this message, and never blocks the others."""


# --- rejection reasons kept beside the record ---------------------------------------------


def encode_reason(reason: Text) -> str:
    """The outbox keeps one text column for the reason: both languages go in, as JSON, so
    the per-record status shows the reason in the user's language (issue 7)."""
    return json.dumps({"fr": reason.fr, "en": reason.en}, ensure_ascii=False)


def decode_reason(stored: str | None) -> Text | None:
    if stored is None:
        return None
    try:
        data = json.loads(stored)
        return Text(fr=str(data["fr"]), en=str(data["en"]))
    except (ValueError, KeyError, TypeError):
        return Text(fr=stored, en=stored)
