"""Keyed pseudonyms for the billing and evaluation exports (issue 6).

HMAC-SHA-256 with a server secret that is not in the database: the same input always gives
the same pseudonym (so visits of one person can be linked over time), and nobody without the
key can recompute it from a guessed identity (a plain hash of an INS could be reversed by
hashing every NIR). A patient with an INS gets a pseudonym derived from it, so the same
person followed by two practitioners (two records) is one pseudonym in the evaluation.

Each export has its own pseudonyms (`purpose`): the billing file names the practitioner,
so a pseudonym shared with the evaluation file would let anyone holding both put a
practitioner's patients' names back next to their evaluation rows.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from icope_server.codes import INS_SYSTEMS
from icope_server.outcome import Message
from icope_server.resources import identifiers_of

PSEUDONYM_LENGTH = 32  # hex characters: 128 bits


class PseudonymKeyMissingError(Exception):
    message = Message(
        fr="Aucune clé de pseudonymisation : définissez ICOPE_PSEUDONYM_KEY ou "
        "ICOPE_PSEUDONYM_KEY_FILE (32 octets aléatoires, ex. `python -c \"import secrets; "
        "print(secrets.token_hex(32))\"`), et gardez-la : la changer change tous les pseudonymes.",
        en="No pseudonymisation key: set ICOPE_PSEUDONYM_KEY or ICOPE_PSEUDONYM_KEY_FILE (32 "
        "random bytes, e.g. `python -c \"import secrets; print(secrets.token_hex(32))\"`) and "
        "keep it: changing it changes every pseudonym.",
    )

    def __init__(self) -> None:
        super().__init__(self.message.en)


def pseudonym(key: bytes | None, kind: str, value: str) -> str:
    if key is None:
        raise PseudonymKeyMissingError()
    digest = hmac.new(key, f"{kind}\x1f{value}".encode(), hashlib.sha256).hexdigest()
    return digest[:PSEUDONYM_LENGTH]


def patient_pseudonym(
    key: bytes | None,
    patient: dict[str, Any] | None,
    rpps: str,
    patient_id: str,
    *,
    purpose: str,
) -> str:
    """`purpose` ("billing", "evaluation") keeps the two exports' pseudonyms apart."""
    scope = "" if purpose == "billing" else f"{purpose}:"
    for identifier in identifiers_of(patient or {}):
        if identifier.get("system") in INS_SYSTEMS and isinstance(identifier.get("value"), str):
            return pseudonym(key, f"{scope}ins", f"{identifier['system']}|{identifier['value']}")
    return pseudonym(key, f"{scope}patient", f"{rpps}|{patient_id}")
