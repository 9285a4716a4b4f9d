"""Encrypted backups: restore elsewhere, refuse damage whole, run on a worker thread."""

from __future__ import annotations

import struct
import threading

import pytest

from icope_desktop.store.backup import MAGIC, describe_backup
from icope_desktop.store.errors import (
    BackupCancelled,
    BackupDamaged,
    InvalidRecoveryKey,
    WrongPassphrase,
    WrongRecoveryKey,
)
from icope_desktop.store.local_store import Store
from icope_desktop.store.migrations import head_revision
from icope_desktop.store.records import VisitKind
from icope_desktop.store.recovery_key import RecoveryKey
from store.factories import OTHER_PASSPHRASE, PASSPHRASE, file_digests, patient_data


@pytest.fixture
def backed_up(closed_store, tmp_path):
    """A store with patients and a draft, and a backup of it made on a worker thread."""
    data_dir, recovery_key = closed_store
    store = Store.unlock(data_dir, PASSPHRASE)
    ids = store.patients.create_patients(
        [patient_data(birth_name=f"Sauvegarde{n}", first_names="Anne") for n in range(40)]
    )
    visit = store.visits.start_visit(ids[0], VisitKind.STEP1, instruments=["step1"])
    store.visits.save_draft_answer(store.visits.open_assessment(visit, "step1"), "c1", "ok")
    calls: list[tuple[int, int, str, str]] = []
    result = {}

    def work() -> None:
        result["info"] = store.backup(
            tmp_path / "out" / "icope.icopebak",
            progress=lambda done, total, label: calls.append(
                (done, total, label, threading.current_thread().name)
            ),
        )

    worker = threading.Thread(target=work, name="backup-worker")
    worker.start()
    worker.join()
    store.close()
    return result["info"].path, recovery_key, ids, visit, calls


def test_backup_runs_on_a_worker_with_progress(backed_up):
    path, _key, _ids, _visit, calls = backed_up
    assert calls and {c[3] for c in calls} == {"backup-worker"}
    labels = [c[2] for c in calls]
    assert "Copie de la base" in labels and "Chiffrement de la sauvegarde" in labels
    assert calls[-1][0] == calls[-1][1]  # finished
    info = describe_backup(path)
    assert info.schema_revision == head_revision() and info.size_bytes == path.stat().st_size
    assert path.read_bytes().startswith(MAGIC)
    assert path.stat().st_mode & 0o077 == 0


def test_restore_into_another_directory_with_the_passphrase(backed_up, tmp_path):
    path, _key, _ids, visit, _calls = backed_up
    calls = []
    report = Store.restore_backup(
        path, tmp_path / "laptop2", PASSPHRASE, progress=lambda *a: calls.append(a)
    )
    assert report.replaced_dir is None
    assert any(c[2] == "Déchiffrement de la sauvegarde" for c in calls)
    store = Store.unlock(tmp_path / "laptop2", PASSPHRASE)
    assert store.patients.count_patients() == 40
    assert store.visits.get_visit(visit).assessment("step1").answers == {"c1": "ok"}
    store.check_integrity()
    store.close()


def test_restore_with_the_recovery_key_and_a_new_passphrase(backed_up, tmp_path):
    path, recovery_key, _ids, _visit, _calls = backed_up
    typed = recovery_key.display().lower().replace("-", " ")
    Store.restore_backup(path, tmp_path / "laptop2", typed, new_passphrase=OTHER_PASSPHRASE)
    store = Store.unlock(tmp_path / "laptop2", OTHER_PASSPHRASE)
    assert store.patients.count_patients() == 40
    store.close()
    # The recovery slot travels with the backup: it still opens the restored store.
    Store.unlock_with_recovery_key(tmp_path / "laptop2", typed, PASSPHRASE).close()


def test_restore_over_an_existing_store_moves_it_aside(backed_up, closed_store):
    path, _key, _ids, _visit, _calls = backed_up
    data_dir, _recovery = closed_store  # the store the backup was made from
    store = Store.unlock(data_dir, PASSPHRASE)
    store.patients.create_patient(patient_data(birth_name="Après"))
    store.close()
    before = file_digests(data_dir)
    report = Store.restore_backup(path, data_dir, PASSPHRASE)
    assert report.replaced_dir is not None and report.replaced_dir.parent == data_dir
    moved = file_digests(report.replaced_dir)
    assert moved["icope.db"] == before["icope.db"]  # kept, not deleted
    store = Store.unlock(data_dir, PASSPHRASE)
    assert store.patients.search_patients("apres") == []
    store.close()


