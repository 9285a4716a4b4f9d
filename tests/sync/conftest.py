"""Fixtures of the sync tests: a real server on 127.0.0.1, a real encrypted store.

The server is the reference `icope_server` started in a thread exactly as tests/server
does (`running_server`), on a fresh SQLite file per test module; each test gets its own
practitioner account (token), so counts are per practitioner and never leak between
tests. Stores are real SQLCipher stores at the floor KDF parameters, copied from one
template per session (each copy costs one unlock, ~0.2 s).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from server.conftest import LiveServer, Practitioner, running_server, server_settings

from icope_desktop.services.alerts import AlertsService
from icope_desktop.services.billing import BillingService
from icope_desktop.services.sync import SyncService
from icope_desktop.store.billing import TariffTable
from icope_desktop.store.local_store import Store
from icope_desktop.store.settings import SettingKey
from icope_desktop.sync.transport import HttpTransport, RetryPolicy
from sync.workload import Practice, copy_store, create_store, set_up_practice, tariffs

TEST_TIMEOUT = httpx.Timeout(1.0, connect=1.0)


@dataclass
class Sleeps:
    """Injected sleep: records the backoff delays instead of waiting them out."""

    delays: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@dataclass
class Desk:
    """One practitioner's laptop: store, services, and his account on the server."""

    store: Store
    practice: Practice
    sync: SyncService
    alerts: AlertsService
    billing: BillingService
    account: Practitioner
    sleeps: Sleeps
    tariffs: TariffTable

    def point_at(self, url: str) -> None:
        self.store.settings.set(SettingKey.SERVER_URL, url)


@pytest.fixture(scope="session")
def tariff_table(tmp_path_factory) -> TariffTable:
    return tariffs(tmp_path_factory.mktemp("tariffs"))


@pytest.fixture(scope="session")
def store_template(tmp_path_factory, tariff_table) -> Path:
    data_dir = tmp_path_factory.mktemp("store-template") / "data"
    store = create_store(data_dir, tariff_table)
    store.close()
    return data_dir


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("server")
    with running_server(server_settings(f"sqlite:///{folder}/server.db")) as server:
        yield server


def make_desk(
    tmp_path: Path,
    store_template: Path,
    table: TariffTable,
    live: LiveServer,
    *,
    name: str = "desk",
    territories: tuple[str, ...] = ("44",),
    url: str | None = None,
) -> Desk:
    """A laptop from a template store; a template that already has a practitioner (a
    prepared week of work) keeps its records, a bare one gets a practice set up."""
    store = copy_store(store_template, tmp_path / name, table)
    account = live.new_practitioner(territories)
    profile = store.practitioner.get_profile()
    if profile is None:
        practice = set_up_practice(store, rpps=account.rpps)
    else:
        practice = Practice(store, profile.id, store.gps.search_gps("Le Gall")[0].id)
    store.settings.set(SettingKey.SERVER_URL, url or live.url)
    store.settings.set(SettingKey.API_TOKEN, account.token)
    sleeps = Sleeps()
    retry = RetryPolicy(attempts=8, base_seconds=0.05, cap_seconds=1.0,
                        random=_seeded_random(), sleep=sleeps)

    def transport(base: str, token: str | None, policy: RetryPolicy) -> HttpTransport:
        return HttpTransport(base, token, retry=policy, timeout=TEST_TIMEOUT)

    sync = SyncService(store.repos, tariffs=table, retry=retry, transport_factory=transport)
    return Desk(
        store=store,
        practice=practice,
        sync=sync,
        alerts=AlertsService(store.repos),
        billing=BillingService(store.repos, table),
        account=account,
        sleeps=sleeps,
        tariffs=table,
    )


def _seeded_random() -> object:
    import random

    return random.Random(11).random


@pytest.fixture
def desk(tmp_path, store_template, tariff_table, live) -> Iterator[Desk]:
    made = make_desk(tmp_path, store_template, tariff_table, live)
    yield made
    made.store.close()


@pytest.fixture
def no_cancel() -> threading.Event:
    return threading.Event()
