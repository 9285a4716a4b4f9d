"""Nothing about a patient ever reaches the disk in clear (issue 3, "laptop in a car")."""

from __future__ import annotations

import logging
import sqlite3
from datetime import date

import pytest

from icope_desktop.i18n import Text
from icope_desktop.store.local_store import Store
from icope_desktop.store.records import (
    CarePlanEntry,
    GpData,
    PractitionerData,
    Profession,
    VisitKind,
)
from icope_desktop.store.settings import SettingKey
from store.factories import PASSPHRASE, patient_data, valid_ins

SECRETS = [
    "Quasimodoza",
    "Esmeraldine",
    "Phoebusine",
    "Frollondeau",
    "Gringoirex",
    "Clopinxyz-token",
    "2480344109123",
    "Notre-Dame-des-Landes",
]


def _needles() -> list[bytes]:
    found = []
    for secret in SECRETS:
        for variant in {secret, secret.lower(), secret.upper()}:
            found.append(variant.encode("utf-8"))
            found.append(variant.encode("utf-16-le"))
    return found


def _leaks(paths) -> list[str]:
    leaks = []
    for path in paths:
        data = path.read_bytes()
        leaks += [f"{path.name}: {n!r}" for n in _needles() if n in data]
    return leaks


def _fill(store: Store) -> None:
    by = store.practitioner.save_profile(PractitionerData("Durand", "Claire", Profession.NURSE))
    gp = store.gps.create_gp(GpData("Frollondeau", "Claude", email="dr@example.org"))
    for n in range(30):
        patient = store.patients.create_patient(
            patient_data(
                birth_name="Quasimodoza",
                used_name="Esmeraldine",
                first_names=f"Phoebusine {n}",
                birth_date=date(1948, 3, 1 + n % 28),
                address="3 rue de Notre-Dame-des-Landes",
                phone="0612345678",
                gp_id=gp,
                ins=valid_ins("2480344109123") if n == 0 else None,
            )
        )
        visit = store.visits.start_visit(patient, VisitKind.STEP1, instruments=["step1"])
        assessment = store.visits.open_assessment(visit, "step1")
        store.visits.save_draft_answer(assessment, "note", "fatiguée, voisin Gringoirex")
        if n % 2:
            store.visits.finalize_visit(
                visit,
                results={"step1": {"total": 2}},
                evaluation={"note": "Gringoirex"},
                care_plan=[CarePlanEntry("vision", "eye_care", Text("Gringoirex", "Gringoirex"))],
                finalized_by=by,
            )
    store.settings.set(SettingKey.API_TOKEN, "Clopinxyz-token")
    store.settings.set(SettingKey.SERVER_URL, "https://icope.example.org")


def test_no_patient_data_in_any_file_while_open_after_close_and_in_backups(
    new_store, tmp_path, caplog
):
    caplog.set_level(logging.DEBUG)
    store, _key = new_store()
    _fill(store)
    data_dir = store.data_dir
    assert (data_dir / "icope.db-wal").stat().st_size > 0  # the WAL is checked too
    assert _leaks(p for p in data_dir.rglob("*") if p.is_file()) == []

    backup = tmp_path / "backups" / "icope.icopebak"
    store.backup(backup)
    store.close()
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"icope.db", "vault.json", "icope.icopebak"}
    assert _leaks(files) == []

    # The test's own canaries are real: they are found once decrypted.
    reopened = Store.unlock(data_dir, PASSPHRASE)
    assert reopened.patients.search_patients("quasimodoza", limit=50)
    reopened.close()
    log_text = caplog.text
    assert not [s for s in SECRETS if s in log_text or s.lower() in log_text]


def test_stdlib_sqlite3_cannot_read_the_store(new_store):
    store, _key = new_store()
    _fill(store)
    store.close()
    connection = sqlite3.connect(store.db_path)
    with pytest.raises(sqlite3.DatabaseError):
        connection.execute("SELECT * FROM patient").fetchall()
    connection.close()
