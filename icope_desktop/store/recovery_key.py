"""The recovery key: shown once at set-up, written on paper, typed back when needed.

Design choices, for a key a nurse copies by hand and may type back years later:

* Crockford's base32 alphabet (digits and upper-case letters without I, L, O, U), so no
  two symbols look alike; when typed back, lower case is accepted and O/I/L are read as
  0/1/1, as Crockford specifies (https://www.crockford.com/base32.html).
* 8 groups of 5 characters: 4 random characters (20 bits) and 1 check character, so
  160 random bits in all. The check character is Luhn mod 32 over the group's position
  and its 4 characters: any single wrong character and most swaps of neighbours are
  caught, and the message names the group to look at, before any (slow) unwrap.
* Spaces and dashes are ignored, so "abcd7 efgh2" and "ABCD7-EFGH2" are the same key.
"""

from __future__ import annotations

import secrets

from icope_desktop.i18n import Text
from icope_desktop.store.errors import InvalidRecoveryKey

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUPS = 8
DATA_PER_GROUP = 4
GROUP_LENGTH = DATA_PER_GROUP + 1
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_ALIASES = {"O": "0", "I": "1", "L": "1"}
_N = len(ALPHABET)


def _luhn_check_char(payload: str) -> str:
    factor = 2
    total = 0
    for ch in reversed(payload):
        addend = factor * _VALUE[ch]
        factor = 1 if factor == 2 else 2
        total += addend // _N + addend % _N
    return ALPHABET[(_N - total % _N) % _N]


def _group_payload(index: int, data: str) -> str:
    return ALPHABET[index] + data


class RecoveryKey:
    """A parsed, checksum-valid recovery key. Its text is never logged or repr'd."""

    __slots__ = ("_data",)

    def __init__(self, data: str) -> None:
        if len(data) != GROUPS * DATA_PER_GROUP or any(ch not in _VALUE for ch in data):
            raise ValueError("recovery key data must be 32 base32 characters")
        self._data = data

    @classmethod
    def generate(cls) -> RecoveryKey:
        return cls("".join(secrets.choice(ALPHABET) for _ in range(GROUPS * DATA_PER_GROUP)))

    @classmethod
    def parse(cls, typed: str) -> RecoveryKey:
        """Read a typed key; raise `InvalidRecoveryKey` naming the first bad group."""
        cleaned = "".join(ch for ch in typed.upper() if ch not in " -\t\n\r")
        cleaned = "".join(_ALIASES.get(ch, ch) for ch in cleaned)
        bad = sorted({ch for ch in cleaned if ch not in _VALUE})
        if bad:
            raise InvalidRecoveryKey(
                Text(
                    fr="La clé de récupération contient des caractères qui n'en font pas "
                    "partie ({chars}). Recopiez-la depuis le papier remis à la création.",
                    en="The recovery key holds characters it cannot contain ({chars}). "
                    "Copy it again from the sheet given at set-up.",
                ).format(chars=" ".join(bad))
            )
        expected = GROUPS * GROUP_LENGTH
        if len(cleaned) != expected:
            raise InvalidRecoveryKey(
                Text(
                    fr="La clé de récupération compte {expected} caractères (8 groupes de "
                    "5) ; {count} ont été saisis. Vérifiez qu'aucun groupe ne manque.",
                    en="The recovery key has {expected} characters (8 groups of 5); "
                    "{count} were typed. Check that no group is missing.",
                ).format(expected=str(expected), count=str(len(cleaned)))
            )
        data: list[str] = []
        for index in range(GROUPS):
            group = cleaned[index * GROUP_LENGTH : (index + 1) * GROUP_LENGTH]
            body, check = group[:DATA_PER_GROUP], group[DATA_PER_GROUP]
            if _luhn_check_char(_group_payload(index, body)) != check:
                raise InvalidRecoveryKey(
                    Text(
                        fr="Faute de frappe probable dans le groupe n° {n} de la clé de "
                        "récupération. Vérifiez ce groupe de 5 caractères.",
                        en="Probable typo in group {n} of the recovery key. Check that "
                        "group of 5 characters.",
                    ).format(n=str(index + 1)),
                    group=index + 1,
                )
            data.append(body)
        return cls("".join(data))

    def display(self) -> str:
        """The form printed at set-up: 8 dash-separated groups of 5."""
        groups = []
        for index in range(GROUPS):
            body = self._data[index * DATA_PER_GROUP : (index + 1) * DATA_PER_GROUP]
            groups.append(body + _luhn_check_char(_group_payload(index, body)))
        return "-".join(groups)

    def secret(self) -> bytes:
        """The bytes fed to the key-derivation function."""
        return self._data.encode("ascii")

    def __repr__(self) -> str:
        return "RecoveryKey(<hidden>)"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RecoveryKey) and secrets.compare_digest(
            self._data, other._data
        )

    def __hash__(self) -> int:
        return hash(("RecoveryKey", self._data))


def looks_like_recovery_key(typed: str) -> bool:
    """True when the text has the shape of a recovery key (for a shared secret field)."""
    cleaned = "".join(ch for ch in typed.upper() if ch not in " -\t\n\r")
    cleaned = "".join(_ALIASES.get(ch, ch) for ch in cleaned)
    return len(cleaned) == GROUPS * GROUP_LENGTH and all(ch in _VALUE for ch in cleaned)
