"""Settings live in the encrypted store, with defaults and checks."""

from __future__ import annotations

import pytest

from icope_desktop.store.errors import InvalidData
from icope_desktop.store.settings import DEFAULTS, SettingKey


def test_defaults(repos):
    assert repos.settings.all() == DEFAULTS
    assert repos.settings.get(SettingKey.FOLLOW_UP_MONTHS) == 6
    assert repos.settings.get(SettingKey.LANGUAGE) == "fr"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        (SettingKey.SERVER_URL, "https://icope.paysdelaloire.example"),
        (SettingKey.SERVER_URL, "http://localhost:8000"),
        (SettingKey.API_TOKEN, "abc.def.ghi"),
        (SettingKey.LANGUAGE, "en"),
        (SettingKey.AUTO_LOCK_MINUTES, 15),
        (SettingKey.AUTO_SYNC, False),
        (SettingKey.FOLLOW_UP_MONTHS, 4),
    ],
)
def test_set_and_get(repos, key, value):
    repos.settings.set(key, value)
    assert repos.settings.get(key) == value


@pytest.mark.parametrize(
    ("key", "value"),
    [
        (SettingKey.SERVER_URL, "http://icope.example.org"),  # no TLS
        (SettingKey.SERVER_URL, "icope.example.org"),
        (SettingKey.API_TOKEN, ""),
        (SettingKey.LANGUAGE, "de"),
        (SettingKey.AUTO_LOCK_MINUTES, 0),
        (SettingKey.AUTO_SYNC, "yes"),
        (SettingKey.FOLLOW_UP_MONTHS, 3),
        (SettingKey.FOLLOW_UP_MONTHS, 13),
    ],
)
def test_bad_values_are_refused(repos, key, value):
    with pytest.raises(InvalidData) as caught:
        repos.settings.set(key, value)
    assert caught.value.messages("fr")[key.value]
    assert repos.settings.get(key) == DEFAULTS[key]


def test_follow_up_setting_drives_due_dates(repos):
    repos.settings.set(SettingKey.FOLLOW_UP_MONTHS, 12)
    assert repos.settings.get(SettingKey.FOLLOW_UP_MONTHS) == 12
