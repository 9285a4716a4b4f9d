"""A real encrypted store per test (Argon2id floor), a practitioner, a GP and a patient.

The store is set up once per session and copied per test (two Argon2id slots cost ~0.5 s;
an unlock at the floor ~0.2 s), as the store's own tests do.
"""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime

import pytest

from icope_desktop.services.container import build_services
from icope_desktop.services.letters import LetterService
from icope_desktop.store import Store
from icope_desktop.store.records import (
    GpData,
    Identity,
    InsStatus,
    PatientData,
    PractitionerData,
    Profession,
    Sex,
)
from icope_desktop.store.vault import FLOOR_KDF

PASSPHRASE = "Tilleul-Loire-2024!"
NOW = datetime(2025, 3, 10, 9, 30, tzinfo=UTC)
BIRTH = date(1941, 5, 17)


def clock() -> datetime:
    return NOW


@pytest.fixture(scope="session")
def visit_template(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("visit-template") / "data"
    store, _ = Store.create(data_dir, PASSPHRASE, kdf=FLOOR_KDF, clock=clock)
    store.practitioner.save_profile(
        PractitionerData(
            "Bourget", "Claire", Profession.NURSE, rpps="10101234567",
            email="claire.bourget@exemple-sante.fr", phone="02 40 12 34 56",
        )
    )  # fmt: skip
    gp = store.gps.create_gp(
        GpData(
            "Le Gall", "Hervé", rpps="10009876543", address="12 boulevard Léon-Bureau",
            postal_code="44200", city="Nantes", email="herve.legall@medecin.mssante.fr",
        )
    )  # fmt: skip
    with_gp = store.patients.create_patient(
        PatientData(
            Identity("Martin", "Jeanne", BIRTH, Sex.FEMALE, ins_status=InsStatus.PROVISIONAL),
            address="8 allée des Œillets", postal_code="44400", city="Rezé", gp_id=gp,
        )
    )  # fmt: skip
    without_gp = store.patients.create_patient(
        PatientData(Identity("Guérin", "Paul", date(1938, 2, 1), Sex.MALE), city="Challans")
    )
    store.close()
    return data_dir, with_gp, without_gp


@pytest.fixture
def data_dir(visit_template, tmp_path):
    source, _with_gp, _without = visit_template
    target = tmp_path / "data"
    shutil.copytree(source, target)
    return target


@pytest.fixture
def open_services(data_dir):
    """Factory: unlock the test's store and build the services (as the shell does)."""
    opened = []

    def make():
        store = Store.unlock(data_dir, PASSPHRASE, clock=clock)
        services = build_services(store, clock)
        if getattr(services, "letters", None) is None:
            services.letters = LetterService(store, clock)
        opened.append(store)
        return services

    yield make
    for store in opened:
        if store.is_open:
            store.close()


@pytest.fixture
def services(open_services):
    return open_services()


@pytest.fixture
def patient_id(visit_template):
    return visit_template[1]


@pytest.fixture
def patient_without_gp(visit_template):
    return visit_template[2]
