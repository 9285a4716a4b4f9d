"""SettingsService: checked settings in the encrypted store, the language mirrored outside."""

from __future__ import annotations

import json

import pytest
from store.factories import PASSPHRASE

from icope_desktop.services.container import build_services
from icope_desktop.services.identifiers import luhn_check_digit
from icope_desktop.services.session import PREFERENCES_FILE, read_language
from icope_desktop.services.settings import (
    PROFESSION_LABELS,
    ProfileForm,
    ServerForm,
    check_profile,
    check_server,
)
from icope_desktop.store import Store
from icope_desktop.store.errors import InvalidData
from icope_desktop.store.records import Profession
from icope_desktop.store.settings import SettingKey
from icope_desktop.store.vault import FLOOR_KDF

RPPS = "1000345678" + luhn_check_digit("1000345678")


@pytest.fixture
def services(tmp_path):
    store, _key = Store.create(tmp_path / "data", PASSPHRASE, kdf=FLOOR_KDF)
    built = build_services(store)
    yield built
    built.close()


def test_the_eight_professions_have_french_and_english_labels():
    assert set(PROFESSION_LABELS) == set(Profession)
    french = {label.fr for label in PROFESSION_LABELS.values()}
    assert {"Infirmier(ère)", "Masseur-kinésithérapeute", "Chirurgien-dentiste"} <= french


def test_profile_refuses_a_bad_rpps_key_and_missing_fields():
    bad = RPPS[:-1] + str((int(RPPS[-1]) + 3) % 10)
    with pytest.raises(InvalidData) as caught:
        check_profile(ProfileForm(last_name="", first_name="Claire", profession=None, rpps=bad))
    assert set(caught.value.problems) == {"last_name", "profession", "rpps"}


def test_profile_is_saved_cleaned(services):
    services.settings.save_profile(
        ProfileForm(" Durand ", "Claire", Profession.NURSE, rpps=f" {RPPS}", phone="0612345678",
                    address=" 4  rue de la Paix ", postal_code="44000 ", city=" Nantes")
    )
    profile = services.settings.profile()
    assert profile is not None
    assert (profile.data.last_name, profile.data.rpps) == ("Durand", RPPS)
    assert (profile.data.address, profile.data.postal_code, profile.data.city) == (
        "4 rue de la Paix", "44000", "Nantes",
    )  # fmt: skip
    services.settings.save_profile(ProfileForm("Durand", "Claire", Profession.NURSE))
    assert services.settings.profile().data.address is None  # cleared, not kept


def test_profile_postal_code_has_five_digits():
    with pytest.raises(InvalidData) as caught:
        check_profile(ProfileForm("Durand", "Claire", Profession.NURSE, postal_code="4400"))
    assert set(caught.value.problems) == {"postal_code"}


def test_server_settings_follow_the_store_rules():
    with pytest.raises(InvalidData) as caught:
        check_server(ServerForm(url="http://icope.example.fr/"))
    assert set(caught.value.problems) == {"server_url"}
    assert check_server(ServerForm(url="", token="", auto_sync=False)) == {
        SettingKey.SERVER_URL: None,
        SettingKey.AUTO_SYNC: False,
    }
    values = check_server(ServerForm(url="http://127.0.0.1:8765/", token="t0k"))
    assert values[SettingKey.API_TOKEN] == "t0k"


def test_general_settings_persist_and_language_is_mirrored(services):
    services.settings.save_general(language="en", auto_lock_minutes=10)
    settings = services.settings.get()
    assert (settings.language, settings.auto_lock_minutes) == ("en", 10)
    assert read_language(services.store.data_dir) == "en"
    mirrored = json.loads((services.store.data_dir / PREFERENCES_FILE).read_text())
    assert mirrored == {"language": "en"}, "nothing but the language lives outside the store"


def test_a_bad_auto_lock_delay_changes_nothing(services):
    with pytest.raises(InvalidData) as caught:
        services.settings.save_general(language="fr", auto_lock_minutes=0)
    assert set(caught.value.problems) == {"auto_lock_minutes"}
    assert services.settings.get().auto_lock_minutes == 5
    assert not (services.store.data_dir / PREFERENCES_FILE).exists()


def test_empty_token_keeps_the_stored_token(services):
    services.settings.save_server(ServerForm(url="https://icope.example.fr/", token="secret"))
    services.settings.save_server(ServerForm(url="https://icope.example.fr/", token=""))
    assert services.store.settings.get(SettingKey.API_TOKEN) == "secret"
    assert services.settings.get().has_token
    services.settings.forget_token()
    assert not services.settings.get().has_token


def test_unreadable_preferences_fall_back_to_french(tmp_path):
    (tmp_path / PREFERENCES_FILE).write_text("{not json")
    assert read_language(tmp_path) == "fr"
    (tmp_path / PREFERENCES_FILE).write_text('{"language": "de"}')
    assert read_language(tmp_path) == "fr"
