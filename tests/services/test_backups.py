"""BackupService: a recognisable file name, progress from the worker, a readable header."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from store.factories import PASSPHRASE, Clock

from icope_desktop.services.backups import BACKUP_SUFFIX, BackupService
from icope_desktop.services.container import build_services
from icope_desktop.store import Store
from icope_desktop.store.errors import BackupCancelled, BackupDamaged
from icope_desktop.store.vault import FLOOR_KDF


@pytest.fixture
def services(tmp_path):
    clock = Clock(datetime(2025, 3, 10, 9, 30, tzinfo=UTC))
    store, _key = Store.create(tmp_path / "data", PASSPHRASE, kdf=FLOOR_KDF, clock=clock)
    built = build_services(store, clock=clock)
    yield built
    built.close()


def test_suggested_name_sorts_by_date(services):
    name = services.backups.suggested_name()
    assert name.startswith("icope-sauvegarde-2025-03-10-")
    assert name.endswith(BACKUP_SUFFIX)


def test_backup_reports_progress_and_is_described(services, tmp_path):
    seen: list[tuple[int, int, str]] = []
    done = {}

    def work() -> None:
        done["info"] = services.backups.backup(
            tmp_path / "out" / services.backups.suggested_name(),
            progress=lambda d, t, label: seen.append((d, t, label)),
        )

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(30)
    info = done["info"]
    assert info.path.exists() and info.size_bytes > 0
    assert seen and seen[-1][0] == seen[-1][1]
    described = BackupService.describe(info.path)
    assert described.created_at == info.created_at


def test_cancelled_backup_leaves_no_file(services, tmp_path):
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(BackupCancelled):
        services.backups.backup(tmp_path / "out" / "x.icopebak", cancel=cancel)
    assert not any((tmp_path / "out").glob("*.icopebak"))


def test_describe_refuses_a_file_that_is_not_a_backup(tmp_path):
    junk = tmp_path / "photo.icopebak"
    junk.write_bytes(b"\x89PNG not a backup")
    with pytest.raises(BackupDamaged):
        BackupService.describe(junk)
