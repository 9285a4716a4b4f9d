"""Field checks shared by the repositories: refuse bad input before anything is written.

Each check returns the FR/EN sentence the form shows next to the field, or None.
"""

from __future__ import annotations

import json
import re
from datetime import date

from icope_desktop.i18n import Text
from icope_desktop.store.errors import InvalidData
from icope_desktop.store.records import JsonValue

MAX_VALUE_BYTES = 64 * 1024

_SPACES = re.compile(r"\s+")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def clean(value: str | None) -> str | None:
    """Trim and collapse spaces; empty becomes None."""
    if value is None:
        return None
    cleaned = _SPACES.sub(" ", value).strip()
    return cleaned or None


def required(value: str | None, label: Text) -> Text | None:
    if clean(value) is None:
        return Text(fr=f"{label.fr} : champ obligatoire.", en=f"{label.en}: required field.")
    return None


def rpps_problem(rpps: str | None) -> Text | None:
    """RPPS numbers have 11 digits (Annuaire Santé)."""
    if rpps is None:
        return None
    if not re.fullmatch(r"\d{11}", rpps):
        return Text(
            fr="Le numéro RPPS comporte 11 chiffres.",
            en="An RPPS number has 11 digits.",
        )
    return None


def email_problem(email: str | None) -> Text | None:
    if email is None or _EMAIL.match(email):
        return None
    return Text(fr="Adresse e-mail invalide.", en="Invalid e-mail address.")


def ins_problem(ins: str | None) -> Text | None:
    """INS-NIR/NIA: 13 characters and a 2-digit key, key = 97 - (number mod 97).

    Corsican departments 2A/2B count as 19/18 for the key (the NIR rule). A wrong key
    almost always means a typo, which would create a second file for the same person.
    """
    if ins is None:
        return None
    if not re.fullmatch(r"[12378]\d{4}(\d{2}|2A|2B)\d{6}\d{2}", ins):
        return Text(
            fr="L'INS comporte 15 caractères : 13 chiffres (ou 2A/2B pour la Corse) et une "
            "clé de 2 chiffres.",
            en="The INS has 15 characters: 13 digits (or 2A/2B for Corsica) and a 2-digit key.",
        )
    body = ins[:13].replace("2A", "19").replace("2B", "18")
    if 97 - int(body) % 97 != int(ins[13:]):
        return Text(
            fr="La clé de l'INS ne correspond pas : vérifiez la saisie.",
            en="The INS key does not match: check what was typed.",
        )
    return None


def birth_date_problem(birth_date: date, today: date) -> Text | None:
    if birth_date > today:
        return Text(
            fr="La date de naissance est dans le futur.",
            en="The birth date is in the future.",
        )
    if birth_date.year < 1880:
        return Text(fr="Date de naissance invraisemblable.", en="Implausible birth date.")
    return None


BAD_JSON = Text(
    fr="Valeur impossible à enregistrer (nombre invalide ou type inconnu).",
    en="Value cannot be saved (invalid number or unknown type).",
)


def check_json(value: JsonValue, field: str) -> None:
    try:
        encoded = json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        raise InvalidData({field: BAD_JSON}) from None
    if len(encoded) > MAX_VALUE_BYTES:
        raise InvalidData({field: BAD_JSON})
