"""AppSession: set-up, unlock, lock, recovery and restore, as the screens call them."""

from __future__ import annotations

import subprocess
import sys

import pytest
from store.factories import OTHER_PASSPHRASE, PASSPHRASE, identity

from icope_desktop.services.identifiers import luhn_check_digit
from icope_desktop.services.session import (
    VAULT_FILE,
    AppSession,
    Setup,
    default_data_dir,
    read_language,
)
from icope_desktop.services.settings import ProfileForm, ServerForm
from icope_desktop.store import local_store
from icope_desktop.store.errors import (
    InvalidData,
    StoreLocked,
    WeakPassphrase,
    WrongPassphrase,
    WrongRecoveryKey,
)
from icope_desktop.store.records import PatientData, Profession
from icope_desktop.store.settings import SettingKey
from icope_desktop.store.vault import FLOOR_KDF

RPPS = "1000345678" + luhn_check_digit("1000345678")
PROFILE = ProfileForm("Durand", "Claire", Profession.NURSE, rpps=RPPS)


def new_session(data_dir) -> AppSession:
    return AppSession(data_dir, kdf=FLOOR_KDF)


def test_constants_match_the_store():
    assert VAULT_FILE == local_store.VAULT_FILE
    assert default_data_dir() == local_store.default_data_dir()


def test_importing_the_session_does_not_load_the_store():
    """Start-up budget (issue 4): the unlock screen appears before the store is loaded."""
    code = (
        "import sys, icope_desktop.services.session\n"
        "print(sorted(m for m in sys.modules if m.startswith(('icope_desktop.store', "
        "'sqlalchemy', 'cryptography', 'sqlcipher3'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_create_saves_profile_server_and_language(tmp_path):
    session = new_session(tmp_path / "data")
    assert not session.has_store()
    steps: list[tuple[int, int]] = []
    result = session.create(
        Setup(PROFILE, PASSPHRASE, ServerForm("http://127.0.0.1:8765/", "tok", True), "en"),
        progress=lambda done, total, label: steps.append((done, total)),
    )
    assert session.has_store() and session.is_unlocked
    assert len(result.recovery_key.split("-")) == 8
    assert steps[-1] == (3, 3)
    store = result.services.store
    assert store.practitioner.get_profile().data.rpps == RPPS
    assert store.settings.get(SettingKey.SERVER_URL) == "http://127.0.0.1:8765/"
    assert store.settings.get(SettingKey.API_TOKEN) == "tok"
    assert read_language(tmp_path / "data") == "en"
    session.lock()


def test_bad_profile_or_weak_passphrase_creates_nothing(tmp_path):
    session = new_session(tmp_path / "data")
    with pytest.raises(InvalidData):
        session.create(Setup(ProfileForm("Durand", "", None), PASSPHRASE))
    with pytest.raises(WeakPassphrase):
        session.create(Setup(PROFILE, "motdepasse"))
    assert not (tmp_path / "data").exists() or not any((tmp_path / "data").iterdir())


def test_lock_closes_the_store_and_unlock_reopens(tmp_path):
    session = new_session(tmp_path / "data")
    services = session.create(Setup(PROFILE, PASSPHRASE)).services
    services.patients.create(PatientData(identity()))
    session.lock()
    assert session.services is None
    with pytest.raises(StoreLocked):
        services.patients.count()
    with pytest.raises(WrongPassphrase):
        session.unlock("Mauvaise-Phrase-2024!")
    assert session.services is None
    reopened = session.unlock(PASSPHRASE)
    assert reopened.patients.count() == 1
    session.lock()


def test_recovery_key_sets_a_new_passphrase(tmp_path):
    session = new_session(tmp_path / "data")
    key = session.create(Setup(PROFILE, PASSPHRASE)).recovery_key
    session.lock()
    session.recover(key.lower(), OTHER_PASSPHRASE)
    session.lock()
    with pytest.raises(WrongPassphrase):
        session.unlock(PASSPHRASE)
    assert session.unlock(OTHER_PASSPHRASE).settings.profile() is not None
    session.lock()


def test_an_unconfirmed_recovery_key_is_remembered_and_can_be_replaced(tmp_path):
    """Quit after set-up, before "I have written it down": the next unlock knows."""
    session = new_session(tmp_path / "data")
    old_key = session.create(Setup(PROFILE, PASSPHRASE)).recovery_key
    session.lock()
    session.unlock(PASSPHRASE)
    assert session.recovery_key_confirmed() is False
    with pytest.raises(WrongPassphrase):
        session.new_recovery_key("pas la bonne")
    new_key = session.new_recovery_key(PASSPHRASE)
    assert new_key != old_key and len(new_key.split("-")) == 8
    session.confirm_recovery_key()
    assert session.recovery_key_confirmed() is True
    session.lock()
    with pytest.raises(WrongRecoveryKey):
        session.recover(old_key, OTHER_PASSPHRASE)
    session.recover(new_key, OTHER_PASSPHRASE)
    session.lock()
    with pytest.raises(StoreLocked):
        session.new_recovery_key(OTHER_PASSPHRASE)


def test_the_demo_needs_no_recovery_key(tmp_path):
    session = AppSession(tmp_path / "data", kdf=FLOOR_KDF, demo=True)
    session.create(Setup(PROFILE, PASSPHRASE))
    assert session.recovery_key_confirmed() is True
    session.lock()


def test_change_passphrase(tmp_path):
    session = new_session(tmp_path / "data")
    session.create(Setup(PROFILE, PASSPHRASE))
    with pytest.raises(WrongPassphrase):
        session.change_passphrase("pas la bonne", OTHER_PASSPHRASE)
    session.change_passphrase(PASSPHRASE, OTHER_PASSPHRASE)
    session.lock()
    session.unlock(OTHER_PASSPHRASE)
    session.lock()
    with pytest.raises(StoreLocked):
        session.change_passphrase(OTHER_PASSPHRASE, PASSPHRASE)


def test_restore_into_a_new_directory_with_passphrase_or_recovery_key(tmp_path):
    source = new_session(tmp_path / "old")
    result = source.create(Setup(PROFILE, PASSPHRASE))
    result.services.patients.create(PatientData(identity(birth_name="Sauvegardée")))
    info = result.services.backups.backup(tmp_path / "bak" / "copie")
    assert info.path.name == "copie.icopebak"
    source.lock()

    fresh = new_session(tmp_path / "new-laptop")
    services, report = fresh.restore(info.path, PASSPHRASE)
    assert [s.birth_name for s in services.patients.search("sauv")] == ["Sauvegardée"]
    assert report.replaced_dir is None
    fresh.lock()

    other = new_session(tmp_path / "third")
    with pytest.raises(InvalidData) as caught:
        other.restore(info.path, result.recovery_key)
    assert set(caught.value.problems) == {"new_passphrase"}
    services, _report = other.restore(
        info.path, result.recovery_key, new_passphrase=OTHER_PASSPHRASE
    )
    assert services.patients.count() == 1
    other.lock()
    assert other.unlock(OTHER_PASSPHRASE).patients.count() == 1
    other.lock()
