"""Set-up, unlock, lock: a damaged database is told apart from a wrong passphrase."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from icope_desktop.store.errors import (
    DatabaseDamaged,
    DatabaseMissing,
    StoreAlreadyExists,
    StoreLocked,
    WeakPassphrase,
    WrongPassphrase,
)
from icope_desktop.store.local_store import Store
from icope_desktop.store.vault import FLOOR_KDF
from store.factories import PASSPHRASE, file_digests, patient_data


def test_create_refuses_a_weak_passphrase_and_writes_nothing(tmp_path):
    with pytest.raises(WeakPassphrase):
        Store.create(tmp_path / "data", "azerty123", kdf=FLOOR_KDF)
    assert not (tmp_path / "data").exists()


def test_create_never_overwrites_an_existing_store(closed_store):
    data_dir, _key = closed_store
    before = file_digests(data_dir)
    with pytest.raises(StoreAlreadyExists):
        Store.create(data_dir, PASSPHRASE, kdf=FLOOR_KDF)
    assert file_digests(data_dir) == before


def test_data_survives_lock_and_unlock(closed_store):
    data_dir, _key = closed_store
    store = Store.unlock(data_dir, PASSPHRASE)
    patient_id = store.patients.create_patient(patient_data(birth_name="Guérin"))
    store.close()
    assert not store.is_open
    with pytest.raises(StoreLocked):
        store.patients.get_patient(patient_id)
    reopened = Store.unlock(data_dir, PASSPHRASE)
    assert reopened.patients.get_patient(patient_id).identity.birth_name == "Guérin"
    actions = [e.action for e in reopened.audit.list_events(limit=10)]
    assert actions[:3] == ["store.unlock", "patient.create", "store.unlock"]
    reopened.close()


def test_close_checkpoints_the_wal_and_is_idempotent(closed_store):
    data_dir, _key = closed_store
    store = Store.unlock(data_dir, PASSPHRASE)
    store.patients.create_patient(patient_data())
    store.close()
    store.close()
    wal = data_dir / "icope.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0


def test_truncated_database_is_damaged_not_a_wrong_passphrase(closed_store):
    data_dir, _key = closed_store
    db = data_dir / "icope.db"
    db.write_bytes(db.read_bytes()[: 4096 * 3])
    before = file_digests(data_dir)
    with pytest.raises(DatabaseDamaged) as caught:
        Store.unlock(data_dir, PASSPHRASE)
    assert str(db) in caught.value.message.fr
    assert "sauvegarde" in caught.value.message.fr and "backup" in caught.value.message.en
    assert file_digests(data_dir) == before


@pytest.mark.parametrize("keep", [0, 100, 4096 + 10])
def test_database_cut_mid_page_or_emptied_is_damaged(closed_store, keep):
    data_dir, _key = closed_store
    db = data_dir / "icope.db"
    db.write_bytes(db.read_bytes()[:keep])
    with pytest.raises(DatabaseDamaged):
        Store.unlock(data_dir, PASSPHRASE)
    assert db.stat().st_size == keep


def test_garbled_database_is_damaged(closed_store):
    data_dir, _key = closed_store
    db = data_dir / "icope.db"
    raw = bytearray(db.read_bytes())
    raw[100:200] = bytes(100)  # inside page 1, past the salt: the HMAC fails
    db.write_bytes(bytes(raw))
    with pytest.raises(DatabaseDamaged):
        Store.unlock(data_dir, PASSPHRASE)


def test_wrong_passphrase_on_a_damaged_database_is_still_a_wrong_passphrase(closed_store):
    data_dir, _key = closed_store
    (data_dir / "icope.db").write_bytes(b"")
    with pytest.raises(WrongPassphrase):
        Store.unlock(data_dir, "Pas-la-bonne-phrase-1")


def test_missing_database_is_never_recreated(closed_store):
    data_dir, _key = closed_store
    (data_dir / "icope.db").unlink()
    with pytest.raises(DatabaseMissing):
        Store.unlock(data_dir, PASSPHRASE)
    assert not (data_dir / "icope.db").exists()


def test_files_are_private_to_the_user(closed_store):
    data_dir, _key = closed_store
    assert data_dir.stat().st_mode & 0o777 == 0o700
    assert (data_dir / "icope.db").stat().st_mode & 0o077 == 0


def test_threads_each_use_their_own_session(closed_store):
    """Repositories are shared by threads: concurrent writers and readers all succeed."""
    data_dir, _key = closed_store
    store = Store.unlock(data_dir, PASSPHRASE)
    errors: list[BaseException] = []

    def writer(index: int) -> None:
        try:
            for n in range(15):
                store.patients.create_patient(
                    patient_data(birth_name=f"Thread{index}", first_names=f"N{n}",
                                 birth_date=date(1950, 1, 1 + index))
                )
                store.patients.search_patients(f"thread{index}")
        except BaseException as err:  # collected for the assertion below
            errors.append(err)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert store.patients.count_patients() == 60
    store.close()


def test_setup_moves_an_orphaned_database_aside_instead_of_failing(tmp_path):
    """An interrupted set-up leaves a database without its key file: keep it, start anew."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "icope.db").write_bytes(b"\x01" * 4096)
    store, _key = Store.create(data_dir, PASSPHRASE, kdf=FLOOR_KDF)
    store.close()
    [aside] = [p for p in data_dir.iterdir() if p.name.startswith("orphaned-")]
    assert (aside / "icope.db").read_bytes() == b"\x01" * 4096
    Store.unlock(data_dir, PASSPHRASE).close()