@pytest.mark.parametrize(
    ("secret", "error"),
    [
        ("Pas-la-bonne-phrase-1", WrongPassphrase),
        (RecoveryKey.generate().display(), WrongRecoveryKey),
    ],
)
def test_wrong_secret_restores_nothing(backed_up, tmp_path, secret, error):
    path, _key, _ids, _visit, _calls = backed_up
    with pytest.raises(error):
        Store.restore_backup(path, tmp_path / "laptop2", secret)
    assert not (tmp_path / "laptop2").exists() or not any((tmp_path / "laptop2").iterdir())


def test_typo_in_the_recovery_key_is_explained(backed_up, tmp_path):
    path, recovery_key, _ids, _visit, _calls = backed_up
    shown = recovery_key.display()
    typo = shown[:-1] + ("A" if shown[-1] != "A" else "B")
    with pytest.raises(InvalidRecoveryKey) as caught:
        Store.restore_backup(path, tmp_path / "laptop2", typo)
    assert caught.value.group == 8


def _header_end(raw: bytes) -> int:
    (length,) = struct.unpack(">I", raw[8:12])
    return 12 + length + 32


def _damage(raw: bytes, how: str) -> bytes:
    end = _header_end(raw)
    data = bytearray(raw)
    if how == "flip_chunk":
        data[end + 100] ^= 0x40
    elif how == "flip_header":
        data[40] ^= 0x01
    elif how == "truncate_half":
        data = data[: len(data) // 2]
    elif how == "truncate_tail":
        data = data[:-1]
    elif how == "trailing_junk":
        data += b"\x00" * 10
    elif how == "drop_last_chunk":
        (first,) = struct.unpack(">I", raw[end : end + 4])
        data = data[: end + 4 + first] if len(raw) > end + 4 + first else data[:end]
    elif how == "not_a_backup":
        data = bytearray(b"PK\x03\x04" + bytes(200))
    return bytes(data)


@pytest.mark.parametrize(
    "how",
    [
        "flip_chunk",
        "flip_header",
        "truncate_half",
        "truncate_tail",
        "trailing_junk",
        "drop_last_chunk",
        "not_a_backup",
    ],
)
def test_damaged_backup_is_refused_and_restores_nothing(backed_up, closed_store, how):
    path, _key, _ids, _visit, _calls = backed_up
    path.write_bytes(_damage(path.read_bytes(), how))
    data_dir, _recovery = closed_store
    before = file_digests(data_dir)
    with pytest.raises(BackupDamaged) as caught:
        Store.restore_backup(path, data_dir, PASSPHRASE)
    assert str(path) in caught.value.message.fr and str(path) in caught.value.message.en
    assert "rien n'a été restauré" in caught.value.message.fr
    assert file_digests(data_dir) == before
    assert not [p for p in data_dir.iterdir() if p.name.startswith(".restore-")]


def test_cancel_leaves_no_partial_file(closed_store, tmp_path):
    data_dir, _key = closed_store
    store = Store.unlock(data_dir, PASSPHRASE)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(BackupCancelled):
        store.backup(tmp_path / "out" / "b.icopebak", cancel=cancel)
    store.close()
    assert list((tmp_path / "out").iterdir()) == []


def test_backup_survives_writes_made_while_it_copies(closed_store, tmp_path, monkeypatch):
    """The autosave goes on during a backup: a restarted copy falls back to one snapshot."""
    from icope_desktop.store import backup as backup_module

    monkeypatch.setattr(backup_module, "BACKUP_PAGES_PER_STEP", 1)
    data_dir, _key = closed_store
    store = Store.unlock(data_dir, PASSPHRASE)
    store.patients.create_patients([patient_data(birth_name=f"Avant{n}") for n in range(30)])
    written = []

    def progress(done, total, label):
        if label == "Copie de la base" and len(written) < 3:
            written.append(store.patients.create_patient(patient_data(birth_name="Pendant")))

    info = store.backup(tmp_path / "b.icopebak", progress=progress)
    store.close()
    assert written  # writes really happened while copying
    Store.restore_backup(info.path, tmp_path / "restored", PASSPHRASE)
    restored = Store.unlock(tmp_path / "restored", PASSPHRASE)
    restored.check_integrity()
    assert restored.patients.count_patients() >= 30
    restored.close()


def test_restore_refuses_a_store_open_in_this_process(backed_up, closed_store):
    from icope_desktop.store.errors import StoreInUse

    path, _key, _ids, _visit, _calls = backed_up
    data_dir, _recovery = closed_store
    store = Store.unlock(data_dir, PASSPHRASE)
    before = file_digests(data_dir)
    with pytest.raises(StoreInUse):
        Store.restore_backup(path, data_dir, PASSPHRASE)
    assert file_digests(data_dir) == before
    store.close()
