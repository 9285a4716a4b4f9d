"""Builders shared by the store tests (identities, a controllable clock, file digests)."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from icope_desktop.store.records import Identity, PatientData, Sex

PASSPHRASE = "Tilleul-Loire-2024!"
OTHER_PASSPHRASE = "le chat de Lucie dort sous la table verte"


class Clock:
    """A controllable UTC clock: `clock()` returns now; `advance(...)` moves it."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2025, 3, 10, 9, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def identity(
    birth_name: str = "Martin",
    first_names: str = "Jeanne",
    birth_date: date = date(1948, 5, 17),
    sex: Sex = Sex.FEMALE,
    **kwargs,
) -> Identity:
    return Identity(birth_name, first_names, birth_date, sex, **kwargs)


def patient_data(**kwargs) -> PatientData:
    extra = {k: kwargs.pop(k) for k in list(kwargs) if k in PatientData.__dataclass_fields__}
    return PatientData(identity=identity(**kwargs), **extra)


def file_digests(directory: Path) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def valid_ins(body: str) -> str:
    """A 15-character INS (NIR) with the right key, for 13 given characters."""
    number = int(body.replace("2A", "19").replace("2B", "18"))
    return f"{body}{97 - number % 97:02d}"
