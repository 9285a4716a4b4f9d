"""Fixtures for the store tests: fast keys, a migrated template database, a clock.

Vaults are made at the Argon2id floor (64 MiB, t=3, p=4) so each unlock costs ~0.2 s;
repository tests skip the vault entirely and open a copy of a database migrated once
per session with a random key (issue 3: "make the parameters injectable").
"""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path

import pytest

from icope_desktop.store.engine import open_encrypted_engine
from icope_desktop.store.local_store import Store
from icope_desktop.store.migrations import upgrade_to_head
from icope_desktop.store.records import PractitionerData, Profession
from icope_desktop.store.repositories import Repositories
from icope_desktop.store.vault import FLOOR_KDF
from store.factories import PASSPHRASE, Clock


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> tuple[Path, bytes]:
    key = secrets.token_bytes(32)
    path = tmp_path_factory.mktemp("template") / "icope.db"
    engine = open_encrypted_engine(path, key)
    upgrade_to_head(engine)
    engine.dispose()
    return path, key


@pytest.fixture
def engine(template_db, tmp_path):
    source, key = template_db
    path = tmp_path / "icope.db"
    shutil.copyfile(source, path)
    engine = open_encrypted_engine(path, key)
    yield engine
    engine.dispose()


@pytest.fixture
def repos(engine, clock) -> Repositories:
    repositories = Repositories(engine, clock=clock)
    yield repositories
    repositories.close()


@pytest.fixture
def practitioner_id(repos):
    return repos.practitioner.save_profile(
        PractitionerData("Durand", "Claire", Profession.NURSE, rpps="10003456789")
    )


@pytest.fixture
def new_store(tmp_path, clock):
    """Factory: a fresh store at the KDF floor in its own data directory."""
    opened: list[Store] = []

    def make(name: str = "data", passphrase: str = PASSPHRASE):
        store, recovery_key = Store.create(
            tmp_path / name, passphrase, kdf=FLOOR_KDF, clock=clock
        )
        opened.append(store)
        return store, recovery_key

    yield make
    for store in opened:
        store.close()


@pytest.fixture(scope="session")
def template_store(tmp_path_factory):
    """One store set up per session (two Argon2id slots cost ~0.5 s), copied per test."""
    data_dir = tmp_path_factory.mktemp("template-store") / "data"
    store, recovery_key = Store.create(data_dir, PASSPHRASE, kdf=FLOOR_KDF)
    store.close()
    return data_dir, recovery_key


@pytest.fixture
def closed_store(template_store, tmp_path):
    """A closed store's data directory (unlock it with PASSPHRASE) and its recovery key."""
    source, recovery_key = template_store
    target = tmp_path / "data"
    shutil.copytree(source, target)
    return target, recovery_key
